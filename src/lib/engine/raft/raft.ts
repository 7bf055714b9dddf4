/**
 * The Raft state machine. It performs no I/O: stepping a message or a tick only changes memory
 * and queues outgoing messages in `msgs`; RawNode hands those to the caller in a Ready.
 *
 * Each role is a pair of functions, swapped on every role change:
 *
 *   role          step           tick
 *   Follower      stepFollower   tickElection
 *   PreCandidate  stepCandidate  tickElection
 *   Candidate     stepCandidate  tickElection
 *   Leader        stepLeader     tickHeartbeat
 *
 * A leader counts its own log towards a quorum only up to what the caller has persisted
 * (reported through `onPersisted`), so a crash that loses unsynced writes cannot lose a commit.
 */
import { applyToTracker, confStateOf } from './confchange';
import { ErrCompacted, ErrSnapshotTemporarilyUnavailable, panic } from './errors';
import { RaftLog } from './log';
import { Progress, ProgressTracker } from './progress';
import { ReadOnly } from './read-only';
import type { Storage } from './storage';
import type { Rng } from '../util/rand';
import {
	isEmptyHardState,
	msg,
	NONE,
	payloadSize,
	voteRespType,
	type ConfChange,
	type ConfState,
	type Entry,
	type HardState,
	type Message,
	type MessageType,
	type NodeId,
	type ReadState,
	type Snapshot,
	type SoftState,
	type StateType
} from './types';

export interface RaftConfig {
	/** This node's ID; never 0. */
	id: NodeId;
	/** Ticks without hearing from a leader before campaigning (randomised in [n, 2n)). etcd: 10. */
	electionTick: number;
	/** Ticks between leader heartbeats. etcd: 1. */
	heartbeatTick: number;
	storage: Storage;
	/** The only source of randomness (election timeouts). */
	rng: Rng;
	/** Run a pre-vote round before bumping the term (Raft thesis §9.6). etcd 3.5: on. */
	preVote: boolean;
	/** A leader steps down when it has not heard from a quorum for an election timeout. */
	checkQuorum: boolean;
	/** Bytes of entries per MsgApp (at least one entry is always sent). */
	maxSizePerMsg: number;
	/** Unacknowledged MsgApps per follower in Replicate state. */
	maxInflightMsgs: number;
	/** The index the application has already applied (on restart). */
	applied?: number;
	/** Payload bytes a leader accepts before its uncommitted entries are committed. */
	maxUncommittedEntriesSize?: number;
	/** Bytes of committed entries per Ready. */
	maxCommittedSizePerReady?: number;
	/** Drop proposals on followers instead of forwarding them to the leader. */
	disableProposalForwarding?: boolean;
}

export type CampaignType = 'PreElection' | 'Election' | 'Transfer';

const CAMPAIGN_TRANSFER = new Uint8Array([0x43, 0x54]); // "CT": a leader-transfer election

function isTransferContext(ctx: Uint8Array | undefined): boolean {
	return (
		ctx !== undefined &&
		ctx.length === CAMPAIGN_TRANSFER.length &&
		ctx[0] === CAMPAIGN_TRANSFER[0] &&
		ctx[1] === CAMPAIGN_TRANSFER[1]
	);
}

type StepFn = (r: Raft, m: Message) => boolean;

export class Raft {
	readonly id: NodeId;
	term = 0;
	vote: NodeId = NONE;
	readStates: ReadState[] = [];
	readonly log: RaftLog;
	readonly prs: ProgressTracker;
	state: StateType = 'Follower';
	isLearner = false;
	msgs: Message[] = [];
	lead: NodeId = NONE;
	/** The node leadership is being handed to, or NONE. */
	leadTransferee: NodeId = NONE;
	/** Index of the latest conf change proposed; a new one waits until it is applied. */
	pendingConfIndex = 0;
	uncommittedSize = 0;
	readOnly = new ReadOnly();
	/** ReadIndex requests that arrived before this leader committed an entry of its term. */
	pendingReadIndexMessages: Message[] = [];

	/** Ticks since the last election timeout reset (leader: since last check-quorum). */
	electionElapsed = 0;
	heartbeatElapsed = 0;
	randomizedElectionTimeout = 0;

	readonly checkQuorum: boolean;
	readonly preVote: boolean;
	readonly heartbeatTimeout: number;
	readonly electionTimeout: number;
	readonly maxMsgSize: number;
	readonly maxUncommittedSize: number;
	readonly disableProposalForwarding: boolean;
	private readonly rng: Rng;

	tickFn: () => void = () => this.tickElection();
	stepFn: StepFn = stepFollower;

	constructor(c: RaftConfig) {
		if (c.id === NONE) throw new Error('cannot use none as id');
		if (c.heartbeatTick <= 0) throw new Error('heartbeat tick must be greater than 0');
		if (c.electionTick <= c.heartbeatTick) {
			throw new Error('election tick must be greater than heartbeat tick');
		}
		if (c.maxInflightMsgs <= 0) throw new Error('max inflight messages must be greater than 0');
		this.id = c.id;
		this.rng = c.rng;
		this.log = new RaftLog(c.storage, c.maxCommittedSizePerReady);
		this.prs = new ProgressTracker(c.maxInflightMsgs);
		this.checkQuorum = c.checkQuorum;
		this.preVote = c.preVote;
		this.heartbeatTimeout = c.heartbeatTick;
		this.electionTimeout = c.electionTick;
		this.maxMsgSize = c.maxSizePerMsg;
		this.maxUncommittedSize = c.maxUncommittedEntriesSize ?? Number.MAX_SAFE_INTEGER;
		this.disableProposalForwarding = c.disableProposalForwarding ?? false;

		const { hardState, confState } = c.storage.initialState();
		this.restoreConfState(confState);
		if (!isEmptyHardState(hardState)) this.loadState(hardState);
		if (c.applied !== undefined && c.applied > 0) this.log.appliedTo(c.applied);
		this.becomeFollower(this.term, NONE);
	}

	softState(): SoftState {
		return { lead: this.lead, raftState: this.state };
	}

	hardState(): HardState {
		return { term: this.term, vote: this.vote, commit: this.log.committed };
	}

	private loadState(hs: HardState): void {
		if (hs.commit < this.log.committed || hs.commit > this.log.lastIndex()) {
			panic(
				`hs.commit ${hs.commit} is out of range [${this.log.committed}, ${this.log.lastIndex()}]`
			);
		}
		this.log.committed = hs.commit;
		this.term = hs.term;
		this.vote = hs.vote;
	}

	private restoreConfState(cs: ConfState): void {
		this.prs.voters.clear();
		this.prs.learners.clear();
		this.prs.progress.clear();
		const next = this.log.lastIndex() + 1;
		for (const id of cs.voters) applyToTracker(this.prs, { type: 'AddNode', nodeId: id }, next);
		for (const id of cs.learners) {
			applyToTracker(this.prs, { type: 'AddLearnerNode', nodeId: id }, next);
		}
		this.isLearner = this.prs.learners.has(this.id);
	}

	// ---- sending ----

	send(m: Message): void {
		if (m.from === NONE) m.from = this.id;
		if (
			m.type === 'MsgVote' ||
			m.type === 'MsgVoteResp' ||
			m.type === 'MsgPreVote' ||
			m.type === 'MsgPreVoteResp'
		) {
			// Vote messages carry the term of the election, which may differ from ours.
			if (m.term === 0) panic(`term should be set when sending ${m.type}`);
		} else {
			if (m.term !== 0) panic(`term should not be set when sending ${m.type} (was ${m.term})`);
			// Proposals and read requests forwarded to the leader travel as local messages.
			if (m.type !== 'MsgProp' && m.type !== 'MsgReadIndex') m.term = this.term;
		}
		this.msgs.push(m);
	}

	sendAppend(to: NodeId): void {
		this.maybeSendAppend(to, true);
	}

	/**
	 * Sends entries (or a snapshot, when the follower needs compacted ones) to `to`. With
	 * sendIfEmpty false, nothing is sent unless there are new entries. Returns whether it sent.
	 */
	maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
		const pr = this.prs.progress.get(to);
		if (!pr || pr.isPaused()) return false;
		let term: number;
		let ents: Entry[];
		try {
			term = this.log.term(pr.next - 1);
			ents = this.log.entries(pr.next, this.maxMsgSize);
		} catch (e) {
			if (!(e instanceof ErrCompacted)) throw e;
			return this.sendSnapshot(to, pr);
		}
		if (ents.length === 0 && !sendIfEmpty) return false;
		const prevIndex = pr.next - 1;
		if (ents.length > 0) {
			const last = ents[ents.length - 1].index;
			if (pr.state === 'Replicate') {
				pr.optimisticUpdate(last);
				pr.inflights.add(last);
			} else if (pr.state === 'Probe') {
				pr.probeSent = true;
			}
		}
		this.send(
			msg({
				type: 'MsgApp',
				to,
				index: prevIndex,
				logTerm: term,
				entries: ents,
				commit: this.log.committed
			})
		);
		return true;
	}

	private sendSnapshot(to: NodeId, pr: Progress): boolean {
		// Only to a follower we have heard from: a dead one would just waste the transfer.
		if (!pr.recentActive) return false;
		let snapshot;
		try {
			snapshot = this.log.snapshot();
		} catch (e) {
			if (e instanceof ErrSnapshotTemporarilyUnavailable) return false;
			throw e;
		}
		if (snapshot.metadata.index === 0) panic('need non-empty snapshot');
		pr.becomeSnapshot(snapshot.metadata.index);
		this.send(msg({ type: 'MsgSnap', to, snapshot }));
		return true;
	}

	private sendHeartbeat(to: NodeId, ctx: Uint8Array | undefined): void {
		// Never tell a follower to commit beyond what it has acknowledged: it may not have it.
		const pr = this.prs.progress.get(to);
		const commit = Math.min(pr ? pr.match : 0, this.log.committed);
		const m = msg({ type: 'MsgHeartbeat', to, commit });
		if (ctx) m.context = ctx;
		this.send(m);
	}

	bcastAppend(): void {
		for (const id of this.prs.ids()) if (id !== this.id) this.sendAppend(id);
	}

	bcastHeartbeat(): void {
		this.bcastHeartbeatWithCtx(this.readOnly.lastPendingRequestCtx());
	}

	private bcastHeartbeatWithCtx(ctx: Uint8Array | undefined): void {
		for (const id of this.prs.ids()) if (id !== this.id) this.sendHeartbeat(id, ctx);
	}

	// ---- persistence feedback ----

	/** The caller persisted entries up to (index, term) and the snapshot at `snapIndex`. */
	onPersisted(index: number, term: number, snapIndex: number): void {
		if (index > 0) this.log.stableTo(index, term);
		if (snapIndex > 0) this.log.stableSnapTo(snapIndex);
		if (this.state !== 'Leader') return;
		const pr = this.prs.progress.get(this.id);
		if (pr && pr.maybeUpdate(this.log.lastStableIndex()) && this.maybeCommit()) {
			this.releasePendingReadIndexMessages();
			this.bcastAppend();
		}
	}

	/** The caller applied committed entries up to `index`. */
	onApplied(index: number, applied: Entry[]): void {
		this.log.appliedTo(index);
		this.reduceUncommittedSize(applied);
	}

	maybeCommit(): boolean {
		return this.log.maybeCommit(this.prs.committed(), this.term);
	}

	// ---- role changes ----

	private reset(term: number): void {
		if (this.term !== term) {
			this.term = term;
			this.vote = NONE;
		}
		this.lead = NONE;
		this.electionElapsed = 0;
		this.heartbeatElapsed = 0;
		this.resetRandomizedElectionTimeout();
		this.abortLeaderTransfer();
		this.prs.resetVotes();
		const last = this.log.lastIndex();
		for (const [id, old] of this.prs.progress) {
			const pr = new Progress(last + 1, this.prs.maxInflight, old.isLearner);
			if (id === this.id) pr.match = this.log.lastStableIndex();
			this.prs.progress.set(id, pr);
		}
		this.pendingConfIndex = 0;
		this.uncommittedSize = 0;
		this.pendingReadIndexMessages = [];
		// Reads confirmed by heartbeats of an earlier term must never complete in a later one.
		this.readOnly = new ReadOnly();
	}

	resetRandomizedElectionTimeout(): void {
		this.randomizedElectionTimeout = this.electionTimeout + this.rng.int(this.electionTimeout);
	}

	becomeFollower(term: number, lead: NodeId): void {
		this.stepFn = stepFollower;
		this.reset(term);
		this.tickFn = () => this.tickElection();
		this.lead = lead;
		this.state = 'Follower';
	}

	becomeCandidate(): void {
		if (this.state === 'Leader') panic('invalid transition [leader -> candidate]');
		this.stepFn = stepCandidate;
		this.reset(this.term + 1);
		this.tickFn = () => this.tickElection();
		this.vote = this.id;
		this.state = 'Candidate';
	}

	becomePreCandidate(): void {
		if (this.state === 'Leader') panic('invalid transition [leader -> pre-candidate]');
		// A pre-candidate changes neither term nor vote: it only asks whether it could win.
		this.stepFn = stepCandidate;
		this.prs.resetVotes();
		this.tickFn = () => this.tickElection();
		this.lead = NONE;
		this.state = 'PreCandidate';
	}

	becomeLeader(): void {
		if (this.state === 'Follower') panic('invalid transition [follower -> leader]');
		this.stepFn = stepLeader;
		this.reset(this.term);
		this.tickFn = () => this.tickHeartbeat();
		this.lead = this.id;
		this.state = 'Leader';
		// Followers start in Probe; we replicate to ourselves.
		const own = this.prs.progress.get(this.id);
		if (own) {
			own.becomeReplicate();
			own.match = this.log.lastStableIndex();
		}
		// Conservatively assume the tail of the log may hold an unapplied conf change.
		this.pendingConfIndex = this.log.lastIndex();
		// An empty entry of our term lets us commit (and learn the commit index) quickly (§5.4.2).
		if (!this.appendEntry([{ term: 0, index: 0, type: 'Normal', data: new Uint8Array(0) }])) {
			panic('empty entry was dropped');
		}
	}

	// ---- ticks ----

	tick(): void {
		this.tickFn();
	}

	private tickElection(): void {
		this.electionElapsed++;
		if (this.promotable() && this.pastElectionTimeout()) {
			this.electionElapsed = 0;
			this.step(msg({ type: 'MsgHup', from: this.id }));
		}
	}

	private tickHeartbeat(): void {
		this.heartbeatElapsed++;
		this.electionElapsed++;
		if (this.electionElapsed >= this.electionTimeout) {
			this.electionElapsed = 0;
			if (this.checkQuorum) this.step(msg({ type: 'MsgCheckQuorum', from: this.id }));
			// A transfer that did not finish within an election timeout is abandoned.
			if (this.state === 'Leader' && this.leadTransferee !== NONE) this.abortLeaderTransfer();
		}
		if (this.state !== 'Leader') return;
		if (this.heartbeatElapsed >= this.heartbeatTimeout) {
			this.heartbeatElapsed = 0;
			this.step(msg({ type: 'MsgBeat', from: this.id }));
		}
	}

	pastElectionTimeout(): boolean {
		return this.electionElapsed >= this.randomizedElectionTimeout;
	}

	/** Whether this node may become leader: a voter, not busy installing a snapshot. */
	promotable(): boolean {
		const pr = this.prs.progress.get(this.id);
		return pr !== undefined && !pr.isLearner && !this.log.hasPendingSnapshot();
	}

	// ---- elections ----

	hup(t: CampaignType): void {
		if (this.state === 'Leader') return;
		if (!this.promotable()) return;
		// A committed but unapplied conf change could change who may vote: apply it first.
		if (this.log.committed > this.log.applied) {
			let ents: Entry[];
			try {
				ents = this.log.slice(
					this.log.applied + 1,
					this.log.committed + 1,
					Number.MAX_SAFE_INTEGER
				);
			} catch {
				return;
			}
			if (ents.some((e) => e.type === 'ConfChange')) return;
		}
		this.campaign(t);
	}

	campaign(t: CampaignType): void {
		if (!this.promotable()) return;
		let voteMsg: MessageType;
		let term: number;
		if (t === 'PreElection') {
			this.becomePreCandidate();
			voteMsg = 'MsgPreVote';
			// Pre-vote asks for the term we would campaign in, without moving to it.
			term = this.term + 1;
		} else {
			this.becomeCandidate();
			voteMsg = 'MsgVote';
			term = this.term;
		}
		if (this.poll(this.id, true) === 'Won') {
			// A single-voter cluster wins at once.
			if (t === 'PreElection') this.campaign('Election');
			else this.becomeLeader();
			return;
		}
		const lastIndex = this.log.lastIndex();
		const lastTerm = this.log.lastTerm();
		for (const id of this.prs.voterIds()) {
			if (id === this.id) continue;
			const m = msg({ type: voteMsg, to: id, term, index: lastIndex, logTerm: lastTerm });
			if (t === 'Transfer') m.context = CAMPAIGN_TRANSFER;
			this.send(m);
		}
	}

	poll(id: NodeId, granted: boolean): 'Won' | 'Lost' | 'Pending' {
		this.prs.recordVote(id, granted);
		return this.prs.tallyVotes().result;
	}

	// ---- stepping ----

	/** Steps one message. Returns false when a proposal was dropped. */
	step(m: Message): boolean {
		if (m.term === 0) {
			// Local message.
		} else if (m.term > this.term) {
			if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
				const force = isTransferContext(m.context);
				const inLease =
					this.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
				// We heard from a live leader recently: ignore a disruptive candidate (§9.6 / 4.2.3).
				if (!force && inLease) return true;
			}
			if (m.type === 'MsgPreVote') {
				// Never change our term in response to a pre-vote.
			} else if (m.type === 'MsgPreVoteResp' && !m.reject) {
				// The term in a granted pre-vote is the one we would campaign in; we move to it only
				// once we win the pre-vote and start the real election.
			} else if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap') {
				this.becomeFollower(m.term, m.from);
			} else {
				this.becomeFollower(m.term, NONE);
			}
		} else if (m.term < this.term) {
			if (
				(this.checkQuorum || this.preVote) &&
				(m.type === 'MsgHeartbeat' || m.type === 'MsgApp')
			) {
				// A stale leader, possibly cut off and stuck in its term: tell it the current term so
				// it steps down (otherwise, with pre-vote or check-quorum, it might never learn).
				this.send(msg({ type: 'MsgAppResp', to: m.from }));
			} else if (m.type === 'MsgPreVote') {
				this.send(msg({ type: 'MsgPreVoteResp', to: m.from, term: this.term, reject: true }));
			}
			return true;
		}

		switch (m.type) {
			case 'MsgHup':
				this.hup(this.preVote ? 'PreElection' : 'Election');
				return true;
			case 'MsgVote':
			case 'MsgPreVote': {
				const canVote =
					this.vote === m.from ||
					(this.vote === NONE && this.lead === NONE) ||
					(m.type === 'MsgPreVote' && m.term > this.term);
				if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
					// The response carries the request's term: for a pre-vote that is a future term.
					this.send(msg({ type: voteRespType(m.type), to: m.from, term: m.term }));
					if (m.type === 'MsgVote') {
						this.electionElapsed = 0;
						this.vote = m.from;
					}
				} else {
					this.send(msg({ type: voteRespType(m.type), to: m.from, term: this.term, reject: true }));
				}
				return true;
			}
			default:
				return this.stepFn(this, m);
		}
	}

	handleAppendEntries(m: Message): void {
		if (m.index < this.log.committed) {
			this.send(msg({ type: 'MsgAppResp', to: m.from, index: this.log.committed }));
			return;
		}
		const lastNew = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
		if (lastNew !== undefined) {
			this.send(msg({ type: 'MsgAppResp', to: m.from, index: lastNew }));
			return;
		}
		// Reject, with a hint: the last index whose term is <= the leader's term at m.index, so the
		// leader can skip a whole run of conflicting entries at once.
		let hintIndex = Math.min(m.index, this.log.lastIndex());
		hintIndex = this.log.findConflictByTerm(hintIndex, m.logTerm);
		const hintTerm = this.log.zeroTermOnCompacted(hintIndex);
		this.send(
			msg({
				type: 'MsgAppResp',
				to: m.from,
				index: m.index,
				reject: true,
				rejectHint: hintIndex,
				logTerm: hintTerm
			})
		);
	}

	handleHeartbeat(m: Message): void {
		this.log.commitTo(m.commit);
		const resp = msg({ type: 'MsgHeartbeatResp', to: m.from });
		if (m.context) resp.context = m.context;
		this.send(resp);
	}

	handleSnapshot(m: Message): void {
		const s = m.snapshot;
		if (s && this.restore(s)) {
			this.send(msg({ type: 'MsgAppResp', to: m.from, index: this.log.lastIndex() }));
		} else {
			this.send(msg({ type: 'MsgAppResp', to: m.from, index: this.log.committed }));
		}
	}

	/** Installs a snapshot from the leader. Returns false if it is stale or not for us. */
	restore(s: Snapshot): boolean {
		if (s.metadata.index <= this.log.committed) return false;
		if (this.state !== 'Follower') {
			// Should not happen (the leader of this term sent it); be safe and step down.
			this.becomeFollower(this.term + 1, NONE);
			return false;
		}
		const cs = s.metadata.confState;
		if (!cs.voters.includes(this.id) && !cs.learners.includes(this.id)) return false;
		if (this.log.matchTerm(s.metadata.index, s.metadata.term)) {
			// We already have the snapshot's entries: just fast-forward the commit index.
			this.log.commitTo(s.metadata.index);
			return false;
		}
		this.log.restore(s);
		this.restoreConfState(cs);
		const pr = this.prs.progress.get(this.id);
		if (pr) pr.maybeUpdate(pr.next - 1);
		return true;
	}

	// ---- proposals ----

	appendEntry(es: Entry[]): boolean {
		let li = this.log.lastIndex();
		const ents: Entry[] = es.map((e) => ({ ...e, term: this.term, index: ++li }));
		if (!this.increaseUncommittedSize(ents)) return false;
		this.log.append(ents);
		return true;
	}

	private increaseUncommittedSize(ents: Entry[]): boolean {
		const s = payloadSize(ents);
		// Always admit one proposal when nothing is pending, however large.
		if (this.uncommittedSize > 0 && s > 0 && this.uncommittedSize + s > this.maxUncommittedSize) {
			return false;
		}
		this.uncommittedSize += s;
		return true;
	}

	private reduceUncommittedSize(ents: Entry[]): void {
		if (this.uncommittedSize === 0) return;
		const s = payloadSize(ents);
		this.uncommittedSize = s > this.uncommittedSize ? 0 : this.uncommittedSize - s;
	}

	// ---- membership ----

	applyConfChange(cc: ConfChange): ConfState {
		applyToTracker(this.prs, cc, Math.max(this.log.lastIndex(), 1));
		return this.switchToConfig();
	}

	private switchToConfig(): ConfState {
		const cs = confStateOf(this.prs);
		const pr = this.prs.progress.get(this.id);
		this.isLearner = pr !== undefined && pr.isLearner;
		if ((pr === undefined || this.isLearner) && this.state === 'Leader') {
			// Removed or demoted leader: it keeps leading until the application stops it or a new
			// leader emerges; it accepts no new proposals (see stepLeader).
			return cs;
		}
		if (this.state !== 'Leader' || cs.voters.length === 0) return cs;
		// The quorum changed: commit may move, and new members need entries.
		if (this.maybeCommit()) {
			this.bcastAppend();
		} else {
			for (const id of this.prs.ids()) if (id !== this.id) this.maybeSendAppend(id, false);
		}
		const t = this.prs.progress.get(this.leadTransferee);
		if (this.leadTransferee !== NONE && (t === undefined || t.isLearner))
			this.abortLeaderTransfer();
		return cs;
	}

	// ---- leadership transfer ----

	private sendTimeoutNow(to: NodeId): void {
		this.send(msg({ type: 'MsgTimeoutNow', to }));
	}

	abortLeaderTransfer(): void {
		this.leadTransferee = NONE;
	}

	// ---- read index ----

	private committedEntryInCurrentTerm(): boolean {
		return this.log.zeroTermOnCompacted(this.log.committed) === this.term;
	}

	releasePendingReadIndexMessages(): void {
		if (this.pendingReadIndexMessages.length === 0) return;
		if (!this.committedEntryInCurrentTerm()) return;
		const msgs = this.pendingReadIndexMessages;
		this.pendingReadIndexMessages = [];
		for (const m of msgs) this.sendReadIndexResponse(m);
	}

	sendReadIndexResponse(m: Message): void {
		if (this.prs.isSingleton()) {
			const resp = this.responseToReadIndexReq(m, this.log.committed);
			if (resp) this.send(resp);
			return;
		}
		this.readOnly.addRequest(this.log.committed, m);
		this.readOnly.recvAck(this.id, m.entries[0].data);
		this.bcastHeartbeatWithCtx(m.entries[0].data);
	}

	/** A local request becomes a ReadState; a forwarded one gets a MsgReadIndexResp. */
	responseToReadIndexReq(req: Message, readIndex: number): Message | undefined {
		if (req.from === NONE || req.from === this.id) {
			this.readStates.push({ index: readIndex, requestCtx: req.entries[0].data });
			return undefined;
		}
		return msg({ type: 'MsgReadIndexResp', to: req.from, index: readIndex, entries: req.entries });
	}
}

// ---- role step functions ----

function stepLeader(r: Raft, m: Message): boolean {
	switch (m.type) {
		case 'MsgBeat':
			r.bcastHeartbeat();
			return true;
		case 'MsgCheckQuorum':
			if (!r.prs.quorumActive(r.id)) r.becomeFollower(r.term, NONE);
			// Everyone must prove liveness again during the next round.
			for (const [id, pr] of r.prs.progress) if (id !== r.id) pr.recentActive = false;
			return true;
		case 'MsgProp': {
			if (m.entries.length === 0) panic('stepped empty MsgProp');
			// Removed from the configuration while leading: accept nothing new.
			if (!r.prs.progress.has(r.id)) return false;
			if (r.leadTransferee !== NONE) return false;
			const ents = m.entries.map((e, i): Entry => {
				if (e.type !== 'ConfChange') return e;
				if (r.pendingConfIndex > r.log.applied) {
					// One change at a time: a second one while the first is unapplied becomes a no-op.
					return { ...e, type: 'Normal', data: new Uint8Array(0) };
				}
				r.pendingConfIndex = r.log.lastIndex() + i + 1;
				return e;
			});
			if (!r.appendEntry(ents)) return false;
			r.bcastAppend();
			return true;
		}
		case 'MsgReadIndex':
			if (r.prs.isSingleton()) {
				const resp = r.responseToReadIndexReq(m, r.log.committed);
				if (resp) r.send(resp);
				return true;
			}
			// Until an entry of this term commits, our commit index may lag the real one (§6.4).
			if (r.log.zeroTermOnCompacted(r.log.committed) !== r.term) {
				r.pendingReadIndexMessages.push(m);
				return true;
			}
			r.sendReadIndexResponse(m);
			return true;
	}

	const pr = r.prs.progress.get(m.from);
	if (!pr) return true;
	switch (m.type) {
		case 'MsgAppResp':
			pr.recentActive = true;
			if (m.reject) {
				let nextProbe = m.rejectHint;
				if (m.logTerm > 0) nextProbe = r.log.findConflictByTerm(m.rejectHint, m.logTerm);
				if (pr.maybeDecrTo(m.index, nextProbe)) {
					if (pr.state === 'Replicate') pr.becomeProbe();
					r.sendAppend(m.from);
				}
			} else {
				const oldPaused = pr.isPaused();
				if (pr.maybeUpdate(m.index)) {
					if (pr.state === 'Probe') {
						pr.becomeReplicate();
					} else if (pr.state === 'Snapshot' && pr.match >= pr.pendingSnapshot) {
						pr.becomeProbe();
						pr.becomeReplicate();
					} else if (pr.state === 'Replicate') {
						pr.inflights.freeLE(m.index);
					}
					if (r.maybeCommit()) {
						r.releasePendingReadIndexMessages();
						r.bcastAppend();
					} else if (oldPaused) {
						r.sendAppend(m.from);
					}
					// Keep sending while there are entries and room for more messages in flight.
					while (r.maybeSendAppend(m.from, false)) {
						/* keep going */
					}
					if (m.from === r.leadTransferee && pr.match === r.log.lastIndex()) {
						r.send(msg({ type: 'MsgTimeoutNow', to: m.from }));
					}
				}
			}
			return true;
		case 'MsgHeartbeatResp': {
			pr.recentActive = true;
			pr.probeSent = false;
			// A heartbeat answer proves the follower is alive: let one more MsgApp through.
			if (pr.state === 'Replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
			if (pr.match < r.log.lastIndex()) r.sendAppend(m.from);
			if (!m.context || m.context.length === 0) return true;
			const acks = r.readOnly.recvAck(m.from, m.context);
			if (!acks) return true;
			let voterAcks = 0;
			for (const id of acks) if (r.prs.voters.has(id)) voterAcks++;
			if (voterAcks < r.prs.quorum()) return true;
			for (const rs of r.readOnly.advance(m.context)) {
				const resp = r.responseToReadIndexReq(rs.req, rs.index);
				if (resp) r.send(resp);
			}
			return true;
		}
		case 'MsgSnapStatus':
			if (pr.state !== 'Snapshot') return true;
			if (m.reject) pr.pendingSnapshot = 0;
			pr.becomeProbe();
			// Wait for a MsgAppResp or heartbeat response before probing again.
			pr.probeSent = true;
			return true;
		case 'MsgUnreachable':
			// The follower may have lost messages: stop streaming and probe instead.
			if (pr.state === 'Replicate') pr.becomeProbe();
			return true;
		case 'MsgTransferLeader': {
			if (pr.isLearner) return true;
			const transferee = m.from;
			if (r.leadTransferee !== NONE) {
				if (r.leadTransferee === transferee) return true;
				r.abortLeaderTransfer();
			}
			if (transferee === r.id) return true;
			// The transfer must finish within an election timeout (see tickHeartbeat).
			r.electionElapsed = 0;
			r.leadTransferee = transferee;
			if (pr.match === r.log.lastIndex()) {
				r.send(msg({ type: 'MsgTimeoutNow', to: transferee }));
			} else {
				r.sendAppend(transferee);
			}
			return true;
		}
	}
	return true;
}

function stepCandidate(r: Raft, m: Message): boolean {
	const myVoteResp: MessageType = r.state === 'PreCandidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
	switch (m.type) {
		case 'MsgProp':
			return false;
		case 'MsgApp':
			r.becomeFollower(m.term, m.from);
			r.handleAppendEntries(m);
			return true;
		case 'MsgHeartbeat':
			r.becomeFollower(m.term, m.from);
			r.handleHeartbeat(m);
			return true;
		case 'MsgSnap':
			r.becomeFollower(m.term, m.from);
			r.handleSnapshot(m);
			return true;
		case 'MsgTimeoutNow':
			return true;
		default:
			if (m.type === myVoteResp) {
				const res = r.poll(m.from, !m.reject);
				if (res === 'Won') {
					if (r.state === 'PreCandidate') {
						r.campaign('Election');
					} else {
						r.becomeLeader();
						r.bcastAppend();
					}
				} else if (res === 'Lost') {
					// A rejection in a later term already made us a follower in Step.
					r.becomeFollower(r.term, NONE);
				}
			}
			return true;
	}
}

function stepFollower(r: Raft, m: Message): boolean {
	switch (m.type) {
		case 'MsgProp':
			if (r.lead === NONE || r.disableProposalForwarding) return false;
			r.send({ ...m, to: r.lead, term: 0 });
			return true;
		case 'MsgApp':
			r.electionElapsed = 0;
			r.lead = m.from;
			r.handleAppendEntries(m);
			return true;
		case 'MsgHeartbeat':
			r.electionElapsed = 0;
			r.lead = m.from;
			r.handleHeartbeat(m);
			return true;
		case 'MsgSnap':
			r.electionElapsed = 0;
			r.lead = m.from;
			r.handleSnapshot(m);
			return true;
		case 'MsgTransferLeader':
			if (r.lead === NONE) return true;
			r.send({ ...m, to: r.lead, term: 0 });
			return true;
		case 'MsgTimeoutNow':
			// The leader picked us: campaign now, skipping pre-vote and the lease check.
			r.hup('Transfer');
			return true;
		case 'MsgReadIndex':
			if (r.lead === NONE) return true;
			r.send({ ...m, to: r.lead, term: 0 });
			return true;
		case 'MsgReadIndexResp':
			if (m.entries.length !== 1) return true;
			r.readStates.push({ index: m.index, requestCtx: m.entries[0].data });
			return true;
	}
	return true;
}
