/**
 * The log's stable storage. Reads are synchronous, as in etcd-io/raft: the core calls them while
 * stepping. Writes belong to the caller, who persists each Ready before sending its messages.
 *
 * MemoryStorage is the reference implementation. Its entry array always starts with a dummy
 * entry carrying the index and term of the last compacted entry (the snapshot point):
 *
 *   after compact(5) on a log 1..8:   ents = [ {5,t5} dummy, 6, 7, 8 ]
 *   firstIndex() = 6, lastIndex() = 8, term(5) = t5, term(4) -> ErrCompacted
 */
import { ErrCompacted, ErrSnapOutOfDate, ErrUnavailable, panic } from './errors';
import {
	emptySnapshot,
	EMPTY_HARD_STATE,
	limitSize,
	type ConfState,
	type Entry,
	type HardState,
	type Snapshot
} from './types';

export interface InitialState {
	hardState: HardState;
	confState: ConfState;
}

export interface Storage {
	/** The saved hard state and the configuration of the latest snapshot. */
	initialState(): InitialState;
	/** Entries in [lo, hi), at most maxSize bytes but at least one. Throws ErrCompacted/ErrUnavailable. */
	entries(lo: number, hi: number, maxSize: number): Entry[];
	/** Term of entry i, for i in [firstIndex()-1, lastIndex()]. Throws ErrCompacted/ErrUnavailable. */
	term(i: number): number;
	lastIndex(): number;
	/** Index of the first entry still available (the snapshot index + 1). */
	firstIndex(): number;
	/** The most recent snapshot. May throw ErrSnapshotTemporarilyUnavailable. */
	snapshot(): Snapshot;
}

function cloneConfState(cs: ConfState): ConfState {
	return { voters: [...cs.voters], learners: [...cs.learners] };
}

/** Everything a MemoryStorage holds, for persistent storages that mirror one in memory. */
export interface StorageState {
	hardState: HardState;
	snapshot: Snapshot;
	/** Index and term of the last compacted entry (the dummy entry). */
	compacted: { index: number; term: number };
	/** Entries after `compacted.index`, contiguous. */
	entries: Entry[];
}

export class MemoryStorage implements Storage {
	private hardState: HardState = EMPTY_HARD_STATE;
	private snap: Snapshot = emptySnapshot();
	private ents: Entry[] = [{ term: 0, index: 0, type: 'Normal', data: new Uint8Array(0) }];

	/** Rebuilds a storage from saved state (see StorageState). */
	static fromState(st: StorageState): MemoryStorage {
		const m = new MemoryStorage();
		m.hardState = { ...st.hardState };
		m.snap = st.snapshot;
		const { index, term } = st.compacted;
		m.ents = [{ index, term, type: 'Normal', data: new Uint8Array(0) }];
		st.entries.forEach((e, i) => {
			if (e.index !== index + 1 + i) panic(`saved entries are not contiguous at ${e.index}`);
		});
		m.ents = m.ents.concat(st.entries);
		return m;
	}

	/**
	 * Rebuilds a storage from saved state whose entries come as rows, each applied in order with
	 * append()'s rule (a row replaces the suffix it overlaps; entries already compacted are
	 * skipped). `st.entries` is ignored.
	 */
	static fromRows(st: StorageState, rows: Entry[][]): MemoryStorage {
		const m = MemoryStorage.fromState({ ...st, entries: [] });
		for (const row of rows) m.append(row);
		return m;
	}

	/** The saved state, for tests and persistent mirrors. */
	state(): StorageState {
		return {
			hardState: this.hardState,
			snapshot: this.snap,
			compacted: { index: this.ents[0].index, term: this.ents[0].term },
			entries: this.ents.slice(1)
		};
	}

	initialState(): InitialState {
		return { hardState: this.hardState, confState: cloneConfState(this.snap.metadata.confState) };
	}

	setHardState(hs: HardState): void {
		this.hardState = { ...hs };
	}

	entries(lo: number, hi: number, maxSize: number): Entry[] {
		const offset = this.ents[0].index;
		if (lo <= offset) throw new ErrCompacted();
		if (hi > this.lastIndex() + 1) {
			panic(`entries' hi(${hi}) is out of bound lastindex(${this.lastIndex()})`);
		}
		if (this.ents.length === 1) throw new ErrUnavailable();
		return limitSize(this.ents.slice(lo - offset, hi - offset), maxSize);
	}

	term(i: number): number {
		const offset = this.ents[0].index;
		if (i < offset) throw new ErrCompacted();
		if (i - offset >= this.ents.length) throw new ErrUnavailable();
		return this.ents[i - offset].term;
	}

	lastIndex(): number {
		return this.ents[0].index + this.ents.length - 1;
	}

	firstIndex(): number {
		return this.ents[0].index + 1;
	}

	snapshot(): Snapshot {
		return this.snap;
	}

	/** Replaces the storage's contents with a snapshot (a follower catching up). */
	applySnapshot(snap: Snapshot): void {
		if (this.snap.metadata.index >= snap.metadata.index) throw new ErrSnapOutOfDate();
		this.snap = snap;
		this.ents = [
			{
				term: snap.metadata.term,
				index: snap.metadata.index,
				type: 'Normal',
				data: new Uint8Array(0)
			}
		];
	}

	/**
	 * Records a snapshot of the state machine at applied index i (the caller then usually calls
	 * compact). `cs` defaults to the configuration of the previous snapshot.
	 */
	createSnapshot(i: number, cs: ConfState | undefined, data: Uint8Array): Snapshot {
		if (i <= this.snap.metadata.index) throw new ErrSnapOutOfDate();
		const offset = this.ents[0].index;
		if (i > this.lastIndex()) panic(`snapshot ${i} is out of bound lastindex(${this.lastIndex()})`);
		this.snap = {
			data,
			metadata: {
				index: i,
				term: this.ents[i - offset].term,
				confState: cloneConfState(cs ?? this.snap.metadata.confState)
			}
		};
		return this.snap;
	}

	/** Discards entries before compactIndex; compactIndex itself becomes the dummy entry. */
	compact(compactIndex: number): void {
		const offset = this.ents[0].index;
		if (compactIndex <= offset) throw new ErrCompacted();
		if (compactIndex > this.lastIndex()) {
			panic(`compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`);
		}
		const i = compactIndex - offset;
		const dummy: Entry = {
			term: this.ents[i].term,
			index: this.ents[i].index,
			type: 'Normal',
			data: new Uint8Array(0)
		};
		this.ents = [dummy, ...this.ents.slice(i + 1)];
	}

	/**
	 * Appends entries, replacing any existing suffix they conflict with. Entries already
	 * compacted away are skipped; a gap after the last index is a bug.
	 */
	append(entries: Entry[]): void {
		if (entries.length === 0) return;
		const first = this.firstIndex();
		const last = entries[0].index + entries.length - 1;
		if (last < first) return;
		if (first > entries[0].index) entries = entries.slice(first - entries[0].index);
		const offset = entries[0].index - this.ents[0].index;
		// In place: ents is never handed out (reads return copies), and copying the whole log on
		// each append cost O(log length) per Ready, and per row when a log is loaded.
		if (this.ents.length >= offset) {
			this.ents.length = offset;
			for (const e of entries) this.ents.push(e);
		} else {
			panic(`missing log entry [last: ${this.lastIndex()}, append at: ${entries[0].index}]`);
		}
	}
}
