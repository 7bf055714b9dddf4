/**
 * A Raft-only simulated node: a RawNode, its durable MemoryStorage, and a tiny state machine (a
 * hash chain over applied entries). It follows the Ready contract with a realistic twist: a
 * Ready's writes become durable only `syncDelay` ms later, and its messages leave only then. A
 * crash in between loses the writes and the messages, like a process killed before fsync.
 */
import { decodeConfChange } from '../raft/confchange';
import { ErrProposalDropped } from '../raft/errors';
import { RawNode } from '../raft/rawnode';
import { MemoryStorage } from '../raft/storage';
import type { ConfChange, Message, NodeId, Ready } from '../raft/types';
import { fromUtf8, utf8 } from '../util/bytes';
import { SeededRng, type Rng } from '../util/rand';
import { chainHash, type RaftCheckers } from './checkers';
import type { SimNode } from './node';

export interface RaftNodeOptions {
	preVote: boolean;
	checkQuorum: boolean;
	maxSizePerMsg: number;
	maxInflightMsgs: number;
	maxSyncDelay: number;
	/** Take a snapshot (and compact) every this many applied entries. */
	snapshotEvery: number;
	/** Entries kept behind a snapshot for slow followers. */
	compactionSlack: number;
}

export class RaftSimNode implements SimNode<Message> {
	alive = true;
	/** Left the cluster (applied its own removal): stays down for good. */
	removed = false;
	rn: RawNode;
	readonly storage = new MemoryStorage();
	private pending: { rd: Ready; syncAt: number } | undefined;
	private appliedIndex = 0;
	private hash = 0;
	private lastSnapshotAt = 0;
	private wasLeader = false;
	/** Members this node has seen removed (etcd's cluster.IsIDRemoved); kept in snapshots. */
	removedIds = new Set<NodeId>();

	constructor(
		readonly id: NodeId,
		private readonly opts: RaftNodeOptions,
		private readonly rng: Rng,
		private readonly checkers: RaftCheckers,
		private readonly bootstrapPeers?: NodeId[]
	) {
		this.rn = this.newRawNode();
		this.maybeBootstrap();
	}

	/**
	 * A founding member with nothing on disk bootstraps, also after a crash that lost its first
	 * (bootstrap) writes: etcd re-runs the bootstrap when it finds no WAL. Restarting it as an
	 * empty joiner instead would let it apply only its own AddNode and elect itself alone.
	 */
	private maybeBootstrap(): void {
		if (!this.bootstrapPeers) return;
		if (this.storage.lastIndex() !== 0 || this.storage.snapshot().metadata.index !== 0) return;
		this.rn.bootstrap(this.bootstrapPeers);
		// etcd fast-forwards a new member's election clock so the first election is quick.
		this.rn.advanceTicks(this.rn.raft.electionTimeout - 1);
	}

	private newRawNode(): RawNode {
		return new RawNode({
			id: this.id,
			electionTick: 10,
			heartbeatTick: 1,
			storage: this.storage,
			rng: new SeededRng(this.rng.int(0x100000000)),
			preVote: this.opts.preVote,
			checkQuorum: this.opts.checkQuorum,
			maxSizePerMsg: this.opts.maxSizePerMsg,
			maxInflightMsgs: this.opts.maxInflightMsgs,
			applied: this.storage.snapshot().metadata.index
		});
	}

	isLeader(): boolean {
		return this.alive && this.rn.raft.state === 'Leader';
	}

	tick(): void {
		this.rn.tick();
		this.observe();
	}

	receive(m: Message): void {
		// etcd's peer transport refuses traffic from removed members.
		if (this.removedIds.has(m.from)) return;
		this.rn.step(m);
		this.observe();
	}

	delivered(m: Message, ok: boolean): void {
		if (!this.alive) return;
		if (m.type === 'MsgSnap') this.rn.reportSnapshot(m.to, ok);
		else if (!ok && this.rng.next() < 0.1) this.rn.reportUnreachable(m.to);
	}

	propose(data: Uint8Array): boolean {
		return this.tryDrop(() => this.rn.propose(data));
	}

	proposeConfChange(cc: ConfChange): boolean {
		return this.tryDrop(() => this.rn.proposeConfChange(cc));
	}

	private tryDrop(f: () => void): boolean {
		try {
			f();
			return true;
		} catch (e) {
			if (e instanceof ErrProposalDropped) return false;
			throw e;
		} finally {
			this.observe();
		}
	}

	/** Checks that hold at every step: one leader per term, and a new leader's completeness. */
	observe(): void {
		const r = this.rn.raft;
		const leader = r.state === 'Leader';
		if (leader) {
			this.checkers.observeLeader(this.id, r.term);
			if (!this.wasLeader) this.checkers.observeNewLeader(this.id, r.log);
		}
		this.wasLeader = leader;
	}

	poll(now: number): Message[] {
		if (!this.alive) return [];
		let out: Message[] = [];
		if (this.pending && now >= this.pending.syncAt) {
			out = this.finish(this.pending.rd);
			this.pending = undefined;
		}
		if (!this.pending && !this.removed && this.rn.hasReady()) {
			const rd = this.rn.ready();
			const delay = this.opts.maxSyncDelay > 0 ? this.rng.int(this.opts.maxSyncDelay + 1) : 0;
			if (delay === 0) out = out.concat(this.finish(rd));
			else this.pending = { rd, syncAt: now + delay };
		}
		this.observe();
		return out;
	}

	/** The writes of rd are durable now: record them, send, apply, advance. */
	private finish(rd: Ready): Message[] {
		const s = this.storage;
		if (rd.snapshot) s.applySnapshot(rd.snapshot);
		if (rd.hardState) s.setHardState(rd.hardState);
		s.append(rd.entries);
		this.checkers.observePersisted(this.id, rd.entries, this.rn.raft.log);
		if (rd.snapshot) this.restoreState(rd.snapshot.data, rd.snapshot.metadata.index);
		for (const rs of rd.readStates) {
			this.checkers.observeReadState(this.id, rs.requestCtx, rs.index);
		}
		for (const e of rd.committedEntries) {
			if (e.index <= this.appliedIndex) continue;
			this.hash = chainHash(this.hash, e);
			this.appliedIndex = e.index;
			this.checkers.observeApplied(this.id, e, this.hash);
			if (e.type === 'ConfChange') {
				const cc = decodeConfChange(e.data);
				this.rn.applyConfChange(cc);
				if (cc.type === 'RemoveNode') {
					this.removedIds.add(cc.nodeId);
					if (cc.nodeId === this.id) this.removed = true;
				}
			}
		}
		this.rn.advance(rd);
		this.maybeSnapshot();
		const messages = rd.messages.map((m) => (m.type === 'MsgSnap' ? this.freshSnapshot(m) : m));
		if (this.removed) {
			// An etcd member that applied its own removal shuts down.
			this.alive = false;
			this.pending = undefined;
		}
		return messages;
	}

	/**
	 * Like etcd's createMergedSnapshotMessage: the MsgSnap raft asked for carries the state as
	 * applied now (index, term and configuration of the latest applied entry), not the older
	 * snapshot in storage, so a member added since that snapshot finds itself in it.
	 */
	private freshSnapshot(m: Message): Message {
		const index = this.appliedIndex;
		const old = m.snapshot!;
		if (index <= old.metadata.index || index > this.storage.lastIndex()) return m;
		const snapshot = {
			data: this.stateData(),
			metadata: { index, term: this.storage.term(index), confState: this.rn.status().config }
		};
		return { ...m, snapshot };
	}

	private stateData(): Uint8Array {
		return utf8(`${this.appliedIndex}:${this.hash}:${[...this.removedIds].join(',')}`);
	}

	private restoreState(data: Uint8Array, index: number): void {
		const [i, h, removed] = fromUtf8(data).split(':');
		this.appliedIndex = Number(i);
		this.hash = Number(h);
		this.removedIds = new Set(removed ? removed.split(',').map((x) => BigInt(x)) : []);
		this.checkers.observeSnapshot(this.id, index, this.hash);
	}

	private maybeSnapshot(): void {
		const applied = this.appliedIndex;
		if (applied - this.lastSnapshotAt < this.opts.snapshotEvery) return;
		if (applied <= this.storage.snapshot().metadata.index || applied > this.storage.lastIndex())
			return;
		const cs = this.rn.status().config;
		this.storage.createSnapshot(applied, cs, this.stateData());
		const compactTo = applied - this.opts.compactionSlack;
		if (compactTo > this.storage.firstIndex()) this.storage.compact(compactTo);
		this.lastSnapshotAt = applied;
	}

	/** Told by a peer that it was removed from the cluster: shut down for good, as etcd does. */
	leave(): void {
		this.removed = true;
		this.crash();
	}

	crash(): void {
		this.alive = false;
		this.pending = undefined;
	}

	restart(): void {
		if (this.removed) return;
		this.alive = true;
		this.rn = this.newRawNode();
		const snap = this.storage.snapshot();
		if (snap.metadata.index > 0) this.restoreState(snap.data, snap.metadata.index);
		else {
			this.appliedIndex = 0;
			this.hash = 0;
			this.removedIds = new Set();
		}
		this.lastSnapshotAt = this.appliedIndex;
		this.wasLeader = false;
		this.maybeBootstrap();
	}

	appliedTo(): number {
		return this.appliedIndex;
	}
}
