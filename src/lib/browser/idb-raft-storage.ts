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
 *   entries   key: index of its first entry   value: the entries of one save (see encodeRow)
 *   meta      'hardState'              value: HardState
 *             'snapshot'               value: Snapshot
 *             'compacted'              value: {index, term} of the last discarded entry
 *
 * One row per save, not per entry: Chromium pays per row and per typed array when it reads, and
 * a restart read ~15,000 one-entry rows (the 10,000 entries between snapshots and 5,000 kept
 * for slow followers) in seconds. A row is one ArrayBuffer. Rows are read in key order with
 * MemoryStorage.append's rule, so a row replaces whatever suffix of earlier rows it overlaps: a
 * save that replaces a conflicting tail deletes the rows starting at or after its first entry
 * and leaves an earlier row that runs past it as it is (its stale end is overwritten on load).
 * Version 1 stored one Entry object per row keyed by its index; such rows read as one-entry rows.
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
import { entrySize, readEntry, writeEntry } from './entry-bytes';

type Compacted = { index: number; term: number };

/** A row: the entries of one save (version 2), or one Entry (version 1). */
type Row = ArrayBuffer | Entry;

interface RaftSchema extends DBSchema {
	entries: { key: number; value: Row };
	meta: { key: string; value: HardState | Snapshot | Compacted };
}

/** 2: one row per save. Version 1's one-entry rows stay and are read as they are. */
const VERSION = 2;

/** Where a row's entries begin, and where they end now that later rows may have cut it. */
interface RowSpan {
	first: number;
	last: number;
}

export class IdbRaftStorage implements Storage {
	private constructor(
		private readonly db: IDBPDatabase<RaftSchema>,
		private readonly mem: MemoryStorage,
		/** The rows in the database, in order, with the entries each still holds. */
		private rows: RowSpan[]
	) {}

	/** Opens (creating if needed) the database `name` and loads it into memory. */
	static async open(name: string): Promise<IdbRaftStorage> {
		const db = await openDB<RaftSchema>(name, VERSION, {
			upgrade(db, oldVersion) {
				// 1 -> 2 changes no store: one-entry rows are read as they are.
				if (oldVersion < 1) {
					db.createObjectStore('entries');
					db.createObjectStore('meta');
				}
			}
		});
		const tx = db.transaction(['entries', 'meta'], 'readonly');
		const meta = tx.objectStore('meta');
		const [hardState, snapshot, compacted, stored] = await Promise.all([
			meta.get('hardState') as Promise<HardState | undefined>,
			meta.get('snapshot') as Promise<Snapshot | undefined>,
			meta.get('compacted') as Promise<Compacted | undefined>,
			tx.objectStore('entries').getAll()
		]);
		await tx.done;
		const rows = stored.map((r) => (r instanceof ArrayBuffer ? decodeRow(r) : [r]));
		const mem = MemoryStorage.fromRows(
			{
				hardState: hardState ?? EMPTY_HARD_STATE,
				snapshot: snapshot ?? emptySnapshot(),
				compacted: compacted ?? { index: 0, term: 0 },
				entries: []
			},
			rows
		);
		const spans: RowSpan[] = [];
		for (const r of rows) {
			if (r.length === 0) continue;
			cutSpans(spans, r[0].index);
			spans.push({ first: r[0].index, last: r[r.length - 1].index });
		}
		return new IdbRaftStorage(db, mem, spans);
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
				// Rows starting at or after the first new entry are replaced (a follower's
				// conflicting tail); an earlier row running past it is cut on load.
				writes.push(es.delete(IDBKeyRange.lowerBound(kept[0].index)));
				writes.push(es.put(encodeRow(kept), kept[0].index));
			}
			if (hardState) writes.push(meta.put(hardState, 'hardState'));
		});
		if (snapshot) {
			this.mem.applySnapshot(snapshot);
			this.rows = [];
		}
		this.mem.append(kept);
		if (kept.length > 0) {
			cutSpans(this.rows, kept[0].index);
			this.rows.push({ first: kept[0].index, last: kept[kept.length - 1].index });
		}
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
		// Whole rows whose entries are all compacted go; a row that straddles compactIndex stays
		// (its compacted head is skipped on load).
		let gone = 0;
		while (gone < this.rows.length && this.rows[gone].last <= compactIndex) gone++;
		const tx = this.db.transaction(['entries', 'meta'], 'readwrite', { durability: 'strict' });
		await commit(tx, (writes) => {
			if (gone > 0) {
				writes.push(
					tx.objectStore('entries').delete(IDBKeyRange.upperBound(this.rows[gone - 1].first))
				);
			}
			writes.push(tx.objectStore('meta').put({ index: compactIndex, term }, 'compacted'));
		});
		this.rows = this.rows.slice(gone);
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

/** A save at `first` replaces every row from there on: cut the spans to match. */
function cutSpans(spans: RowSpan[], first: number): void {
	while (spans.length > 0 && spans[spans.length - 1].first >= first) spans.pop();
	const prev = spans[spans.length - 1];
	if (prev && prev.last >= first) prev.last = first - 1;
}

/** A row as one ArrayBuffer: its entries one after another, laid out as entry-bytes.ts says. */
export function encodeRow(entries: Entry[]): ArrayBuffer {
	let size = 0;
	for (const e of entries) {
		// Checked here, as a structured clone would: a row never holds what it cannot read back.
		if (!(e.data instanceof Uint8Array)) throw new TypeError(`entry ${e.index}: data is not bytes`);
		size += entrySize(e);
	}
	const buf = new Uint8Array(size);
	const v = new DataView(buf.buffer);
	let pos = 0;
	for (const e of entries) pos = writeEntry(v, buf, pos, e);
	return buf.buffer;
}

export function decodeRow(row: ArrayBuffer): Entry[] {
	const bytes = new Uint8Array(row);
	const v = new DataView(row);
	const out: Entry[] = [];
	let pos = 0;
	while (pos < bytes.length) {
		const e = readEntry(v, bytes, pos);
		out.push(e);
		pos += entrySize(e);
	}
	return out;
}
