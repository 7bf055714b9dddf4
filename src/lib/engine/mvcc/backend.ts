/**
 * Persistence for the MVCC store, shaped like etcd's bolt backend: revision records keyed by
 * {main, sub} (never by user key), lease records keyed by ID, and a little meta. The store is
 * synchronous and keeps everything in memory; it hands each apply's changes to a backend as a
 * batch (write-behind), and rebuilds itself from `load()` at start-up.
 */
import type { RevisionRecord } from './key-index';

export type { RevisionRecord } from './key-index';

/** A lease as persisted: etcd's leasepb.Lease (expiry is never persisted). */
export interface LeaseRecord {
	id: bigint;
	ttl: number;
}

export interface BackendMeta {
	/** Raft index of the last entry applied (etcd's consistent_index). */
	consistentIndex: number;
	/** Raft term of that entry. */
	consistentTerm: number;
	/** Last compaction revision (0: never compacted). */
	compactRevision: number;
}

export interface BackendContents {
	/** Every stored revision, sorted by (main, sub). */
	revisions: RevisionRecord[];
	/**
	 * bytesKey of each revision's key, in the same order, when the backend has them at hand
	 * (spares the rebuild converting every key again).
	 */
	keys?: string[];
	leases: LeaseRecord[];
	meta: BackendMeta;
}

/** The changes of one or more applies, to be written atomically. */
export interface BackendBatch {
	/** Replace everything first (the store was restored from a snapshot). */
	reset: boolean;
	puts: RevisionRecord[];
	/** Revisions removed by compaction, as [main, sub]. */
	deletes: [number, number][];
	leasePuts: LeaseRecord[];
	leaseDeletes: bigint[];
	meta: BackendMeta;
}

export interface MvccBackend {
	load(): Promise<BackendContents>;
	/** Applies a batch atomically: after a crash either all of it is there or none. */
	write(batch: BackendBatch): Promise<void>;
}

export function emptyMeta(): BackendMeta {
	return { consistentIndex: 0, consistentTerm: 0, compactRevision: 0 };
}

export function compareRevision(
	a: { main: number; sub: number },
	b: { main: number; sub: number }
) {
	return a.main - b.main || a.sub - b.sub;
}

/** The reference backend: plain maps, same behaviour as the IndexedDB one. */
export class MemoryBackend implements MvccBackend {
	private revisions = new Map<string, RevisionRecord>();
	private leases = new Map<bigint, LeaseRecord>();
	private meta: BackendMeta = emptyMeta();
	/** Number of batches written, for tests. */
	writes = 0;

	async load(): Promise<BackendContents> {
		const revisions = [...this.revisions.values()].sort(compareRevision);
		return {
			revisions,
			leases: [...this.leases.values()].map((l) => ({ ...l })),
			meta: { ...this.meta }
		};
	}

	async write(batch: BackendBatch): Promise<void> {
		if (batch.reset) {
			this.revisions.clear();
			this.leases.clear();
		}
		for (const [main, sub] of batch.deletes) this.revisions.delete(`${main}_${sub}`);
		for (const r of batch.puts) this.revisions.set(`${r.main}_${r.sub}`, r);
		for (const id of batch.leaseDeletes) this.leases.delete(id);
		for (const l of batch.leasePuts) this.leases.set(l.id, { ...l });
		this.meta = { ...batch.meta };
		this.writes++;
	}
}
