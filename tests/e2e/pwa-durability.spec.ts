import { expect, test, type Page } from '@playwright/test';
import { freshPage, screenText, terminal, typeLine, withClient } from './page-helpers';

// Reloading the page is a reboot of every machine: each member starts again from its
// IndexedDB disk with the same revision, keys, leases and membership; the terminal keeps its
// history. Reset (after a confirmation) wipes it all.

interface Snapshot {
	revision: number;
	/** [key, value, lease] */
	kvs: string[][];
	leases: { id: string; granted: number; alive: boolean; keys: string[] }[];
	members: string[];
}

/** What survives a reboot, read through the same client the terminal uses. */
async function snapshot(page: Page): Promise<Snapshot> {
	return withClient(page, async (c) => {
		const enc = new TextEncoder();
		const dec = new TextDecoder();
		const r = await c.range({ key: enc.encode('durable/'), range_end: enc.encode('durable0') });
		const leases = await c.leases();
		const ttls = await Promise.all(
			leases.leases.map((l: { ID: bigint }) => c.timeToLive(l.ID, true))
		);
		const members = await c.memberList();
		return {
			revision: r.header.revision,
			kvs: r.kvs.map((kv: any) => [dec.decode(kv.key), dec.decode(kv.value), String(kv.lease)]),
			leases: ttls.map((t: any) => ({
				id: String(t.ID),
				granted: t.grantedTTL,
				alive: t.TTL > 0,
				keys: t.keys.map((k: Uint8Array) => dec.decode(k))
			})),
			members: members.members.map((m: any) => m.name).sort()
		};
	});
}

test('a reload restarts every member from IndexedDB with the same data, and Reset wipes it', async ({
	page
}) => {
	test.setTimeout(120_000);
	await freshPage(page);
	await withClient(page, async (c) => {
		const enc = new TextEncoder();
		await c.put({ key: enc.encode('durable/a'), value: enc.encode('1') });
		await c.put({ key: enc.encode('durable/b'), value: enc.encode('2') });
		const lease = await c.grant(3600);
		await c.put({ key: enc.encode('durable/leased'), value: enc.encode('3'), lease: lease.ID });
	});
	await page.evaluate(async () => {
		const pg = (window as any).etcdPlayground;
		await pg.manager.addMember(false);
		await pg.manager.waitForLeader(15_000);
	});
	const term = terminal(page);
	await typeLine(page, term, 'echo remembered-line');
	await expect.poll(() => screenText(term)).toContain('remembered-line\n');
	// The new member's name is in the member list once it has published it.
	await expect
		.poll(async () => (await snapshot(page)).members, { timeout: 20_000 })
		.toEqual(['etcd-1', 'etcd-2', 'etcd-3', 'etcd-4']);
	const before = await snapshot(page);
	expect(before.kvs.map((kv) => kv[0])).toEqual(['durable/a', 'durable/b', 'durable/leased']);
	expect(before.leases).toHaveLength(1);
	expect(before.members).toEqual(['etcd-1', 'etcd-2', 'etcd-3', 'etcd-4']);

	await page.reload();
	await expect(page.getByTestId('cluster-state')).toContainText('leader etcd-', {
		timeout: 30_000
	});
	await expect.poll(() => snapshot(page), { timeout: 20_000 }).toEqual(before);
	const after = await snapshot(page);
	expect(after.leases[0]).toMatchObject({ granted: 3600, alive: true, keys: ['durable/leased'] });
	// Terminal history came back with the page.
	const again = terminal(page);
	await again.click();
	await page.keyboard.press('ArrowUp');
	await expect.poll(() => screenText(again)).toContain('# echo remembered-line');
	await page.keyboard.press('Control+u');

	// Reset asks first, then starts from an empty three-member cluster.
	await page.getByRole('button', { name: 'Reset…' }).click();
	await expect(page.getByText('Wipe all data and history?')).toBeVisible();
	const reloaded = page.waitForEvent('load');
	await page.getByRole('button', { name: 'Reset', exact: true }).click();
	await reloaded;
	await expect(page.getByTestId('cluster-state')).toContainText('leader etcd-', {
		timeout: 30_000
	});
	const wiped = await snapshot(page);
	expect(wiped.kvs).toEqual([]);
	expect(wiped.leases).toEqual([]);
	expect(wiped.members).toEqual(['etcd-1', 'etcd-2', 'etcd-3']);
});
