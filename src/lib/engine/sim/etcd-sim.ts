/**
 * One seeded run of a whole etcd cluster (EtcdServer: Raft + MVCC + lessor + members) under
 * faults. Clients issue puts, gets, ranges, deletes, txns and lease calls against random
 * members while the fault scheduler partitions, drops, duplicates, reorders and delays
 * messages, crashes members (losing writes not yet fsynced) and restarts them, moves the
 * leader and changes membership. Then everything heals; a final write must be acknowledged and
 * reach every member. Verdicts: the client history is linearizable (linearizability.ts), and
 * the member-side checkers of etcd-checkers.ts hold.
 *
 * The loop is the one of simulator.ts (1 ms steps, ticks with a per-node phase, one seeded
 * RNG, SimNetwork and FaultScheduler), made asynchronous: EtcdServer's raft loop awaits its
 * disk, so microtasks are drained after each step's deliveries, ticks and fsyncs. No timer
 * or macrotask is involved anywhere, so the run is one deterministic chain of microtasks.
 */
import { EtcdError, Errors } from '../api/errors';
import type {
	Compare,
	Event,
	KeyValue,
	RangeResponse,
	RequestOp,
	ResponseOp,
	TxnResponse
} from '../api/types';
import { computeMemberId } from '../server/identity';
import type { PeerMessage, TraceEvent } from '../server/server';
import { fromUtf8, utf8 } from '../util/bytes';
import { SeededRng, type Rng } from '../util/rand';
import { EtcdCheckers } from './etcd-checkers';
import { EtcdSimNode, type EtcdNodeOptions } from './etcd-node';
import { FAULT_KINDS, FaultScheduler, faultRates, type FaultKind } from './faults';
import {
	checkLinearizable,
	type HistoryOp,
	type KvOp,
	type KvOutput,
	type ModelCompare,
	type ModelKv,
	type SubResult,
	type TxnSubOp
} from './linearizability';
import { SimNetwork } from './network';

export interface EtcdSimOptions {
	faults: readonly FaultKind[];
	/** Length of the fault phase (clients and faults), ms. */
	faultMs: number;
	/** Longest quiet phase after healing, ms: the final write must land within it. */
	quietMs: number;
	/** At most this many client operations per run (keeps the history checkable). */
	maxOps: number;
	/** Return the client history in the result (for replaying a failing seed). */
	keepHistory?: boolean;
}

export const DEFAULT_ETCD_SIM_OPTIONS: EtcdSimOptions = {
	faults: FAULT_KINDS,
	faultMs: 6000,
	quietMs: 10000,
	maxOps: 400
};

export interface EtcdSimResult {
	seed: number;
	violation?: { checker: string; details: string };
	history?: HistoryOp[];
	/** Hash of every delivery and every client outcome: equal for two runs of a seed. */
	trace: number;
	stats: {
		members: number;
		ops: number;
		acked: number;
		unknown: number;
		revision: number;
		messages: number;
		crashes: number;
		restarts: number;
		transfers: number;
		memberChanges: number;
		verified: number;
		linSteps: number;
		simMs: number;
	};
}

/**
 * Errors after which a request surely had no effect: refused before it was proposed (a
 * learner serves no KV requests, a txn is malformed) or applied as a failure (no such lease,
 * the lease exists, no space). Any other error (timeout, stopped, leader changed) leaves the
 * outcome unknown.
 */
const NO_EFFECT = new Set(
	[
		Errors.NotSupportedForLearner(),
		Errors.LeaseNotFound(),
		Errors.LeaseExist(),
		Errors.NoSpace(),
		Errors.DuplicateKey(),
		Errors.TooManyOps()
	].map((e) => e.message)
);

const KEYS = ['k0', 'k1', 'k2', 'k3'];
const RANGE = { key: 'k', end: 'l' };
const TICK_MS = 100;
/**
 * Microtask turns per drain after something happened (a delivery, tick, fsync or request):
 * longer than EtcdServer's await chains per event. Quiet steps drain a little too, so work
 * left over from a long chain still moves on. Either way the order of events is decided by
 * the microtask queue alone, so a seed replays exactly.
 */
const DRAIN_TURNS = 30;
const IDLE_DRAIN_TURNS = 4;

async function drain(turns: number): Promise<void> {
	for (let i = 0; i < turns; i++) await Promise.resolve();
}

interface Client {
	id: number;
	/** The op it waits for (a client has one request outstanding); -1 when idle. */
	busy: number;
	deadline: number;
	/** Last values and revisions it saw, to aim its compares at something plausible. */
	seen: Map<string, ModelKv>;
	rev: number;
}

function toModelKv(kv: KeyValue): ModelKv {
	return {
		key: fromUtf8(kv.key),
		value: fromUtf8(kv.value),
		create: kv.create_revision,
		mod: kv.mod_revision,
		version: kv.version,
		lease: kv.lease ?? 0n
	};
}

function subToRequest(o: TxnSubOp): RequestOp {
	switch (o.type) {
		case 'put':
			return {
				request_put: {
					key: utf8(o.key),
					value: utf8(o.value),
					...(o.lease ? { lease: o.lease } : {})
				}
			};
		case 'delete':
			return { request_delete_range: { key: utf8(o.key) } };
		case 'get':
			return {
				request_range: { key: utf8(o.key), ...(o.end ? { range_end: utf8(o.end) } : {}) }
			};
	}
}

function compareToRequest(c: ModelCompare): Compare {
	const result = ({ '=': 'EQUAL', '!=': 'NOT_EQUAL', '<': 'LESS', '>': 'GREATER' } as const)[c.op];
	const key = utf8(c.key);
	switch (c.target) {
		case 'value':
			return { result, target: 'VALUE', key, value: utf8(c.operand as string) };
		case 'version':
			return { result, target: 'VERSION', key, version: c.operand as number };
		case 'create':
			return { result, target: 'CREATE', key, create_revision: c.operand as number };
		case 'mod':
			return { result, target: 'MOD', key, mod_revision: c.operand as number };
		case 'lease':
			return { result, target: 'LEASE', key, lease: c.operand as bigint };
	}
}

function subResult(r: ResponseOp): SubResult {
	if ('response_range' in r) return r.response_range.kvs.map(toModelKv);
	if ('response_delete_range' in r) return r.response_delete_range.deleted;
	return null;
}

function opText(o: KvOp): string {
	switch (o.type) {
		case 'put':
			return `put ${o.key}=${o.value}`;
		case 'delete':
			return `delete ${o.key}`;
		case 'txn':
			return `txn (${o.success.length} / ${o.failure.length} ops)`;
		default:
			return o.type;
	}
}

class EtcdSim {
	readonly rng: Rng;
	readonly network: SimNetwork<PeerMessage>;
	readonly nodes = new Map<bigint, EtcdSimNode>();
	private readonly phase = new Map<bigint, number>();
	readonly checkers = new EtcdCheckers();
	private readonly scheduler: FaultScheduler;
	private readonly nodeOpts: EtcdNodeOptions;
	readonly history: HistoryOp[] = [];
	private readonly clients: Client[] = [];
	private nextValue = 0;
	private nextLease = 1;
	/** Leases granted (or maybe granted) so far, for puts and revokes to name. */
	private leases: bigint[] = [];
	private nextMember: number;
	now = 0;
	trace = 0x811c9dc5;
	faultsOn = true;
	clientsOn = true;
	stats = { crashes: 0, restarts: 0, transfers: 0, memberChanges: 0, unknown: 0 };

	constructor(
		readonly seed: number,
		private readonly opts: EtcdSimOptions
	) {
		this.rng = new SeededRng(seed);
		const rates = faultRates(opts.faults);
		this.network = new SimNetwork<PeerMessage>(this.rng, rates.network);
		this.scheduler = new FaultScheduler(this.rng, rates);
		this.nodeOpts = {
			maxSyncDelay: rates.maxSyncDelay,
			snapshotCount: 10 + this.rng.int(50),
			catchUpEntries: 2 + this.rng.int(20),
			tickMs: TICK_MS
		};
		const size = this.rng.next() < 0.7 ? 3 : 5;
		this.nextMember = size + 1;
		const initial = [];
		for (let i = 1; i <= size; i++)
			initial.push({ name: `etcd-${i}`, peerURLs: [`http://etcd-${i}:2380`] });
		for (const m of initial)
			this.add(new EtcdSimNode(m.name, this.nodeOpts, this.rng, this.hooks, initial));
		for (const n of this.sorted()) n.start();
		const clients = 3 + this.rng.int(3);
		for (let i = 0; i < clients; i++)
			this.clients.push({ id: i + 1, busy: -1, deadline: 0, seen: new Map(), rev: 1 });
	}

	private readonly hooks = {
		now: () => this.now,
		onTrace: (node: EtcdSimNode, e: TraceEvent) => {
			if (e.type === 'role' && e.role === 'Leader') this.checkers.observeLeader(node, e.term);
			else if (e.type === 'apply') this.checkers.observeApply(node, e.index, e.revision);
		},
		onCommit: (node: EtcdSimNode, rev: number, events: Event[]) =>
			this.checkers.observeCommit(node, rev, events)
	};

	private add(n: EtcdSimNode): void {
		this.nodes.set(n.id, n);
		this.phase.set(n.id, this.rng.int(TICK_MS));
		this.order = [...this.nodes.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	}

	/** Nodes in ID order: iteration order must never depend on insertion history. */
	sorted(): EtcdSimNode[] {
		return this.order;
	}
	private order: EtcdSimNode[] = [];
	/** Counts events (deliveries, ticks, requests, faults), to tell busy steps from quiet ones. */
	private events = 0;

	private record(x: number): void {
		this.trace = Math.imul(this.trace ^ (x >>> 0), 0x01000193) >>> 0;
	}

	/** The live leader of the highest term, if any. */
	leader(): EtcdSimNode | undefined {
		let best: EtcdSimNode | undefined;
		for (const n of this.sorted()) {
			const s = n.server;
			if (!n.alive || !s || s.currentRole !== 'Leader') continue;
			if (!best || s.currentTerm > best.server!.currentTerm) best = n;
		}
		return best;
	}

	/** The members of the cluster as the leader (or else any live member) sees them. */
	members(): EtcdSimNode[] {
		const via = this.leader() ?? this.sorted().find((n) => n.alive);
		if (!via) return [];
		const out: EtcdSimNode[] = [];
		for (const m of via.server!.members.list()) {
			const n = this.nodes.get(m.ID);
			if (n) out.push(n);
		}
		return out;
	}

	async run(until: number, stop?: () => boolean): Promise<string | undefined> {
		for (; this.now < until; this.now++) {
			const before = this.events;
			if (this.faultsOn && this.now % 10 === 0) this.injectFaults();
			if (this.clientsOn) this.driveClients();
			for (const d of this.network.due(this.now)) {
				const to = this.nodes.get(d.msg.to);
				if (d.ok && to && to.alive) {
					this.record(Number(d.msg.to & 0xffffn));
					this.record(Number(d.msg.from & 0xffffn) * 65536 + (this.now & 0xffff));
					to.receive(d.msg);
					this.events++;
				}
			}
			for (const n of this.sorted()) {
				if (n.alive && (this.now + (this.phase.get(n.id) ?? 0)) % TICK_MS === 0) {
					n.tick();
					this.events++;
				}
			}
			for (const n of this.sorted()) if (n.sync(this.now)) this.events++;
			if (this.events === before) {
				await drain(IDLE_DRAIN_TURNS);
			} else {
				await drain(DRAIN_TURNS);
				// Writes the first drain issued may be durable at once (no fsync delay).
				for (const n of this.sorted()) n.sync(this.now);
				await drain(DRAIN_TURNS);
			}
			for (const n of this.sorted()) {
				for (const m of n.poll()) this.network.send(m, this.now);
			}
			const v = this.check();
			if (v) return v;
			if (stop?.()) return undefined;
		}
		return undefined;
	}

	private check(): string | undefined {
		for (const n of this.nodes.values()) {
			const f = n.failure ?? n.server?.failure;
			if (f) return `member-failure: ${n.name} stopped: ${f.message}`;
		}
		if (this.now % 100 === 0) this.checkers.sampleHashes(this.sorted());
		if (this.now % 1000 === 0) this.checkers.checkAcked(this.sorted());
		const v = this.checkers.violation;
		return v ? `${v.checker}: ${v.details}` : undefined;
	}

	// -------------------------------------------------------------------------------------
	// Faults

	private injectFaults(): void {
		const all = this.sorted().filter((n) => !n.removed);
		const live = all.filter((n) => n.alive).map((n) => n.id);
		const crashed = all.filter((n) => !n.alive && !n.starting).map((n) => n.id);
		for (const f of this.scheduler.next(live, crashed, this.network.isPartitioned())) {
			this.events++;
			switch (f.kind) {
				case 'partition':
					this.network.partition(f.groups);
					break;
				case 'heal':
					this.network.heal();
					break;
				case 'crash':
					this.nodes.get(f.id)?.crash();
					this.stats.crashes++;
					break;
				case 'restart':
					this.nodes.get(f.id)?.restart();
					this.stats.restarts++;
					break;
				case 'transfer':
					this.transferLeader();
					break;
				case 'membership':
					this.changeMembership();
					break;
			}
		}
	}

	private transferLeader(): void {
		const l = this.leader();
		if (!l) return;
		const voters = l.server!.members.list().filter((m) => !m.isLearner && m.ID !== l.id);
		if (voters.length === 0) return;
		const target = voters[this.rng.int(voters.length)].ID;
		this.stats.transfers++;
		l.server!.moveLeader(target).catch(() => undefined);
	}

	/** etcd's member add / promote / remove, through the leader, one at a time. */
	private changeMembership(): void {
		const l = this.leader();
		if (!l) return;
		const s = l.server!;
		const list = s.members.list();
		const voters = list.filter((m) => !m.isLearner);
		const learners = list.filter((m) => m.isLearner);
		const choice = this.rng.int(3);
		if (choice === 0 && list.length < 7 && learners.length === 0) {
			const name = `etcd-${this.nextMember++}`;
			const peerURLs = [`http://${name}:2380`];
			const asLearner = this.rng.next() < 0.5;
			// The cluster names a new member after its URLs and the second it was added
			// (server.memberAdd); compute the same ID to start the member at once.
			const seconds = Math.floor((1_700_000_000_000 + this.now) / 1000);
			const memberId = computeMemberId(peerURLs, `${seconds}`);
			if (this.nodes.has(memberId)) return;
			const cluster = list.map((m) => ({ name: m.name, peerURLs: m.peerURLs }));
			const n = new EtcdSimNode(name, this.nodeOpts, this.rng, this.hooks, cluster, {
				memberId,
				clusterId: s.clusterId
			});
			this.add(n);
			n.start();
			this.stats.memberChanges++;
			s.memberAdd(peerURLs, asLearner).catch(() => undefined);
		} else if (choice === 1 && learners.length > 0) {
			this.stats.memberChanges++;
			s.memberPromote(learners[0].ID).catch(() => undefined);
		} else if (choice === 2) {
			const victim = list[this.rng.int(list.length)];
			// Keep three voters, so the cluster can still lose one and make progress.
			if (!victim.isLearner && voters.length <= 3) return;
			this.stats.memberChanges++;
			s.memberRemove(victim.ID).catch(() => undefined);
		}
	}

	/** Heals the network and restarts every crashed member. */
	heal(): void {
		this.faultsOn = false;
		this.clientsOn = false;
		this.network.heal();
		this.network.options = { ...this.network.options, drop: 0, longDelay: 0, duplicate: 0 };
		for (const n of this.sorted()) if (!n.alive && !n.removed) n.restart();
	}

	// -------------------------------------------------------------------------------------
	// Clients

	private driveClients(): void {
		for (const c of this.clients) {
			if (c.busy >= 0 && this.now >= c.deadline) c.busy = -1;
			if (c.busy >= 0 || this.history.length >= this.opts.maxOps) continue;
			if (this.rng.next() < 0.05) this.issue(c);
		}
	}

	private value(c: Client): string {
		return `${c.id}.${this.nextValue++}`;
	}

	private key(): string {
		return KEYS[this.rng.int(KEYS.length)];
	}

	private randomOp(c: Client): KvOp | 'keepAlive' | 'compact' | 'serializable' {
		const r = this.rng.next();
		if (r < 0.28) {
			const lease =
				this.leases.length > 0 && this.rng.next() < 0.25
					? this.leases[this.rng.int(this.leases.length)]
					: undefined;
			return { type: 'put', key: this.key(), value: this.value(c), ...(lease ? { lease } : {}) };
		}
		if (r < 0.48) return { type: 'get', key: this.key() };
		if (r < 0.55) return { type: 'get', key: RANGE.key, end: RANGE.end };
		if (r < 0.63) return { type: 'delete', key: this.key() };
		if (r < 0.8) return this.randomTxn(c);
		if (r < 0.86) return { type: 'leaseGrant', id: BigInt(0x7000 + this.nextLease++) };
		if (r < 0.9 && this.leases.length > 0)
			return { type: 'leaseRevoke', id: this.leases[this.rng.int(this.leases.length)] };
		if (r < 0.94) return 'keepAlive';
		if (r < 0.96) return 'compact';
		return 'serializable';
	}

	private randomTxn(c: Client): KvOp {
		const keys = [...KEYS];
		for (let i = keys.length - 1; i > 0; i--) {
			const j = this.rng.int(i + 1);
			[keys[i], keys[j]] = [keys[j], keys[i]];
		}
		const compare: ModelCompare[] = [];
		const ncmp = 1 + this.rng.int(2);
		const ops = ['=', '!=', '<', '>'] as const;
		for (let i = 0; i < ncmp; i++) {
			const key = keys[this.rng.int(keys.length)];
			const seen = c.seen.get(key);
			const t = this.rng.int(4);
			const op = this.rng.next() < 0.6 ? '=' : ops[this.rng.int(4)];
			if (t === 0)
				compare.push({ key, target: 'value', op, operand: seen?.value ?? this.value(c) });
			else if (t === 1)
				compare.push({ key, target: 'version', op, operand: seen?.version ?? this.rng.int(3) });
			else if (t === 2) compare.push({ key, target: 'mod', op, operand: seen?.mod ?? c.rev });
			else compare.push({ key, target: 'create', op, operand: seen?.create ?? 0 });
		}
		const branch = (n: number, start: number): TxnSubOp[] => {
			const out: TxnSubOp[] = [];
			for (let i = 0; i < n; i++) {
				const key = keys[(start + i) % keys.length];
				const t = this.rng.next();
				if (t < 0.5) out.push({ type: 'put', key, value: this.value(c) });
				else if (t < 0.65) out.push({ type: 'delete', key });
				else if (t < 0.9) out.push({ type: 'get', key });
				else out.push({ type: 'get', key: RANGE.key, end: RANGE.end });
			}
			// A range over every key after a write in the same branch reads a key the branch
			// writes: etcd allows that (reads see the txn's writes), keep it.
			return out;
		};
		return {
			type: 'txn',
			compare,
			success: branch(1 + this.rng.int(2), 0),
			failure: branch(this.rng.int(2), 2)
		};
	}

	private issue(c: Client): void {
		const members = this.sorted().filter((n) => !n.removed);
		const target = members[this.rng.int(members.length)];
		const op = this.randomOp(c);
		const server = target.server;
		// A member that is down refuses the connection: the request never happened.
		if (!target.alive || !server) return;
		this.events++;
		const timeout = 500 + this.rng.int(2500);
		if (op === 'keepAlive' || op === 'compact' || op === 'serializable') {
			let p: Promise<unknown>;
			if (op === 'keepAlive' && this.leases.length > 0)
				p = server.leaseKeepAlive(this.leases[this.rng.int(this.leases.length)]);
			else if (op === 'compact')
				p = server.compact({ revision: Math.max(1, c.rev - this.rng.int(10)) });
			else p = server.range({ key: utf8(this.key()), serializable: true });
			p.catch(() => undefined);
			return;
		}
		const h: HistoryOp = { client: c.id, op, call: this.now, ret: Infinity };
		const index = this.history.length;
		this.history.push(h);
		c.busy = index;
		c.deadline = this.now + timeout;
		if (op.type === 'leaseGrant') {
			this.leases.push(op.id);
		}
		let p: Promise<KvOutput>;
		try {
			p = this.call(server, op);
		} catch (e) {
			p = Promise.reject(e);
		}
		p.then(
			(out) => {
				h.ret = this.now;
				h.out = out;
				this.record(index * 7919 + this.now);
				this.record(out.rev);
				this.learn(c, out);
				this.acknowledge(op, out);
				if (c.busy === index) c.busy = -1;
			},
			(e: unknown) => {
				if (!(e instanceof EtcdError)) throw e;
				h.error = e.message;
				if (NO_EFFECT.has(e.message)) h.failed = true;
				this.record(index * 7919 + 1);
				if (c.busy === index) c.busy = -1;
			}
		);
	}

	private call(server: NonNullable<EtcdSimNode['server']>, op: KvOp): Promise<KvOutput> {
		switch (op.type) {
			case 'put':
				return server
					.put({
						key: utf8(op.key),
						value: utf8(op.value),
						...(op.lease ? { lease: op.lease } : {})
					})
					.then((r) => ({ rev: r.header.revision }));
			case 'get':
				return server
					.range({ key: utf8(op.key), ...(op.end ? { range_end: utf8(op.end) } : {}) })
					.then((r: RangeResponse) => ({ rev: r.header.revision, kvs: r.kvs.map(toModelKv) }));
			case 'delete':
				return server
					.deleteRange({ key: utf8(op.key) })
					.then((r) => ({ rev: r.header.revision, deleted: r.deleted }));
			case 'txn':
				return server
					.txn({
						compare: op.compare.map(compareToRequest),
						success: op.success.map(subToRequest),
						failure: op.failure.map(subToRequest)
					})
					.then((r: TxnResponse) => ({
						rev: r.header.revision,
						succeeded: r.succeeded,
						results: r.responses.map(subResult)
					}));
			case 'leaseGrant':
				return server
					.leaseGrant(this.leaseTtl(op.id), op.id)
					.then((r) => ({ rev: r.header.revision }));
			case 'leaseRevoke':
				return server.leaseRevoke(op.id).then((r) => ({ rev: r.header.revision }));
		}
	}

	/** Every third lease is short enough to expire during the run; the rest outlive it. */
	leaseTtl(id: bigint): number {
		return Number(id % 3n) === 0 ? 2 + Number(id % 2n) : 600;
	}

	private learn(c: Client, out: KvOutput): void {
		if (out.rev > c.rev) c.rev = out.rev;
		const kvs = [
			...(out.kvs ?? []),
			...(out.results ?? []).flatMap((r) => (Array.isArray(r) ? r : []))
		];
		for (const kv of kvs) c.seen.set(kv.key, kv);
	}

	private acknowledge(op: KvOp, out: KvOutput): void {
		let subs: TxnSubOp[];
		let results: SubResult[] | undefined;
		if (op.type === 'put' || op.type === 'delete') {
			subs = [op];
			results = [op.type === 'delete' ? (out.deleted ?? 0) : null];
		} else if (op.type === 'txn') {
			subs = out.succeeded ? op.success : op.failure;
			results = out.results;
		} else return;
		const effects: { key: string; value: string | null }[] = [];
		subs.forEach((s, i) => {
			if (s.type === 'put') effects.push({ key: s.key, value: s.value });
			else if (s.type === 'delete' && results?.[i] === 1) effects.push({ key: s.key, value: null });
		});
		if (effects.length > 0) this.checkers.acknowledge({ rev: out.rev, effects, what: opText(op) });
	}

	/**
	 * The history plus, for each short lease, its possible expiry: the leader revokes it
	 * through raft at a moment no client sees, so it is a revoke of unknown outcome called
	 * when the grant was.
	 */
	checkedHistory(): HistoryOp[] {
		const out = this.resolveUnknown();
		for (const h of this.history) {
			if (h.op.type === 'leaseGrant' && this.leaseTtl(h.op.id) < 600) {
				out.push({
					client: 0,
					op: { type: 'leaseRevoke', id: h.op.id },
					call: h.call,
					ret: Infinity
				});
			}
		}
		return out;
	}

	/**
	 * Writes whose answer was lost are the expensive part of the search: each may have
	 * happened anywhere after its call, or never. Every put writes a unique value, so the
	 * revision log the members committed (observeCommit) tells whether and where it happened:
	 * such an operation gets its revision (and a txn its branch), with its reads unchecked. If
	 * every revision is known and the value is nowhere, it never happened and is left out.
	 * The log only narrows the search; reads and acknowledged writes still decide.
	 */
	private resolveUnknown(): HistoryOp[] {
		const revs = this.checkers.revisions;
		const written = new Map<string, number>();
		// Complete up to the newest revision any member holds: a revision only ever applied
		// while a member replayed its log at start (before the hook) leaves a gap, and then
		// nothing is dropped.
		let top = 1;
		for (const n of this.sorted())
			if (n.server) top = Math.max(top, n.server.store.currentRevision);
		for (const [rev, r] of revs) {
			top = Math.max(top, rev);
			for (const e of r.events) if (e.type === 'PUT') written.set(fromUtf8(e.kv.value), rev);
		}
		let complete = true;
		for (let rev = 2; rev <= top && complete; rev++) complete = revs.has(rev);
		const found = (ops: TxnSubOp[]) => {
			for (const o of ops)
				if (o.type === 'put' && written.has(o.value)) return written.get(o.value);
			return undefined;
		};
		const hasPut = (ops: TxnSubOp[]) => ops.some((o) => o.type === 'put');
		const out: HistoryOp[] = [];
		for (const h of this.history) {
			const op = h.op;
			if (h.out || (op.type !== 'put' && op.type !== 'txn')) {
				out.push(h);
				continue;
			}
			if (op.type === 'put') {
				const rev = written.get(op.value);
				if (rev !== undefined) out.push({ ...h, out: { rev, partial: true } });
				else if (!complete) out.push(h);
				continue;
			}
			const s = found(op.success);
			const f = found(op.failure);
			if (s !== undefined) out.push({ ...h, out: { rev: s, succeeded: true, partial: true } });
			else if (f !== undefined)
				out.push({ ...h, out: { rev: f, succeeded: false, partial: true } });
			else if (!complete) out.push(h);
			else {
				// Neither branch that writes a value ran; one without puts may have, and only
				// matters if it deletes.
				const ran = [op.success, op.failure].filter((b) => !hasPut(b));
				if (ran.some((b) => b.some((o) => o.type === 'delete'))) out.push(h);
			}
		}
		return out;
	}

	/** After healing: a write through some member must be acknowledged. */
	async finalWrite(deadline: number): Promise<{ rev: number } | string> {
		let result: { rev: number } | undefined;
		let pending = false;
		let attempt = 0;
		const v = await this.run(deadline, () => {
			if (result) return true;
			if (pending) return false;
			const l = this.leader();
			if (!l) return false;
			pending = true;
			this.events++;
			const value = `final.${attempt++}`;
			const h: HistoryOp = {
				client: 0,
				op: { type: 'put', key: 'k0', value },
				call: this.now,
				ret: Infinity
			};
			this.history.push(h);
			l.server!.put({ key: utf8('k0'), value: utf8(value) }).then(
				(r) => {
					h.ret = this.now;
					h.out = { rev: r.header.revision };
					this.acknowledge(h.op, h.out);
					result = { rev: r.header.revision };
				},
				() => (pending = false)
			);
			return false;
		});
		if (v) return v;
		return result ?? 'liveness: no write was acknowledged after healing';
	}
}

/** Runs one seed of the whole-node simulation. */
export async function runEtcdSeed(
	seed: number,
	opts: EtcdSimOptions = DEFAULT_ETCD_SIM_OPTIONS
): Promise<EtcdSimResult> {
	const sim = new EtcdSim(seed, opts);
	let linSteps = 0;
	const finish = (violation?: string): EtcdSimResult => {
		const members = sim.members();
		let revision = 0;
		for (const n of sim.nodes.values())
			if (n.server) revision = Math.max(revision, n.server.store.currentRevision);
		const result: EtcdSimResult = {
			seed,
			trace: sim.trace,
			stats: {
				members: members.length,
				ops: sim.history.length,
				acked: sim.history.filter((h) => h.out).length,
				unknown: sim.history.filter((h) => !h.out).length,
				revision,
				messages: sim.network.stats.sent,
				crashes: sim.stats.crashes,
				restarts: sim.stats.restarts,
				transfers: sim.stats.transfers,
				memberChanges: sim.stats.memberChanges,
				verified: sim.checkers.verified,
				linSteps,
				simMs: sim.now
			}
		};
		if (opts.keepHistory) result.history = sim.checkedHistory();
		if (violation) {
			const i = violation.indexOf(': ');
			result.violation = { checker: violation.slice(0, i), details: violation.slice(i + 2) };
		}
		return result;
	};

	let v = await sim.run(opts.faultMs);
	if (v) return finish(v);
	sim.heal();
	const deadline = opts.faultMs + opts.quietMs;
	const w = await sim.finalWrite(deadline);
	if (typeof w === 'string') return finish(w);
	// Every member of the cluster must catch up to the final write and every acknowledged one.
	// Answers still in flight may arrive meanwhile, even for writes committed after the final
	// one (a proposal held up by a long network delay): then catch up to those too.
	let target = 0;
	const caughtUp = () => {
		const members = sim.members();
		return (
			members.length > 0 &&
			members.every((n) => n.alive && n.server!.store.currentRevision >= target)
		);
	};
	while (target < Math.max(w.rev, sim.checkers.maxAckedRev)) {
		target = Math.max(w.rev, sim.checkers.maxAckedRev);
		v = await sim.run(deadline, caughtUp);
		if (v) return finish(v);
		// Let answers in flight arrive, so fewer operations stay of unknown outcome.
		v = await sim.run(sim.now + 200);
		if (v) return finish(v);
		if (!caughtUp()) break;
	}
	const members = sim.members();
	if (!caughtUp()) {
		const behind = members
			.map((n) => `${n.name}@${n.alive ? n.server!.store.currentRevision : 'down'}`)
			.join(' ');
		return finish(`liveness: members did not reach revision ${target} after healing: ${behind}`);
	}
	sim.checkers.checkFinal(members);
	const cv = sim.checkers.violation;
	if (cv) return finish(`${cv.checker}: ${cv.details}`);
	const lin = checkLinearizable(sim.checkedHistory());
	linSteps = lin.steps;
	if (!lin.ok) {
		return finish(
			lin.inconclusive
				? `linearizability: search gave up after ${lin.steps} steps`
				: `linearizability: ${lin.details}`
		);
	}
	return finish();
}

export type { ModelKv };
