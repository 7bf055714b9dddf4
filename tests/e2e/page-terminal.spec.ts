import { expect, test } from '@playwright/test';
import { freshPage, screenText, terminal, typeLine } from './page-helpers';

// The terminal as a learner uses it: a prompt on the member's host, bash lines, line editing,
// history that survives a reload, Ctrl-C and Ctrl-L, and the playground command.

test.beforeEach(async ({ page }) => {
	await freshPage(page);
});

test('the prompt is a host prompt and lines run in the shell', async ({ page }) => {
	const term = terminal(page);
	await expect.poll(() => screenText(term)).toContain('root@etcd-1:~#');
	await typeLine(page, term, 'echo "hello $((6*7))" | tr a-z A-Z');
	await expect.poll(() => screenText(term)).toContain('HELLO 42');
	await typeLine(page, term, 'playground status');
	await expect.poll(() => screenText(term)).toMatch(/NAME\s+STATE\s+TERM/);
	await expect.poll(() => screenText(term)).toMatch(/etcd-\d\s+Leader/);
});

test('line editing, history across reloads, Ctrl-C and Ctrl-L', async ({ page }) => {
	const term = terminal(page);
	await term.click();
	await page.keyboard.type('cho edited');
	await page.keyboard.press('Home');
	await page.keyboard.type('e');
	await page.keyboard.press('End');
	await page.keyboard.type(' line');
	await page.keyboard.press('Enter');
	await expect.poll(() => screenText(term)).toContain('edited line\n');
	// Ctrl-U clears a half-typed line; Ctrl-W removes a word.
	await page.keyboard.type('echo junk words');
	await page.keyboard.press('Control+w');
	await page.keyboard.press('Control+w');
	await page.keyboard.type('kept');
	await page.keyboard.press('Enter');
	await expect.poll(() => screenText(term)).toMatch(/^kept$/m);
	// Ctrl-C on a running command stops it and gives the prompt back.
	await typeLine(page, term, 'sleep 30');
	await page.keyboard.press('Control+c');
	await expect.poll(() => screenText(term)).toMatch(/sleep 30\n\^C\nroot@etcd-1:~#\s*$/);
	await typeLine(page, term, 'echo "status $?"');
	await expect.poll(() => screenText(term)).toContain('status 130');
	// Ctrl-L clears the screen.
	await page.keyboard.type('echo after');
	await page.keyboard.press('Control+l');
	await expect.poll(async () => (await screenText(term)).trim()).toBe('root@etcd-1:~# echo after');
	await page.keyboard.press('Control+u');
	// History (Up) survives a reload; Ctrl-R searches it.
	await page.reload();
	await expect(page.getByTestId('cluster-state')).toContainText('Cluster ready', {
		timeout: 20_000
	});
	const again = terminal(page);
	await again.click();
	await page.keyboard.press('ArrowUp');
	await expect.poll(() => screenText(again)).toContain('root@etcd-1:~# echo "status $?"');
	await page.keyboard.press('ArrowUp');
	await expect.poll(() => screenText(again)).toContain('root@etcd-1:~# sleep 30');
	await page.keyboard.press('Control+u');
	await page.keyboard.press('Control+r');
	await page.keyboard.type('edited');
	await expect
		.poll(() => screenText(again))
		.toContain("(reverse-i-search)`edited': echo edited line");
	await page.keyboard.press('Enter');
	await expect.poll(() => screenText(again)).toContain('edited line\n');
});

test('Tab completes commands and playground arguments', async ({ page }) => {
	const term = terminal(page);
	await term.click();
	await page.keyboard.type('playg');
	await page.keyboard.press('Tab');
	await page.keyboard.type('st');
	await page.keyboard.press('Tab');
	await page.keyboard.press('Enter');
	await expect.poll(() => screenText(term)).toContain('root@etcd-1:~# playground status');
	await expect.poll(() => screenText(term)).toMatch(/NAME\s+STATE/);
});
