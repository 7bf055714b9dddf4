/**
 * The page's cluster manager: starts one Web Worker per etcd member, restarts them after a
 * reload from the configuration it keeps in IndexedDB, kills (terminates) and restarts them,
 * changes membership through the cluster as etcdctl would, and applies network faults. It is
 * the Connector behind the typed client, and the ClusterControl behind `playground`.
 *
 * Tabs: one tab of the origin owns the cluster (it holds the Web Lock
 * `etcd-playground/<namespace>/owner` and runs the workers), so no member ever runs twice on
 * the same database. Every other tab opens as a guest: the same API, served by the owner over
 * a BroadcastChannel (tab-link.ts); it takes over, starting the members from IndexedDB, when
 * the owner tab closes.
 */
import * as Comlink from 'comlink';
import { openDB } from 'idb';
import { BatchClient } from '../client/batch';
import { createClientFactory, type Connector } from '../client/client';
import type { ClientFactory } from '../client/types';
import { Errors } from '../engine/api/errors';
import type { MemberApi } from '../engine/server/api';
import { computeClusterId, computeMemberId } from '../engine/server/identity';
import { type ClusterControl, type MemberState } from '../playground/control';
import { memberForEndpoint } from '../playground/endpoints';
import { hostMember, type RestoredBoot } from '../playground/etcd';
import { findPreset, type Preset } from '../presets';
import { seedPreset } from '../presets/seed';
import { tlsHandshake } from '../presets/tls';
import type {
	MemberInfo,
	MemberStartConfig,
	MemberWorkerApi,
	TracedMessage
} from '../workers/member/protocol';
import { unpackRange, type PackedRange } from '../workers/member/range-wire';
import { NO_FAULTS, type NetworkFaults } from './broadcast-transport';
import { installErrorTransfer } from './comlink-errors';
import { destroyIdbPersistence } from './idb-persistence';
import { TabGuest, TabHost } from './tab-link';
import { ownerLockName } from './tab-protocol';
import { hasWebLocks, tryLock, waitLock } from './web-locks';

export const DEFAULT_TOKEN = 'playground';

/** How long a member may take to report its state before it counts as down. */
const INFO_TIMEOUT_MS = 1500;
/**
 * How long a guest tab waits for the owner tab to carry out a cluster control (etcdctl's
 * default --command-timeout); starting members (restart, member add, reset) gets longer. The
 * owner may freeze or close mid-call: the guest then reports etcd's deadline error.
 */
const CONTROL_TIMEOUT_MS = 5000;
const SLOW_CONTROL_TIMEOUT_MS = 30_000;

interface MemberConfig {
	name: string;
	id: bigint;
	peerURLs: string[];
	/** Added with `member add` (starts with clusterState `existing`). */
	joined: boolean;
	/** A member of a restored cluster whose data dir has not been booted yet (`etcd --data-dir`). */
	pending?: boolean;
	/** The restored data dir it was booted from, its etcd --name and --advertise-client-urls. */
	dataDir?: string;
	serverName?: string;
	clientURLs?: string[];
}

interface ClusterConfig {
	namespace: string;
	/** The preset the cluster was created from (src/lib/presets/), if any. */
	preset?: string;
	token: string;
	clusterId: bigint;
	initial: { name: string; peerURLs: string[] }[];
	members: MemberConfig[];
	faults: NetworkFaults;
}

interface Running {
	worker: Worker;
	remote: Comlink.Remote<MemberWorkerApi>;
	api: MemberApi;
	batch: BatchClient;
	ready: Promise<void>;
}

const CONFIG_DB = 'etcd-playground/clusters';

function memberWorker(name: string): Worker {
	return new Worker(new URL('../workers/member/index.ts', import.meta.url), {
		type: 'module',
		name
	});
}

async function configDb() {
	return openDB(CONFIG_DB, 1, {
		upgrade(db) {
			db.createObjectStore('config');
		}
	});
}

function initialConfig(namespace: string, size: number): ClusterConfig {
	const initial = Array.from({ length: size }, (_, i) => ({
		name: `etcd-${i + 1}`,
		peerURLs: [`http://etcd-${i + 1}:2380`]
	}));
	const members = initial.map((m) => ({
		name: m.name,
		id: computeMemberId(m.peerURLs, DEFAULT_TOKEN),
		peerURLs: m.peerURLs,
		joined: false
	}));
	return {
		namespace,
		token: DEFAULT_TOKEN,
		clusterId: computeClusterId(members.map((m) => m.id)),
		initial,
		members,
		faults: NO_FAULTS
	};
}

/** The hot calls, which travel coalesced per turn on the member's batch port (client/batch.ts). */
const BATCHED = new Set(['put', 'txn', 'deleteRange']);

/**
 * A MemberApi over a worker: the watch callback crosses as a comlink proxy, and a range's
 * result arrives packed in transferred buffers (cloning thousands of KeyValues was slow).
 * Puts, txns, deletes and ranges go through `batch`; the rare calls through comlink.
 */
function memberApiOf(remote: Comlink.Remote<MemberWorkerApi>, batch: BatchClient): MemberApi {
	return new Proxy({} as MemberApi, {
		get(_t, prop: string) {
			if (prop === 'watch') {
				return (req: unknown, cb: (r: unknown) => void, o: unknown) =>
					remote.watch(req as never, Comlink.proxy(cb) as never, o as never);
			}
			if (prop === 'range') {
				return async (...args: Parameters<MemberApi['range']>) =>
					unpackRange((await batch.call('range', args)) as PackedRange);
			}
			if (BATCHED.has(prop)) return (...args: unknown[]) => batch.call(prop, args);
			if (prop === 'then') return undefined;
			const fn = (remote as unknown as Record<string, (...a: unknown[]) => unknown>)[prop];
			return (...args: unknown[]) => fn(...args);
		}
	});
}

export interface ClusterManagerOptions {
	namespace?: string;
	size?: number;
	/** For a new cluster: the preset to start from (its data, TLS demand and files). */
	preset?: string;
	/** Called with batches of messages members send (for the cluster view). */
	onTrace?: (member: string, batch: TracedMessage[]) => void;
}

export class ClusterManager implements ClusterControl {
	readonly clients: ClientFactory;
	private config!: ClusterConfig;
	private readonly running = new Map<string, Running>();
	private readonly opts: ClusterManagerOptions;
	/** Set while this tab owns the cluster and other tabs may attach. */
	private host: TabHost | null = null;
	private releaseOwnership: (() => void) | null = null;
	/** Set while another tab owns the cluster and this one reaches it through that tab. */
	private guest: TabGuest | null = null;
	private guestRunning = new Set<string>();
	private readonly stopWaiting = new AbortController();
	private closed = false;

	private constructor(opts: ClusterManagerOptions) {
		this.opts = opts;
		installErrorTransfer();
		this.clients = this.clientsOn('etcd-1');
	}

	/**
	 * Clients as a shell on `host`'s machine opens them: 127.0.0.1:2379 and localhost reach that
	 * member (a terminal on etcd-2 talks to etcd-2 by default, as on a real control-plane host).
	 */
	clientsOn(host: string): ClientFactory {
		return createClientFactory({ ...this.connector(host), handshake: this.handshake() });
	}

	private connector(host: string): Connector {
		return {
			resolve: (ep) => {
				const name = memberForEndpoint(ep, hostMember(this.names(), host));
				return name && this.config.members.some((m) => m.name === name) ? name : null;
			},
			api: (name) => this.memberApi(name)
		};
	}

	/** The preset's TLS check, looked up when a client dials (the config loads after construction). */
	private handshake(): NonNullable<Connector['handshake']> {
		return (member, endpoint, options) => {
			const tls = findPreset(this.config?.preset)?.tls;
			return tls ? tlsHandshake(tls)(member, endpoint, options) : null;
		};
	}

	/** The preset this cluster was created from, if any. */
	get preset(): Preset | null {
		return findPreset(this.config.preset);
	}

	/** Files every terminal on this cluster starts with (the preset's certificates). */
	get files(): Readonly<Record<string, string>> {
		return this.preset?.files ?? {};
	}

	private memberApi(name: string): MemberApi | null {
		if (this.guest) return this.guestRunning.has(name) ? this.guest.member(name) : null;
		return this.running.get(name)?.api ?? null;
	}

	/** 'owner': this tab runs the members; 'guest': another tab does and this one attaches. */
	get role(): 'owner' | 'guest' {
		return this.guest ? 'guest' : 'owner';
	}

	/**
	 * Opens the cluster of `namespace`: the saved one after a reload, or a new one; or, when
	 * another tab runs it, attaches to that tab.
	 */
	static async open(opts: ClusterManagerOptions = {}): Promise<ClusterManager> {
		const m = new ClusterManager(opts);
		const namespace = opts.namespace ?? 'default';
		// The member workers load their script while this tab takes the lock and reads the
		// configuration; they do nothing until started, and the ones no member needs are ended.
		for (let i = 1; i <= (opts.size ?? 3); i++) m.spare.set(`etcd-${i}`, memberWorker(`etcd-${i}`));
		const release = hasWebLocks() ? await tryLock(ownerLockName(namespace)) : () => undefined;
		if (!release) {
			m.endSpares();
			await m.attach(namespace);
			return m;
		}
		m.serveTabs(namespace, release);
		const db = await configDb();
		const saved = (await db.get('config', namespace)) as ClusterConfig | undefined;
		db.close();
		const preset = saved ? null : findPreset(opts.preset);
		if (!saved && opts.preset !== undefined && !preset) {
			m.endSpares();
			throw new Error(`unknown preset: ${opts.preset}`);
		}
		m.config = saved ?? initialConfig(namespace, opts.size ?? 3);
		if (preset) m.config.preset = preset.name;
		if (!saved) await m.save();
		const spawned = Promise.all(m.config.members.filter((c) => !c.pending).map((c) => m.spawn(c)));
		m.endSpares();
		await spawned;
		if (preset) {
			// Written once, through an ordinary client that skips the preset's TLS demand.
			await m.waitForLeader(15_000);
			await seedPreset(preset, createClientFactory(m.connector('etcd-1')));
		}
		return m;
	}

	private static async load(namespace: string): Promise<ClusterConfig | undefined> {
		const db = await configDb();
		const saved = (await db.get('config', namespace)) as ClusterConfig | undefined;
		db.close();
		return saved;
	}

	/** This tab owns the cluster: it answers guest tabs until it closes. */
	private serveTabs(namespace: string, release: () => void): void {
		this.releaseOwnership = release;
		this.host = new TabHost(namespace, {
			member: (name) => this.running.get(name)?.api ?? null,
			manager: (method, args) => this.serveGuest(method, args),
			state: () => ({ config: this.config, running: [...this.running.keys()] })
		});
	}

	/** Attaches to the cluster another tab runs, and waits to take it over when that tab closes. */
	private async attach(namespace: string): Promise<void> {
		this.config = (await ClusterManager.load(namespace)) ?? initialConfig(namespace, 0);
		let first: () => void = () => undefined;
		const stated = new Promise<void>((r) => (first = r));
		this.guest = new TabGuest(namespace, {
			state: (config, running) => {
				if (!config) return;
				this.config = config as ClusterConfig;
				this.guestRunning = new Set(running);
				first();
			},
			trace: (member, batch) => this.opts.onTrace?.(member, batch),
			wiped: () => location.reload()
		});
		addEventListener('pagehide', () => this.guest?.close());
		void waitLock(ownerLockName(namespace), this.stopWaiting.signal)
			.then((release) => this.takeOver(release))
			.catch(() => undefined);
		// The owner answers the guest's hello with its state (it may still be starting up).
		await Promise.race([stated, new Promise((r) => setTimeout(r, 5000))]);
	}

	/**
	 * The owner tab closed: this tab starts the members from their databases, as a reboot, and
	 * the watches its terminals had open through the owner carry on on these members.
	 */
	private async takeOver(release: () => void): Promise<void> {
		if (this.closed) return release();
		const old = this.guest;
		old?.close();
		this.guest = null;
		this.guestRunning.clear();
		this.config = (await ClusterManager.load(this.config.namespace)) ?? this.config;
		this.serveTabs(this.config.namespace, release);
		await Promise.all(
			this.config.members.filter((c) => !c.pending).map((c) => this.spawn(c).catch(() => undefined))
		);
		if (!old) return;
		// etcdctl's watches require a leader (a member without one cancels them): resume once
		// the restarted members elected one.
		await this.waitForLeader(30_000).catch(() => undefined);
		old.resumeWatches((name) => this.running.get(name)?.api ?? null);
	}

	/** A cluster control carried out by the owner tab. */
	private control(method: string, args: unknown[], slow = false): Promise<unknown> {
		const timeout = slow ? SLOW_CONTROL_TIMEOUT_MS : CONTROL_TIMEOUT_MS;
		return this.guest!.call('manager', method, args, timeout);
	}

	/** The cluster controls a guest tab may call on the owner. */
	private async serveGuest(method: string, args: unknown[]): Promise<unknown> {
		switch (method) {
			case 'kill':
				return this.kill(args[0] as string);
			case 'restart':
				return this.restart(args[0] as string);
			case 'partition':
				return this.partition(args[0] as string[][]);
			case 'heal':
				return this.heal();
			case 'latency':
				return this.latency(args[0] as number, args[1] as string | undefined);
			case 'drop':
				return this.drop(args[0] as number);
			case 'addMember':
				return this.addMember(args[0] as boolean);
			case 'removeMember':
				return this.removeMember(args[0] as string);
			case 'info':
				return this.info(args[0] as string);
			case 'bootRestored':
				return this.bootRestored(args[0] as RestoredBoot);
			case 'wipe':
				await this.wipe();
				// Reset from another tab: this tab starts again from nothing too.
				setTimeout(() => location.reload(), 100);
				return;
		}
		throw new Error(`unknown cluster call ${method}`);
	}

	private async save(): Promise<void> {
		const db = await configDb();
		await db.put('config', this.config, this.config.namespace);
		db.close();
		this.host?.postState();
	}

	get namespace(): string {
		return this.config.namespace;
	}

	names(): string[] {
		return this.config.members.map((m) => m.name);
	}

	isRunning(name: string): boolean {
		return this.guest ? this.guestRunning.has(name) : this.running.has(name);
	}

	/** Workers started ahead of the configuration (see open), by member name. */
	private readonly spare = new Map<string, Worker>();

	private endSpares(): void {
		for (const w of this.spare.values()) w.terminate();
		this.spare.clear();
	}

	private spawn(c: MemberConfig, restore?: MemberStartConfig['restore']): Promise<void> {
		const worker = this.spare.get(c.name) ?? memberWorker(c.name);
		this.spare.delete(c.name);
		const remote = Comlink.wrap<MemberWorkerApi>(worker);
		const channel = new MessageChannel();
		void remote.batchPort(Comlink.transfer(channel.port2, [channel.port2])).catch(() => undefined);
		const batch = new BatchClient(channel.port1);
		const api = memberApiOf(remote, batch);
		const ready = (async () => {
			await remote.start({
				namespace: this.config.namespace,
				name: c.name,
				memberId: c.id,
				peerURLs: c.peerURLs,
				clientURLs: c.clientURLs ?? [`http://${c.name}:2379`],
				initialCluster: c.joined
					? this.config.members.map((m) => ({ name: m.name, peerURLs: m.peerURLs }))
					: this.config.initial,
				clusterState: c.joined ? 'existing' : 'new',
				clusterId: this.config.clusterId,
				token: this.config.token,
				peers: this.config.members.map((m) => ({ name: m.name, id: m.id })),
				faults: this.config.faults,
				seed: Math.floor(Math.random() * 2 ** 31),
				serverName: c.serverName,
				restore
			});
			await remote.onTrace(
				Comlink.proxy((batch: TracedMessage[]) => {
					this.opts.onTrace?.(c.name, batch);
					this.host?.postTrace(c.name, batch);
				})
			);
		})();
		const entry: Running = { worker, remote, api, batch, ready };
		this.running.set(c.name, entry);
		this.host?.postState();
		return ready.catch((e: unknown) => {
			if (this.running.get(c.name) === entry) this.running.delete(c.name);
			worker.terminate();
			batch.close();
			this.host?.postState();
			throw e;
		});
	}

	/** Terminates the member's worker at once: a crash; its IndexedDB keeps what it committed. */
	async kill(name: string): Promise<void> {
		if (this.guest) return void (await this.control('kill', [name]));
		const r = this.running.get(name);
		if (!r) return;
		this.running.delete(name);
		r.worker.terminate();
		r.batch.close();
		this.host?.postState();
	}

	async restart(name: string): Promise<void> {
		if (this.guest) return void (await this.control('restart', [name], true));
		if (this.running.has(name)) return;
		const c = this.config.members.find((m) => m.name === name);
		if (!c) throw new Error(`no member named ${name}`);
		if (c.pending) {
			throw new Error(`${name} has no data yet: start it with etcd --data-dir on its restored dir`);
		}
		await this.spawn(c);
	}

	partition(groups: string[][]): void {
		if (this.guest) return void this.control('partition', [groups]).catch(() => undefined);
		this.setFaults({ ...this.config.faults, groups });
	}

	heal(): void {
		if (this.guest) return void this.control('heal', []).catch(() => undefined);
		this.setFaults(NO_FAULTS);
	}

	latency(ms: number, member?: string): void {
		if (this.guest) return void this.control('latency', [ms, member]).catch(() => undefined);
		this.setFaults({
			...this.config.faults,
			latencyMs: { ...this.config.faults.latencyMs, [member ?? '*']: ms }
		});
	}

	drop(rate: number): void {
		if (this.guest) return void this.control('drop', [rate]).catch(() => undefined);
		this.setFaults({ ...this.config.faults, drop: rate });
	}

	faults(): NetworkFaults {
		return this.config.faults;
	}

	private setFaults(f: NetworkFaults): void {
		this.config.faults = f;
		void this.save();
		for (const r of this.running.values()) void r.remote.setFaults(f).catch(() => undefined);
	}

	private async anyApi(exclude?: string): Promise<MemberApi> {
		const infos = await this.infos();
		const leader = infos.find((i) => i.info?.role === 'Leader');
		const pick = leader?.name ?? infos.find((i) => i.info && i.name !== exclude)?.name;
		const api = pick ? this.running.get(pick)?.api : undefined;
		if (!api) throw Errors.NoLeader();
		return api;
	}

	async addMember(learner: boolean): Promise<string> {
		if (this.guest) return (await this.control('addMember', [learner], true)) as string;
		let n = this.config.members.length + 1;
		while (this.config.members.some((m) => m.name === `etcd-${n}`)) n++;
		const name = `etcd-${n}`;
		const peerURLs = [`http://${name}:2380`];
		const api = await this.anyApi();
		const resp = await api.memberAdd(peerURLs, learner);
		const c: MemberConfig = { name, id: resp.member.ID, peerURLs, joined: true };
		this.config.members.push(c);
		await this.save();
		const peers = this.config.members.map((m) => ({ name: m.name, id: m.id }));
		for (const r of this.running.values()) void r.remote.setPeers(peers).catch(() => undefined);
		await destroyIdbPersistence(this.config.namespace, name);
		await this.spawn(c);
		return name;
	}

	async removeMember(name: string): Promise<void> {
		if (this.guest) return void (await this.control('removeMember', [name], true));
		const c = this.config.members.find((m) => m.name === name);
		if (!c) throw new Error(`no member named ${name}`);
		const api = await this.anyApi(name);
		await api.memberRemove(c.id);
		await this.kill(name);
		this.config.members = this.config.members.filter((m) => m.name !== name);
		await this.save();
		await destroyIdbPersistence(this.config.namespace, name);
	}

	/**
	 * `etcd --data-dir DIR` (src/lib/playground/etcd.ts): starts a member on a restored data
	 * dir. Booting a dir of another cluster (or another dir) replaces the running cluster: its
	 * members stop and their databases go, the restored membership becomes the cluster's, and
	 * its other members stay pending until their own dirs are booted.
	 */
	async bootRestored(boot: RestoredBoot): Promise<{ stopped: string[] }> {
		if (this.guest) {
			return (await this.guest.call('manager', 'bootRestored', [boot])) as { stopped: string[] };
		}
		const me = boot.members.find((x) => x.id === boot.memberId);
		if (!me) throw new Error('the data dir names no member of its cluster');
		const known = this.config.members.find((m) => m.name === me.name);
		let stopped: string[] = [];
		if (
			this.config.clusterId !== boot.clusterId ||
			!known ||
			(!known.pending && known.dataDir !== boot.dataDir)
		) {
			stopped = this.names().filter((n) => this.running.has(n));
			for (const n of stopped) await this.kill(n);
			for (const m of this.config.members) {
				await destroyIdbPersistence(this.config.namespace, m.name);
			}
			this.config = {
				...this.config,
				clusterId: boot.clusterId,
				initial: boot.members.map((x) => ({ name: x.name, peerURLs: [...x.peerURLs] })),
				members: boot.members.map((x) => ({
					name: x.name,
					id: x.id,
					peerURLs: [...x.peerURLs],
					joined: false,
					pending: true
				})),
				faults: NO_FAULTS
			};
		} else if (this.running.has(me.name)) {
			throw new Error(`${me.name} is already running (bind: address already in use)`);
		}
		const c = this.config.members.find((m) => m.name === me.name)!;
		const restore = c.pending ? { snapshot: boot.snapshot, hardState: boot.hardState } : undefined;
		if (c.pending) await destroyIdbPersistence(this.config.namespace, c.name);
		c.pending = false;
		c.dataDir = boot.dataDir;
		c.serverName = boot.serverName === me.name ? undefined : boot.serverName;
		c.clientURLs = [...boot.clientURLs];
		await this.save();
		await this.spawn(c, restore);
		return { stopped };
	}

	async info(name: string): Promise<MemberInfo | null> {
		if (this.guest) {
			if (!this.guestRunning.has(name)) return null;
			// The owner asks the member with the same limit: no answer in time counts as down.
			const i = this.guest.call('manager', 'info', [name], INFO_TIMEOUT_MS + 500);
			return (await i.catch(() => null)) as MemberInfo | null;
		}
		const r = this.running.get(name);
		if (!r) return null;
		try {
			await r.ready;
			// A call to a worker that is terminated meanwhile never settles (comlink): answer
			// "down" after a while instead of leaving every caller (the cluster view's poll) stuck.
			return await Promise.race([
				r.remote.info(),
				new Promise<null>((resolve) => setTimeout(() => resolve(null), INFO_TIMEOUT_MS))
			]);
		} catch {
			return null;
		}
	}

	async infos(): Promise<{ name: string; info: MemberInfo | null }[]> {
		return Promise.all(this.names().map(async (name) => ({ name, info: await this.info(name) })));
	}

	/** Why a running worker's member stopped itself (a failed disk write), if it did. */
	private async failure(name: string): Promise<string | undefined> {
		const r = this.running.get(name);
		if (!r || this.guest) return undefined;
		try {
			await r.ready;
			const f = await Promise.race([
				r.remote.failure(),
				new Promise<null>((resolve) => setTimeout(() => resolve(null), INFO_TIMEOUT_MS))
			]);
			return f ?? undefined;
		} catch {
			return undefined;
		}
	}

	async status(): Promise<MemberState[]> {
		const infos = await this.infos();
		const failures = await Promise.all(
			infos.map(({ name, info }) => (info ? undefined : this.failure(name)))
		);
		return infos.map(({ name, info }, i) =>
			info
				? {
						name,
						state: info.removed ? 'Removed' : info.isLearner ? 'Learner' : info.role,
						term: info.term,
						revision: info.revision,
						commit: info.commit,
						applied: info.applied
					}
				: {
						name,
						state: 'Down',
						term: 0,
						revision: 0,
						commit: 0,
						applied: 0,
						...(failures[i] ? { failure: failures[i] } : {})
					}
		);
	}

	/** Resolves once some member is leader and every running member knows it. */
	async waitForLeader(timeoutMs: number): Promise<string> {
		const until = Date.now() + timeoutMs;
		for (;;) {
			const infos = (await this.infos()).filter((i) => i.info);
			const leader = infos.find((i) => i.info?.role === 'Leader');
			if (leader && infos.every((i) => i.info?.lead === leader.info?.id)) return leader.name;
			if (Date.now() > until) throw new Error('no leader elected');
			await new Promise((r) => setTimeout(r, 25));
		}
	}

	/** Stops every member and deletes every database of this cluster. */
	async wipe(): Promise<void> {
		if (this.guest) return void (await this.control('wipe', [], true));
		for (const name of [...this.running.keys()]) await this.kill(name);
		for (const m of this.config.members) await destroyIdbPersistence(this.config.namespace, m.name);
		const db = await configDb();
		await db.delete('config', this.config.namespace);
		db.close();
		this.host?.postWiped();
	}

	/** Terminates every worker (page unload). */
	close(): void {
		this.closed = true;
		this.stopWaiting.abort();
		this.guest?.close();
		this.host?.close();
		for (const r of this.running.values()) {
			r.worker.terminate();
			r.batch.close();
		}
		this.running.clear();
		this.releaseOwnership?.();
	}
}

/** The member API for tests and the console, through the same client the terminal uses. */
export type { ClientFactory };
