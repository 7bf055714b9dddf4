import { expect, test, type Page } from '@playwright/test';
import { freshPage, screenText, terminal, typeLine, withClient } from './page-helpers';

// The cluster view's remaining controls as a learner uses them: add and remove a member, the
// partition picker, the latency select and the message animation's speed; each runs its
// command in the terminal. And copy and paste in the terminal through the clipboard.

test.beforeEach(async ({ page }) => {
	await freshPage(page);
});

const card = (page: Page, name: string) =>
	page.locator(`[data-testid=members] li[data-member=${name}]`);

test('add a member, then remove it, from the cluster view', async ({ page }) => {
	test.setTimeout(90_000);
	const term = terminal(page);
	await page.locator('button[data-action=add-member]').click();
	await expect.poll(() => screenText(term)).toContain('root@etcd-1:~# playground member add');
	await expect.poll(() => screenText(term), { timeout: 20_000 }).toContain('added etcd-4');
	await expect(card(page, 'etcd-4')).toHaveAttribute('data-role', 'follower', { timeout: 20_000 });
	await expect(page.locator('[data-testid=node][data-member=etcd-4]')).toBeAttached();
	// The new member has the data: it caught up with the leader.
	await typeLine(page, term, 'etcdctl put joined yes');
	await typeLine(page, term, 'etcdctl --endpoints=etcd-4:2379 get joined --print-value-only');
	await expect.poll(() => screenText(term), { timeout: 15_000 }).toMatch(/^yes$/m);
	await typeLine(page, term, 'etcdctl member list | wc -l');
	await expect.poll(() => screenText(term)).toMatch(/member list \| wc -l\n4\n/);

	await card(page, 'etcd-4').locator('button[data-action=remove]').click();
	await expect
		.poll(() => screenText(term))
		.toContain('root@etcd-1:~# playground member remove etcd-4');
	await expect.poll(() => screenText(term), { timeout: 20_000 }).toContain('removed etcd-4');
	await expect(card(page, 'etcd-4')).toHaveCount(0, { timeout: 10_000 });
	await expect(page.locator('[data-testid=node][data-member=etcd-4]')).toHaveCount(0);
	await typeLine(page, term, 'etcdctl member list | wc -l');
	await expect.poll(() => screenText(term)).toMatch(/member list \| wc -l\n3\n/);
});

test('the partition picker cuts the chosen members off; heal joins them', async ({ page }) => {
	const picker = page.getByTestId('partition-picker');
	await picker.locator('summary').click();
	const cut = picker.locator('button[data-action=partition]');
	// Nobody chosen, or everybody: there is nothing to cut.
	await expect(cut).toBeDisabled();
	await picker.getByLabel('etcd-1').check();
	await picker.getByLabel('etcd-2').check();
	await expect(cut).toBeEnabled();
	await cut.click();
	await expect(picker).not.toHaveAttribute('open');
	const term = terminal(page);
	await expect
		.poll(() => screenText(term))
		.toContain('root@etcd-1:~# playground partition etcd-1 etcd-2 / etcd-3');
	await expect.poll(() => screenText(term)).toContain('partitioned: etcd-1 etcd-2 / etcd-3');
	await expect(page.getByTestId('faults')).toHaveText('partition etcd-1 etcd-2 / etcd-3');
	// etcd-3 is cut from both others: two links drawn broken.
	await expect(page.locator('line[data-cut]')).toHaveCount(2);
	await expect(card(page, 'etcd-3').locator('button[data-action=heal]')).toBeVisible();
	// The majority side keeps (or elects) the leader; etcd-3 alone cannot lead.
	await expect(page.locator('[data-testid=members] li[data-role=leader]')).not.toHaveAttribute(
		'data-member',
		'etcd-3',
		{ timeout: 15_000 }
	);
	await page.locator('button[data-action=heal-all]').click();
	await expect.poll(() => screenText(term)).toContain('network healed');
	await expect(page.locator('line[data-cut]')).toHaveCount(0);
	await expect(page.getByTestId('faults')).toHaveCount(0);
});

test('the latency select slows every message; heal puts it back', async ({ page }) => {
	test.setTimeout(90_000);
	const latency = page.getByTestId('latency');
	await expect(latency).toHaveValue('0ms');
	// A write needs the leader's append and a follower's answer: two one-way delays.
	const putMs = () =>
		withClient(
			page,
			async (c) => {
				const t0 = performance.now();
				await c.put({ key: new TextEncoder().encode('lat'), value: new Uint8Array([1]) });
				return performance.now() - t0;
			},
			undefined,
			{ commandTimeoutMs: 20_000 }
		);
	await putMs();
	// 100ms, not 500ms: a 1 s round trip is as long as etcd's default election timeout, and on a
	// loaded machine the leader then changes as it would in a real cluster (the put times out).
	await latency.selectOption('100ms');
	const term = terminal(page);
	await expect.poll(() => screenText(term)).toContain('root@etcd-1:~# playground latency 100ms');
	await expect.poll(() => screenText(term)).toMatch(/^latency 100ms$/m);
	await expect(page.getByTestId('faults')).toHaveText('latency 100ms');
	const slow = await putMs();
	expect(slow).toBeGreaterThanOrEqual(200);
	// Heal from the terminal: the select follows the cluster's state.
	await typeLine(page, term, 'playground heal');
	await expect(latency).toHaveValue('0ms');
	await expect(page.getByTestId('faults')).toHaveCount(0);
	expect(await putMs()).toBeLessThan(slow);
	// A latency typed in the terminal shows in the select too.
	await typeLine(page, term, 'playground latency 50ms');
	await expect(latency).toHaveValue('50ms');
});

test('slow motion keeps messages on screen longer; pause freezes them', async ({ page }) => {
	const speed = page.getByTestId('speed');
	const msgs = page.locator('circle.msg');
	await expect(msgs.first()).toBeAttached({ timeout: 5000 });
	// Mark the messages on screen, wait, and count how many are still travelling.
	const track = () =>
		page.evaluate(() => {
			(window as any).__tracked = [...document.querySelectorAll('circle.msg')];
			return (window as any).__tracked.length as number;
		});
	const stillFlying = () =>
		page.evaluate(
			() => ((window as any).__tracked as Element[]).filter((c) => c.isConnected).length
		);
	await speed.selectOption({ label: '⅒×' });
	await page.waitForTimeout(300);
	await expect.poll(track).toBeGreaterThan(0);
	const before = await msgs.first().getAttribute('cx');
	await page.waitForTimeout(1500);
	// At a tenth of the speed a message takes about 4.5 s to cross: most are still on the way.
	expect(await stillFlying()).toBeGreaterThan(0);
	expect(await msgs.first().getAttribute('cx')).not.toBe(before);
	await speed.selectOption({ label: '1×' });
	await page.waitForTimeout(300);
	await expect.poll(track).toBeGreaterThan(0);
	// At full speed the same wait sees them all arrive.
	await expect.poll(stillFlying, { timeout: 3000 }).toBe(0);
	// Pause: nothing moves, nothing arrives, nothing new is drawn; resume moves them again.
	await page.getByTestId('pause').click();
	await expect(page.getByTestId('pause')).toHaveAttribute('aria-pressed', 'true');
	const frozen = await msgs.evaluateAll((cs) => cs.map((c) => c.getAttribute('cx')));
	await page.waitForTimeout(800);
	expect(await msgs.evaluateAll((cs) => cs.map((c) => c.getAttribute('cx')))).toEqual(frozen);
	await page.getByTestId('pause').click();
	await expect(page.getByTestId('pause')).toHaveAttribute('aria-pressed', 'false');
	await expect
		.poll(() => msgs.evaluateAll((cs) => cs.map((c) => c.getAttribute('cx'))))
		.not.toEqual(frozen);
});

test('copy a selection from the terminal and paste it back', async ({ page, context }) => {
	await context.grantPermissions(['clipboard-read', 'clipboard-write']);
	const term = terminal(page);
	await typeLine(page, term, 'echo copy-me-$((40+2))');
	await expect.poll(() => screenText(term)).toMatch(/^copy-me-42$/m);
	// Double-click selects the word, Ctrl-C copies it (and interrupts nothing).
	const row = term.locator('.xterm-rows > div', { hasText: /^copy-me-42\s*$/ });
	// xterm's screen layer takes the mouse, as it does for a learner's.
	await row.dblclick({ position: { x: 20, y: 5 }, force: true });
	await page.keyboard.press('Control+c');
	await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('copy-me-42');
	expect(await screenText(term)).not.toContain('^C');
	// Ctrl-V pastes at the prompt.
	await term.click();
	await page.keyboard.type('echo pasted:');
	await page.keyboard.press('Control+v');
	await expect.poll(() => screenText(term)).toContain('root@etcd-1:~# echo pasted:copy-me-42');
	await page.keyboard.press('Enter');
	await expect.poll(() => screenText(term)).toMatch(/^pasted:copy-me-42$/m);
	// A pasted script runs line by line; Ctrl-Shift-C copies a selection too.
	await page.evaluate(() => navigator.clipboard.writeText('echo first\necho second\n'));
	await page.keyboard.press('Control+v');
	await expect.poll(() => screenText(term)).toMatch(/^first\n[^\n]*echo second\nsecond$/m);
	const second = term.locator('.xterm-rows > div', { hasText: /^second\s*$/ });
	await second.dblclick({ position: { x: 10, y: 5 }, force: true });
	await page.keyboard.press('Control+Shift+C');
	await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('second');
});
