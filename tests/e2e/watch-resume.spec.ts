import { expect, test, type Page } from '@playwright/test';

// A watch survives its member's worker being terminated and started again, as etcdctl's
// (clientv3's) does: the events written meanwhile arrive once, in order, after the restart.

/** Runs the check in `page` (the owner tab, or a guest tab whose calls go through the owner). */
async function killAndRestart(page: Page) {
	const result = await page.evaluate(async () => {
		const pg = (window as any).etcdPlayground;
		const enc = (s: string) => new TextEncoder().encode(s);
		const dec = (b: Uint8Array) => new TextDecoder().decode(b);
		const opts = { dialTimeoutMs: 2000, commandTimeoutMs: 5000 };
		const w = await pg.clients.connect({ ...opts, endpoints: ['etcd-3:2379'] });
		const c = await pg.clients.connect({ ...opts, endpoints: ['etcd-1:2379', 'etcd-2:2379'] });
		const seen: string[] = [];
		let created = 0;
		const h = w.watch({ key: enc('resumed') }, (r: any) => {
			if (r.created) created++;
			for (const e of r.events) seen.push(`${dec(e.kv.value)}@${e.kv.mod_revision}`);
		});
		await h.id;
		const until = async (n: number) => {
			const deadline = Date.now() + 15_000;
			while (seen.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
		};
		const revs: number[] = [];
		revs.push((await c.put({ key: enc('resumed'), value: enc('1') })).header.revision);
		await until(1);
		await pg.manager.kill('etcd-3');
		revs.push((await c.put({ key: enc('resumed'), value: enc('2') })).header.revision);
		await new Promise((r) => setTimeout(r, 800));
		const whileDown = seen.length;
		await pg.manager.restart('etcd-3');
		await until(2);
		revs.push((await c.put({ key: enc('resumed'), value: enc('3') })).header.revision);
		await until(3);
		await new Promise((r) => setTimeout(r, 800));
		await h.cancel();
		w.close();
		c.close();
		return { seen, revs, whileDown, created };
	});
	expect(result.whileDown).toBe(1);
	expect(result.seen).toEqual(result.revs.map((r, i) => `${i + 1}@${r}`));
	expect(result.created).toBe(1);
}

test('a watch on a killed and restarted member carries on without losing or repeating an event', async ({
	page
}) => {
	await page.goto('/');
	await expect(page.getByTestId('cluster-state')).toContainText('Cluster ready', {
		timeout: 20_000
	});
	await killAndRestart(page);
});

test('the same through a guest tab', async ({ page, context }) => {
	test.setTimeout(90_000);
	await page.goto('/');
	await expect(page.getByTestId('cluster-state')).toContainText('Cluster ready', {
		timeout: 20_000
	});
	const guest = await context.newPage();
	await guest.goto('/');
	await expect(guest.getByTestId('cluster-state')).toContainText('leader etcd-', {
		timeout: 30_000
	});
	expect(await guest.evaluate(() => (window as any).etcdPlayground.manager.role)).toBe('guest');
	await killAndRestart(guest);
});
