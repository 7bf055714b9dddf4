/**
 * A whole etcd cluster in one thread: members named etcd-1.., peer URLs http://etcd-N:2380,
 * client URLs http://etcd-N:2379, token `playground`, joined by an in-memory network that can
 * be cut, made lossy or slow. Each member's disk (NodePersistence) outlives the member, so a
 * killed member restarts from what it had written, like a real crash and reboot.
 *
 * Time is driven from outside: `tick()` advances every live member by one tick and delivers the
 * messages that are due. The Node host calls it from a timer; tests call it in a loop.
 */
import { Errors } from '../api/errors';
import { MemoryBackend } from '../mvcc/backend';
import { serveMember, type MemberApi } from '../server/api';
import { computeMemberId } from '../server/identity';
import { MemoryRaftLog, type NodePersistence } from '../server/persistence';
import type { HardState, Snapshot } from '../raft';
import { EtcdServer, type PeerMessage, type TraceEvent } from '../server/server';
import { SeededRng, type Rng } from '../util/rand';

export interface LocalClusterOptions {
	size: number;
	token?: string;
	seed?: number;
	/** Wall-clock ms, for IDs and member additions. */
	clock: () => number;
	tickMs?: number;
	/** Makes a member's disk; defaults to memory. Called once per member, kept across restarts. */
	persistence?: (name: string) => NodePersistence | Promise<NodePersistence>;
	onTrace?: (name: string, e: TraceEvent) => void;
	/** Applied entries between raft snapshots (etcd --snapshot-count); small values exercise snapshots. */
	snapshotCount?: number;
	catchUpEntries?: number;
	/** Backend quota in bytes (etcd --quota-backend-bytes). */
	quotaBytes?: number;
	/** How messages are delivered when there is no latency: defaults to the next microtask. */
	defer?: (fn: () => void) => void;
}

export interface LocalMember {
	name: string;
	id: bigint;
	peerURLs: string[];
	clientURLs: string[];
	persistence: NodePersistence;
	server: EtcdServer | null;
	/** Added with `member add` and started with clusterState `existing`. */
	joined: boolean;
	/** A member of a restored cluster not started yet: its disk is empty until `bootRestored`. */
	pending?: boolean;
	/** The name it publishes when that differs from its name in the membership (etcd --name). */
	serverName?: string;
	/** The restored data dir it was first booted from. */
	dataDir?: string;
}

/** A member to start on a restored data dir (src/lib/engine/server/restore.ts). */
export interface RestoredMemberBoot {
	memberId: bigint;
	clusterId: bigint;
	members: { id: bigint; name: string; peerURLs: string[] }[];
	snapshot: Snapshot;
	hardState: HardState;
	/** etcd --name and --advertise-client-urls. */
	serverName: string;
	clientURLs: string[];
	/** Where the data dir is (a member booted again from another dir starts over from it). */
	dataDir: string;
}

export class LocalCluster {
	readonly token: string;
	private readonly opts: LocalClusterOptions;
	private readonly rng: Rng;
	private readonly byName = new Map<string, LocalMember>();
	private readonly byId = new Map<bigint, LocalMember>();
	private readonly apis = new Map<string, MemberApi>();
	private queue: { at: number; msg: PeerMessage }[] = [];
	private now = 0;
	/** Group index per member name; members in different groups cannot talk. */
	private groups: Map<string, number> | null = null;
	private dropRate = 0;
	private latencyTicks = new Map<string, number>();
	private defaultLatency = 0;
	private initial: { name: string; peerURLs: string[] }[] = [];
	/** Set once the cluster was replaced by a restored one (its ID comes from the data dir). */
	private restoredClusterId: bigint | undefined;

	constructor(opts: LocalClusterOptions) {
		this.opts = opts;
		this.token = opts.token ?? 'playground';
		this.rng = new SeededRng(opts.seed ?? 1);
	}

	static async create(opts: LocalClusterOptions): Promise<LocalCluster> {
		const c = new LocalCluster(opts);
		for (let i = 1; i <= opts.size; i++)
			c.initial.push({ name: `etcd-${i}`, peerURLs: [`http://etcd-${i}:2380`] });
		for (const m of c.initial) await c.define(m.name, false);
		await Promise.all(c.initial.map((m) => c.start(m.name)));
		return c;
	}

	private async define(
		name: string,
		joined: boolean,
		peerURLs = [`http://${name}:2380`],
		id = computeMemberId(peerURLs, this.token)
	): Promise<LocalMember> {
		const persistence = this.opts.persistence
			? await this.opts.persistence(name)
			: { raft: new MemoryRaftLog(), mvcc: new MemoryBackend() };
		const m: LocalMember = {
			name,
			id,
			peerURLs,
			clientURLs: [`http://${name}:2379`],
			persistence,
			server: null,
			joined
		};
		this.byName.set(name, m);
		this.byId.set(m.id, m);
		this.apis.set(name, this.serve(m));
		return m;
	}

	/**
	 * The API clients reach a member through. Each start hands out a new one, as a restarted
	 * etcd is a new connection: a client holding the old one (a watch) can tell it was restarted.
	 * Old ones keep answering for the running member; only their watch streams are gone.
	 */
	private serve(m: LocalMember): MemberApi {
		return serveMember(() => {
			if (!m.server || m.server.isStopped) throw Errors.Stopped();
			return m.server;
		});
	}

	/** Starts (or restarts) a member from its disk. */
	async start(name: string): Promise<void> {
		const m = this.member(name);
		if (m.server && !m.server.isStopped) return;
		if (m.pending) {
			throw new Error(`${name} has no data yet: start it with etcd --data-dir on its restored dir`);
		}
		const seed = this.rng.int(2 ** 31);
		this.apis.set(name, this.serve(m));
		m.server = await EtcdServer.start({
			name: m.serverName ?? m.name,
			peerURLs: m.peerURLs,
			clientURLs: m.clientURLs,
			initialCluster: m.joined ? this.currentCluster() : this.initial,
			clusterState: m.joined ? 'existing' : 'new',
			memberId: m.id,
			clusterId: m.joined ? this.anyServer()?.clusterId : this.restoredClusterId,
			token: this.token,
			rng: new SeededRng(seed),
			clock: this.opts.clock,
			persistence: m.persistence,
			transport: { send: (msgs) => this.route(m.name, msgs) },
			tickMs: this.opts.tickMs,
			snapshotCount: this.opts.snapshotCount,
			catchUpEntries: this.opts.catchUpEntries,
			quotaBytes: this.opts.quotaBytes,
			onTrace: this.opts.onTrace ? (e) => this.opts.onTrace?.(m.name, e) : undefined
		});
	}

	/** Crashes a member: it stops at once; its disk keeps what was written. */
	kill(name: string): void {
		const m = this.member(name);
		m.server?.stop();
		m.server = null;
	}

	isRunning(name: string): boolean {
		const s = this.byName.get(name)?.server;
		return !!s && !s.isStopped;
	}

	names(): string[] {
		return [...this.byName.keys()];
	}

	member(name: string): LocalMember {
		const m = this.byName.get(name);
		if (!m) throw new Error(`no member named ${name}`);
		return m;
	}

	memberById(id: bigint): LocalMember | undefined {
		return this.byId.get(id);
	}

	/** The member API, or null when nothing listens there (the member is down). */
	api(name: string): MemberApi | null {
		return this.isRunning(name) ? (this.apis.get(name) ?? null) : null;
	}

	server(name: string): EtcdServer | null {
		return this.isRunning(name) ? this.member(name).server : null;
	}

	/** The name of the member every running member agrees is leader, if any. */
	leader(): string | null {
		for (const m of this.byName.values()) {
			const s = m.server;
			if (s && !s.isStopped && s.currentRole === 'Leader') return m.name;
		}
		return null;
	}

	private anyServer(): EtcdServer | null {
		for (const m of this.byName.values()) if (m.server && !m.server.isStopped) return m.server;
		return null;
	}

	private currentCluster(): { name: string; peerURLs: string[] }[] {
		const s = this.anyServer();
		if (!s) return this.initial;
		return s.members.list().map((r) => ({ name: r.name, peerURLs: r.peerURLs }));
	}

	// ---------------------------------------------------------------------------------------
	// Network

	tick(): void {
		this.now++;
		for (const m of this.byName.values()) if (m.server && !m.server.isStopped) m.server.tick();
		if (this.queue.length > 0) {
			const due = this.queue.filter((q) => q.at <= this.now);
			this.queue = this.queue.filter((q) => q.at > this.now);
			for (const q of due) this.deliver(q.msg);
		}
	}

	private route(fromName: string, msgs: PeerMessage[]): void {
		for (const msg of msgs) {
			const to = this.byId.get(msg.to);
			if (!to || !this.canTalk(fromName, to.name)) continue;
			if (this.dropRate > 0 && this.rng.next() < this.dropRate) continue;
			const delay = Math.max(
				this.latencyTicks.get(fromName) ?? this.defaultLatency,
				this.latencyTicks.get(to.name) ?? 0
			);
			if (delay > 0) this.queue.push({ at: this.now + delay, msg });
			else (this.opts.defer ?? ((fn) => void Promise.resolve().then(fn)))(() => this.deliver(msg));
		}
	}

	private deliver(msg: PeerMessage): void {
		const to = this.byId.get(msg.to);
		const from = this.byId.get(msg.from);
		if (!to || !from || !this.canTalk(from.name, to.name)) return;
		const s = to.server;
		if (s && !s.isStopped) s.receive(msg);
	}

	private canTalk(a: string, b: string): boolean {
		if (!this.groups) return true;
		const ga = this.groups.get(a);
		const gb = this.groups.get(b);
		return ga === undefined || gb === undefined || ga === gb;
	}

	/** Cuts the network into groups; members not named form one more group together. */
	partition(groups: string[][]): void {
		const map = new Map<string, number>();
		groups.forEach((g, i) => g.forEach((n) => map.set(n, i)));
		for (const n of this.byName.keys()) if (!map.has(n)) map.set(n, groups.length);
		this.groups = map;
	}

	isolate(name: string): void {
		this.partition([[name]]);
	}

	heal(): void {
		this.groups = null;
		this.dropRate = 0;
		this.latencyTicks.clear();
		this.defaultLatency = 0;
	}

	/** Drops each message with probability `rate` (0 to 1). */
	setDrop(rate: number): void {
		this.dropRate = Math.max(0, Math.min(1, rate));
	}

	/** Delays messages from and to `name` (or every member) by `ticks`. */
	setLatency(ticks: number, name?: string): void {
		if (name) this.latencyTicks.set(name, ticks);
		else this.defaultLatency = ticks;
	}

	networkState(): { groups: string[][] | null; drop: number; latency: Record<string, number> } {
		let groups: string[][] | null = null;
		if (this.groups) {
			const byGroup = new Map<number, string[]>();
			for (const [n, g] of this.groups) byGroup.set(g, [...(byGroup.get(g) ?? []), n]);
			groups = [...byGroup.values()];
		}
		const latency: Record<string, number> = {};
		if (this.defaultLatency > 0) latency['*'] = this.defaultLatency;
		for (const [n, t] of this.latencyTicks) latency[n] = t;
		return { groups, drop: this.dropRate, latency };
	}

	// ---------------------------------------------------------------------------------------
	// Membership

	/** Adds a member through the cluster (member add), then starts it. Returns its name. */
	async addMember(asLearner = false): Promise<string> {
		let n = this.byName.size + 1;
		while (this.byName.has(`etcd-${n}`)) n++;
		const name = `etcd-${n}`;
		const via = this.leader() ?? this.names().find((x) => this.isRunning(x));
		if (!via) throw Errors.NoLeader();
		const api = this.api(via) as MemberApi;
		const resp = await api.memberAdd([`http://${name}:2380`], asLearner);
		const m = await this.define(name, true);
		// The cluster named the member from its URLs and the time; use the ID it chose.
		this.byId.delete(m.id);
		m.id = resp.member.ID;
		this.byId.set(m.id, m);
		await this.start(name);
		return name;
	}

	/** Removes a member through the cluster (member remove) and stops it. */
	async removeMember(name: string): Promise<void> {
		const m = this.member(name);
		const via = this.leader() ?? this.names().find((x) => x !== name && this.isRunning(x));
		if (!via) throw Errors.NoLeader();
		await (this.api(via) as MemberApi).memberRemove(m.id);
		this.kill(name);
	}

	// ---------------------------------------------------------------------------------------
	// Restore

	/**
	 * Starts a member on a restored data dir. The first member of a restored cluster replaces
	 * the running cluster (every old member stops; the restored membership becomes the
	 * cluster's, its other members pending until they are booted in turn). Returns the names
	 * of the members it stopped.
	 */
	async bootRestored(boot: RestoredMemberBoot): Promise<string[]> {
		const me = boot.members.find((x) => x.id === boot.memberId);
		if (!me) throw new Error('the data dir names no member of its cluster');
		let stopped: string[] = [];
		const known = this.byName.get(me.name);
		const otherDir = !!known?.dataDir && known.dataDir !== boot.dataDir;
		if (this.restoredClusterId !== boot.clusterId || (otherDir && !this.isRunning(me.name))) {
			stopped = this.names().filter((n) => this.isRunning(n));
			for (const m of this.byName.values()) m.server?.stop();
			this.byName.clear();
			this.byId.clear();
			this.apis.clear();
			this.queue = [];
			this.heal();
			this.restoredClusterId = boot.clusterId;
			this.initial = boot.members.map((x) => ({ name: x.name, peerURLs: [...x.peerURLs] }));
			for (const x of boot.members) {
				const m = await this.define(x.name, false, [...x.peerURLs], x.id);
				m.pending = true;
			}
		}
		const m = this.member(me.name);
		if (this.isRunning(me.name)) {
			throw new Error(`${me.name} is already running (bind: address already in use)`);
		}
		m.serverName = boot.serverName === me.name ? undefined : boot.serverName;
		m.clientURLs = [...boot.clientURLs];
		if (m.pending) {
			await m.persistence.raft.save(boot.hardState, [], boot.snapshot);
			m.pending = false;
			m.dataDir = boot.dataDir;
		}
		await this.start(me.name);
		return stopped;
	}

	/** Stops every member. */
	close(): void {
		for (const m of this.byName.values()) m.server?.stop();
	}
}
