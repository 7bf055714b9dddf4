// Review: a follower that fell behind receives the leader's snapshot (raft log replaced on
// disk), then dies before its MVCC backend has written the restored state. On restart it must
// serve every acknowledged write: the raft snapshot carries the MVCC state and the member
// restores from it when its backend is behind.
import { describe, expect, it } from 'vitest';
import {
	MemoryBackend,
	type BackendBatch,
	type BackendContents,
	type MvccBackend
} from '$lib/engine/mvcc/backend';
import { MemoryRaftLog } from '$lib/engine/server/persistence';
import { b, publishedCluster, putMany, tickUntil, withTicks } from '../server/harness';

class GatedBackend implements MvccBackend {
	readonly inner = new MemoryBackend();
	hold = false;
	load(): Promise<BackendContents> {
		return this.inner.load();
	}
	write(batch: BackendBatch): Promise<void> {
		// A held write never lands: the worker dies before its commit.
		if (this.hold) return new Promise<void>(() => undefined);
		return this.inner.write(batch);
	}
}

describe('review: snapshot applied, then a crash before the MVCC flush', () => {
	it('the restarted follower serves every acknowledged write', async () => {
		const seed = 21;
		const backends = new Map<string, GatedBackend>();
		const c = await publishedCluster({
			size: 3,
			seed,
			snapshotCount: 20,
			catchUpEntries: 5,
			persistence: (name) => {
				let mvcc = backends.get(name);
				if (!mvcc) backends.set(name, (mvcc = new GatedBackend()));
				return { raft: new MemoryRaftLog(), mvcc };
			}
		});
		const leader = c.leader() as string;
		const follower = c.names().find((n) => n !== leader)!;
		c.isolate(follower);
		await putMany(c, leader, 80, seed);
		const backend = backends.get(follower)!;
		backend.hold = true;
		const storage = c.member(follower).persistence.raft.storage;
		const snapBefore = storage.snapshot().metadata.index;
		c.heal();
		await tickUntil(c, () => storage.snapshot().metadata.index > snapBefore, 100);
		expect(storage.snapshot().metadata.index, `seed ${seed}`).toBeGreaterThan(snapBefore);
		// The scenario: the backend is still behind the snapshot the log now starts from.
		const onDisk = await backend.inner.load();
		expect(onDisk.meta.consistentIndex).toBeLessThan(storage.snapshot().metadata.index);
		c.kill(follower);
		backend.hold = false;
		await c.start(follower);
		await tickUntil(
			c,
			() => c.server(follower) !== null && c.server(follower)!.info().lead !== 0n,
			100
		);
		const r = await withTicks(
			c,
			c.api(follower)!.range({ key: b('k'), range_end: b('l'), serializable: true })
		);
		const want = await withTicks(c, c.api(leader)!.range({ key: b('k'), range_end: b('l') }));
		expect(want.count).toBe(80);
		expect(r.count, `seed ${seed}`).toBe(want.count);
		expect(r.kvs).toEqual(want.kvs);
		c.close();
	}, 60_000);
});
