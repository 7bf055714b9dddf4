import { expect, test } from '@playwright/test';
import { freshPage, screenText, terminal } from './page-helpers';

// The cluster view as a learner uses it: kill the leader with its button and watch a new one
// get elected, isolate a member and see the cut links; every button runs its command in the
// terminal, and the timeline records the faults.

test.beforeEach(async ({ page }) => {
	await freshPage(page);
});

test('killing the leader from the cluster view elects a new one', async ({ page }) => {
	const leaderCard = page.locator('[data-testid=members] li[data-role=leader]');
	await expect(leaderCard).toHaveCount(1);
	const old = (await leaderCard.getAttribute('data-member'))!;
	await leaderCard.locator('button[data-action=kill]').click();
	const term = terminal(page);
	await expect.poll(() => screenText(term)).toContain(`root@etcd-1:~# playground kill ${old}`);
	await expect.poll(() => screenText(term)).toContain(`killed ${old}`);
	await expect(page.locator(`[data-testid=members] li[data-member=${old}]`)).toHaveAttribute(
		'data-role',
		'down'
	);
	const next = page.locator('[data-testid=members] li[data-role=leader]');
	await expect(next).toHaveCount(1, { timeout: 15_000 });
	expect(await next.getAttribute('data-member')).not.toBe(old);
	await expect(page.locator(`[data-testid=node][data-member=${old}]`)).toHaveAttribute(
		'data-role',
		'down'
	);
	// The timeline has the fault and the new leader.
	await page.getByRole('tab', { name: 'Timeline' }).click();
	const timeline = page.getByTestId('timeline');
	await expect(timeline.locator('li[data-kind=fault]')).toContainText(`${old} down`);
	await expect(timeline.locator('li[data-kind=leader]').first()).toContainText('leader, term');
	// Restart brings it back as a follower.
	await page
		.locator(`[data-testid=members] li[data-member=${old}] button[data-action=restart]`)
		.click();
	await expect(page.locator(`[data-testid=members] li[data-member=${old}]`)).toHaveAttribute(
		'data-role',
		'follower',
		{ timeout: 15_000 }
	);
	await expect.poll(() => screenText(term)).toContain(`restarted ${old}`);
});

test('isolating a member draws cut links; heal restores them', async ({ page }) => {
	await page
		.locator('[data-testid=members] li[data-member=etcd-3] button[data-action=isolate]')
		.click();
	await expect(page.getByTestId('faults')).toHaveText('partition etcd-3');
	await expect(page.locator('line[data-cut]')).toHaveCount(2);
	await expect.poll(() => screenText(terminal(page))).toContain('isolated etcd-3');
	await page
		.locator('[data-testid=members] li[data-member=etcd-3] button[data-action=heal]')
		.click();
	await expect(page.locator('line[data-cut]')).toHaveCount(0);
	await expect(page.getByTestId('faults')).toHaveCount(0);
});

test('raft messages are drawn as they flow, and the animation pauses', async ({ page }) => {
	await expect(page.locator('circle.msg').first()).toBeAttached({ timeout: 5000 });
	await page.getByTestId('pause').click();
	const count = await page.locator('circle.msg').count();
	const positions = await page
		.locator('circle.msg')
		.evaluateAll((cs) => cs.map((c) => c.getAttribute('cx')));
	await page.waitForTimeout(400);
	expect(await page.locator('circle.msg').count()).toBe(count);
	expect(
		await page.locator('circle.msg').evaluateAll((cs) => cs.map((c) => c.getAttribute('cx')))
	).toEqual(positions);
	await page.getByTestId('pause').click();
});

test('transfer leadership from the cluster view (etcdctl move-leader)', async ({ page }) => {
	const follower = page.locator('[data-testid=members] li[data-role=follower]').first();
	const name = (await follower.getAttribute('data-member'))!;
	await follower.locator('button[data-action=transfer]').click();
	await expect.poll(() => screenText(terminal(page))).toContain('move-leader');
	await expect.poll(() => screenText(terminal(page))).toContain('Leadership transferred');
	await expect(page.locator(`[data-testid=members] li[data-member=${name}]`)).toHaveAttribute(
		'data-role',
		'leader',
		{ timeout: 10_000 }
	);
});
