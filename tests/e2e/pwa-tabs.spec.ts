import { expect, test, type Page } from '@playwright/test';
import { freshPage, screenText, terminal, typeLine } from './page-helpers';

// Two tabs of the origin share one cluster: the first holds the Web Lock and runs the member
// workers; the second attaches to it as another terminal and never starts a member of its own
// on the same databases. When the owner closes, the other tab takes over from IndexedDB.

/** The member workers this page runs (the page's own, not Monaco's or another tab's). */
async function memberWorkers(page: Page): Promise<string[]> {
	return page
		.workers()
		.map((w) => w.url())
		.filter((u) => /\/workers\/member\/|index-[\w-]+\.js$/.test(u) && !/\.worker-/.test(u));
}

async function role(page: Page): Promise<string> {
	return page.evaluate(() => (window as any).etcdPlayground.manager.role);
}

async function get(page: Page, key: string): Promise<string | null> {
	return page.evaluate(async (k) => {
		const pg = (window as any).etcdPlayground;
		const c = await pg.clients.connect({
			endpoints: ['127.0.0.1:2379'],
			dialTimeoutMs: 5000,
			commandTimeoutMs: 10_000
		});
		const r = await c.range({ key: new TextEncoder().encode(k) });
		c.close();
		return r.kvs.length ? new TextDecoder().decode(r.kvs[0].value) : null;
	}, key);
}

test('a second tab attaches to the owner tab’s cluster and takes over when it closes', async ({
	page,
	context
}) => {
	test.setTimeout(150_000);
	await freshPage(page);
	expect(await role(page)).toBe('owner');
	await expect.poll(() => memberWorkers(page).then((w) => w.length)).toBe(3);

	const second = await context.newPage();
	await second.goto('/');
	await expect(second.getByTestId('cluster-state')).toContainText('leader etcd-', {
		timeout: 30_000
	});
	expect(await role(second)).toBe('guest');
	// Only the owner runs members: the second tab has no member worker at all.
	expect(await memberWorkers(second)).toEqual([]);
	expect(await memberWorkers(page)).toHaveLength(3);

	// The second tab is a full terminal on the same cluster: writes go both ways.
	const term2 = terminal(second);
	await typeLine(second, term2, 'etcdctl put from-second tab2');
	await expect.poll(() => screenText(term2), { timeout: 15_000 }).toContain('OK');
	expect(await get(page, 'from-second')).toBe('tab2');
	const term1 = terminal(page);
	await typeLine(page, term1, 'etcdctl put from-first tab1');
	await expect.poll(() => screenText(term1), { timeout: 15_000 }).toContain('OK');
	await typeLine(second, term2, 'etcdctl get from-first --print-value-only');
	await expect.poll(() => screenText(term2), { timeout: 15_000 }).toMatch(/\btab1\b/);
	// Cluster controls and the cluster view work from the guest too.
	await typeLine(second, term2, 'playground kill etcd-3');
	await expect
		.poll(() => page.evaluate(() => (window as any).etcdPlayground.manager.isRunning('etcd-3')))
		.toBe(false);
	await typeLine(second, term2, 'playground restart etcd-3');
	await expect
		.poll(() => page.evaluate(() => (window as any).etcdPlayground.manager.isRunning('etcd-3')))
		.toBe(true);
	await page.evaluate(() => (window as any).etcdPlayground.manager.waitForLeader(15_000));
	// A watch in the guest tab streams the owner's writes.
	const watched = second.evaluate(async () => {
		const pg = (window as any).etcdPlayground;
		const c = await pg.clients.connect({
			endpoints: ['127.0.0.1:2379'],
			dialTimeoutMs: 5000,
			commandTimeoutMs: 10_000
		});
		return new Promise<string>((resolve) => {
			c.watch({ key: new TextEncoder().encode('watched') }, (r: any) => {
				for (const e of r.events ?? []) resolve(new TextDecoder().decode(e.kv.value));
			});
		});
	});
	await expect
		.poll(
			async () => {
				await page.evaluate(async () => {
					const pg = (window as any).etcdPlayground;
					const c = await pg.clients.connect({
						endpoints: ['127.0.0.1:2379'],
						dialTimeoutMs: 5000,
						commandTimeoutMs: 10_000
					});
					await c.put({
						key: new TextEncoder().encode('watched'),
						value: new TextEncoder().encode('seen')
					});
					c.close();
				});
				return Promise.race([watched, new Promise((r) => setTimeout(() => r(null), 500))]);
			},
			{ timeout: 30_000 }
		)
		.toBe('seen');

	// The owner closes: the second tab starts the members from IndexedDB and keeps the data.
	await page.close();
	await expect.poll(() => role(second), { timeout: 15_000 }).toBe('owner');
	await expect.poll(() => memberWorkers(second).then((w) => w.length), { timeout: 15_000 }).toBe(3);
	await expect
		.poll(() => get(second, 'from-first').catch(() => null), { timeout: 30_000 })
		.toBe('tab1');
	expect(await get(second, 'from-second')).toBe('tab2');
	await typeLine(second, term2, 'etcdctl put after-takeover yes');
	await expect.poll(() => screenText(term2), { timeout: 15_000 }).toMatch(/OK[\s\S]*OK/);
});
