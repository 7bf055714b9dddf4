/**
 * RawNode: the application's handle on one Raft node. Inputs (tick, step, propose, ...) change
 * state; outputs come out as Ready batches. The contract, per Ready:
 *
 *   1. persist rd.hardState, rd.entries and rd.snapshot (fsync if rd.mustSync)
 *   2. send rd.messages
 *   3. apply rd.snapshot, then rd.committedEntries (calling applyConfChange for ConfChange ones)
 *   4. advance(rd)
 *
 * Only one Ready is outstanding at a time: hasReady() is false and ready() throws until the
 * previous one is advanced. Stepping messages and ticking meanwhile is fine (their output goes
 * into the next Ready).
 */
import { encodeConfChange } from './confchange';
import { ErrProposalDropped, ErrStepLocalMsg, RaftError } from './errors';
import type { ProgressState } from './progress';
import { Raft, type RaftConfig } from './raft';
import {
	EMPTY_HARD_STATE,
	hardStateEqual,
	isEmptyHardState,
	isLocalMsg,
	isResponseMsg,
	msg,
	type ConfChange,
	type ConfState,
	type HardState,
	type Message,
	type NodeId,
	type Ready,
	type SoftState,
	type StateType
} from './types';

export interface ProgressStatus {
	match: number;
	next: number;
	state: ProgressState;
	isLearner: boolean;
	recentActive: boolean;
	inflight: number;
}

export interface Status {
	id: NodeId;
	term: number;
	vote: NodeId;
	commit: number;
	applied: number;
	lead: NodeId;
	raftState: StateType;
	leadTransferee: NodeId;
	config: ConfState;
	/** Only on the leader. */
	progress?: Map<NodeId, ProgressStatus>;
}

/** A peer for bootstrap: its ID, and optional context carried in its AddNode entry. */
export type BootstrapPeer = NodeId | { id: NodeId; context?: Uint8Array };

export class RawNode {
	readonly raft: Raft;
	private prevSoftState: SoftState;
	private prevHardState: HardState;
	private outstanding = false;

	constructor(config: RaftConfig) {
		this.raft = new Raft(config);
		this.prevSoftState = this.raft.softState();
		this.prevHardState = this.raft.hardState();
	}

	/**
	 * Starts a brand-new cluster: one committed AddNode entry per peer at term 1, exactly as
	 * etcd's bootstrap does. Every member of a new cluster calls it with the same peer list.
	 */
	bootstrap(peers: BootstrapPeer[]): void {
		if (peers.length === 0) throw new RaftError('must provide at least one peer to bootstrap');
		if (this.raft.log.storage.lastIndex() !== 0) {
			throw new RaftError("can't bootstrap a nonempty Storage");
		}
		const r = this.raft;
		r.becomeFollower(1, 0n);
		const ents = peers.map((p, i) => {
			const peer = typeof p === 'bigint' ? { id: p } : p;
			return {
				term: 1,
				index: i + 1,
				type: 'ConfChange' as const,
				data: encodeConfChange({ type: 'AddNode', nodeId: peer.id, context: peer.context })
			};
		});
		r.log.append(ents);
		r.log.committed = ents.length;
		for (const e of ents) {
			const peer = peers[e.index - 1];
			r.applyConfChange({ type: 'AddNode', nodeId: typeof peer === 'bigint' ? peer : peer.id });
		}
		// The hard state must reach storage in the first Ready.
		this.prevHardState = EMPTY_HARD_STATE;
	}

	tick(): void {
		this.raft.tick();
	}

	/**
	 * Ticks n times at once. etcd does this on boot (electionTick - 1 ticks) so a fresh member
	 * campaigns after about one tick instead of a full election timeout.
	 */
	advanceTicks(n: number): void {
		for (let i = 0; i < n; i++) this.raft.tick();
	}

	/** Starts an election now (pre-vote first when enabled). */
	campaign(): void {
		this.raft.step(msg({ type: 'MsgHup' }));
	}

	/** Proposes data to be appended to the log. Throws ErrProposalDropped. */
	propose(data: Uint8Array): void {
		const ok = this.raft.step(
			msg({
				type: 'MsgProp',
				from: this.raft.id,
				entries: [{ term: 0, index: 0, type: 'Normal', data }]
			})
		);
		if (!ok) throw new ErrProposalDropped();
	}

	/** Proposes a membership change. Throws ErrProposalDropped. */
	proposeConfChange(cc: ConfChange): void {
		const ok = this.raft.step(
			msg({
				type: 'MsgProp',
				from: this.raft.id,
				entries: [{ term: 0, index: 0, type: 'ConfChange', data: encodeConfChange(cc) }]
			})
		);
		if (!ok) throw new ErrProposalDropped();
	}

	/** Applies a committed conf change to the configuration; returns the new configuration. */
	applyConfChange(cc: ConfChange): ConfState {
		return this.raft.applyConfChange(cc);
	}

	/**
	 * Steps a message from the network. Returns false when it was ignored (a response from a
	 * node that is not a member, or a forwarded proposal that was dropped).
	 */
	step(m: Message): boolean {
		if (isLocalMsg(m.type)) throw new ErrStepLocalMsg();
		if (isResponseMsg(m.type) && !this.raft.prs.progress.has(m.from)) return false;
		return this.raft.step(m);
	}

	/**
	 * Asks for a linearizable read point. A ReadState with the same ctx appears in a later Ready;
	 * serve the read once the applied index reaches its index.
	 */
	readIndex(ctx: Uint8Array): void {
		this.raft.step(
			msg({
				type: 'MsgReadIndex',
				entries: [{ term: 0, index: 0, type: 'Normal', data: ctx }]
			})
		);
	}

	/** Asks the leader to hand leadership to `to` (etcd's move-leader). */
	transferLeader(to: NodeId): void {
		this.raft.step(msg({ type: 'MsgTransferLeader', from: to }));
	}

	/** The transport failed to reach `id`: its leader progress drops back to probing. */
	reportUnreachable(id: NodeId): void {
		this.raft.step(msg({ type: 'MsgUnreachable', from: id }));
	}

	/** The outcome of sending a MsgSnap to `id`. */
	reportSnapshot(id: NodeId, ok: boolean): void {
		this.raft.step(msg({ type: 'MsgSnapStatus', from: id, reject: !ok }));
	}

	hasReady(): boolean {
		if (this.outstanding) return false;
		const r = this.raft;
		const ss = r.softState();
		if (ss.lead !== this.prevSoftState.lead || ss.raftState !== this.prevSoftState.raftState) {
			return true;
		}
		const hs = r.hardState();
		if (!isEmptyHardState(hs) && !hardStateEqual(hs, this.prevHardState)) return true;
		if (r.log.hasPendingSnapshot()) return true;
		if (r.msgs.length > 0 || r.readStates.length > 0) return true;
		if (r.log.unstable.entries.length > 0) return true;
		return r.log.hasNextEnts();
	}

	ready(): Ready {
		if (this.outstanding)
			throw new RaftError('ready() called before advance() of the previous Ready');
		const r = this.raft;
		const rd: Ready = {
			readStates: r.readStates,
			entries: r.log.unstableEntries(),
			committedEntries: r.log.nextEnts(),
			messages: r.msgs,
			mustSync: false
		};
		const ss = r.softState();
		if (ss.lead !== this.prevSoftState.lead || ss.raftState !== this.prevSoftState.raftState) {
			rd.softState = ss;
			this.prevSoftState = ss;
		}
		const hs = r.hardState();
		if (!hardStateEqual(hs, this.prevHardState)) {
			rd.hardState = hs;
			// Term and vote must be durable before we answer anyone; commit alone may be lost.
			rd.mustSync = hs.term !== this.prevHardState.term || hs.vote !== this.prevHardState.vote;
			this.prevHardState = hs;
		}
		if (r.log.hasPendingSnapshot()) rd.snapshot = r.log.unstable.snapshot;
		if (rd.entries.length > 0) rd.mustSync = true;
		r.msgs = [];
		r.readStates = [];
		this.outstanding = true;
		return rd;
	}

	/** The caller has persisted, sent and applied everything in rd. */
	advance(rd: Ready): void {
		if (!this.outstanding) throw new RaftError('advance() without an outstanding Ready');
		this.outstanding = false;
		const r = this.raft;
		const snapIndex = rd.snapshot ? rd.snapshot.metadata.index : 0;
		const last = rd.entries.length > 0 ? rd.entries[rd.entries.length - 1] : undefined;
		if (rd.committedEntries.length > 0) {
			const lastApplied = rd.committedEntries[rd.committedEntries.length - 1].index;
			r.onApplied(lastApplied, rd.committedEntries);
		} else if (snapIndex > r.log.applied) {
			r.onApplied(snapIndex, []);
		}
		r.onPersisted(last ? last.index : 0, last ? last.term : 0, snapIndex);
	}

	status(): Status {
		const r = this.raft;
		const st: Status = {
			id: r.id,
			term: r.term,
			vote: r.vote,
			commit: r.log.committed,
			applied: r.log.applied,
			lead: r.lead,
			raftState: r.state,
			leadTransferee: r.leadTransferee,
			config: {
				voters: r.prs.voterIds(),
				learners: [...r.prs.learners].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
			}
		};
		if (r.state === 'Leader') {
			st.progress = new Map();
			for (const id of r.prs.ids()) {
				const pr = r.prs.progress.get(id)!;
				st.progress.set(id, {
					match: pr.match,
					next: pr.next,
					state: pr.state,
					isLearner: pr.isLearner,
					recentActive: pr.recentActive,
					inflight: pr.inflights.count()
				});
			}
		}
		return st;
	}
}
