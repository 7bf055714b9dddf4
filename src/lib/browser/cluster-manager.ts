/**
 * The page's cluster manager: starts one Web Worker per etcd member, restarts them after a
 * reload from the configuration it keeps in IndexedDB, kills (terminates) and restarts them,
 * changes membership through the cluster as etcdctl would, and applies network faults. It is
 * the Connector behind the typed client, and the ClusterControl behind `playground`.
 */
import * as Comlink from 'comlink';
import { openDB } from 'idb';
import { createClientFactory, type Connector } from '../client/client';
import type { ClientFactory } from '../client/types';
import { Errors } from '../engine/api/errors';
import type { MemberApi } from '../engine/server/api';
import { computeClusterId, computeMemberId } from '../engine/server/identity';
import { type ClusterControl, type MemberState } from '../playground/control';
import { memberForEndpoint } from '../playground/endpoints';
import { findPreset, type Preset } from '../presets';
import { seedPreset } from '../presets/seed';
import { tlsHandshake } from '../presets/tls';
import type { MemberInfo, MemberWorkerApi, TracedMessage } from '../workers/member/protocol';
import { NO_FAULTS, type NetworkFaults } from './broadcast-transport';
import { installErrorTransfer } from './comlink-errors';
import { destroyIdbPersistence } from './idb-persistence';

export const DEFAULT_TOKEN = 'playground';

interface MemberConfig {
	name: string;
	id: bigint;
	peerURLs: string[];
	/** Added with `member add` (starts with clusterState `existing`). */
	joined: boolean;
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
	ready: Promise<void>;
}

const CONFIG_DB = 'etcd-playground/clusters';

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

/** A MemberApi over a worker: the watch callback crosses as a comlink proxy. */
function memberApiOf(remote: Comlink.Remote<MemberWorkerApi>): MemberApi {
	return new Proxy({} as MemberApi, {
		get(_t, prop: string) {
			if (prop === 'watch') {
				return (req: unknown, cb: (r: unknown) => void, o: unknown) =>
					remote.watch(req as never, Comlink.proxy(cb) as never, o as never);
			}
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
				const name = memberForEndpoint(ep, host);
				return name && this.config.members.some((m) => m.name === name) ? name : null;
			},
			api: (name) => this.running.get(name)?.api ?? null
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

	/** Opens the cluster of `namespace`: the saved one after a reload, or a new one. */
	static async open(opts: ClusterManagerOptions = {}): Promise<ClusterManager> {
		const m = new ClusterManager(opts);
		const namespace = opts.namespace ?? 'default';
		const db = await configDb();
		const saved = (await db.get('config', namespace)) as ClusterConfig | undefined;
		db.close();
		const preset = saved ? null : findPreset(opts.preset);
		if (!saved && opts.preset !== undefined && !preset) {
			throw new Error(`unknown preset: ${opts.preset}`);
		}
		m.config = saved ?? initialConfig(namespace, opts.size ?? 3);
		if (preset) m.config.preset = preset.name;
		if (!saved) await m.save();
		await Promise.all(m.config.members.map((c) => m.spawn(c)));
		if (preset) {
			// Written once, through an ordinary client that skips the preset's TLS demand.
			await m.waitForLeader(15_000);
			await seedPreset(preset, createClientFactory(m.connector('etcd-1')));
		}
		return m;
	}

	private async save(): Promise<void> {
		const db = await configDb();
		await db.put('config', this.config, this.config.namespace);
		db.close();
	}

	get namespace(): string {
		return this.config.namespace;
	}

	names(): string[] {
		return this.config.members.map((m) => m.name);
	}

	isRunning(name: string): boolean {
		return this.running.has(name);
	}

	private spawn(c: MemberConfig): Promise<void> {
		const worker = new Worker(new URL('../workers/member/index.ts', import.meta.url), {
			type: 'module',
			name: c.name
		});
		const remote = Comlink.wrap<MemberWorkerApi>(worker);
		const api = memberApiOf(remote);
		const ready = (async () => {
			await remote.start({
				namespace: this.config.namespace,
				name: c.name,
				memberId: c.joined ? c.id : undefined,
				peerURLs: c.peerURLs,
				clientURLs: [`http://${c.name}:2379`],
				initialCluster: c.joined
					? this.config.members.map((m) => ({ name: m.name, peerURLs: m.peerURLs }))
					: this.config.initial,
				clusterState: c.joined ? 'existing' : 'new',
				clusterId: this.config.clusterId,
				token: this.config.token,
				peers: this.config.members.map((m) => ({ name: m.name, id: m.id })),
				faults: this.config.faults,
				seed: Math.floor(Math.random() * 2 ** 31)
			});
			if (this.opts.onTrace) {
				const onTrace = this.opts.onTrace;
				await remote.onTrace(Comlink.proxy((batch: TracedMessage[]) => onTrace(c.name, batch)));
			}
		})();
		const entry: Running = { worker, remote, api, ready };
		this.running.set(c.name, entry);
		return ready.catch((e: unknown) => {
			if (this.running.get(c.name) === entry) this.running.delete(c.name);
			worker.terminate();
			throw e;
		});
	}

	/** Terminates the member's worker at once: a crash; its IndexedDB keeps what it committed. */
	async kill(name: string): Promise<void> {
		const r = this.running.get(name);
		if (!r) return;
		this.running.delete(name);
		r.worker.terminate();
	}

	async restart(name: string): Promise<void> {
		if (this.running.has(name)) return;
		const c = this.config.members.find((m) => m.name === name);
		if (!c) throw new Error(`no member named ${name}`);
		await this.spawn(c);
	}

	partition(groups: string[][]): void {
		this.setFaults({ ...this.config.faults, groups });
	}

	heal(): void {
		this.setFaults(NO_FAULTS);
	}

	latency(ms: number, member?: string): void {
		this.setFaults({
			...this.config.faults,
			latencyMs: { ...this.config.faults.latencyMs, [member ?? '*']: ms }
		});
	}

	drop(rate: number): void {
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
		const c = this.config.members.find((m) => m.name === name);
		if (!c) throw new Error(`no member named ${name}`);
		const api = await this.anyApi(name);
		await api.memberRemove(c.id);
		await this.kill(name);
		this.config.members = this.config.members.filter((m) => m.name !== name);
		await this.save();
		await destroyIdbPersistence(this.config.namespace, name);
	}

	async info(name: string): Promise<MemberInfo | null> {
		const r = this.running.get(name);
		if (!r) return null;
		try {
			await r.ready;
			return await r.remote.info();
		} catch {
			return null;
		}
	}

	async infos(): Promise<{ name: string; info: MemberInfo | null }[]> {
		return Promise.all(this.names().map(async (name) => ({ name, info: await this.info(name) })));
	}

	async status(): Promise<MemberState[]> {
		return (await this.infos()).map(({ name, info }) =>
			info
				? {
						name,
						state: info.removed ? 'Removed' : info.isLearner ? 'Learner' : info.role,
						term: info.term,
						revision: info.revision,
						commit: info.commit,
						applied: info.applied
					}
				: { name, state: 'Down', term: 0, revision: 0, commit: 0, applied: 0 }
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
		for (const name of [...this.running.keys()]) await this.kill(name);
		for (const m of this.config.members) await destroyIdbPersistence(this.config.namespace, m.name);
		const db = await configDb();
		await db.delete('config', this.config.namespace);
		db.close();
	}

	/** Terminates every worker (page unload). */
	close(): void {
		for (const r of this.running.values()) r.worker.terminate();
		this.running.clear();
	}
}

/** The member API for tests and the console, through the same client the terminal uses. */
export type { ClientFactory };
