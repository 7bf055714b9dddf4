/**
 * Where a member keeps its disk: the raft log (hard state, entries, snapshot) and the MVCC
 * backend. Hosts implement it: in memory for tests and the simulator, in IndexedDB in the
 * browser. Reads of the raft log are synchronous (raft needs them mid-step), so every
 * implementation keeps an in-memory mirror and makes writes durable asynchronously.
 */
import type { MvccBackend } from '../mvcc/backend';
import { MemoryStorage, type Entry, type HardState, type Snapshot, type Storage } from '../raft';

export interface RaftLogPersistence {
	/** Synchronous reads for raft; reflects every write as soon as it is called. */
	readonly storage: Storage;
	/**
	 * Persists a Ready's hard state, entries and snapshot, all or nothing. The mirror is updated
	 * before this returns; the promise resolves once the write is durable.
	 */
	save(
		hardState: HardState | undefined,
		entries: Entry[],
		snapshot: Snapshot | undefined
	): Promise<void>;
	/** Records a snapshot taken locally at `snapshot.metadata.index` and drops entries up to `compactIndex`. */
	compact(snapshot: Snapshot, compactIndex: number): Promise<void>;
}

export interface NodePersistence {
	raft: RaftLogPersistence;
	mvcc: MvccBackend;
}

/** The raft log kept only in memory (tests, the simulator, the in-process cluster). */
export class MemoryRaftLog implements RaftLogPersistence {
	readonly storage: MemoryStorage;

	constructor(storage = new MemoryStorage()) {
		this.storage = storage;
	}

	async save(
		hardState: HardState | undefined,
		entries: Entry[],
		snapshot: Snapshot | undefined
	): Promise<void> {
		applyToMemory(this.storage, hardState, entries, snapshot);
	}

	async compact(snapshot: Snapshot, compactIndex: number): Promise<void> {
		compactMemory(this.storage, snapshot, compactIndex);
	}
}

/** Applies a Ready's writes to a MemoryStorage, in the order raft expects. */
export function applyToMemory(
	storage: MemoryStorage,
	hardState: HardState | undefined,
	entries: Entry[],
	snapshot: Snapshot | undefined
): void {
	if (snapshot && snapshot.metadata.index > storage.snapshot().metadata.index) {
		storage.applySnapshot(snapshot);
	}
	if (entries.length > 0) storage.append(entries);
	if (hardState) storage.setHardState(hardState);
}

export function compactMemory(
	storage: MemoryStorage,
	snapshot: Snapshot,
	compactIndex: number
): void {
	if (snapshot.metadata.index > storage.snapshot().metadata.index) {
		storage.createSnapshot(snapshot.metadata.index, snapshot.metadata.confState, snapshot.data);
	}
	if (compactIndex > storage.firstIndex()) storage.compact(compactIndex);
}
