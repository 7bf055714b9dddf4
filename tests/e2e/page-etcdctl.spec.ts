import { expect, test } from '@playwright/test';
import { freshPage, screenText, terminal, typeLine } from './page-helpers';

// etcdctl in the page's terminals, as the seed guides use it: put and get in one terminal, and
// a watch in one terminal firing on a put typed into another (on another member's host).

test.beforeEach(async ({ page }) => {
	await freshPage(page);
});

test('etcdctl put and get in the terminal', async ({ page }) => {
	const term = terminal(page);
	await typeLine(page, term, 'etcdctl put foo bar');
	await expect.poll(() => screenText(term)).toMatch(/etcdctl put foo bar\nOK\n/);
	await typeLine(page, term, 'etcdctl get foo');
	await expect.poll(() => screenText(term)).toMatch(/etcdctl get foo\nfoo\nbar\n/);
	// Tab completes an existing key.
	await term.click();
	await page.keyboard.type('etcdctl get f');
	await page.keyboard.press('Tab');
	await expect.poll(() => screenText(term)).toContain('root@etcd-1:~# etcdctl get foo ');
});

test('two terminals: a watch in one fires on a put in the other', async ({ page }) => {
	await page.setViewportSize({ width: 1600, height: 900 });
	await page.locator('#new-host').selectOption('etcd-2');
	await page.getByTestId('new-terminal').click();
	await page.getByTestId('split').click();
	const one = terminal(page, 'etcd-1');
	const two = terminal(page, 'etcd-2');
	await expect(one).toBeVisible();
	await expect(two).toBeVisible();
	await expect.poll(() => screenText(two)).toContain('root@etcd-2:~#');
	await typeLine(page, one, 'etcdctl watch /registry/ --prefix');
	// The watch is running: the first terminal shows no new prompt.
	await page.waitForTimeout(300);
	await typeLine(page, two, 'etcdctl put /registry/pods/default/web running');
	await expect.poll(() => screenText(two)).toContain('OK');
	await expect
		.poll(() => screenText(one))
		.toMatch(/etcdctl watch \/registry\/ --prefix\nPUT\n\/registry\/pods\/default\/web\nrunning/);
	// Ctrl-C stops the watch and gives the prompt back.
	await one.click();
	await page.keyboard.press('Control+c');
	await expect.poll(() => screenText(one)).toMatch(/\^C\nroot@etcd-1:~#\s*$/);
});
