/**
 * EtcdServer: one etcd member. It joins the Raft core (src/lib/engine/raft) to the MVCC store,
 * the lessor, the auth store and the member registry, the way etcd's etcdserver package does:
 *
 *   client request ──propose──▶ raft log ──commit──▶ apply loop ──▶ MVCC / lessor / auth / members
 *        ▲                                                              │
 *        └──────────── waiter (by request ID) resolved on the proposer ◀┘
 *
 * Linearizable reads use ReadIndex (batched: every read waiting when one ReadIndex round starts
 * shares it); serializable reads answer from the local store. Time arrives as ticks (100 ms
 * each by default) and all I/O goes through NodePersistence and Transport, so the same class
 * runs in a Web Worker, in Node tests and inside the deterministic simulator.
 */
import { EtcdError, Errors } from '../api/errors';
import type {
	AlarmMember,
	AlarmResponse,
	AlarmType,
	CompactionRequest,
	CompactionResponse,
	DeleteRangeRequest,
	DeleteRangeResponse,
	HashKVResponse,
	HashResponse,
	LeaseGrantResponse,
	LeaseKeepAliveResponse,
	LeaseLeasesResponse,
	LeaseRevokeResponse,
	LeaseTimeToLiveResponse,
	Member,
	MemberAddResponse,
	MemberListResponse,
	MoveLeaderResponse,
	PutRequest,
	PutResponse,
	RangeRequest,
	RangeResponse,
	ResponseHeader,
	StatusResponse,
	TxnRequest,
	TxnResponse,
	WatchCreateRequest,
	WatchResponse
} from '../api/types';
import {
	AuthStore,
	checkDeleteRange,
	checkLeaseKeysReadable,
	checkLeaseRenew,
	checkLeaseRevoke,
	checkPut,
	checkRange,
	checkRevisionUnchanged,
	checkRoleGet,
	checkTxn,
	checkUserGet,
	genTokenPrefix,
	hashPassword,
	requireAuthInfo,
	tokenIndex,
	type AuthInfo,
	type AuthSnapshot,
	type LeaseKeys
} from '../auth';
import { Lessor, MAX_LEASE_TTL } from '../lease/lessor';
import type { BackendContents } from '../mvcc/backend';
import { LEASE_OVERHEAD, MvccStore, putCost, txnCost } from '../mvcc/store';
import { checkTxnRequest, MAX_REQUEST_BYTES } from '../mvcc/validate';
import { WatchableStore, type WatchStream, type WatchStreamResponse } from '../mvcc/watch';
import {
	decodeConfChange,
	ErrProposalDropped,
	NONE,
	RawNode,
	type ConfChange,
	type Entry,
	type Message,
	type ReadState,
	type Snapshot,
	type StateType
} from '../raft';
import type { Rng } from '../util/rand';
import { decode, decodeRequest, encode, encodeRequest, peekRequestOp } from './codec';
import { internalRaftRequestSize } from './request-size';
import { computeClusterId, computeMemberId } from './identity';
import { IdGenerator, leaseIdFrom } from './idgen';
import { Membership, toApiMember, type MemberRecord, type MembershipState } from './membership';
import type { NodePersistence } from './persistence';
import type {
	AuthMethod,
	ConfChangeContext,
	InternalRequest,
	InternalRequestBody
} from './requests';
import { isStoreOp } from './requests';
import { WaitRegistry } from './wait';

/** The version this playground reports (etcd 3.5 behaviour). */
export const SERVER_VERSION = '3.5.17';
export const CLUSTER_VERSION = '3.5.0';

/** Messages between members: raft's, plus the few calls etcd forwards to the leader over HTTP. */
export type PeerMessage =
	| { kind: 'raft'; from: bigint; to: bigint; msg: Message }
	| { kind: 'rpc'; from: bigint; to: bigint; rpcId: number; method: PeerRpcMethod; args: unknown[] }
	| {
			kind: 'rpcResult';
			from: bigint;
			to: bigint;
			rpcId: number;
			result?: unknown;
			error?: { code: string; message: string };
	  };

export type PeerRpcMethod = 'leaseKeepAlive' | 'leaseTimeToLive' | 'memberPromote';

export interface Transport {
	/** Sends messages to other members; delivery is best effort (they may be lost). */
	send(messages: PeerMessage[]): void;
}

export interface ServerConfig {
	/** This member's name (etcd --name), e.g. `etcd-1`. */
	name: string;
	peerURLs: string[];
	clientURLs: string[];
	/** The members of the cluster when it was created (etcd --initial-cluster). */
	initialCluster: { name: string; peerURLs: string[] }[];
	/** `new` bootstraps a cluster; `existing` joins one this member was added to. */
	clusterState: 'new' | 'existing';
	/** etcd --initial-cluster-token. */
	token: string;
	rng: Rng;
	/** Wall-clock milliseconds, read only to seed IDs and time member additions. */
	clock: () => number;
	persistence: NodePersistence;
	transport: Transport;
	/** This member's ID when it joins an existing cluster (the cluster chose it at member add). */
	memberId?: bigint;
	/** The cluster's ID when joining an existing cluster (a new one computes it). */
	clusterId?: bigint;
	tickMs?: number;
	electionTicks?: number;
	heartbeatTicks?: number;
	quotaBytes?: number;
	/** Applied entries between raft snapshots (etcd --snapshot-count). */
	snapshotCount?: number;
	/** Entries kept behind a snapshot for slow followers (etcd's SnapshotCatchUpEntries). */
	catchUpEntries?: number;
	maxRequestBytes?: number;
	/** Called for each message sent and received, for the cluster view. */
	onTrace?: (event: TraceEvent) => void;
}

export type TraceEvent =
	| { type: 'send'; msg: Message }
	| { type: 'role'; role: StateType; lead: bigint; term: number }
	| { type: 'apply'; index: number; revision: number }
	| { type: 'removed' };

/** Options every client call carries. */
export interface CallOptions {
	token?: string;
}

/** The state machine carried in raft snapshots. */
interface StateSnapshot {
	/**
	 * The MVCC store; null in a member's own (local) snapshots. As in etcd, whose snap files
	 * hold no key-value data, the MVCC backend is itself durable up to at least the snapshot's
	 * index (it is flushed before the log is trimmed), so a local snapshot need not copy it:
	 * encoding 100,000 revisions into every snapshot stalled the member for seconds, and
	 * decoding it again made restarts slow. Snapshots sent to a follower carry it.
	 */
	mvcc: BackendContents | null;
	auth: AuthSnapshot;
	members: MembershipState;
	alarms: AlarmMember[];
}

type ApplyResult = unknown;

interface PendingRead {
	resolve(): void;
	reject(err: Error): void;
	deadlineTick: number;
}

interface PendingProposal {
	id: bigint;
	data: Uint8Array;
	conf?: ConfChange;
}

interface PendingRpc {
	resolve(v: unknown): void;
	reject(e: Error): void;
	deadlineTick: number;
}

const READ_INDEX_RETRY_TICKS = 5;

function compareIds(a: bigint, b: bigint): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

export class EtcdServer {
	readonly name: string;
	readonly id: bigint;
	clusterId: bigint;
	private readonly cfg: Required<
		Pick<
			ServerConfig,
			| 'tickMs'
			| 'electionTicks'
			| 'heartbeatTicks'
			| 'snapshotCount'
			| 'catchUpEntries'
			| 'maxRequestBytes'
		>
	> &
		ServerConfig;
	private readonly node: RawNode;
	readonly store: MvccStore;
	readonly lessor: Lessor;
	readonly auth: AuthStore;
	readonly watchHub: WatchableStore;
	readonly members: Membership;
	private alarms: AlarmMember[] = [];
	private readonly reqIds: IdGenerator;
	private readonly waits = new WaitRegistry<ApplyResult>();
	private ticks = 0;
	private appliedIndex = 0;
	private snapshotIndex = 0;
	private lead: bigint = NONE;
	private role: StateType = 'Follower';
	private term = 0;
	private stopped = false;
	private removed = false;
	private processing: Promise<void> | null = null;
	private scheduled = false;
	/** Proposals refused for want of a leader, retried on every tick until their deadline. */
	private retryProposals: PendingProposal[] = [];
	private readWaiting: PendingRead[] = [];
	private readInFlight: { ctx: bigint; reads: PendingRead[]; sentTick: number } | null = null;
	private readsAwaitingApply: { index: number; reads: PendingRead[] }[] = [];
	private nextReadCtx = 1n;
	private rpcs = new Map<number, PendingRpc>();
	private nextRpcId = 1;
	private published = false;
	private publishing = false;
	private settingVersion = false;
	/** Conditions awaited by callers, checked after every tick and Ready. */
	private conditions: { pred: () => boolean; deadlineTick: number; done: (ok: boolean) => void }[] =
		[];

	private constructor(
		cfg: ServerConfig,
		node: RawNode,
		store: MvccStore,
		members: Membership,
		auth: AuthStore
	) {
		this.cfg = {
			...cfg,
			tickMs: cfg.tickMs ?? 100,
			electionTicks: cfg.electionTicks ?? 10,
			heartbeatTicks: cfg.heartbeatTicks ?? 1,
			snapshotCount: cfg.snapshotCount ?? 10_000,
			catchUpEntries: cfg.catchUpEntries ?? 5_000,
			maxRequestBytes: cfg.maxRequestBytes ?? MAX_REQUEST_BYTES
		};
		this.name = cfg.name;
		this.id = cfg.memberId ?? computeMemberId(cfg.peerURLs, cfg.token);
		this.node = node;
		this.store = store;
		this.members = members;
		this.auth = auth;
		this.lessor = new Lessor(store, {
			minTtlSeconds: Lessor.minTtlFor(this.cfg.electionTicks * this.cfg.tickMs),
			now: 0
		});
		this.watchHub = new WatchableStore(store);
		this.reqIds = new IdGenerator(this.id, cfg.clock());
		this.clusterId =
			cfg.clusterId ??
			computeClusterId(cfg.initialCluster.map((m) => computeMemberId(m.peerURLs, cfg.token)));
	}

	/**
	 * Starts a member from its persistence: a fresh one bootstraps (clusterState `new`) or waits
	 * to be caught up by the leader (`existing`); a restarted one replays its log over the
	 * MVCC state it had saved.
	 */
	static async start(cfg: ServerConfig): Promise<EtcdServer> {
		const id = cfg.memberId ?? computeMemberId(cfg.peerURLs, cfg.token);
		const electionTicks = cfg.electionTicks ?? 10;
		const quota = cfg.quotaBytes;
		let server: EtcdServer | null = null;
		const store = await MvccStore.open(cfg.persistence.mvcc, {
			quotaBytes: quota,
			onAlarm: () => server?.raiseAlarm('NOSPACE')
		});
		const raftStorage = cfg.persistence.raft.storage;
		const snap = raftStorage.snapshot();
		const members = new Membership();
		const auth = new AuthStore();
		let alarms: AlarmMember[] = [];
		let applied = 0;
		if (snap.metadata.index > 0) {
			const state = decode<StateSnapshot>(snap.data);
			members.restore(state.members);
			auth.restore(state.auth);
			alarms = state.alarms;
			if (store.consistentIndex < snap.metadata.index) {
				if (!state.mvcc) {
					throw new Error(
						`mvcc backend at index ${store.consistentIndex} is behind the snapshot at ${snap.metadata.index}`
					);
				}
				store.restore(state.mvcc);
			}
			applied = snap.metadata.index;
		}
		const fresh = raftStorage.lastIndex() === 0 && snap.metadata.index === 0;
		const node = new RawNode({
			id,
			electionTick: electionTicks,
			heartbeatTick: cfg.heartbeatTicks ?? 1,
			storage: raftStorage,
			rng: cfg.rng,
			preVote: true,
			checkQuorum: true,
			maxSizePerMsg: 1024 * 1024,
			maxInflightMsgs: 256,
			applied
		});
		server = new EtcdServer(cfg, node, store, members, auth);
		server.alarms = alarms;
		server.appliedIndex = applied;
		server.snapshotIndex = snap.metadata.index;
		if (alarms.some((a) => a.alarm === 'NOSPACE')) store.raiseNoSpace();
		if (fresh && cfg.clusterState === 'new') {
			const peers = cfg.initialCluster.map((m) => {
				const record: MemberRecord = {
					ID: computeMemberId(m.peerURLs, cfg.token),
					name: m.name,
					peerURLs: [...m.peerURLs],
					clientURLs: [],
					isLearner: false
				};
				const context: ConfChangeContext = { id: 0n, member: record };
				return { id: record.ID, context: encode(context) };
			});
			node.bootstrap(peers);
		}
		// etcd fast-forwards a fresh member's election clock so the first election is quick.
		if (fresh) node.advanceTicks(electionTicks - 1);
		// The first member of a new cluster campaigns as soon as its bootstrap configuration is
		// applied (raft does not campaign before), instead of waiting for the smallest of three
		// random timeouts. Its peers listen from the moment they start (the worker buffers what
		// arrives while it opens its disk); if one was not listening yet, the pre-vote is asked
		// again at the first tick.
		if (fresh && cfg.clusterState === 'new' && cfg.initialCluster[0]?.name === cfg.name) {
			await server.process();
			if (server.lead === NONE) server.node.campaign();
			server.campaignOnFirstTick = true;
		}
		// Replay what was committed before the restart, so the member never serves a state
		// older than what it had applied before it went down.
		const commitAtStart = raftStorage.initialState().hardState.commit;
		while (server.appliedIndex < commitAtStart && !server.stopped) {
			await server.process();
			if (server.appliedIndex < commitAtStart && !server.node.hasReady()) break;
		}
		// etcd's adjustTicks: a single-node cluster (restarted, or started on a restored data dir)
		// has no peer to wait for, so it fast-forwards its election clock too and elects itself
		// within a tick or so instead of after a whole election timeout.
		if (!fresh && server.members.list().length === 1) node.advanceTicks(electionTicks - 1);
		server.schedule();
		return server;
	}

	// ---------------------------------------------------------------------------------------
	// Inputs from the host

	/** One tick of logical time (100 ms by default). */
	tick(): void {
		if (this.stopped) return;
		this.ticks++;
		this.node.tick();
		if (this.campaignOnFirstTick) {
			this.campaignOnFirstTick = false;
			// A pre-vote nobody answered (a peer was not listening yet) is asked again.
			if (this.lead === NONE && this.role !== 'Candidate') {
				this.node.campaign();
			}
		}
		const nowMs = this.ticks * this.cfg.tickMs;
		this.lessor.advance(nowMs);
		this.auth.advance(nowMs);
		this.waits.expire(this.ticks, () => this.timeoutError());
		this.expireReads();
		this.expireRpcs();
		this.retryDroppedProposals();
		if (this.role === 'Leader') this.revokeExpiredLeases();
		if (this.ticks % 10 === 0) {
			this.maybePublish();
			this.maybeSetClusterVersion();
		}
		this.checkConditions();
		this.schedule();
	}

	/** Resolves true once `pred` holds, or false when `deadlineTick` passes first. */
	private waitFor(pred: () => boolean, deadlineTick: number): Promise<boolean> {
		if (pred()) return Promise.resolve(true);
		return new Promise<boolean>((done) => this.conditions.push({ pred, deadlineTick, done }));
	}

	private checkConditions(): void {
		if (this.conditions.length === 0) return;
		const keep: typeof this.conditions = [];
		for (const c of this.conditions) {
			if (c.pred()) c.done(true);
			else if (this.ticks >= c.deadlineTick || this.stopped) c.done(false);
			else keep.push(c);
		}
		this.conditions = keep;
	}

	/** A message from another member. */
	receive(m: PeerMessage): void {
		if (this.stopped || m.to !== this.id) return;
		if (m.kind === 'raft') {
			if (this.members.isRemoved(m.from)) return;
			try {
				this.node.step(m.msg);
			} catch {
				return;
			}
			this.schedule();
		} else if (m.kind === 'rpc') {
			this.serveRpc(m);
		} else {
			const p = this.rpcs.get(m.rpcId);
			if (!p) return;
			this.rpcs.delete(m.rpcId);
			if (m.error) p.reject(new EtcdError(m.error.code as EtcdError['code'], m.error.message));
			else p.resolve(m.result);
		}
	}

	/** Stops the member: pending requests fail, nothing more is written or sent. */
	stop(): void {
		if (this.stopped) return;
		this.stopped = true;
		this.waits.failAll(() => Errors.Stopped());
		for (const r of this.readWaiting) r.reject(Errors.Stopped());
		this.readWaiting = [];
		if (this.readInFlight) for (const r of this.readInFlight.reads) r.reject(Errors.Stopped());
		this.readInFlight = null;
		for (const b of this.readsAwaitingApply) for (const r of b.reads) r.reject(Errors.Stopped());
		this.readsAwaitingApply = [];
		for (const p of this.rpcs.values()) p.reject(Errors.Stopped());
		this.rpcs.clear();
	}

	/** A storage failure stops the member, as etcd stops on a failed disk write. */
	private fail(e: unknown): void {
		this.failure = e instanceof Error ? e : new Error(String(e));
		this.stop();
	}

	/** Why the member stopped itself, if it did. */
	failure: Error | null = null;

	/** Set on the first member of a new cluster: campaign at the first tick. */
	private campaignOnFirstTick = false;

	get isStopped(): boolean {
		return this.stopped;
	}

	get isRemoved(): boolean {
		return this.removed;
	}

	// ---------------------------------------------------------------------------------------
	// The raft loop

	private schedule(): void {
		if (this.scheduled || this.stopped) return;
		this.scheduled = true;
		void Promise.resolve().then(() => {
			this.scheduled = false;
			void this.process().catch((e: unknown) => this.fail(e));
		});
	}

	/** Drains Ready batches one at a time: persist, send, apply, advance. */
	private process(): Promise<void> {
		if (this.processing) return this.processing;
		this.processing = this.drain().finally(() => (this.processing = null));
		return this.processing;
	}

	private async drain(): Promise<void> {
		try {
			while (!this.stopped && this.node.hasReady()) {
				const rd = this.node.ready();
				if (rd.softState) this.onSoftState(rd.softState.lead, rd.softState.raftState);
				for (const rs of rd.readStates) this.onReadState(rs);
				// As etcd's raft loop: a leader sends its messages (appends to followers) while it
				// writes the same entries to its own disk; a follower acknowledges only what it
				// has made durable. Nothing is applied or announced as committed before this save
				// completes: the next Ready, which carries commits, waits for it.
				const leaderSends = this.role === 'Leader' && !rd.snapshot;
				if (leaderSends) this.send(rd.messages);
				await this.cfg.persistence.raft.save(rd.hardState, rd.entries, rd.snapshot);
				if (this.stopped) return;
				if (rd.hardState) this.term = rd.hardState.term;
				if (!leaderSends) this.send(rd.messages);
				if (rd.snapshot && rd.snapshot.metadata.index > this.appliedIndex) {
					this.applySnapshot(rd.snapshot);
				}
				for (const e of rd.committedEntries) this.applyEntry(e);
				this.node.advance(rd);
				this.serveReadsAwaitingApply();
				this.checkConditions();
				// Write-behind: the log already holds these entries durably, so the MVCC batch
				// is written without holding up the next Ready (etcd's backend batching).
				void this.store.flush().catch(() => undefined);
				await this.maybeTriggerSnapshot();
			}
			// A snapshot whose flush finished while no Ready was pending is taken at the next tick.
			if (!this.stopped) await this.maybeTriggerSnapshot();
		} finally {
			if (!this.stopped && this.node.hasReady()) this.schedule();
		}
	}

	private send(messages: Message[]): void {
		if (messages.length === 0) return;
		const out: PeerMessage[] = [];
		const snapshotsSent: bigint[] = [];
		for (let m of messages) {
			if (m.type === 'MsgSnap') {
				// As etcd's createMergedSnapshotMessage: send the state as applied now (with the
				// configuration as it is now, which includes a member added after the last raft
				// snapshot), not the possibly older snapshot raft keeps in storage.
				m = { ...m, snapshot: this.stateSnapshot() };
				snapshotsSent.push(m.to);
			}
			this.cfg.onTrace?.({ type: 'send', msg: m });
			out.push({ kind: 'raft', from: this.id, to: m.to, msg: m });
		}
		this.cfg.transport.send(out);
		// The transport hands the snapshot over at once; a lost one is sent again after a probe.
		for (const to of snapshotsSent) this.node.reportSnapshot(to, true);
	}

	private onSoftState(lead: bigint, role: StateType): void {
		const wasLeader = this.role === 'Leader';
		const leadChanged = lead !== this.lead;
		this.lead = lead;
		this.role = role;
		this.term = this.node.status().term;
		this.cfg.onTrace?.({ type: 'role', role, lead, term: this.term });
		if (role === 'Leader' && !wasLeader) {
			// A new leader gives every lease a fresh election timeout before it can expire.
			this.lessor.promote(this.cfg.electionTicks * this.cfg.tickMs);
		} else if (role !== 'Leader' && wasLeader) {
			this.lessor.demote();
		}
		if (leadChanged) {
			// Reads that were confirming leadership with the old leader cannot trust it.
			const failed = [...this.readWaiting, ...(this.readInFlight?.reads ?? [])];
			this.readInFlight = null;
			this.readWaiting = [];
			if (lead === NONE) {
				this.readWaiting = failed;
			} else {
				for (const r of failed) r.reject(Errors.LeaderChanged());
			}
			if (lead !== NONE) {
				this.retryDroppedProposals();
				this.maybePublish();
				this.startReadIndex();
			}
		}
	}

	// ---------------------------------------------------------------------------------------
	// Apply

	private applySnapshot(snap: Snapshot): void {
		const state = decode<StateSnapshot>(snap.data);
		if (!state.mvcc) throw new Error('a snapshot from the leader must carry the mvcc store');
		this.store.restore(state.mvcc);
		this.store.setConsistentIndex(snap.metadata.index, snap.metadata.term);
		this.members.restore(state.members);
		this.auth.restore(state.auth);
		this.alarms = state.alarms;
		if (this.alarms.some((a) => a.alarm === 'NOSPACE')) this.store.raiseNoSpace();
		else this.store.disarmNoSpace();
		this.appliedIndex = snap.metadata.index;
		this.snapshotIndex = snap.metadata.index;
		void this.store.flush();
	}

	private applyEntry(e: Entry): void {
		if (e.index <= this.appliedIndex) return;
		if (e.type === 'ConfChange') {
			this.applyConfChange(e);
		} else if (e.data.length > 0) {
			// After a restart, entries the MVCC backend already holds are skipped without
			// decoding them (thousands of them, each up to a request's size).
			const peeked = e.index <= this.store.consistentIndex ? peekRequestOp(e.data) : null;
			const r =
				peeked && isStoreOp(peeked as InternalRequest['op'])
					? null
					: decodeRequest<InternalRequest>(e.data);
			const replayed = !r || (isStoreOp(r.op) && e.index <= this.store.consistentIndex);
			if (r && !replayed) {
				let result: ApplyResult;
				try {
					result = this.applyRequest(r, e.index);
				} catch (err) {
					result = err instanceof Error ? err : new Error(String(err));
				}
				this.markApplied(e);
				this.waits.trigger(r.id, result);
			}
		} else {
			this.markApplied(e);
			// A leader's empty entry of its term: etcd's forceVersionC.
			this.maybeSetClusterVersion();
		}
		this.appliedIndex = e.index;
		this.cfg.onTrace?.({ type: 'apply', index: e.index, revision: this.store.currentRevision });
	}

	/** Records `e` as applied in the store; never moves back (a replay after restart). */
	private markApplied(e: Entry): void {
		if (e.index > this.store.consistentIndex) this.store.setConsistentIndex(e.index, e.term);
	}

	private applyConfChange(e: Entry): void {
		const cc = decodeConfChange(e.data);
		const ctx =
			cc.context && cc.context.length > 0 ? decode<ConfChangeContext>(cc.context) : undefined;
		let refused: Error | null = null;
		switch (cc.type) {
			case 'AddNode':
				if (this.members.has(cc.nodeId)) {
					if (this.members.get(cc.nodeId)?.isLearner) this.members.promote(cc.nodeId);
				} else if (this.members.isRemoved(cc.nodeId)) {
					refused = Errors.MemberExist();
				} else if (ctx) {
					this.members.add({ ...ctx.member, isLearner: false });
				}
				break;
			case 'AddLearnerNode':
				if (this.members.has(cc.nodeId) || this.members.isRemoved(cc.nodeId))
					refused = Errors.MemberExist();
				else if (ctx) this.members.add({ ...ctx.member, isLearner: true });
				break;
			case 'RemoveNode':
				if (!this.members.has(cc.nodeId)) refused = Errors.MemberNotFound();
				else this.members.remove(cc.nodeId);
				break;
			case 'UpdateNode':
				if (!this.members.has(cc.nodeId)) refused = Errors.MemberNotFound();
				else if (ctx) this.members.updatePeerURLs(cc.nodeId, ctx.member.peerURLs);
				break;
		}
		if (!refused) this.node.applyConfChange(cc);
		else this.node.applyConfChange({ ...cc, nodeId: NONE });
		this.markApplied(e);
		if (ctx && ctx.id !== 0n) this.waits.trigger(ctx.id, refused ?? this.members.list());
		if (cc.type === 'RemoveNode' && cc.nodeId === this.id && !refused) {
			this.removed = true;
			this.cfg.onTrace?.({ type: 'removed' });
		}
	}

	private leaseKeys: LeaseKeys = (id) => this.lessor.lookup(id)?.keys;

	/** The Cluster service's header: etcd leaves the revision out (0). */
	private clusterHeader(): ResponseHeader {
		return this.header(0);
	}

	private header(revision = this.store.currentRevision): ResponseHeader {
		return { cluster_id: this.clusterId, member_id: this.id, revision, raft_term: this.term };
	}

	private get capped(): boolean {
		return this.alarms.some((a) => a.alarm === 'NOSPACE');
	}

	private applyRequest(r: InternalRequest, index: number): ApplyResult {
		const ai = r.auth;
		switch (r.op) {
			case 'put': {
				if (this.capped) throw Errors.NoSpace();
				checkPut(this.auth, ai, r.req, this.leaseKeys);
				return this.withHeader(this.store.put(r.req));
			}
			case 'deleteRange': {
				checkDeleteRange(this.auth, ai, r.req);
				return this.withHeader(this.store.deleteRange(r.req));
			}
			case 'txn': {
				if (this.capped && txnHasPut(r.req)) throw Errors.NoSpace();
				checkTxn(this.auth, ai, r.req, this.leaseKeys);
				return this.withHeader(this.store.txn(r.req));
			}
			case 'compaction': {
				const { revision } = this.store.compact(r.req.revision);
				return { header: this.header(revision) } satisfies CompactionResponse;
			}
			case 'leaseGrant': {
				if (this.capped) throw Errors.NoSpace();
				const l = this.lessor.grant(r.leaseId, r.ttl);
				return {
					header: this.header(),
					ID: l.ID,
					TTL: l.TTL,
					error: ''
				} satisfies LeaseGrantResponse;
			}
			case 'leaseRevoke': {
				checkLeaseRevoke(this.auth, ai, r.leaseId, this.leaseKeys);
				const { revision } = this.lessor.revoke(r.leaseId);
				return { header: this.header(revision) } satisfies LeaseRevokeResponse;
			}
			case 'alarm':
				return this.applyAlarm(r.action, r.memberID, r.alarm);
			case 'memberAttr':
				this.members.setAttributes(r.memberId, r.name, r.clientURLs);
				return null;
			case 'clusterVersion':
				this.members.setVersion(r.version);
				return null;
			case 'authenticate':
				return { header: this.header(), ...this.auth.authenticate(r.name, r.prefix, index) };
			case 'auth':
				return { header: this.header(), ...this.applyAuth(r.method, r.args, ai) };
		}
	}

	private applyAuth(method: AuthMethod, args: unknown[], ai: AuthInfo | undefined): object {
		const a = this.auth;
		const s = (i: number) => args[i] as string;
		if (method === 'userGet') {
			checkUserGet(a, ai, s(0));
			return a.userGet(s(0));
		}
		if (method === 'roleGet') {
			checkRoleGet(a, ai, s(0));
			return a.roleGet(s(0));
		}
		if (method !== 'authStatus') a.isAdminPermitted(ai);
		switch (method) {
			case 'authEnable':
				return a.authEnable();
			case 'authDisable':
				return a.authDisable();
			case 'authStatus':
				return a.authStatus();
			case 'userAdd':
				return a.userAdd(s(0), s(1), args[2] as boolean);
			case 'userDelete':
				return a.userDelete(s(0));
			case 'userChangePassword':
				return a.userChangePassword(s(0), s(1));
			case 'userGrantRole':
				return a.userGrantRole(s(0), s(1));
			case 'userRevokeRole':
				return a.userRevokeRole(s(0), s(1));
			case 'userList':
				return a.userList();
			case 'roleAdd':
				return a.roleAdd(s(0));
			case 'roleDelete':
				return a.roleDelete(s(0));
			case 'roleList':
				return a.roleList();
			case 'roleGrantPermission':
				return a.roleGrantPermission(s(0), args[1] as never);
			case 'roleRevokePermission':
				return a.roleRevokePermission(
					s(0),
					args[1] as Uint8Array,
					args[2] as Uint8Array | undefined
				);
		}
	}

	private applyAlarm(
		action: 'ACTIVATE' | 'DEACTIVATE',
		memberID: bigint,
		alarm: AlarmType
	): AlarmResponse {
		const found = this.alarms.filter((a) => a.memberID === memberID && a.alarm === alarm);
		if (action === 'ACTIVATE') {
			if (found.length === 0) this.alarms.push({ memberID, alarm });
			this.alarms.sort((x, y) => compareIds(x.memberID, y.memberID));
			if (alarm === 'NOSPACE') this.store.raiseNoSpace();
			return { header: this.header(), alarms: [{ memberID, alarm }] };
		}
		if (found.length === 0) return { header: this.header(), alarms: [] };
		this.alarms = this.alarms.filter((a) => !(a.memberID === memberID && a.alarm === alarm));
		if (alarm === 'NOSPACE' && !this.capped) this.store.disarmNoSpace();
		return { header: this.header(), alarms: found };
	}

	private withHeader<T extends { header: ResponseHeader }>(resp: T): T {
		resp.header = this.header(resp.header.revision);
		return resp;
	}

	/** The replicated state as applied now, as a raft snapshot (`local`: without the MVCC store). */
	private stateSnapshot(local = false): Snapshot {
		const state: StateSnapshot = {
			mvcc: local ? null : this.store.snapshot(),
			auth: this.auth.snapshot(),
			members: this.members.snapshot(),
			alarms: this.alarms
		};
		const index = this.appliedIndex;
		return {
			data: encode(state),
			metadata: {
				index,
				term: this.cfg.persistence.raft.storage.term(index),
				confState: this.node.status().config
			}
		};
	}

	/**
	 * A local snapshot waiting for the MVCC flush that makes it safe: its state is taken when the
	 * flush starts (at `snap.metadata.index`), and the log is trimmed only once that flush holds
	 * everything applied up to that index.
	 */
	private pendingSnapshot: {
		snap: Snapshot;
		state: 'flushing' | 'durable' | 'failed';
	} | null = null;

	/**
	 * Takes a raft snapshot and trims the log once enough entries have been applied.
	 *
	 * The raft loop never waits on the MVCC flush here: under load a strict IndexedDB commit of
	 * a large batch can take longer than an election timeout, and a leader waiting on it sent
	 * no heartbeats or appends (its followers elected another leader, again and again). The
	 * snapshot's state and index are captured before the flush starts; the log is trimmed on a
	 * later pass of the loop, once that flush has resolved, so no entry whose effects are not
	 * durable in the backend is ever dropped. One snapshot is in flight at a time; a failed
	 * flush (a refused write) trims nothing and is tried again later instead of stopping the
	 * member.
	 */
	private async maybeTriggerSnapshot(): Promise<void> {
		const pending = this.pendingSnapshot;
		if (pending) {
			if (pending.state === 'flushing') return;
			this.pendingSnapshot = null;
			const index = pending.snap.metadata.index;
			// A snapshot from the leader may have replaced the log meanwhile.
			if (pending.state === 'failed' || index <= this.snapshotIndex) return;
			const compactIndex = Math.max(1, index - this.cfg.catchUpEntries);
			await this.cfg.persistence.raft.compact(pending.snap, compactIndex);
			this.snapshotIndex = index;
			return;
		}
		if (this.appliedIndex - this.snapshotIndex <= this.cfg.snapshotCount) return;
		// Everything applied so far is staged in the store: this flush makes it durable.
		const p: NonNullable<typeof this.pendingSnapshot> = {
			snap: this.stateSnapshot(true),
			state: 'flushing'
		};
		this.pendingSnapshot = p;
		void this.store.flush().then(
			() => (p.state = 'durable'),
			() => (p.state = 'failed')
		);
	}

	// ---------------------------------------------------------------------------------------
	// Proposals

	private deadline(): number {
		// etcd: 5 s plus two election timeouts.
		return this.ticks + Math.ceil(5000 / this.cfg.tickMs) + 2 * this.cfg.electionTicks;
	}

	private timeoutError(): Error {
		return this.lead === NONE ? Errors.TimeoutDueToConnectionLost() : Errors.Timeout();
	}

	private checkServing(): void {
		if (this.stopped || this.removed) throw Errors.Stopped();
	}

	private checkNotLearner(): void {
		if (this.members.get(this.id)?.isLearner) throw Errors.NotSupportedForLearner();
	}

	private async propose<T>(body: InternalRequestBody, auth?: AuthInfo): Promise<T> {
		this.checkServing();
		this.checkNotLearner();
		const id = this.reqIds.next();
		const req: InternalRequest = { ...body, id, ...(auth ? { auth } : {}) } as InternalRequest;
		// etcd's check: the size of the marshalled InternalRaftRequest, id and auth included
		// (measured on etcd's protobuf encoding where etcd has one, else on ours).
		const data = encodeRequest(req);
		if ((internalRaftRequestSize(req) ?? data.length) > this.cfg.maxRequestBytes)
			throw Errors.RequestTooLarge();
		const result = this.waits.register(id, this.deadline());
		this.submit({ id, data });
		const out = await result;
		if (out instanceof Error) throw out;
		return out as T;
	}

	private submit(p: PendingProposal): void {
		try {
			if (p.conf) this.node.proposeConfChange(p.conf);
			else this.node.propose(p.data);
		} catch (err) {
			if (err instanceof ErrProposalDropped) this.retryProposals.push(p);
			else this.waits.fail(p.id, err instanceof Error ? err : new Error(String(err)));
		}
		this.schedule();
	}

	private retryDroppedProposals(): void {
		if (this.retryProposals.length === 0 || this.lead === NONE) return;
		const list = this.retryProposals;
		this.retryProposals = [];
		for (const p of list) if (this.waits.has(p.id)) this.submit(p);
	}

	private async proposeConfChange(cc: ConfChange, member: MemberRecord): Promise<MemberRecord[]> {
		this.checkServing();
		this.checkNotLearner();
		const id = this.reqIds.next();
		const context: ConfChangeContext = { id, member };
		const conf: ConfChange = { ...cc, context: encode(context) };
		const result = this.waits.register(id, this.deadline());
		this.submit({ id, data: new Uint8Array(0), conf });
		const out = await result;
		if (out instanceof Error) throw out;
		return out as MemberRecord[];
	}

	// ---------------------------------------------------------------------------------------
	// Linearizable reads (ReadIndex)

	/** Resolves once this member has applied everything committed when the call was made. */
	private linearizableReadNotify(): Promise<void> {
		this.checkServing();
		return new Promise<void>((resolve, reject) => {
			this.readWaiting.push({ resolve, reject, deadlineTick: this.deadline() });
			this.startReadIndex();
		});
	}

	private startReadIndex(): void {
		if (this.readInFlight || this.readWaiting.length === 0 || this.lead === NONE) return;
		const ctx = this.nextReadCtx++;
		this.readInFlight = { ctx, reads: this.readWaiting, sentTick: this.ticks };
		this.readWaiting = [];
		this.node.readIndex(ctxBytes(ctx));
		this.schedule();
	}

	private onReadState(rs: ReadState): void {
		const inFlight = this.readInFlight;
		if (!inFlight || ctxFromBytes(rs.requestCtx) !== inFlight.ctx) return;
		this.readInFlight = null;
		this.readsAwaitingApply.push({ index: rs.index, reads: inFlight.reads });
		this.serveReadsAwaitingApply();
		this.startReadIndex();
	}

	private serveReadsAwaitingApply(): void {
		if (this.readsAwaitingApply.length === 0) return;
		const still: typeof this.readsAwaitingApply = [];
		for (const b of this.readsAwaitingApply) {
			if (b.index <= this.appliedIndex) for (const r of b.reads) r.resolve();
			else still.push(b);
		}
		this.readsAwaitingApply = still;
	}

	private expireReads(): void {
		const now = this.ticks;
		const timeout = () => this.timeoutError();
		const keep = (list: PendingRead[]) =>
			list.filter((r) => {
				if (r.deadlineTick > now) return true;
				r.reject(timeout());
				return false;
			});
		this.readWaiting = keep(this.readWaiting);
		if (this.readInFlight) {
			this.readInFlight.reads = keep(this.readInFlight.reads);
			if (this.readInFlight.reads.length === 0) this.readInFlight = null;
			else if (now - this.readInFlight.sentTick >= READ_INDEX_RETRY_TICKS && this.lead !== NONE) {
				// The ReadIndex request or its answer was lost: ask again (etcd retries every 500 ms).
				this.readInFlight.sentTick = now;
				this.node.readIndex(ctxBytes(this.readInFlight.ctx));
			}
		}
		for (const b of this.readsAwaitingApply) b.reads = keep(b.reads);
		this.readsAwaitingApply = this.readsAwaitingApply.filter((b) => b.reads.length > 0);
		this.startReadIndex();
	}

	// ---------------------------------------------------------------------------------------
	// Calls to the leader (lease renewals and promotions go to the leader, as in etcd)

	private callLeader<T>(method: PeerRpcMethod, args: unknown[]): Promise<T> {
		if (this.lead === NONE) return Promise.reject(Errors.NoLeader());
		const rpcId = this.nextRpcId++;
		return new Promise<T>((resolve, reject) => {
			this.rpcs.set(rpcId, {
				resolve: resolve as (v: unknown) => void,
				reject,
				deadlineTick: this.deadline()
			});
			this.cfg.transport.send([{ kind: 'rpc', from: this.id, to: this.lead, rpcId, method, args }]);
		});
	}

	private expireRpcs(): void {
		for (const [id, p] of this.rpcs) {
			if (p.deadlineTick <= this.ticks) {
				this.rpcs.delete(id);
				p.reject(this.lead === NONE ? Errors.NoLeader() : Errors.Timeout());
			}
		}
	}

	private serveRpc(m: Extract<PeerMessage, { kind: 'rpc' }>): void {
		const reply = (result?: unknown, error?: Error) =>
			this.cfg.transport.send([
				{
					kind: 'rpcResult',
					from: this.id,
					to: m.from,
					rpcId: m.rpcId,
					...(error
						? {
								error: {
									code: error instanceof EtcdError ? error.code : 'Unknown',
									message: error.message
								}
							}
						: { result })
				}
			]);
		const run = async (): Promise<unknown> => {
			if (this.role !== 'Leader') throw Errors.NotLeader();
			switch (m.method) {
				case 'leaseKeepAlive':
					return this.lessor.keepAlive(m.args[0] as bigint);
				case 'leaseTimeToLive':
					return this.lessor.timeToLive(m.args[0] as bigint, m.args[1] as boolean);
				case 'memberPromote':
					return this.promoteOnLeader(m.args[0] as bigint);
			}
		};
		run().then(
			(r) => reply(r),
			(e: unknown) => reply(undefined, e instanceof Error ? e : new Error(String(e)))
		);
	}

	// ---------------------------------------------------------------------------------------
	// Leases

	private revokeExpiredLeases(): void {
		const root = this.auth.rootAuthInfo();
		for (const id of this.lessor.expired()) {
			void this.propose({ op: 'leaseRevoke', leaseId: id }, root).catch(() => undefined);
		}
	}

	// ---------------------------------------------------------------------------------------
	// Member attributes (etcd's publish)

	private maybePublish(): void {
		if (this.published || this.publishing || this.lead === NONE || this.removed) return;
		const me = this.members.get(this.id);
		if (!me) return;
		const same =
			me.name === this.name &&
			me.clientURLs.length === this.cfg.clientURLs.length &&
			me.clientURLs.every((u, i) => u === this.cfg.clientURLs[i]);
		if (same) {
			this.published = true;
			return;
		}
		this.publishing = true;
		this.propose({
			op: 'memberAttr',
			memberId: this.id,
			name: this.name,
			clientURLs: this.cfg.clientURLs
		})
			.then(() => (this.published = true))
			.catch(() => undefined)
			.finally(() => (this.publishing = false));
	}

	/**
	 * etcd's monitorVersions: a leader sets the cluster version when none is set yet (a new
	 * cluster, or one started on a restored data dir), once the empty entry of its term applies:
	 * one more raft entry (`set the initial cluster version to 3.5`).
	 */
	private maybeSetClusterVersion(): void {
		if (this.role !== 'Leader' || this.members.version !== null) return;
		if (this.settingVersion || this.removed || this.stopped) return;
		this.settingVersion = true;
		this.propose({ op: 'clusterVersion', version: CLUSTER_VERSION })
			.catch(() => undefined)
			.finally(() => (this.settingVersion = false));
	}

	// ---------------------------------------------------------------------------------------
	// Auth plumbing

	private authInfo(opts?: CallOptions): AuthInfo | undefined {
		const token = opts?.token;
		if (token !== undefined && token !== '') {
			const idx = tokenIndex(token);
			if (idx !== undefined && idx > this.appliedIndex) throw Errors.InvalidAuthToken();
		}
		return this.auth.resolveToken(token || undefined);
	}

	// =======================================================================================
	// The v3 API

	async range(req: RangeRequest, opts?: CallOptions): Promise<RangeResponse> {
		this.checkServing();
		if (!req.serializable) {
			this.checkNotLearner();
			await this.linearizableReadNotify();
		}
		const ai = this.authInfo(opts);
		checkRange(this.auth, ai, req);
		// The header carries the current revision, even for a read at an older --rev.
		const resp = this.store.range(req);
		resp.header = this.header();
		if (req.serializable) checkRevisionUnchanged(this.auth, ai);
		return resp;
	}

	put(req: PutRequest, opts?: CallOptions): Promise<PutResponse> {
		return this.write(() => {
			if (!req.key || req.key.length === 0) throw Errors.EmptyKey();
			if (req.ignore_value && req.value && req.value.length > 0) throw Errors.ValueProvided();
			if (req.ignore_lease && req.lease && req.lease !== 0n) throw Errors.LeaseProvided();
			if (this.capped) throw Errors.NoSpace();
			// The front-door quota check (member-local, as in etcd): raises NOSPACE when crossed.
			this.store.checkQuota(putCost(req));
			return { op: 'put', req };
		}, opts);
	}

	deleteRange(req: DeleteRangeRequest, opts?: CallOptions): Promise<DeleteRangeResponse> {
		return this.write(() => {
			if (!req.key || req.key.length === 0) throw Errors.EmptyKey();
			return { op: 'deleteRange', req };
		}, opts);
	}

	async txn(req: TxnRequest, opts?: CallOptions): Promise<TxnResponse> {
		checkTxnRequest(req);
		if (isReadOnlyTxn(req)) {
			this.checkServing();
			this.checkNotLearner();
			await this.linearizableReadNotify();
			const ai = this.authInfo(opts);
			checkTxn(this.auth, ai, req, this.leaseKeys);
			const resp = this.store.txn(req);
			resp.header = this.header();
			return resp;
		}
		return this.write(() => {
			if (txnHasPut(req)) {
				if (this.capped) throw Errors.NoSpace();
				this.store.checkQuota(txnCost(req));
			}
			return { op: 'txn', req };
		}, opts);
	}

	compact(req: CompactionRequest, opts?: CallOptions): Promise<CompactionResponse> {
		return this.write(() => ({ op: 'compaction', req }), opts);
	}

	private async write<T>(build: () => InternalRequestBody, opts?: CallOptions): Promise<T> {
		this.checkServing();
		const body = build();
		return this.propose<T>(body, this.authInfo(opts));
	}

	/** Opens a watch stream; responses go to `sink` with headers filled. */
	openWatchStream(sink: (resp: WatchResponse) => void, opts?: CallOptions): ServerWatchStream {
		this.checkServing();
		const ai = this.authInfo(opts);
		const stream: WatchStream = this.watchHub.newStream((r: WatchStreamResponse) => {
			const { revision, ...rest } = r;
			sink({ header: this.header(revision), ...rest });
		});
		return {
			watch: (req: WatchCreateRequest) => {
				this.checkServing();
				if (this.lead === NONE) {
					sink({
						header: this.header(),
						watch_id: -1,
						created: true,
						canceled: true,
						compact_revision: 0,
						cancel_reason: Errors.NoLeader().message,
						fragment: false,
						events: []
					});
					return -1;
				}
				this.auth.isRangePermitted(ai, req.key, req.range_end);
				return stream.watch(req);
			},
			cancel: (id: number) => stream.cancel(id),
			requestProgress: () => stream.requestProgress(),
			close: () => stream.close()
		};
	}

	async leaseGrant(ttl: number, id = 0n, opts?: CallOptions): Promise<LeaseGrantResponse> {
		this.checkServing();
		if (ttl > MAX_LEASE_TTL) throw Errors.LeaseTTLTooLarge();
		const ai = this.authInfo(opts);
		requireAuthInfo(this.auth, ai);
		if (this.capped) throw Errors.NoSpace();
		this.store.checkQuota(LEASE_OVERHEAD);
		const leaseId = id !== 0n ? id : leaseIdFrom(this.reqIds.next());
		return this.propose<LeaseGrantResponse>({ op: 'leaseGrant', leaseId, ttl }, ai);
	}

	async leaseRevoke(id: bigint, opts?: CallOptions): Promise<LeaseRevokeResponse> {
		this.checkServing();
		return this.propose<LeaseRevokeResponse>(
			{ op: 'leaseRevoke', leaseId: id },
			this.authInfo(opts)
		);
	}

	async leaseKeepAlive(id: bigint, opts?: CallOptions): Promise<LeaseKeepAliveResponse> {
		this.checkServing();
		checkLeaseRenew(this.auth, this.authInfo(opts), id, this.leaseKeys);
		const ttl =
			this.role === 'Leader'
				? this.lessor.keepAlive(id)
				: await this.callLeader<number>('leaseKeepAlive', [id]);
		return { header: this.header(), ID: id, TTL: ttl };
	}

	async leaseTimeToLive(
		id: bigint,
		keys: boolean,
		opts?: CallOptions
	): Promise<LeaseTimeToLiveResponse> {
		this.checkServing();
		const ai = this.authInfo(opts);
		const resp =
			this.role === 'Leader'
				? this.lessor.timeToLive(id, keys)
				: await this.callLeader<LeaseTimeToLiveResponse>('leaseTimeToLive', [id, keys]);
		if (keys) checkLeaseKeysReadable(this.auth, ai, [resp.keys]);
		return { ...resp, header: this.header() };
	}

	async leaseLeases(opts?: CallOptions): Promise<LeaseLeasesResponse> {
		this.checkServing();
		await this.linearizableReadNotify();
		const ai = this.authInfo(opts);
		const ids = this.lessor.leases();
		checkLeaseKeysReadable(
			this.auth,
			ai,
			ids.map((id) => this.lessor.lookup(id)?.keys ?? [])
		);
		return { header: this.header(), leases: ids.map((ID) => ({ ID })) };
	}

	// Cluster --------------------------------------------------------------------------------

	async memberList(linearizable = true, opts?: CallOptions): Promise<MemberListResponse> {
		this.checkServing();
		if (linearizable) await this.linearizableReadNotify();
		requireAuthInfo(this.auth, this.authInfo(opts));
		return { header: this.clusterHeader(), members: this.members.list().map(toApiMember) };
	}

	async memberAdd(
		peerURLs: string[],
		isLearner: boolean,
		opts?: CallOptions
	): Promise<MemberAddResponse> {
		this.checkServing();
		this.auth.isAdminPermitted(this.authInfo(opts));
		// etcd names an added member after its URLs and the time it was added.
		const seconds = Math.floor(this.cfg.clock() / 1000);
		const id = computeMemberId(peerURLs, `${seconds}`);
		// etcd's strict reconfiguration checks come first; the member-exists checks follow.
		if (!isLearner) this.checkEnoughStartedToAdd();
		this.checkVotersConnected();
		this.members.validateAdd(id, peerURLs, isLearner);
		const record: MemberRecord = {
			ID: id,
			name: '',
			peerURLs: [...peerURLs],
			clientURLs: [],
			isLearner
		};
		const list = await this.proposeConfChange(
			{ type: isLearner ? 'AddLearnerNode' : 'AddNode', nodeId: id },
			record
		);
		return {
			header: this.clusterHeader(),
			member: toApiMember(record),
			members: list.map(toApiMember)
		};
	}

	async memberRemove(id: bigint, opts?: CallOptions) {
		this.checkServing();
		this.auth.isAdminPermitted(this.authInfo(opts));
		const m = this.members.get(id);
		if (!m) throw Errors.MemberNotFound();
		if (!m.isLearner) this.checkEnoughStartedToRemove(id);
		const list = await this.proposeConfChange({ type: 'RemoveNode', nodeId: id }, m);
		return { header: this.clusterHeader(), members: list.map(toApiMember) };
	}

	async memberUpdate(id: bigint, peerURLs: string[], opts?: CallOptions) {
		this.checkServing();
		this.auth.isAdminPermitted(this.authInfo(opts));
		this.members.validateUpdate(id, peerURLs);
		const m = this.members.get(id) as MemberRecord;
		const list = await this.proposeConfChange(
			{ type: 'UpdateNode', nodeId: id },
			{ ...m, peerURLs: [...peerURLs] }
		);
		return { header: this.clusterHeader(), members: list.map(toApiMember) };
	}

	async memberPromote(id: bigint, opts?: CallOptions) {
		this.checkServing();
		this.auth.isAdminPermitted(this.authInfo(opts));
		const list =
			this.role === 'Leader'
				? await this.promoteOnLeader(id)
				: await this.callLeader<MemberRecord[]>('memberPromote', [id]);
		return { header: this.clusterHeader(), members: list.map(toApiMember) };
	}

	private async promoteOnLeader(id: bigint): Promise<MemberRecord[]> {
		// etcd checks readiness first (on the leader, from raft progress), and only then, when
		// the change is validated, whether the member exists and is a learner.
		const st = this.node.status();
		const progress = st.progress?.get(id);
		if (progress) {
			const leaderMatch = st.progress?.get(this.id)?.match ?? st.commit;
			// A learner is promoted only once it is within 10% of the leader's log.
			if (progress.match < leaderMatch * 0.9) throw Errors.LearnerNotReady();
		}
		const m = this.members.get(id);
		if (!m) throw Errors.MemberNotFound();
		if (!m.isLearner) throw Errors.MemberNotLearner();
		return this.proposeConfChange({ type: 'AddNode', nodeId: id }, m);
	}

	/** etcd's strict reconfiguration check: the cluster must keep a started quorum. */
	private checkEnoughStartedToAdd(): void {
		const voters = this.members.list().filter((m) => !m.isLearner);
		const started = voters.filter((m) => m.name !== '').length;
		const after = voters.length + 1;
		// A one-member cluster may always add its second member.
		if (started === 1 && after === 2) return;
		if (started < Math.floor(after / 2) + 1) throw Errors.MemberNotEnoughStarted();
	}

	/**
	 * etcd refuses reconfiguration unless every other voting member is connected (its
	 * isConnectedFullySince): a voter that never started, or that the leader has not heard
	 * from lately, makes the cluster "unhealthy".
	 */
	private checkVotersConnected(): void {
		const progress = this.node.status().progress;
		for (const m of this.members.list()) {
			if (m.isLearner || m.ID === this.id) continue;
			if (m.name === '') throw Errors.Unhealthy();
			if (progress && !progress.get(m.ID)?.recentActive) throw Errors.Unhealthy();
		}
	}

	private checkEnoughStartedToRemove(id: bigint): void {
		const voters = this.members.list().filter((m) => !m.isLearner);
		const remaining = voters.filter((m) => m.ID !== id);
		const st = this.node.status();
		const active = remaining.filter(
			(m) => m.ID === this.id || st.progress?.get(m.ID)?.recentActive
		).length;
		const quorumAfter = Math.floor(remaining.length / 2) + 1;
		if (st.progress && active < quorumAfter) throw Errors.MemberNotEnoughStarted();
	}

	// Maintenance ------------------------------------------------------------------------------

	status(opts?: CallOptions): StatusResponse {
		this.checkServing();
		requireAuthInfo(this.auth, this.authInfo(opts));
		const st = this.node.status();
		return {
			header: this.header(),
			version: SERVER_VERSION,
			dbSize: this.store.dbSize,
			leader: st.lead,
			raftIndex: st.commit,
			raftTerm: st.term,
			raftAppliedIndex: this.appliedIndex,
			errors: this.alarms.map((a) => `memberID:${a.memberID} alarm:${a.alarm} `),
			dbSizeInUse: this.store.dbSizeInUse,
			isLearner: this.members.get(this.id)?.isLearner ?? false
		};
	}

	hash(opts?: CallOptions): HashResponse {
		this.checkServing();
		this.auth.isAdminPermitted(this.authInfo(opts));
		return { header: this.header(), hash: this.store.hash().hash };
	}

	hashKV(revision: number, opts?: CallOptions): HashKVResponse {
		this.checkServing();
		this.auth.isAdminPermitted(this.authInfo(opts));
		const h = this.store.hashKV(revision);
		// etcd reports -1 until the first compaction.
		return { header: this.header(), hash: h.hash, compact_revision: h.compact_revision || -1 };
	}

	defragment(opts?: CallOptions) {
		this.checkServing();
		this.auth.isAdminPermitted(this.authInfo(opts));
		this.store.defrag();
		return { header: this.header() };
	}

	async alarmList(opts?: CallOptions): Promise<AlarmResponse> {
		this.checkServing();
		await this.linearizableReadNotify();
		requireAuthInfo(this.auth, this.authInfo(opts));
		return { header: this.header(), alarms: this.alarms.map((a) => ({ ...a })) };
	}

	async alarmDisarm(
		memberID: bigint,
		alarm: AlarmType,
		opts?: CallOptions
	): Promise<AlarmResponse> {
		this.checkServing();
		const ai = this.authInfo(opts);
		this.auth.isAdminPermitted(ai);
		// etcdctl's `alarm disarm` sends NONE/0: disarm every alarm.
		const targets =
			alarm === 'NONE' && memberID === 0n
				? this.alarms.map((a) => ({ ...a }))
				: [{ memberID, alarm }];
		const disarmed: AlarmMember[] = [];
		for (const t of targets) {
			const r = await this.propose<AlarmResponse>(
				{ op: 'alarm', action: 'DEACTIVATE', memberID: t.memberID, alarm: t.alarm },
				ai
			);
			disarmed.push(...r.alarms);
		}
		return { header: this.header(), alarms: disarmed };
	}

	/**
	 * The member's disk refused a write, or is about to (a browser's storage quota): raise
	 * NOSPACE as a backend past --quota-backend-bytes does, so the cluster refuses writes
	 * cleanly (mvcc: database space exceeded) instead of members failing mid-write. The host
	 * calls it; learners answer `alarm disarm` once space was freed (compact, defrag).
	 */
	diskFull(): void {
		this.raiseAlarm('NOSPACE');
	}

	private raiseAlarm(alarm: AlarmType): void {
		if (this.alarms.some((a) => a.memberID === this.id && a.alarm === alarm)) return;
		void this.propose({ op: 'alarm', action: 'ACTIVATE', memberID: this.id, alarm }).catch(
			() => undefined
		);
	}

	/** The whole store, as `etcdctl snapshot save` receives it. */
	snapshot(opts?: CallOptions): Uint8Array {
		this.checkServing();
		this.auth.isAdminPermitted(this.authInfo(opts));
		const state: StateSnapshot = {
			mvcc: this.store.snapshot(),
			auth: this.auth.snapshot(),
			members: this.members.snapshot(),
			alarms: []
		};
		return encode({ format: 'etcd-playground-snapshot', version: 1, state });
	}

	async moveLeader(target: bigint, opts?: CallOptions): Promise<MoveLeaderResponse> {
		this.checkServing();
		this.auth.isAdminPermitted(this.authInfo(opts));
		if (this.role !== 'Leader') throw Errors.NotLeader();
		const m = this.members.get(target);
		if (!m || m.isLearner) throw Errors.BadLeaderTransferee();
		if (target === this.id) return { header: this.header() };
		this.node.transferLeader(target);
		this.schedule();
		// etcd waits up to the request timeout for the transferee to take over.
		const ok = await this.waitFor(() => this.lead === target, this.deadline());
		if (!ok) throw Errors.TimeoutLeaderTransfer();
		return { header: this.header() };
	}

	// Auth -------------------------------------------------------------------------------------

	async authenticate(name: string, password: string) {
		this.checkServing();
		for (;;) {
			const checkedRevision = this.auth.checkPassword(name, password);
			const resp = await this.propose<{ header: ResponseHeader; token: string }>({
				op: 'authenticate',
				name,
				prefix: genTokenPrefix(this.cfg.rng)
			});
			if (this.auth.authStatus().authRevision === checkedRevision) return resp;
		}
	}

	authCall(
		method: AuthMethod,
		args: (string | boolean | Uint8Array | undefined | object)[],
		opts?: CallOptions
	) {
		this.checkServing();
		const ai = this.authInfo(opts);
		const prepared = [...args];
		if ((method === 'userAdd' && !args[2]) || method === 'userChangePassword') {
			prepared[1] = hashPassword(String(args[1] ?? ''), this.cfg.rng);
		}
		return this.propose<Record<string, unknown> & { header: ResponseHeader }>(
			{ op: 'auth', method, args: prepared as never },
			ai
		);
	}

	// Introspection for the cluster view and tests ----------------------------------------------

	info() {
		const st = this.node.status();
		return {
			id: this.id,
			name: this.name,
			role: this.removed ? ('Removed' as const) : st.raftState,
			isLearner: this.members.get(this.id)?.isLearner ?? false,
			term: st.term,
			lead: st.lead,
			commit: st.commit,
			applied: this.appliedIndex,
			revision: this.store.currentRevision,
			compactRevision: this.store.compactRevision,
			dbSize: this.store.dbSize,
			members: this.members.list().map(toApiMember) as Member[]
		};
	}

	/** The leader's view of each follower's replication progress (empty on followers). */
	progress(): { id: bigint; match: number; next: number; state: string }[] {
		const p = this.node.status().progress;
		if (!p) return [];
		return [...p.entries()].map(([id, s]) => ({
			id,
			match: s.match,
			next: s.next,
			state: s.state
		}));
	}

	/** Resolves when the pending MVCC changes are durable. */
	flush(): Promise<void> {
		return this.store.flush();
	}

	get currentTerm(): number {
		return this.term;
	}

	get leaderId(): bigint {
		return this.lead;
	}

	get currentRole(): StateType {
		return this.role;
	}

	get applied(): number {
		return this.appliedIndex;
	}
}

export interface ServerWatchStream {
	watch(req: WatchCreateRequest): number;
	cancel(id: number): boolean;
	requestProgress(): void;
	close(): void;
}

function ctxBytes(n: bigint): Uint8Array {
	const b = new Uint8Array(8);
	for (let i = 0; i < 8; i++) b[i] = Number((n >> BigInt(56 - 8 * i)) & 0xffn);
	return b;
}

function ctxFromBytes(b: Uint8Array): bigint {
	let n = 0n;
	for (let i = 0; i < b.length; i++) n = (n << 8n) | BigInt(b[i]);
	return n;
}

function isReadOnlyTxn(t: TxnRequest): boolean {
	const ops = [...t.success, ...t.failure];
	return ops.every((op) => {
		if ('request_range' in op) return true;
		if ('request_txn' in op) return isReadOnlyTxn(op.request_txn);
		return false;
	});
}

function txnHasPut(t: TxnRequest): boolean {
	return [...t.success, ...t.failure].some((op) => {
		if ('request_put' in op) return true;
		if ('request_txn' in op) return txnHasPut(op.request_txn);
		return false;
	});
}
