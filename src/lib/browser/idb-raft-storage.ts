/**
 * Raft log storage in IndexedDB. Raft reads storage synchronously while it steps, so every read
 * is served from an in-memory MemoryStorage mirror; writes go to IndexedDB first and reach the
 * mirror only once their transaction has committed.
 *
 * Each Ready is saved by one readwrite transaction with durability 'strict' over both stores:
 * it commits whole or not at all, so a worker terminated mid-write loses only the Ready whose
 * save() had not resolved yet (whose messages were therefore never sent), never a part of it and
 * never anything acknowledged before.
 *
 *   entries   key: index               value: Entry
 *   meta      'hardState'              value: HardState
 *             'snapshot'               value: Snapshot
 *             'compacted'              value: {index, term} of the last discarded entry
 */
import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import {
	emptySnapshot,
	EMPTY_HARD_STATE,
	ErrCompacted,
	ErrSnapOutOfDate,
	MemoryStorage,
	RaftError,
	type ConfState,
	type Entry,
	type HardState,
	type InitialState,
	type Snapshot,
	type Storage
} from '$lib/engine/raft';

type Compacted = { index: number; term: number };

interface RaftSchema extends DBSchema {
	entries: { key: number; value: Entry };
	meta: { key: string; value: HardState | Snapshot | Compacted };
}

const VERSION = 1;

export class IdbRaftStorage implements Storage {
	private constructor(
		private readonly db: IDBPDatabase<RaftSchema>,
		private readonly mem: MemoryStorage
	) {}

	/** Opens (creating if needed) the database `name` and loads it into memory. */
	static async open(name: string): Promise<IdbRaftStorage> {
		const db = await openDB<RaftSchema>(name, VERSION, {
			upgrade(db) {
				db.createObjectStore('entries');
				db.createObjectStore('meta');
			}
		});
		const tx = db.transaction(['entries', 'meta'], 'readonly');
		const meta = tx.objectStore('meta');
		const [hardState, snapshot, compacted, entries] = await Promise.all([
			meta.get('hardState') as Promise<HardState | undefined>,
			meta.get('snapshot') as Promise<Snapshot | undefined>,
			meta.get('compacted') as Promise<Compacted | undefined>,
			tx.objectStore('entries').getAll()
		]);
		await tx.done;
		const mem = MemoryStorage.fromState({
			hardState: hardState ?? EMPTY_HARD_STATE,
			snapshot: snapshot ?? emptySnapshot(),
			compacted: compacted ?? { index: 0, term: 0 },
			entries
		});
		return new IdbRaftStorage(db, mem);
	}

	/** Deletes the database `name` (a member removed for good). */
	static async destroy(name: string): Promise<void> {
		await deleteDB(name);
	}

	close(): void {
		this.db.close();
	}

	// ---- synchronous reads, from the mirror ----

	initialState(): InitialState {
		return this.mem.initialState();
	}
	entries(lo: number, hi: number, maxSize: number): Entry[] {
		return this.mem.entries(lo, hi, maxSize);
	}
	term(i: number): number {
		return this.mem.term(i);
	}
	lastIndex(): number {
		return this.mem.lastIndex();
	}
	firstIndex(): number {
		return this.mem.firstIndex();
	}
	snapshot(): Snapshot {
		return this.mem.snapshot();
	}

	// ---- writes: IndexedDB first, then the mirror ----

	/**
	 * Persists one Ready: its snapshot, entries (replacing any conflicting suffix) and hard state,
	 * atomically. Resolves once durable; send the Ready's messages only after that.
	 */
	async save(
		hardState: HardState | undefined,
		entries: Entry[],
		snapshot?: Snapshot
	): Promise<void> {
		// Validate against the mirror before writing, so a refused write changes nothing.
		const snapIndex = this.mem.snapshot().metadata.index;
		if (snapshot && snapshot.metadata.index <= snapIndex) throw new ErrSnapOutOfDate();
		const first = snapshot ? snapshot.metadata.index + 1 : this.mem.firstIndex();
		const last = snapshot ? snapshot.metadata.index : this.mem.lastIndex();
		const kept = entries.filter((e) => e.index >= first);
		if (kept.length > 0 && kept[0].index > last + 1) {
			throw new RaftError(`missing log entry [last: ${last}, append at: ${kept[0].index}]`);
		}
		// A Ready with nothing to persist (only messages or commits to apply) costs no
		// transaction: a strict one waits for a disk flush.
		if (!snapshot && kept.length === 0 && !hardState) return;

		const tx = this.db.transaction(['entries', 'meta'], 'readwrite', { durability: 'strict' });
		const es = tx.objectStore('entries');
		const meta = tx.objectStore('meta');
		await commit(tx, (writes) => {
			if (snapshot) {
				writes.push(es.clear());
				writes.push(meta.put(snapshot, 'snapshot'));
				writes.push(
					meta.put({ index: snapshot.metadata.index, term: snapshot.metadata.term }, 'compacted')
				);
			}
			if (kept.length > 0) {
				// Anything at or after the first new entry is replaced (a follower's conflicting tail).
				writes.push(es.delete(IDBKeyRange.lowerBound(kept[0].index)));
				for (const e of kept) writes.push(es.put(e, e.index));
			}
			if (hardState) writes.push(meta.put(hardState, 'hardState'));
		});
		if (snapshot) this.mem.applySnapshot(snapshot);
		this.mem.append(kept);
		if (hardState) this.mem.setHardState(hardState);
	}

	setHardState(hs: HardState): Promise<void> {
		return this.save(hs, []);
	}

	append(entries: Entry[]): Promise<void> {
		return this.save(undefined, entries);
	}

	applySnapshot(snapshot: Snapshot): Promise<void> {
		if (snapshot.metadata.index <= this.mem.snapshot().metadata.index) {
			return Promise.reject(new ErrSnapOutOfDate());
		}
		return this.save(undefined, [], snapshot);
	}

	/** Records a snapshot of the applied state at index i (as MemoryStorage.createSnapshot). */
	async createSnapshot(i: number, cs: ConfState | undefined, data: Uint8Array): Promise<Snapshot> {
		if (i <= this.mem.snapshot().metadata.index) throw new ErrSnapOutOfDate();
		if (i > this.mem.lastIndex()) {
			throw new RaftError(`snapshot ${i} is out of bound lastindex(${this.mem.lastIndex()})`);
		}
		const snap: Snapshot = {
			data,
			metadata: {
				index: i,
				term: this.mem.term(i),
				confState: cs ?? this.mem.snapshot().metadata.confState
			}
		};
		const tx = this.db.transaction(['meta'], 'readwrite', { durability: 'strict' });
		await commit(tx, (writes) => writes.push(tx.objectStore('meta').put(snap, 'snapshot')));
		return this.mem.createSnapshot(i, snap.metadata.confState, data);
	}

	/** Discards entries up to and including compactIndex (it stays as the dummy entry). */
	async compact(compactIndex: number): Promise<void> {
		if (compactIndex <= this.mem.firstIndex() - 1) throw new ErrCompacted();
		if (compactIndex > this.mem.lastIndex()) {
			throw new RaftError(
				`compact ${compactIndex} is out of bound lastindex(${this.mem.lastIndex()})`
			);
		}
		const term = this.mem.term(compactIndex);
		const tx = this.db.transaction(['entries', 'meta'], 'readwrite', { durability: 'strict' });
		await commit(tx, (writes) =>
			writes.push(
				tx.objectStore('entries').delete(IDBKeyRange.upperBound(compactIndex)),
				tx.objectStore('meta').put({ index: compactIndex, term }, 'compacted')
			)
		);
		this.mem.compact(compactIndex);
	}
}

/**
 * Issues the requests and waits for them and the commit. Any failure, including a request that
 * throws as it is issued (a value that cannot be cloned), aborts the whole transaction.
 */
async function commit(
	tx: { done: Promise<void>; abort(): void },
	issue: (writes: Promise<unknown>[]) => void
): Promise<void> {
	const writes: Promise<unknown>[] = [];
	try {
		issue(writes);
		await Promise.all(writes);
	} catch (e) {
		// The other requests now fail with AbortError: that is expected, not news.
		for (const w of writes) w.catch(() => undefined);
		try {
			tx.abort();
		} catch {
			// Already aborted by the failed request.
		}
		await tx.done.catch(() => undefined);
		throw e;
	}
	await tx.done;
}
