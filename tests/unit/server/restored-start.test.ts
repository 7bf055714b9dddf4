/**
 * A member started on a data dir `snapshot restore` wrote, against what real etcd 3.4.23 did
 * in the same steps (a one-member cluster, two puts, snapshot save, restore with the defaults,
 * `etcd --data-dir`): it logs `as single-node; fast-forwarding 9 ticks (election ticks 10)` and
 * elects itself at once, and `endpoint status` then shows raftIndex 4, raftTerm 2: the
 * restored snapshot at index 1, the new leader's empty entry, the member's published
 * attributes and the cluster version the leader sets again (restore leaves it out).
 */
import { describe, expect, it } from 'vitest';
import type { LocalCluster } from '../../../src/lib/engine/cluster/local-cluster';
import {
	readDataDir,
	readSnapshotFile,
	restoreSnapshot
} from '../../../src/lib/engine/server/restore';
import { b, makeCluster, settle, tickUntil, withTicks } from './harness';

/** Runs `n` ticks, letting every delivery and apply happen between them. */
async function idle(c: LocalCluster, n: number): Promise<void> {
	for (let i = 0; i < n; i++) {
		c.tick();
		await settle();
	}
}

async function restoredCluster(seed: number): Promise<{ c: LocalCluster; name: string }> {
	const c = await makeCluster(1, seed);
	await tickUntil(c, () => c.leader() !== null);
	const api = c.api('etcd-1')!;
	await withTicks(c, api.put({ key: b('a'), value: b('1') }));
	await withTicks(c, api.put({ key: b('b'), value: b('2') }));
	const file = readSnapshotFile(await api.snapshot())!;
	const dir = restoreSnapshot(file, {
		name: 'default',
		initialCluster: [{ name: 'default', peerURLs: ['http://localhost:2380'] }],
		token: 'etcd-cluster'
	});
	const boot = readDataDir(
		(p) => dir.files[p] ?? null,
		(d) =>
			Object.keys(dir.files)
				.filter((p) => p.startsWith(`${d}/`))
				.map((p) => p.slice(d.length + 1))
	);
	if (typeof boot === 'string') throw new Error(boot);
	await c.bootRestored({
		...boot,
		serverName: 'default',
		clientURLs: ['http://localhost:2379'],
		dataDir: '/var/lib/etcd-restore'
	});
	return { c, name: 'default' };
}

describe('etcd on a restored data dir (one member)', () => {
	it('shows raft index 4 at term 2 once it has elected itself, as etcd 3.4.23 does', async () => {
		const seed = 3;
		const { c, name } = await restoredCluster(seed);
		await tickUntil(c, () => c.leader() === name);
		// Three seconds on: nothing more is proposed after the cluster version.
		await idle(c, 30);
		const st = await c.api(name)!.status();
		expect(
			{ raftIndex: st.raftIndex, raftTerm: st.raftTerm, revision: st.header.revision },
			`seed ${seed}`
		).toEqual({
			raftIndex: 4,
			raftTerm: 2,
			revision: 3
		});
		c.close();
	});

	it('a single member fast-forwards its election clock: a leader within ten ticks, not after a whole election timeout', async () => {
		const ticks: number[] = [];
		for (const seed of [1, 2, 3, 4, 5, 6]) {
			const { c, name } = await restoredCluster(seed);
			ticks.push(await tickUntil(c, () => c.leader() === name, 40));
			c.close();
		}
		// Without the fast-forward the election timeout is 10..19 ticks (etcd's randomized
		// [electionTicks, 2 * electionTicks)); with it 1..10.
		expect(Math.max(...ticks), `ticks per seed 1..6: ${ticks}`).toBeLessThanOrEqual(10);
		expect(Math.min(...ticks), `ticks per seed 1..6: ${ticks}`).toBeLessThan(10);
	});

	it('a fresh cluster’s leader also sets the cluster version once: one raft entry, kept across restarts', async () => {
		const c = await makeCluster(1, 7);
		await tickUntil(c, () => c.leader() !== null);
		// The conf change (1), the leader's empty entry (2), the published name (3) and the
		// cluster version (4): real etcd 3.4.23 shows raftIndex 6 after two puts.
		await tickUntil(c, () => c.server('etcd-1')!.info().applied >= 4, 30);
		const api = c.api('etcd-1')!;
		await withTicks(c, api.put({ key: b('a'), value: b('1') }));
		await withTicks(c, api.put({ key: b('b'), value: b('2') }));
		expect((await c.api('etcd-1')!.status()).raftIndex).toBe(6);
		// A restart replays the version from its log: the new leader's empty entry is the only
		// new one.
		c.kill('etcd-1');
		await c.start('etcd-1');
		await tickUntil(c, () => c.leader() === 'etcd-1', 40);
		await idle(c, 30);
		expect((await c.api('etcd-1')!.status()).raftIndex).toBe(7);
		c.close();
	});
});
