import { expect, test, type Page } from '@playwright/test';
import { freshPage, screenText, terminal, typeLine } from './page-helpers';

// Reset wipes everything after a confirmation: the members' disks, the terminal history and
// the lesson progress. From the terminal (`playground reset`, which asks) and from the cluster
// view's button (which asks, then runs `playground reset --yes` in the terminal).

test.beforeEach(async ({ page }) => {
	await freshPage(page);
});

const PROGRESS = 'etcd-playground/lesson-progress';
const HISTORY = 'etcd-playground/history';

async function revisions(page: Page): Promise<string[]> {
	return page.locator('[data-testid=members] [data-testid=revision]').allInnerTexts();
}

async function expectFresh(page: Page) {
	await expect(page.getByTestId('cluster-state')).toContainText('leader etcd-', {
		timeout: 20_000
	});
	await expect.poll(() => revisions(page), { timeout: 10_000 }).toEqual(['1', '1', '1']);
	expect(await page.evaluate((k) => localStorage.getItem(k), PROGRESS)).toBeNull();
	// History is gone: Up at the prompt brings back nothing.
	const term = terminal(page);
	await expect.poll(() => screenText(term)).toContain('root@etcd-1:~#');
	await term.click();
	await page.keyboard.press('ArrowUp');
	await page.waitForTimeout(200);
	expect((await screenText(term)).trimEnd().split('\n').at(-1)).toBe('root@etcd-1:~#');
	await typeLine(page, term, 'etcdctl get remember --print-value-only; echo "[$?]"');
	await expect.poll(() => screenText(term)).toMatch(/^\[0\]$/m);
	expect(await screenText(term)).not.toMatch(/^kept$/m);
}

test('playground reset asks, then wipes the cluster, history and lessons', async ({ page }) => {
	test.setTimeout(90_000);
	const term = terminal(page);
	await typeLine(page, term, 'echo history-line');
	await typeLine(page, term, 'etcdctl put remember kept');
	await expect.poll(() => screenText(term)).toMatch(/^OK$/m);
	await expect.poll(() => revisions(page)).toEqual(['2', '2', '2']);
	await page.evaluate((k) => localStorage.setItem(k, '{"counters":[0,1]}'), PROGRESS);
	expect(await page.evaluate((k) => localStorage.getItem(k), HISTORY)).toContain('history-line');

	// No: nothing happens.
	await typeLine(page, term, 'playground reset');
	await expect
		.poll(() => screenText(term))
		.toContain('Wipe the cluster, terminal history and lesson progress? [y/N] ');
	await page.keyboard.type('n');
	await page.keyboard.press('Enter');
	await expect.poll(() => screenText(term)).toMatch(/^reset cancelled$/m);
	await typeLine(page, term, 'etcdctl get remember --print-value-only');
	await expect.poll(() => screenText(term)).toMatch(/^kept$/m);

	// Yes: the page reloads into a fresh cluster with no history and no lesson progress.
	await typeLine(page, term, 'playground reset');
	await expect.poll(async () => (await screenText(term)).match(/\[y\/N\]/g)?.length).toBe(2);
	await Promise.all([
		page.waitForEvent('load', { timeout: 30_000 }),
		(async () => {
			await page.keyboard.type('y');
			await page.keyboard.press('Enter');
		})()
	]);
	await expectFresh(page);
});

test('the Reset button asks, then runs playground reset --yes', async ({ page }) => {
	test.setTimeout(90_000);
	const term = terminal(page);
	await typeLine(page, term, 'etcdctl put remember kept');
	await expect.poll(() => revisions(page)).toEqual(['2', '2', '2']);
	await page.evaluate((k) => localStorage.setItem(k, '{"counters":[0]}'), PROGRESS);
	await page.locator('button[data-action=reset]').click();
	const confirm = page.locator('button[data-action=reset-confirm]');
	await expect(confirm).toBeVisible();
	// Cancel keeps everything.
	await page.getByRole('button', { name: 'Cancel' }).click();
	await expect(confirm).toHaveCount(0);
	await page.locator('button[data-action=reset]').click();
	await Promise.all([page.waitForEvent('load', { timeout: 30_000 }), confirm.click()]);
	await expectFresh(page);
});

test('a reset in a second tab resets the owner tab too', async ({ page, context }) => {
	test.setTimeout(120_000);
	const term = terminal(page);
	await typeLine(page, term, 'echo from-owner');
	await typeLine(page, term, 'etcdctl put remember kept');
	await expect.poll(() => revisions(page)).toEqual(['2', '2', '2']);
	const second = await context.newPage();
	await second.goto('/');
	await expect(second.getByTestId('cluster-state')).toContainText('leader etcd-', {
		timeout: 30_000
	});
	expect(await second.evaluate(() => (window as any).etcdPlayground.manager.role)).toBe('guest');
	const term2 = terminal(second);
	// Both tabs reload: the guest asked, the owner (which runs the members) wiped them.
	const reloaded = Promise.all([
		page.waitForEvent('load', { timeout: 30_000 }),
		second.waitForEvent('load', { timeout: 30_000 })
	]);
	await typeLine(second, term2, 'playground reset --yes');
	await reloaded;
	await expectFresh(page);
	await expect(second.getByTestId('cluster-state')).toContainText('leader etcd-', {
		timeout: 30_000
	});
	await expect.poll(() => revisions(second), { timeout: 10_000 }).toEqual(['1', '1', '1']);
	await second.close();
});
