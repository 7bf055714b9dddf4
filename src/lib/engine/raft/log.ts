/**
 * The Raft log as one node sees it: a stable prefix in Storage and an unstable suffix in memory
 * that the caller has not persisted yet (plus, at most, one incoming snapshot).
 *
 *   snapshot.index   storage.firstIndex ...  storage.lastIndex
 *        |<---------- stable (Storage) ---------->|
 *                                          unstable.offset ... lastIndex
 *                                               |<--- unstable --->|
 *   applied <= committed <= lastIndex
 *
 * The unstable part may overlap stable entries it is about to overwrite (a follower truncating
 * a conflicting suffix): reads prefer the unstable copy.
 */
import { ErrCompacted, ErrUnavailable, panic } from './errors';
import type { Storage } from './storage';
import { limitSize, type Entry, type Snapshot } from './types';

class Unstable {
	snapshot: Snapshot | undefined = undefined;
	entries: Entry[] = [];
	offset: number;

	constructor(offset: number) {
		this.offset = offset;
	}

	maybeFirstIndex(): number | undefined {
		return this.snapshot ? this.snapshot.metadata.index + 1 : undefined;
	}

	maybeLastIndex(): number | undefined {
		if (this.entries.length > 0) return this.offset + this.entries.length - 1;
		return this.snapshot ? this.snapshot.metadata.index : undefined;
	}

	maybeTerm(i: number): number | undefined {
		if (i < this.offset) {
			if (this.snapshot && this.snapshot.metadata.index === i) return this.snapshot.metadata.term;
			return undefined;
		}
		const last = this.maybeLastIndex();
		if (last === undefined || i > last) return undefined;
		return this.entries[i - this.offset].term;
	}

	stableTo(i: number, t: number): void {
		const gt = this.maybeTerm(i);
		// Only if the entry was not replaced by a newer append meanwhile.
		if (gt === t && i >= this.offset) {
			this.entries = this.entries.slice(i + 1 - this.offset);
			this.offset = i + 1;
		}
	}

	stableSnapTo(i: number): void {
		if (this.snapshot && this.snapshot.metadata.index === i) this.snapshot = undefined;
	}

	restore(s: Snapshot): void {
		this.offset = s.metadata.index + 1;
		this.entries = [];
		this.snapshot = s;
	}

	truncateAndAppend(ents: Entry[]): void {
		const after = ents[0].index;
		if (after === this.offset + this.entries.length) {
			this.entries = this.entries.concat(ents);
		} else if (after <= this.offset) {
			// Replaces everything unstable; entries before `after` are rewritten in storage too.
			this.offset = after;
			this.entries = ents.slice();
		} else {
			this.entries = this.entries.slice(0, after - this.offset).concat(ents);
		}
	}
}

export class RaftLog {
	readonly storage: Storage;
	readonly unstable: Unstable;
	/** Highest index known to be on a quorum's stable storage. */
	committed: number;
	/** Highest index the caller has applied to its state machine. */
	applied: number;
	/** Cap on the bytes of committed entries handed out in one Ready. */
	readonly maxNextEntsSize: number;

	constructor(storage: Storage, maxNextEntsSize = Number.MAX_SAFE_INTEGER) {
		this.storage = storage;
		this.maxNextEntsSize = maxNextEntsSize;
		const first = storage.firstIndex();
		const last = storage.lastIndex();
		this.unstable = new Unstable(last + 1);
		this.committed = first - 1;
		this.applied = first - 1;
	}

	toString(): string {
		return `committed=${this.committed}, applied=${this.applied}, unstable.offset=${this.unstable.offset}, len(unstable.entries)=${this.unstable.entries.length}`;
	}

	/**
	 * Appends `ents` after the entry (index, logTerm) if the log has it, truncating any conflicting
	 * suffix. Returns the index of the last new entry, or undefined when the log does not match.
	 */
	maybeAppend(
		index: number,
		logTerm: number,
		committed: number,
		ents: Entry[]
	): number | undefined {
		if (!this.matchTerm(index, logTerm)) return undefined;
		const lastNew = index + ents.length;
		const ci = this.findConflict(ents);
		if (ci !== 0) {
			if (ci <= this.committed) {
				panic(`entry ${ci} conflict with committed entry [committed(${this.committed})]`);
			}
			this.append(ents.slice(ci - (index + 1)));
		}
		this.commitTo(Math.min(committed, lastNew));
		return lastNew;
	}

	append(ents: Entry[]): number {
		if (ents.length === 0) return this.lastIndex();
		const after = ents[0].index - 1;
		if (after < this.committed) {
			panic(`after(${after}) is out of range [committed(${this.committed})]`);
		}
		this.unstable.truncateAndAppend(ents);
		return this.lastIndex();
	}

	/**
	 * The index of the first entry in `ents` whose term differs from ours (a conflict) or that we
	 * do not have yet; 0 if we already hold all of them.
	 */
	findConflict(ents: Entry[]): number {
		for (const e of ents) if (!this.matchTerm(e.index, e.term)) return e.index;
		return 0;
	}

	/**
	 * The largest index <= `index` whose term is <= `term`: a leader uses it to skip a whole
	 * term of mismatching entries per rejection instead of one entry per round trip.
	 */
	findConflictByTerm(index: number, term: number): number {
		if (index > this.lastIndex()) return index;
		for (;;) {
			let t: number;
			try {
				t = this.term(index);
			} catch {
				return index;
			}
			if (t <= term) return index;
			index--;
		}
	}

	unstableEntries(): Entry[] {
		return this.unstable.entries.slice();
	}

	/** Committed entries not yet applied, bounded by maxNextEntsSize. */
	nextEnts(): Entry[] {
		const off = Math.max(this.applied + 1, this.firstIndex());
		if (this.committed + 1 > off) return this.slice(off, this.committed + 1, this.maxNextEntsSize);
		return [];
	}

	hasNextEnts(): boolean {
		const off = Math.max(this.applied + 1, this.firstIndex());
		return this.committed + 1 > off;
	}

	hasPendingSnapshot(): boolean {
		return this.unstable.snapshot !== undefined && this.unstable.snapshot.metadata.index !== 0;
	}

	snapshot(): Snapshot {
		return this.unstable.snapshot ?? this.storage.snapshot();
	}

	firstIndex(): number {
		return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
	}

	lastIndex(): number {
		return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
	}

	/** The last index known to be on this node's own stable storage. */
	lastStableIndex(): number {
		if (this.unstable.entries.length === 0 && !this.unstable.snapshot) return this.lastIndex();
		return Math.min(this.unstable.offset - 1, this.storage.lastIndex());
	}

	commitTo(toCommit: number): void {
		if (this.committed < toCommit) {
			if (this.lastIndex() < toCommit) {
				panic(`tocommit(${toCommit}) is out of range [lastIndex(${this.lastIndex()})]`);
			}
			this.committed = toCommit;
		}
	}

	appliedTo(i: number): void {
		if (i === 0) return;
		if (this.committed < i || i < this.applied) {
			panic(
				`applied(${i}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`
			);
		}
		this.applied = i;
	}

	stableTo(i: number, t: number): void {
		this.unstable.stableTo(i, t);
	}

	stableSnapTo(i: number): void {
		this.unstable.stableSnapTo(i);
	}

	lastTerm(): number {
		return this.term(this.lastIndex());
	}

	/**
	 * The term of entry i; 0 outside [firstIndex()-1, lastIndex()]. Throws ErrCompacted when
	 * storage no longer has it.
	 */
	term(i: number): number {
		const dummy = this.firstIndex() - 1;
		if (i < dummy || i > this.lastIndex()) return 0;
		const t = this.unstable.maybeTerm(i);
		if (t !== undefined) return t;
		try {
			return this.storage.term(i);
		} catch (e) {
			if (e instanceof ErrCompacted) throw e;
			if (e instanceof ErrUnavailable) return panic(`term(${i}) unavailable`);
			throw e;
		}
	}

	/** term(i), or 0 when the entry was compacted. */
	zeroTermOnCompacted(i: number): number {
		try {
			return this.term(i);
		} catch (e) {
			if (e instanceof ErrCompacted) return 0;
			throw e;
		}
	}

	/** Entries from i on, at most maxSize bytes. Throws ErrCompacted. */
	entries(i: number, maxSize: number): Entry[] {
		if (i > this.lastIndex()) return [];
		return this.slice(i, this.lastIndex() + 1, maxSize);
	}

	allEntries(): Entry[] {
		try {
			return this.entries(this.firstIndex(), Number.MAX_SAFE_INTEGER);
		} catch (e) {
			// A compaction raced with the read: try again from the new first index.
			if (e instanceof ErrCompacted) return this.allEntries();
			throw e;
		}
	}

	/** Raft's election restriction (§5.4.1): is (lasti, term) at least as up to date as our log? */
	isUpToDate(lasti: number, term: number): boolean {
		const lt = this.lastTerm();
		return term > lt || (term === lt && lasti >= this.lastIndex());
	}

	matchTerm(i: number, term: number): boolean {
		try {
			return this.term(i) === term;
		} catch {
			return false;
		}
	}

	maybeCommit(maxIndex: number, term: number): boolean {
		// Only entries of the leader's own term are committed by counting replicas (§5.4.2).
		if (maxIndex > this.committed && this.zeroTermOnCompacted(maxIndex) === term) {
			this.commitTo(maxIndex);
			return true;
		}
		return false;
	}

	restore(s: Snapshot): void {
		this.committed = s.metadata.index;
		this.unstable.restore(s);
	}

	/** Entries in [lo, hi), from storage then the unstable suffix. Throws ErrCompacted. */
	slice(lo: number, hi: number, maxSize: number): Entry[] {
		this.mustCheckOutOfBounds(lo, hi);
		if (lo === hi) return [];
		let ents: Entry[] = [];
		if (lo < this.unstable.offset) {
			let stored: Entry[];
			try {
				stored = this.storage.entries(lo, Math.min(hi, this.unstable.offset), maxSize);
			} catch (e) {
				if (e instanceof ErrUnavailable) {
					return panic(
						`entries[${lo}:${Math.min(hi, this.unstable.offset)}) is unavailable from storage`
					);
				}
				throw e;
			}
			// Storage stopped early because of the size limit: that is the whole answer.
			if (stored.length < Math.min(hi, this.unstable.offset) - lo) return stored;
			ents = stored;
		}
		if (hi > this.unstable.offset) {
			const from = Math.max(lo, this.unstable.offset);
			const unstable = this.unstable.entries.slice(
				from - this.unstable.offset,
				hi - this.unstable.offset
			);
			ents = ents.length > 0 ? ents.concat(unstable) : unstable;
		}
		return limitSize(ents, maxSize);
	}

	private mustCheckOutOfBounds(lo: number, hi: number): void {
		if (lo > hi) panic(`invalid slice ${lo} > ${hi}`);
		const fi = this.firstIndex();
		if (lo < fi) throw new ErrCompacted();
		const length = this.lastIndex() + 1 - fi;
		if (hi > fi + length) panic(`slice[${lo},${hi}) out of bound [${fi},${this.lastIndex()}]`);
	}
}
