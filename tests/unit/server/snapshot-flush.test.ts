import { describe, expect, it } from 'vitest';
import {
	MemoryBackend,
	type BackendBatch,
	type BackendContents,
	type MvccBackend
} from '../../../src/lib/engine/mvcc/backend';
import { MemoryRaftLog } from '../../../src/lib/engine/server/persistence';
import { b, publishedCluster, putMany, tickUntil, withTicks } from './harness';

/**
 * A backend whose writes can be held (a slow strict IndexedDB commit under load) or refused
 * (a full disk). `durableIndex` is the consistent index of the last batch that landed.
 */
class GatedBackend implements MvccBackend {
	readonly inner = new MemoryBackend();
	mode: 'open' | 'hold' | 'refuse' = 'open';
	durableIndex = 0;
	private held: (() => void)[] = [];

	load(): Promise<BackendContents> {
		return this.inner.load();
	}

	write(batch: BackendBatch): Promise<void> {
		if (this.mode === 'refuse') return Promise.reject(new Error('QuotaExceededError'));
		const land = async () => {
			await this.inner.write(batch);
			this.durableIndex = batch.meta.consistentIndex;
		};
		if (this.mode === 'open') return land();
		return new Promise<void>((resolve, reject) =>
			this.held.push(() => land().then(resolve, reject))
		);
	}

	open(): void {
		this.mode = 'open';
		for (const w of this.held.splice(0)) w();
	}
}

async function cluster(seed: number) {
	const backends = new Map<string, GatedBackend>();
	const c = await publishedCluster({
		size: 3,
		seed,
		snapshotCount: 20,
		catchUpEntries: 5,
		persistence: (name) => {
			const mvcc = new GatedBackend();
			backends.set(name, mvcc);
			return { raft: new MemoryRaftLog(), mvcc };
		}
	});
	const leader = c.leader() as string;
	return { c, leader, backend: backends.get(leader)!, seed };
}

describe('raft snapshots wait for the MVCC flush off the raft loop', () => {
	it('a leader whose backend writes are slow keeps leading and committing past the snapshot threshold, and trims the log only once the flush lands', async () => {
		const seed = 11;
		const { c, leader, backend } = await cluster(seed);
		const storage = c.member(leader).persistence.raft.storage;
		const term = c.server(leader)!.info().term;
		const firstBefore = storage.firstIndex();
		backend.mode = 'hold';
		// 60 puts cross the snapshot threshold (20 entries) several times. Before the fix the
		// leader's raft loop waited on the held flush: it stopped sending heartbeats and appends,
		// so the puts timed out and the followers elected another leader.
		await putMany(c, leader, 60, seed);
		expect(c.leader(), `seed ${seed}`).toBe(leader);
		expect(c.server(leader)!.info().term, `seed ${seed}`).toBe(term);
		// Nothing the backend has not made durable may leave the log.
		expect(storage.firstIndex(), `seed ${seed}`).toBe(firstBefore);

		backend.open();
		await tickUntil(c, () => storage.firstIndex() > firstBefore, 50);
		expect(storage.snapshot().metadata.index).toBeLessThanOrEqual(backend.durableIndex);
		expect(storage.firstIndex() - 1).toBeLessThanOrEqual(backend.durableIndex);
		const r = await withTicks(c, c.api(leader)!.range({ key: b('k'), range_end: b('l') }));
		expect(r.count).toBe(60);
		c.close();
	});

	it('a refused backend write at the snapshot threshold does not stop the member; the log is trimmed once a write lands', async () => {
		const seed = 12;
		const { c, leader, backend } = await cluster(seed);
		const storage = c.member(leader).persistence.raft.storage;
		const firstBefore = storage.firstIndex();
		backend.mode = 'refuse';
		await putMany(c, leader, 40, seed);
		const s = c.server(leader)!;
		expect(s.failure, `seed ${seed}`).toBeNull();
		expect(s.isStopped).toBe(false);
		expect(storage.firstIndex(), `seed ${seed}`).toBe(firstBefore);

		backend.open();
		await tickUntil(c, () => storage.firstIndex() > firstBefore, 50);
		expect(storage.firstIndex() - 1).toBeLessThanOrEqual(backend.durableIndex);
		expect(s.failure).toBeNull();
		c.close();
	});
});
