import { describe, expect, it } from 'vitest';
import { LocalCluster } from '../../../src/lib/engine/cluster/local-cluster';
import type { WatchResponse } from '../../../src/lib/engine/api/types';
import { fromUtf8 } from '../../../src/lib/engine/util/bytes';
import { b, makeCluster, publishedCluster, putMany, tickUntil, withTicks } from './harness';

async function ready(size = 3, seed = 2) {
	const c = await makeCluster(size, seed);
	await tickUntil(c, () => c.leader() !== null);
	return c;
}

describe('bad input and limits get etcd errors, never a hang', () => {
	it('rejects oversized requests, unknown leases and compacted or future revisions', async () => {
		const c = await ready();
		const api = c.api('etcd-1')!;
		const big = new Uint8Array(1.5 * 1024 * 1024 + 10);
		await expect(withTicks(c, api.put({ key: b('big'), value: big }))).rejects.toThrow(
			'etcdserver: request is too large'
		);
		await expect(
			withTicks(c, api.put({ key: b('k'), value: b('v'), lease: 12345n }))
		).rejects.toThrow('etcdserver: requested lease not found');
		await expect(withTicks(c, api.leaseRevoke(999n))).rejects.toThrow(
			'etcdserver: requested lease not found'
		);
		for (let i = 0; i < 4; i++) await withTicks(c, api.put({ key: b('k'), value: b(`v${i}`) }));
		await withTicks(c, api.compact({ revision: 3 }));
		await expect(withTicks(c, api.range({ key: b('k'), revision: 2 }))).rejects.toThrow(
			'etcdserver: mvcc: required revision has been compacted'
		);
		await expect(withTicks(c, api.range({ key: b('k'), revision: 99 }))).rejects.toThrow(
			'etcdserver: mvcc: required revision is a future revision'
		);
		await expect(withTicks(c, api.compact({ revision: 3 }))).rejects.toThrow(
			'etcdserver: mvcc: required revision has been compacted'
		);
		await expect(withTicks(c, api.put({ key: new Uint8Array(0), value: b('v') }))).rejects.toThrow(
			'etcdserver: key is not provided'
		);
		c.close();
	});

	it('a member without quorum times out with etcd error instead of hanging', async () => {
		const c = await ready();
		const leader = c.leader() as string;
		for (const n of c.names()) if (n !== leader) c.kill(n);
		await expect(
			withTicks(c, c.api(leader)!.put({ key: b('x'), value: b('1') }), 200)
		).rejects.toThrow(/etcdserver: request timed out/);
		await expect(withTicks(c, c.api(leader)!.range({ key: b('x') }), 200)).rejects.toThrow(
			/etcdserver: (request timed out|leader changed)/
		);
		// Serializable reads still answer from the member's own store.
		const r = await withTicks(c, c.api(leader)!.range({ key: b('x'), serializable: true }));
		expect(r.count).toBe(0);
		c.close();
	});
});

describe('watch through the member API', () => {
	it('streams history then live events with prev_kv, and cancels', async () => {
		const c = await ready();
		const api = c.api('etcd-2')!;
		await withTicks(c, api.put({ key: b('w/a'), value: b('1') }));
		const seen: WatchResponse[] = [];
		const h = await withTicks(
			c,
			api.watch({ key: b('w/'), range_end: b('w0'), start_revision: 1, prev_kv: true }, (r) =>
				seen.push(r)
			)
		);
		await withTicks(c, c.api('etcd-3')!.put({ key: b('w/a'), value: b('2') }));
		await withTicks(c, c.api('etcd-1')!.deleteRange({ key: b('w/a') }));
		await tickUntil(c, () => seen.flatMap((r) => r.events).length === 3);
		const events = seen.flatMap((r) => r.events);
		expect(
			events.map((e) => [e.type, fromUtf8(e.kv.key), fromUtf8(e.kv.value), e.kv.mod_revision])
		).toEqual([
			['PUT', 'w/a', '1', 2],
			['PUT', 'w/a', '2', 3],
			['DELETE', 'w/a', '', 4]
		]);
		expect(fromUtf8(events[2].prev_kv!.value)).toBe('2');
		expect(seen[0].created).toBe(true);
		await withTicks(c, api.watchCancel(h));
		expect(seen[seen.length - 1].canceled).toBe(true);
		c.close();
	});
});

describe('auth is enforced on every request once enabled', () => {
	it('requires root to enable, then checks tokens and key permissions', async () => {
		const c = await ready();
		const api = c.api('etcd-1')!;
		await expect(withTicks(c, api.authCall('authEnable', []))).rejects.toThrow(
			'etcdserver: root user does not exist'
		);
		await withTicks(c, api.authCall('userAdd', ['root', 'rootpw', false]));
		await withTicks(c, api.authCall('userGrantRole', ['root', 'root']));
		await withTicks(c, api.authCall('roleAdd', ['app']));
		await withTicks(
			c,
			api.authCall('roleGrantPermission', [
				'app',
				{ permType: 'READWRITE', key: b('app/'), range_end: b('app0') }
			])
		);
		await withTicks(c, api.authCall('userAdd', ['alice', 'alicepw', false]));
		await withTicks(c, api.authCall('userGrantRole', ['alice', 'app']));
		await withTicks(c, api.authCall('authEnable', []));
		await expect(withTicks(c, api.put({ key: b('app/x'), value: b('1') }))).rejects.toThrow(
			'etcdserver: user name is empty'
		);
		await expect(withTicks(c, api.authenticate('alice', 'wrong'))).rejects.toThrow(
			'etcdserver: authentication failed, invalid user ID or password'
		);
		const { token } = await withTicks(c, api.authenticate('alice', 'alicepw'));
		const put = await withTicks(c, api.put({ key: b('app/x'), value: b('1') }, { token }));
		expect(put.header.revision).toBeGreaterThan(1);
		await expect(
			withTicks(c, api.put({ key: b('other'), value: b('1') }, { token }))
		).rejects.toThrow('etcdserver: permission denied');
		// Another member resolves the same token once it has applied the login.
		const other = c.api('etcd-3')!;
		const r = await withTicks(c, other.range({ key: b('app/x') }, { token }));
		expect(r.count).toBe(1);
		c.close();
	});
});

describe('snapshots', () => {
	it('a new member catches up from a snapshot once the log was compacted', async () => {
		const c = await publishedCluster({ size: 3, seed: 4, snapshotCount: 20, catchUpEntries: 5 });
		await putMany(c, 'etcd-1', 60, 4, 's');
		const leader = c.leader() as string;
		expect(c.member(leader).persistence.raft.storage.firstIndex()).toBeGreaterThan(2);
		const name = await withTicks(c, c.addMember());
		await tickUntil(
			c,
			() => c.server(name)!.info().revision === c.server(leader)!.info().revision,
			300
		);
		const r = await withTicks(
			c,
			c.api(name)!.range({ key: b('s'), range_end: b('t'), serializable: true })
		);
		expect(r.count).toBe(60);
		const h1 = await withTicks(c, c.api(name)!.hashKV(0));
		const h2 = await withTicks(c, c.api(leader)!.hashKV(0));
		expect(h1.hash).toBe(h2.hash);
		c.close();
	});
});

describe('backend quota', () => {
	it('raises a NOSPACE alarm cluster-wide; reads, deletes, compaction and disarm still work', async () => {
		let ms = 1_700_000_000_000;
		const c = await LocalCluster.create({
			size: 3,
			seed: 6,
			clock: () => ms++,
			quotaBytes: 64 * 1024
		});
		await tickUntil(c, () => c.leader() !== null);
		const api = c.api('etcd-1')!;
		const value = new Uint8Array(8 * 1024);
		let failed = '';
		for (let i = 0; i < 20 && !failed; i++) {
			try {
				await withTicks(c, api.put({ key: b(`big${i}`), value }));
			} catch (e) {
				failed = (e as Error).message;
			}
		}
		expect(failed).toBe('etcdserver: mvcc: database space exceeded');
		await tickUntil(c, () => c.names().every((n) => c.server(n)!.status().errors.length === 1));
		const alarms = await withTicks(c, c.api('etcd-2')!.alarmList());
		expect(alarms.alarms.map((a) => a.alarm)).toEqual(['NOSPACE']);
		await expect(
			withTicks(c, c.api('etcd-3')!.put({ key: b('tiny'), value: b('1') }))
		).rejects.toThrow('etcdserver: mvcc: database space exceeded');
		const r = await withTicks(c, api.range({ key: b('big0') }));
		expect(r.count).toBe(1);
		const del = await withTicks(c, api.deleteRange({ key: b('big'), range_end: b('bih') }));
		expect(del.deleted).toBeGreaterThan(0);
		await withTicks(c, api.compact({ revision: del.header.revision }));
		for (const n of c.names()) await withTicks(c, c.api(n)!.defragment());
		await withTicks(c, api.alarmDisarm(0n, 'NONE'));
		const put = await withTicks(c, api.put({ key: b('tiny'), value: b('1') }));
		expect(put.header.revision).toBeGreaterThan(del.header.revision);
		c.close();
	});
});
