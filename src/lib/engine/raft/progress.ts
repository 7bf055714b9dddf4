/**
 * What a leader knows about each follower's log, and the flow control that keeps it from
 * flooding a slow one.
 *
 *              rejected / unreachable
 *   +--------+ <---------------------- +-----------+
 *   | Probe  |                         | Replicate |   Probe: one MsgApp per heartbeat until a
 *   +--------+ ----------------------> +-----------+   match is found. Replicate: stream MsgApps
 *     |    ^       append accepted                     optimistically, at most maxInflight
 *     |    |  snapshot applied / failed                 unacknowledged at once.
 *     v    |                                          Snapshot: wait for the snapshot to land.
 *   +----------+
 *   | Snapshot |  <- entries the follower needs were compacted
 *   +----------+
 */
import type { NodeId } from './types';

export type ProgressState = 'Probe' | 'Replicate' | 'Snapshot';

/** A bounded FIFO of the last indexes of MsgApps sent but not yet acknowledged. */
export class Inflights {
	private readonly buffer: number[] = [];
	readonly size: number;

	constructor(size: number) {
		this.size = size;
	}

	add(index: number): void {
		if (this.full()) throw new Error('cannot add into a full inflights');
		this.buffer.push(index);
	}

	/** Frees every in-flight message whose last index is <= to. */
	freeLE(to: number): void {
		let i = 0;
		while (i < this.buffer.length && this.buffer[i] <= to) i++;
		if (i > 0) this.buffer.splice(0, i);
	}

	freeFirstOne(): void {
		if (this.buffer.length > 0) this.buffer.shift();
	}

	full(): boolean {
		return this.buffer.length >= this.size;
	}

	count(): number {
		return this.buffer.length;
	}

	reset(): void {
		this.buffer.length = 0;
	}
}

export class Progress {
	match = 0;
	next: number;
	state: ProgressState = 'Probe';
	/** In Snapshot state: the index of the snapshot being sent. */
	pendingSnapshot = 0;
	/** Heard from since the last check-quorum round. */
	recentActive = false;
	/** In Probe state: a MsgApp was sent and we wait for an answer or a heartbeat response. */
	probeSent = false;
	inflights: Inflights;
	isLearner: boolean;

	constructor(next: number, maxInflight: number, isLearner: boolean) {
		this.next = next;
		this.inflights = new Inflights(maxInflight);
		this.isLearner = isLearner;
	}

	private resetState(state: ProgressState): void {
		this.probeSent = false;
		this.pendingSnapshot = 0;
		this.state = state;
		this.inflights.reset();
	}

	becomeProbe(): void {
		// After a snapshot, the follower has at least the snapshot's entries.
		if (this.state === 'Snapshot') {
			const pending = this.pendingSnapshot;
			this.resetState('Probe');
			this.next = Math.max(this.match + 1, pending + 1);
		} else {
			this.resetState('Probe');
			this.next = this.match + 1;
		}
	}

	becomeReplicate(): void {
		this.resetState('Replicate');
		this.next = this.match + 1;
	}

	becomeSnapshot(snapshotIndex: number): void {
		this.resetState('Snapshot');
		this.pendingSnapshot = snapshotIndex;
	}

	/** The follower acknowledged entries up to n. Returns false for a stale acknowledgement. */
	maybeUpdate(n: number): boolean {
		let updated = false;
		if (this.match < n) {
			this.match = n;
			updated = true;
			this.probeSent = false;
		}
		this.next = Math.max(this.next, n + 1);
		return updated;
	}

	/** Entries up to n were just sent (Replicate state streams ahead of acknowledgements). */
	optimisticUpdate(n: number): void {
		this.next = n + 1;
	}

	/**
	 * A MsgApp at index `rejected` was refused; `matchHint` is the follower's guess of where the
	 * logs agree. Returns false if the rejection is stale (already handled).
	 */
	maybeDecrTo(rejected: number, matchHint: number): boolean {
		if (this.state === 'Replicate') {
			if (rejected <= this.match) return false;
			this.next = this.match + 1;
			return true;
		}
		if (this.next - 1 !== rejected) return false;
		this.next = Math.max(Math.min(rejected, matchHint + 1), 1);
		this.probeSent = false;
		return true;
	}

	isPaused(): boolean {
		switch (this.state) {
			case 'Probe':
				return this.probeSent;
			case 'Replicate':
				return this.inflights.full();
			case 'Snapshot':
				return true;
		}
	}

	toString(): string {
		let s = `${this.state} match=${this.match} next=${this.next}`;
		if (this.isLearner) s += ' learner';
		if (this.probeSent) s += ' paused';
		if (this.pendingSnapshot > 0) s += ` pendingSnap=${this.pendingSnapshot}`;
		if (!this.recentActive) s += ' inactive';
		const n = this.inflights.count();
		if (n > 0) s += ` inflight=${n}${this.inflights.full() ? '[full]' : ''}`;
		return s;
	}
}

export type VoteResult = 'Won' | 'Lost' | 'Pending';

/** The configuration (voters, learners) and every member's Progress. */
export class ProgressTracker {
	voters = new Set<NodeId>();
	learners = new Set<NodeId>();
	progress = new Map<NodeId, Progress>();
	votes = new Map<NodeId, boolean>();
	readonly maxInflight: number;

	constructor(maxInflight: number) {
		this.maxInflight = maxInflight;
	}

	/** Member IDs in ascending order: iteration order must not depend on insertion history. */
	ids(): NodeId[] {
		return [...this.progress.keys()].sort(cmpId);
	}

	voterIds(): NodeId[] {
		return [...this.voters].sort(cmpId);
	}

	isSingleton(): boolean {
		return this.voters.size === 1 && this.learners.size === 0;
	}

	quorum(): number {
		return Math.floor(this.voters.size / 2) + 1;
	}

	/** The largest index on a quorum of voters' stable storage. */
	committed(): number {
		if (this.voters.size === 0) return Number.MAX_SAFE_INTEGER;
		const matches: number[] = [];
		for (const id of this.voters) matches.push(this.progress.get(id)?.match ?? 0);
		matches.sort((a, b) => b - a);
		return matches[this.quorum() - 1];
	}

	/** Whether a quorum of voters (counting ourselves) was heard from recently. */
	quorumActive(selfId: NodeId): boolean {
		let active = 0;
		for (const id of this.voters) {
			if (id === selfId || this.progress.get(id)?.recentActive) active++;
		}
		return active >= this.quorum();
	}

	resetVotes(): void {
		this.votes.clear();
	}

	recordVote(id: NodeId, granted: boolean): void {
		if (!this.votes.has(id)) this.votes.set(id, granted);
	}

	tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
		let granted = 0;
		let rejected = 0;
		for (const id of this.voters) {
			const v = this.votes.get(id);
			if (v === true) granted++;
			else if (v === false) rejected++;
		}
		const q = this.quorum();
		let result: VoteResult = 'Pending';
		if (granted >= q) result = 'Won';
		else if (this.voters.size - rejected < q) result = 'Lost';
		return { granted, rejected, result };
	}
}

export function cmpId(a: NodeId, b: NodeId): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
