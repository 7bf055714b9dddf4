/**
 * A whole etcd member (EtcdServer: Raft, MVCC, lessor, members) as a simulated node, with a
 * simulated disk. Each of its two files, the raft log and the MVCC backend, is a FIFO of
 * writes that become durable only when their simulated fsync completes (a random delay drawn
 * when the write is issued); a crash drops the writes still in flight, and a restart starts
 * EtcdServer again from what was durable. The server already waits for its raft writes before
 * sending or applying, so losing them is exactly a process killed before fsync.
 *
 * EtcdServer is Promise-based; the simulation loop (etcd-sim.ts) drains microtasks between
 * events, so everything stays on one deterministic thread of control.
 */
import type { Event } from '../api/types';
import { MemoryBackend, type BackendBatch, type MvccBackend } from '../mvcc/backend';
import { MemoryStorage, type Entry, type HardState, type Snapshot } from '../raft';
import { computeMemberId } from '../server/identity';
import {
	applyToMemory,
	compactMemory,
	type NodePersistence,
	type RaftLogPersistence
} from '../server/persistence';
import { EtcdServer, type PeerMessage, type TraceEvent } from '../server/server';
import { SeededRng, type Rng } from '../util/rand';
import type { SimNode } from './node';

/** One file of the simulated disk: writes complete in order, each after its fsync delay. */
export class SimDisk {
	private pending: { at: number; apply: () => void; resolve: () => void }[] = [];
	private last = 0;

	constructor(
		private readonly rng: Rng,
		private readonly now: () => number,
		private readonly maxSyncDelay: number
	) {}

	/** Queues a write; `apply` makes it durable; the promise resolves at that moment. */
	write(apply: () => void): Promise<void> {
		const delay = this.maxSyncDelay > 0 ? this.rng.int(this.maxSyncDelay + 1) : 0;
		// fsyncs of one file complete in order.
		const at = Math.max(this.last, this.now() + delay);
		this.last = at;
		return new Promise<void>((resolve) => this.pending.push({ at, apply, resolve }));
	}

	/** Completes the writes due by `now`; returns how many. */
	complete(now: number): number {
		let n = 0;
		while (this.pending.length > 0 && this.pending[0].at <= now) {
			const w = this.pending.shift()!;
			w.apply();
			w.resolve();
			n++;
		}
		return n;
	}

	get inFlight(): number {
		return this.pending.length;
	}

	/** Power loss: writes not yet durable are gone (their promises never settle). */
	crash(): void {
		this.pending = [];
		this.last = 0;
	}
}

/** The raft log: a mirror for raft's synchronous reads, and a durable copy behind the disk. */
class SimRaftLog implements RaftLogPersistence {
	readonly storage: MemoryStorage;

	constructor(
		private readonly durable: MemoryStorage,
		private readonly disk: SimDisk
	) {
		this.storage = MemoryStorage.fromState(durable.state());
	}

	save(hs: HardState | undefined, entries: Entry[], snap: Snapshot | undefined): Promise<void> {
		applyToMemory(this.storage, hs, entries, snap);
		const ents = entries.slice();
		return this.disk.write(() => applyToMemory(this.durable, hs, ents, snap));
	}

	compact(snap: Snapshot, compactIndex: number): Promise<void> {
		compactMemory(this.storage, snap, compactIndex);
		return this.disk.write(() => compactMemory(this.durable, snap, compactIndex));
	}
}

/** The MVCC backend: batches become durable after their fsync. */
class SimBackend implements MvccBackend {
	constructor(
		private readonly durable: MemoryBackend,
		private readonly disk: SimDisk
	) {}

	load() {
		return this.durable.load();
	}

	write(batch: BackendBatch): Promise<void> {
		return this.disk.write(() => void this.durable.write(batch));
	}
}

export interface EtcdNodeOptions {
	/** Largest fsync delay (ms); 0 makes every write durable at once. */
	maxSyncDelay: number;
	/** etcd --snapshot-count. */
	snapshotCount: number;
	/** Entries kept behind a snapshot. */
	catchUpEntries: number;
	tickMs: number;
}

export interface EtcdNodeHooks {
	/** The simulated clock (ms). */
	now(): number;
	/** Every trace event of every incarnation of the member. */
	onTrace(node: EtcdSimNode, e: TraceEvent): void;
	/** Every write transaction the member's store commits (from its first start on). */
	onCommit(node: EtcdSimNode, revision: number, events: Event[]): void;
}

export const SIM_TOKEN = 'playground';
/** Wall-clock time the simulated members believe it is at simulated time 0. */
const EPOCH_MS = 1_700_000_000_000;

export class EtcdSimNode implements SimNode<PeerMessage> {
	readonly id: bigint;
	readonly peerURLs: string[];
	readonly clientURLs: string[];
	server: EtcdServer | null = null;
	/** Left the cluster for good (applied its own removal). */
	removed = false;
	/** Crashed or not started: the sim neither ticks it nor delivers to it. */
	private down = true;
	/** Bumped at every crash, so a start that finishes after one is thrown away. */
	private generation = 0;
	private outbox: PeerMessage[] = [];
	private readonly raftDisk: SimDisk;
	private readonly mvccDisk: SimDisk;
	private readonly durableLog = new MemoryStorage();
	private readonly durableBackend = new MemoryBackend();
	/** Raft indexes at or below this were applied before the last restart (replays). */
	replayedUpTo = 0;
	starts = 0;
	/** Why a start failed, if one did (a bug: the simulation reports it). */
	failure: Error | null = null;
	readonly rng: Rng;

	constructor(
		readonly name: string,
		private readonly opts: EtcdNodeOptions,
		rng: Rng,
		private readonly hooks: EtcdNodeHooks,
		/** The cluster a new member bootstraps with, or the one an added member joins. */
		private readonly initialCluster: { name: string; peerURLs: string[] }[],
		private readonly join?: { memberId: bigint; clusterId: bigint }
	) {
		this.rng = new SeededRng(rng.int(0x100000000));
		this.peerURLs = [`http://${name}:2380`];
		this.clientURLs = [`http://${name}:2379`];
		this.id = join?.memberId ?? computeMemberId(this.peerURLs, SIM_TOKEN);
		this.raftDisk = new SimDisk(this.rng, hooks.now, opts.maxSyncDelay);
		this.mvccDisk = new SimDisk(this.rng, hooks.now, opts.maxSyncDelay);
	}

	get alive(): boolean {
		return !this.down && this.server !== null && !this.server.isStopped;
	}

	/** True while a (re)start is under way. */
	get starting(): boolean {
		return this.down && this.startGen === this.generation && !this.removed;
	}
	private startGen = -1;

	tick(): void {
		this.server?.tick();
	}

	receive(m: PeerMessage): void {
		// etcd's peer transport runs over TCP streams: a message arrives at most once. A
		// duplicated raft message is harmless (raft is idempotent), but a duplicated forwarded
		// proposal (MsgProp) would append the client's request twice, which no real network
		// does; so the simulated network may duplicate anything but that.
		if (m.kind === 'raft' && m.msg.type === 'MsgProp') {
			if (this.proposalsSeen.has(m)) return;
			this.proposalsSeen.add(m);
		}
		this.server?.receive(m);
	}
	private proposalsSeen = new WeakSet<PeerMessage>();

	delivered(): void {
		// EtcdServer's transport is fire-and-forget, like etcd's rafthttp streams.
	}

	/** Completes the fsyncs due by `now`; returns whether any did. */
	sync(now: number): boolean {
		return this.raftDisk.complete(now) + this.mvccDisk.complete(now) > 0;
	}

	poll(): PeerMessage[] {
		if (this.server?.isRemoved && !this.removed) this.leave();
		const out = this.outbox;
		this.outbox = [];
		return this.alive ? out : [];
	}

	crash(): void {
		this.generation++;
		this.down = true;
		this.server?.stop();
		this.server = null;
		this.outbox = [];
		this.raftDisk.crash();
		this.mvccDisk.crash();
	}

	/** Leaves for good (the member applied its own removal, or a peer told it). */
	leave(): void {
		this.removed = true;
		this.crash();
	}

	restart(): void {
		if (this.removed || !this.down || this.starting) return;
		this.start();
	}

	/** Starts the member from its durable state (the first start bootstraps or joins). */
	start(): void {
		const gen = this.generation;
		this.startGen = gen;
		this.starts++;
		const persistence: NodePersistence = {
			raft: new SimRaftLog(this.durableLog, this.raftDisk),
			mvcc: new SimBackend(this.durableBackend, this.mvccDisk)
		};
		void this.durableBackend.load().then((c) => {
			if (gen === this.generation) this.replayedUpTo = c.meta.consistentIndex;
		});
		void EtcdServer.start({
			name: this.name,
			peerURLs: this.peerURLs,
			clientURLs: this.clientURLs,
			initialCluster: this.initialCluster,
			clusterState: this.join ? 'existing' : 'new',
			memberId: this.id,
			clusterId: this.join?.clusterId,
			token: SIM_TOKEN,
			rng: new SeededRng(this.rng.int(0x100000000)),
			clock: () => EPOCH_MS + this.hooks.now(),
			persistence,
			transport: {
				send: (msgs) => {
					if (gen === this.generation) this.outbox.push(...msgs);
				}
			},
			tickMs: this.opts.tickMs,
			snapshotCount: this.opts.snapshotCount,
			catchUpEntries: this.opts.catchUpEntries,
			onTrace: (e) => {
				if (gen === this.generation) this.hooks.onTrace(this, e);
			}
		}).then(
			(server) => {
				if (gen !== this.generation) {
					server.stop();
					return;
				}
				this.server = server;
				this.down = false;
				server.store.onCommit((rev, events) => {
					if (gen === this.generation) this.hooks.onCommit(this, rev, events);
				});
			},
			(e: unknown) => {
				if (gen === this.generation) this.failure = e instanceof Error ? e : new Error(String(e));
			}
		);
	}
}
