/**
 * The history of one key as etcd's keyIndex keeps it: a list of generations, each the
 * revisions from the key's creation up to (and including) its deletion.
 *
 * Example, key "foo":
 *   put@2, put@3, delete@4        generations: {2.0, 3.0, 4.0(t)} {}
 *   put@5                         generations: {2.0, 3.0, 4.0(t)} {5.0}
 *   put@6                         generations: {2.0, 3.0, 4.0(t)} {5.0, 6.0}
 *   compact(4)                    generations: {5.0, 6.0}   (4.0 was a tombstone: gone)
 *   compact(5)                    generations: {5.0, 6.0}   (5.0 is still the value at 5)
 *   compact(6)                    generations: {6.0}
 *   delete@7, compact(7)          generations: {}           (the key leaves the index)
 *
 * Unlike etcd, whose index holds only revisions and reads values from bolt, each revision here
 * carries its record, so the index and the in-memory history share one set of objects.
 */
import type { KeyValue } from '../api/types';

/** One revision of one key: what etcd stores in its key bucket under {main, sub}. */
export interface RevisionRecord {
	main: number;
	sub: number;
	/** For a tombstone: just the key, every other field zero. */
	kv: KeyValue;
	tombstone: boolean;
}

interface Generation {
	/** Revisions in order; when the generation is closed the last one is the tombstone. */
	revs: RevisionRecord[];
}

export class KeyIndex {
	/** The key as a bytesKey string. */
	readonly key: string;
	generations: Generation[] = [{ revs: [] }];

	constructor(key: string) {
		this.key = key;
	}

	/** The newest revision of the key, tombstone or not. */
	get latest(): RevisionRecord | undefined {
		for (let i = this.generations.length - 1; i >= 0; i--) {
			const g = this.generations[i];
			if (g.revs.length > 0) return g.revs[g.revs.length - 1];
		}
		return undefined;
	}

	put(rec: RevisionRecord): void {
		this.generations[this.generations.length - 1].revs.push(rec);
	}

	/** Closes the current generation; false when the key does not exist (nothing to delete). */
	tombstone(rec: RevisionRecord): boolean {
		const g = this.generations[this.generations.length - 1];
		if (g.revs.length === 0) return false;
		g.revs.push(rec);
		this.generations.push({ revs: [] });
		return true;
	}

	isEmpty(): boolean {
		return this.generations.length === 1 && this.generations[0].revs.length === 0;
	}

	/** The live (non-tombstone) record at `atRev`, if the key existed then. */
	get(atRev: number): RevisionRecord | undefined {
		// Fast path: reading at or after the newest revision of a live key.
		const cur = this.generations[this.generations.length - 1].revs;
		if (cur.length > 0 && cur[cur.length - 1].main <= atRev) return cur[cur.length - 1];
		const g = this.findGeneration(atRev);
		if (!g) return undefined;
		for (let i = g.revs.length - 1; i >= 0; i--) {
			const r = g.revs[i];
			if (r.main <= atRev) return r.tombstone ? undefined : r;
		}
		return undefined;
	}

	/** The generation holding the key's value at `rev`, or undefined if it was deleted then. */
	private findGeneration(rev: number): Generation | undefined {
		const last = this.generations.length - 1;
		for (let i = last; i >= 0; i--) {
			const g = this.generations[i];
			if (g.revs.length === 0) continue;
			// A closed generation whose tombstone is at or before rev: deleted at rev.
			if (i !== last && g.revs[g.revs.length - 1].main <= rev) return undefined;
			if (g.revs[0].main <= rev) return g;
		}
		return undefined;
	}

	/**
	 * Drops every revision that is not needed to answer reads at `atRev` or later; the
	 * revisions at or below atRev that must stay (the key's value at atRev) go into `keep`.
	 */
	compact(atRev: number, keep: Set<RevisionRecord>): void {
		const { genIdx, revIndex } = this.findCompaction(atRev, keep);
		let start = genIdx;
		const g = this.generations[genIdx];
		if (g.revs.length > 0) {
			if (revIndex !== -1) g.revs = g.revs.slice(revIndex);
			// A lone tombstone in a closed generation says nothing any more.
			if (g.revs.length === 1 && genIdx !== this.generations.length - 1) {
				keep.delete(g.revs[0]);
				start++;
			}
		}
		if (start > 0) this.generations = this.generations.slice(start);
	}

	/** What compact(atRev) would keep, without changing anything (etcd's keyIndex.keep). */
	keep(atRev: number, keep: Set<RevisionRecord>): void {
		if (this.isEmpty()) return;
		const { genIdx, revIndex } = this.findCompaction(atRev, keep);
		const g = this.generations[genIdx];
		if (
			g.revs.length > 0 &&
			revIndex === g.revs.length - 1 &&
			genIdx !== this.generations.length - 1
		) {
			keep.delete(g.revs[revIndex]);
		}
	}

	private findCompaction(atRev: number, keep: Set<RevisionRecord>) {
		let genIdx = 0;
		// Skip generations that ended (tombstone) at or before atRev.
		while (genIdx < this.generations.length - 1) {
			const revs = this.generations[genIdx].revs;
			if (revs[revs.length - 1].main > atRev) break;
			genIdx++;
		}
		const revs = this.generations[genIdx].revs;
		let revIndex = -1;
		for (let i = revs.length - 1; i >= 0; i--) {
			if (revs[i].main <= atRev) {
				keep.add(revs[i]);
				revIndex = i;
				break;
			}
		}
		return { genIdx, revIndex };
	}
}
