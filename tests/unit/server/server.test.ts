import { describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../../src/lib/engine/util/bytes';
import { b, makeCluster, tickUntil, withTicks } from './harness';

describe('EtcdServer in a three-member cluster', () => {
	it('elects one leader and serves writes and linearizable reads from any member', async () => {
		const c = await makeCluster(3);
		await tickUntil(c, () => c.leader() !== null);
		const leader = c.leader() as string;
		const follower = c.names().find((n) => n !== leader) as string;
		const put = await withTicks(c, c.api(follower)!.put({ key: b('foo'), value: b('bar') }));
		expect(put.header.revision).toBe(2);
		expect(put.header.cluster_id).toBe(1673413939312283752n);
		for (const n of c.names()) {
			const got = await withTicks(c, c.api(n)!.range({ key: b('foo') }));
			expect(got.kvs.map((kv) => fromUtf8(kv.value))).toEqual(['bar']);
			expect(got.header.revision).toBe(2);
		}
		c.close();
	});

	it('lists members with etcd IDs and names once they published', async () => {
		const c = await makeCluster(3);
		await tickUntil(c, () => c.leader() !== null);
		await tickUntil(c, () =>
			c.names().every((n) =>
				c
					.server(n)!
					.members.list()
					.every((m) => m.clientURLs.length > 0)
			)
		);
		const list = await withTicks(c, c.api('etcd-1')!.memberList(true));
		expect(
			list.members.map((m) => [m.ID.toString(16), m.name, m.peerURLs[0], m.clientURLs[0]])
		).toEqual([
			['8b6469a22517ddab', 'etcd-3', 'http://etcd-3:2380', 'http://etcd-3:2379'],
			['9f62c65b34c1424b', 'etcd-2', 'http://etcd-2:2380', 'http://etcd-2:2379'],
			['ac50589ee05989df', 'etcd-1', 'http://etcd-1:2380', 'http://etcd-1:2379']
		]);
		c.close();
	});

	it('elects a new leader when the leader crashes and keeps acknowledged writes', async () => {
		const c = await makeCluster(3, 7);
		await tickUntil(c, () => c.leader() !== null);
		for (let i = 0; i < 10; i++) {
			await withTicks(c, c.api('etcd-1')!.put({ key: b(`k${i}`), value: b(`v${i}`) }));
		}
		const old = c.leader() as string;
		c.kill(old);
		await tickUntil(c, () => c.leader() !== null && c.leader() !== old);
		const survivor = c.leader() as string;
		const r = await withTicks(c, c.api(survivor)!.range({ key: b('k'), range_end: b('l') }));
		expect(r.count).toBe(10);
		await c.start(old);
		await withTicks(c, c.api(survivor)!.put({ key: b('after'), value: b('restart') }));
		await tickUntil(
			c,
			() => c.server(old)!.info().revision === c.server(survivor)!.info().revision
		);
		const again = await withTicks(
			c,
			c.api(old)!.range({ key: b('k'), range_end: b('l'), serializable: true })
		);
		expect(again.count).toBe(10);
		c.close();
	});

	it('a partitioned minority cannot commit and catches up after healing', async () => {
		const c = await makeCluster(3, 3);
		await tickUntil(c, () => c.leader() !== null);
		const leader = c.leader() as string;
		const minority = c.names().find((n) => n !== leader) as string;
		c.isolate(minority);
		const stuck = c.api(minority)!.put({ key: b('x'), value: b('1') });
		await expect(withTicks(c, stuck, 200)).rejects.toThrow(/request timed out/);
		await withTicks(c, c.api(leader)!.put({ key: b('y'), value: b('2') }));
		c.heal();
		await tickUntil(
			c,
			() => c.server(minority)!.info().revision === c.server(leader)!.info().revision
		);
		const r = await withTicks(c, c.api(minority)!.range({ key: b('y') }));
		expect(fromUtf8(r.kvs[0].value)).toBe('2');
		c.close();
	});

	it('expires leases on the leader through raft, deleting attached keys', async () => {
		const c = await makeCluster(3, 5);
		await tickUntil(c, () => c.leader() !== null);
		const api = c.api('etcd-2')!;
		const g = await withTicks(c, api.leaseGrant(2, 0n));
		expect(g.TTL).toBe(2);
		expect(g.ID >> 48n).toBe(0x424bn);
		await withTicks(c, api.put({ key: b('ephemeral'), value: b('1'), lease: g.ID }));
		await tickUntil(
			c,
			() => c.server('etcd-2')!.store.range({ key: b('ephemeral') }).count === 0,
			100
		);
		const ttl = await withTicks(c, api.leaseTimeToLive(g.ID, false));
		expect(ttl.TTL).toBe(-1);
		c.close();
	});

	it('adds and removes members', async () => {
		const c = await makeCluster(3, 9);
		await tickUntil(c, () => c.leader() !== null);
		await tickUntil(c, () =>
			c
				.server('etcd-1')!
				.members.list()
				.every((m) => m.name !== '')
		);
		const added = await withTicks(c, c.addMember());
		expect(added).toBe('etcd-4');
		await withTicks(c, c.api('etcd-1')!.put({ key: b('k'), value: b('v') }));
		await tickUntil(c, () => c.server('etcd-4')!.info().revision === 2);
		await tickUntil(
			c,
			() =>
				c
					.server('etcd-1')!
					.members.list()
					.find((m) => m.name === 'etcd-4') !== undefined
		);
		await withTicks(c, c.removeMember('etcd-4'));
		const list = await withTicks(c, c.api('etcd-1')!.memberList(true));
		expect(list.members.map((m) => m.name).sort()).toEqual(['etcd-1', 'etcd-2', 'etcd-3']);
		c.close();
	});
});

describe('EtcdServer restarts', () => {
	it('replays its log on its own, without re-applying what the store already saved', async () => {
		const c = await makeCluster(3, 11);
		await tickUntil(c, () => c.leader() !== null);
		for (let i = 0; i < 5; i++) {
			await withTicks(c, c.api('etcd-3')!.put({ key: b(`d${i}`), value: b(`${i}`) }));
		}
		const before = c.server('etcd-3')!.info().revision;
		c.kill('etcd-3');
		c.isolate('etcd-3');
		await c.start('etcd-3');
		// Isolated: everything it serves comes from its own disk.
		expect(c.server('etcd-3')!.info().revision).toBe(before);
		const r = await withTicks(
			c,
			c.api('etcd-3')!.range({ key: b('d'), range_end: b('e'), serializable: true })
		);
		expect(r.count).toBe(5);
		expect(r.header.revision).toBe(before);
		c.close();
	});
});
