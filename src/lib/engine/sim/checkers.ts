/**
 * Safety checkers for Raft, fed by the nodes as things happen. Each records global facts (who
 * led which term, what was persisted or applied at each index) and flags the first
 * contradiction:
 *
 *   election-safety     at most one leader per term
 *   log-matching        two logs with an entry of the same index and term agree on it and on
 *                       the term of the entry before it (so, inductively, on the whole prefix)
 *   leader-completeness a new leader's log holds every entry applied anywhere before
 *   state-machine       no two nodes apply different entries at the same index, and a snapshot
 *                       restores exactly the state the applied entries produced
 *   read-index          a ReadIndex answer is at least the commit index known anywhere when the
 *                       read was requested (reads are linearizable)
 */
import { bytesKey } from '../util/bytes';
import type { Entry, NodeId } from '../raft/types';
import type { RaftLog } from '../raft/log';

export interface Violation {
	checker: string;
	details: string;
}

function entryKey(e: Entry): string {
	return `${e.type === 'ConfChange' ? 'C' : 'N'}${bytesKey(e.data)}`;
}

/** The state-machine hash chain: h(i) = fnv(h(i-1), entry i). */
export function chainHash(prev: number, e: Entry): number {
	let h = (prev ^ 0x811c9dc5) >>> 0;
	const mix = (b: number) => {
		h ^= b;
		h = Math.imul(h, 0x01000193) >>> 0;
	};
	mix(e.type === 'ConfChange' ? 1 : 0);
	for (const b of e.data) mix(b);
	mix(e.index & 0xff);
	return h;
}

export class RaftCheckers {
	violation: Violation | undefined;
	private leaders = new Map<number, NodeId>();
	private persisted = new Map<string, { data: string; prevTerm: number | undefined }>();
	/** index -> the entry applied there (term and payload) and the state hash after it. */
	private applied = new Map<number, { term: number; data: string; hash: number }>();
	private reads = new Map<string, number>();
	maxApplied = 0;

	private fail(checker: string, details: string): void {
		if (!this.violation) this.violation = { checker, details };
	}

	observeLeader(id: NodeId, term: number): void {
		const prev = this.leaders.get(term);
		if (prev === undefined) this.leaders.set(term, id);
		else if (prev !== id)
			this.fail('election-safety', `term ${term} has leaders ${prev} and ${id}`);
	}

	/** After `id` persisted `ents`; `log` is its log (to read the term before each entry). */
	observePersisted(id: NodeId, ents: Entry[], log: RaftLog): void {
		for (const e of ents) {
			// The log may have moved on since this Ready was taken (a newer append replaced the
			// entry): then the term before it is unknown here.
			let prevTerm: number | undefined;
			try {
				if (log.term(e.index) === e.term) prevTerm = e.index > 1 ? log.term(e.index - 1) : 0;
			} catch {
				prevTerm = undefined;
			}
			const key = `${e.index}/${e.term}`;
			const data = entryKey(e);
			const seen = this.persisted.get(key);
			if (!seen) {
				this.persisted.set(key, { data, prevTerm });
				continue;
			}
			if (seen.data !== data) {
				this.fail('log-matching', `node ${id} has a different entry at ${key}`);
			} else if (
				seen.prevTerm !== undefined &&
				prevTerm !== undefined &&
				seen.prevTerm !== prevTerm
			) {
				this.fail(
					'log-matching',
					`node ${id}: entry ${key} follows term ${prevTerm}, elsewhere term ${seen.prevTerm}`
				);
			}
		}
	}

	/** `id` applied entry `e`, reaching state hash `hash`. */
	observeApplied(id: NodeId, e: Entry, hash: number): void {
		const data = entryKey(e);
		const seen = this.applied.get(e.index);
		if (!seen) {
			this.applied.set(e.index, { term: e.term, data, hash });
			if (e.index > this.maxApplied) this.maxApplied = e.index;
			return;
		}
		if (seen.term !== e.term || seen.data !== data) {
			this.fail(
				'state-machine',
				`node ${id} applied ${e.term}/${e.index}, another node applied ${seen.term}/${e.index}`
			);
		} else if (seen.hash !== hash) {
			this.fail('state-machine', `node ${id} reached a different state at index ${e.index}`);
		}
	}

	/** `id` restored a snapshot claiming state `hash` at `index`. */
	observeSnapshot(id: NodeId, index: number, hash: number): void {
		const seen = this.applied.get(index);
		if (seen && seen.hash !== hash) {
			this.fail(
				'state-machine',
				`node ${id} restored a snapshot at ${index} with a different state`
			);
		}
	}

	/** `id` just became leader: its log must contain every entry applied anywhere. */
	observeNewLeader(id: NodeId, log: RaftLog): void {
		const first = log.firstIndex();
		for (const [index, a] of this.applied) {
			if (index < first) continue;
			let t: number;
			try {
				t = log.term(index);
			} catch {
				continue;
			}
			if (index > log.lastIndex() || t !== a.term) {
				this.fail(
					'leader-completeness',
					`leader ${id} lacks applied entry ${a.term}/${index} (has term ${t}, last index ${log.lastIndex()})`
				);
				return;
			}
		}
	}

	/** A read was requested while `committed` was the highest commit index anywhere. */
	observeReadRequested(ctx: Uint8Array, committed: number): void {
		this.reads.set(bytesKey(ctx), committed);
	}

	observeReadState(id: NodeId, ctx: Uint8Array, index: number): void {
		const floor = this.reads.get(bytesKey(ctx));
		if (floor !== undefined && index < floor) {
			this.fail(
				'read-index',
				`node ${id} got read index ${index} but ${floor} was committed before the read began`
			);
		}
	}
}
