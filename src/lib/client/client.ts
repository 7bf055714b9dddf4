/**
 * The typed client (in the spirit of etcd's clientv3) over any way of reaching members: an
 * in-process cluster, or Web Workers through comlink. It picks an endpoint, fails over to the
 * next one when a member is down, applies the dial and command timeouts with etcd's client
 * errors, logs in when a user is given, streams watches and keeps leases alive.
 */
import { EtcdError, Errors } from '../engine/api/errors';
import type { AlarmType, Permission, WatchResponse } from '../engine/api/types';
import type { CallOptions, MemberApi } from '../engine/server/api';
import {
	ClientError,
	type ClientFactory,
	type ClientOptions,
	type EtcdClient,
	type KeepAliveHandle,
	type WatchHandle
} from './types';

/** How the client reaches members; the host (page, Node cluster) implements it. */
export interface Connector {
	/**
	 * The member an endpoint names (`127.0.0.1:2379`, `http://etcd-2:2379`, ...), or null when no
	 * member will ever answer there.
	 */
	resolve(endpoint: string): string | null;
	/** The member's API, or null while it is down. */
	api(member: string): MemberApi | null;
	/**
	 * Checks the client's TLS settings against what the member requires; returns the error
	 * etcdctl would report (or null when the connection may proceed).
	 */
	handshake?(member: string, endpoint: string, options: ClientOptions): ClientError | null;
}

const RETRY_MS = 100;
/** How often a watch checks that the member it lives on is still the one it was created on. */
const WATCH_CHECK_MS = 300;
/**
 * The longest pause between two tries to create a lost watch again. Each try that fails (no
 * member answers, the member has no leader yet, or the creation timed out) doubles the pause
 * from WATCH_CHECK_MS, as clientv3 backs off between reconnects: creating a watch replays its
 * history since the resume revision, so a member under load must not be asked again and again.
 */
export const WATCH_RETRY_MAX_MS = 5000;
const noLeader = Errors.NoLeader().message;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		const onAbort = () => {
			clearTimeout(t);
			resolve();
		};
		const t = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

/**
 * clientv3 checks peer URLs before sending a member add or update (etcd's types.NewURLs):
 * a scheme of http, https, unix or unixs, a host:port and no path. Its errors carry no gRPC
 * status, so etcdctl prints them without the retry warning.
 */
export function checkPeerURLs(urls: string[]): void {
	for (const raw of urls) {
		const s = raw.trim();
		const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(s);
		const scheme = m ? m[1].toLowerCase() : '';
		if (!['http', 'https', 'unix', 'unixs'].includes(scheme)) {
			throw new Error(`URL scheme must be http, https, unix, or unixs: ${s}`);
		}
		const host = m ? m[2] : '';
		if (!/^(\[[^\]]*\]|[^:]*):[^:]*$/.test(host)) {
			throw new Error(`URL address does not have the form "host:port": ${s}`);
		}
		if (m && m[3] !== '') throw new Error(`URL must not contain a path: ${s}`);
	}
}

/**
 * The handshake of a cluster that serves plain HTTP (the default one): a client that insists
 * on TLS (an https:// endpoint, or etcdctl's --insecure-transport=false) never completes its
 * handshake, and etcdctl reports the deadline as with real etcd.
 */
export const plainTextHandshake: NonNullable<Connector['handshake']> = (_m, endpoint, options) =>
	/^https:\/\//i.test(endpoint) || options.tls?.secure ? deadlineExceeded() : null;

function deadlineExceeded(): ClientError {
	return new ClientError('deadline-exceeded', 'context deadline exceeded');
}

/**
 * The response that ends a watch the client (not a server) gave up on: canceled, with the
 * reason, no header (nothing answered) and the watch ID the caller was given, if any.
 */
export function canceledWatchResponse(watchId: number, reason: string): WatchResponse {
	return {
		header: { cluster_id: 0n, member_id: 0n, revision: 0, raft_term: 0 },
		watch_id: watchId,
		created: false,
		canceled: true,
		compact_revision: 0,
		cancel_reason: reason,
		fragment: false,
		events: []
	};
}

function canceled(): ClientError {
	return new ClientError('canceled', 'context canceled');
}

/**
 * Is a read worth trying again? As clientv3's retry interceptor does for read-only calls:
 * every Unavailable error (the member went away, the leader changed, no leader yet) is
 * retried until the command deadline.
 */
function isRetryable(e: unknown): boolean {
	return e instanceof EtcdError && e.code === 'Unavailable';
}

export function createClientFactory(connector: Connector): ClientFactory {
	return {
		async connect(options: ClientOptions): Promise<EtcdClient> {
			const client = new PlaygroundClient(connector, options);
			await client.dial();
			return client;
		}
	};
}

class PlaygroundClient implements EtcdClient {
	readonly endpoints: readonly string[];
	private readonly connector: Connector;
	private readonly options: ClientOptions;
	private pinned = 0;
	private token: string | undefined;
	private closed = false;
	private readonly keepAlives = new Set<{ stop(): void }>();
	private readonly watches = new Set<WatchHandle>();

	constructor(connector: Connector, options: ClientOptions) {
		this.connector = connector;
		this.options = options;
		this.endpoints = options.endpoints;
	}

	/**
	 * Waits for a reachable endpoint (up to the dial timeout), then logs in if asked to. A member
	 * that refuses the TLS handshake counts as unreachable, as gRPC keeps retrying it. clientv3
	 * dials without blocking, so a refused handshake is not a dial error: the client is handed
	 * out and each request waits for a member that accepts it until the command deadline (what
	 * etcdctl 3.4.23 does against a TLS etcd without the right files: `context deadline
	 * exceeded` after --command-timeout, 5 s by default).
	 */
	async dial(): Promise<void> {
		const deadline = Date.now() + this.options.dialTimeoutMs;
		let tlsError: ClientError | null = null;
		for (;;) {
			if (this.options.signal?.aborted) throw canceled();
			for (let i = 0; i < this.endpoints.length; i++) {
				const idx = (this.pinned + i) % this.endpoints.length;
				const ep = this.endpoints[idx];
				const member = this.connector.resolve(ep);
				if (member === null) continue;
				const refused = this.connector.handshake?.(member, ep, this.options) ?? null;
				if (refused) {
					tlsError = refused;
					continue;
				}
				if (this.connector.api(member)) {
					this.pinned = idx;
					if (this.options.user !== undefined) await this.login();
					return;
				}
			}
			if (tlsError && this.options.user === undefined) return;
			if (Date.now() >= deadline) throw tlsError ?? deadlineExceeded();
			await sleep(Math.min(RETRY_MS, Math.max(1, deadline - Date.now())), this.options.signal);
		}
	}

	private async login(): Promise<void> {
		const user = this.options.user ?? '';
		const resp = await this.call(
			(api) => api.authenticate(user, this.options.password ?? ''),
			true
		);
		this.token = resp.token;
	}

	private opts(): CallOptions {
		return this.token ? { token: this.token } : {};
	}

	/** Runs `fn` against the pinned member, failing over while members are down. */
	private async call<T>(
		fn: (api: MemberApi) => Promise<T>,
		retryable: boolean,
		endpoint?: string
	): Promise<T> {
		if (this.closed) throw canceled();
		const deadline = Date.now() + this.options.commandTimeoutMs;
		let relogged = false;
		for (;;) {
			if (this.options.signal?.aborted) throw canceled();
			const target = this.pick(endpoint);
			if (target) {
				try {
					return await this.withDeadline(fn(target), deadline);
				} catch (e) {
					if (
						e instanceof EtcdError &&
						e.message === Errors.InvalidAuthToken().message &&
						!relogged &&
						this.options.user !== undefined
					) {
						relogged = true;
						await this.login();
						continue;
					}
					if (!(retryable && isRetryable(e))) throw e;
				}
			}
			if (Date.now() >= deadline) throw deadlineExceeded();
			await sleep(RETRY_MS, this.options.signal);
		}
	}

	/** The member behind an endpoint when it is up and accepts this client's TLS settings. */
	private reach(endpoint: string): MemberApi | null {
		const member = this.connector.resolve(endpoint);
		if (member === null) return null;
		if (this.connector.handshake?.(member, endpoint, this.options)) return null;
		return this.connector.api(member);
	}

	private pick(endpoint?: string): MemberApi | null {
		if (endpoint !== undefined) return this.reach(endpoint);
		for (let i = 0; i < this.endpoints.length; i++) {
			const idx = (this.pinned + i) % this.endpoints.length;
			const api = this.reach(this.endpoints[idx]);
			if (api) {
				this.pinned = idx;
				return api;
			}
		}
		return null;
	}

	/**
	 * Deadlines of this client's calls in flight, under one timer set for the earliest. A timer
	 * per call (set, then cleared when the call answered) showed in the page's profile under
	 * check perf, where hundreds of clients each have a call in flight; deadlines only grow, so
	 * most calls find the timer already set early enough and add none.
	 */
	private readonly deadlines = new Set<{ at: number; expire(): void }>();
	private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
	private deadlineTimerAt = Infinity;

	private armDeadlines(at: number): void {
		if (at >= this.deadlineTimerAt) return;
		clearTimeout(this.deadlineTimer);
		this.deadlineTimerAt = at;
		this.deadlineTimer = setTimeout(() => this.expireDeadlines(), Math.max(0, at - Date.now()));
	}

	private expireDeadlines(): void {
		this.deadlineTimer = undefined;
		this.deadlineTimerAt = Infinity;
		const now = Date.now();
		let next = Infinity;
		for (const d of this.deadlines) {
			if (d.at <= now) {
				this.deadlines.delete(d);
				d.expire();
			} else if (d.at < next) next = d.at;
		}
		if (next < Infinity) this.armDeadlines(next);
	}

	private withDeadline<T>(p: Promise<T>, deadline: number): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			const signal = this.options.signal;
			const d = {
				at: deadline,
				expire: () => {
					signal?.removeEventListener('abort', onAbort);
					reject(deadlineExceeded());
				}
			};
			const onAbort = () => {
				this.deadlines.delete(d);
				reject(canceled());
			};
			const done = () => {
				this.deadlines.delete(d);
				signal?.removeEventListener('abort', onAbort);
			};
			this.deadlines.add(d);
			this.armDeadlines(deadline);
			signal?.addEventListener('abort', onAbort, { once: true });
			p.then(
				(v) => {
					done();
					resolve(v);
				},
				(e: unknown) => {
					done();
					reject(e);
				}
			);
		});
	}

	// KV ------------------------------------------------------------------------------------
	range: EtcdClient['range'] = (req) => this.call((a) => a.range(req, this.opts()), true);
	put: EtcdClient['put'] = (req) => this.call((a) => a.put(req, this.opts()), false);
	deleteRange: EtcdClient['deleteRange'] = (req) =>
		this.call((a) => a.deleteRange(req, this.opts()), false);
	txn: EtcdClient['txn'] = (req) => this.call((a) => a.txn(req, this.opts()), false);
	compact: EtcdClient['compact'] = (req) => this.call((a) => a.compact(req, this.opts()), false);

	// Watch ---------------------------------------------------------------------------------
	/**
	 * A watch as clientv3 keeps one: when the member it runs on goes away (killed, restarted)
	 * it is created again on the first endpoint that answers, from the revision after the last
	 * event it delivered (clientv3's nextRev), under the watch ID the caller was given first and
	 * without a second created response; while no member answers it stays silent and keeps
	 * trying. The connection is checked every WATCH_CHECK_MS: a member that is down has no API,
	 * and a restarted one has a new API object.
	 */
	watch(
		req: Parameters<EtcdClient['watch']>[0],
		onResponse: (r: WatchResponse) => void
	): WatchHandle {
		/** Where the watch would resume (clientv3's nextRev; 0: from now). */
		let next = req.start_revision ?? 0;
		/** The stream the watch lives on now (null while resuming or when none answers). */
		let stream: { api: MemberApi; member: string; handle: number } | null = null;
		/** Counts creations: responses from an earlier stream are dropped. */
		let gen = 0;
		/** The stream was refused (no leader yet): it is replaced at the next check. */
		let broken = false;
		/** The watch ID of the first created response; resumed watches answer under it. */
		let firstId: number | null = null;
		let canceledByUs = false;
		/** The watch ended (canceled by us or by a server): no more resuming. */
		let ended = false;
		let timer: ReturnType<typeof setTimeout> | undefined;
		let resuming: Promise<void> | null = null;
		/** Tries to create the watch again that failed in a row (the back-off grows with it). */
		let fails = 0;
		let resolveId: (id: number) => void = () => undefined;
		const id = new Promise<number>((r) => (resolveId = r));

		const stop = () => {
			ended = true;
			if (timer !== undefined) clearTimeout(timer);
			timer = undefined;
		};
		const receive = (g: number, resumed: boolean) => (resp: WatchResponse) => {
			if (g !== gen) return;
			if (canceledByUs && !resp.canceled) return;
			if (resumed && resp.canceled && resp.created && resp.cancel_reason === noLeader) {
				// The member came back without a leader yet: try again at the next check.
				gen++;
				broken = true;
				return;
			}
			if (resp.created && !resp.canceled) {
				// A watch created again after a reconnect: the caller had its created response.
				if (resumed) {
					fails = 0;
					return;
				}
				firstId = resp.watch_id;
				// clientv3 resumes a watch from now at the revision it was created at.
				if (next === 0) next = resp.header.revision;
			} else if (!resp.created) {
				// clientv3: the watch's progress (<= the store revision) ...
				next = resp.header.revision;
			}
			// ... or the revision after its last event.
			if (resp.events.length) next = resp.events[resp.events.length - 1].kv.mod_revision + 1;
			if (resp.created && !resumed) resolveId(resp.watch_id);
			if (resp.canceled) stop();
			onResponse(resumed && firstId !== null ? { ...resp, watch_id: firstId } : resp);
		};

		const schedule = () => {
			if (ended || this.closed || timer !== undefined) return;
			const wait =
				stream && !broken
					? WATCH_CHECK_MS
					: Math.min(WATCH_RETRY_MAX_MS, WATCH_CHECK_MS * 2 ** Math.min(fails, 16));
			timer = setTimeout(check, wait);
		};
		const check = () => {
			timer = undefined;
			if (ended || this.closed) return;
			if (stream && !broken && this.connector.api(stream.member) === stream.api) {
				return schedule();
			}
			resuming = resume().finally(() => {
				resuming = null;
				// Counted as failed until the resumed watch's created response arrives.
				if (!stream || broken) fails++;
				schedule();
			});
		};
		/** Creates the watch again on the first endpoint that answers, from `next`. */
		const resume = async () => {
			const old = stream;
			stream = null;
			broken = false;
			const g = ++gen;
			if (old) void old.api.watchCancel(old.handle).catch(() => undefined);
			const target = this.pickMember();
			if (!target) return;
			const created = target.api.watch(
				{ ...req, start_revision: next },
				receive(g, true),
				this.opts()
			);
			try {
				const handle = await this.withDeadline(created, Date.now() + this.options.commandTimeoutMs);
				if (g !== gen || ended || this.closed) {
					void target.api.watchCancel(handle).catch(() => undefined);
					return;
				}
				stream = { ...target, handle };
			} catch (e) {
				created.then((h) => target.api.watchCancel(h)).catch(() => undefined);
				if (
					e instanceof EtcdError &&
					e.message === Errors.InvalidAuthToken().message &&
					this.options.user !== undefined
				) {
					// A restarted member forgot the token: log in again, then retry.
					await this.login().catch(() => undefined);
				}
			}
		};

		const start = async () => {
			const target = await this.call(async () => this.pickMember(), true);
			if (!target) throw deadlineExceeded();
			const g = gen;
			const handle = await target.api.watch(req, receive(g, false), this.opts());
			stream = { ...target, handle };
			schedule();
		};
		const started = start();
		const h: WatchHandle = {
			id,
			cancel: async () => {
				canceledByUs = true;
				stop();
				await started.catch(() => undefined);
				await resuming;
				const s = stream;
				stream = null;
				if (s) await s.api.watchCancel(s.handle).catch(() => undefined);
				this.watches.delete(h);
			},
			requestProgress: async () => {
				await started;
				if (stream) await stream.api.watchProgress(stream.handle);
			}
		};
		started.catch((e: unknown) => {
			stop();
			onResponse(canceledWatchResponse(-1, e instanceof Error ? e.message : String(e)));
		});
		this.watches.add(h);
		return h;
	}

	/** The first reachable endpoint from the pinned one, with the member behind it. */
	private pickMember(): { api: MemberApi; member: string } | null {
		for (let i = 0; i < this.endpoints.length; i++) {
			const idx = (this.pinned + i) % this.endpoints.length;
			const ep = this.endpoints[idx];
			const api = this.reach(ep);
			const member = this.connector.resolve(ep);
			if (api && member !== null) {
				this.pinned = idx;
				return { api, member };
			}
		}
		return null;
	}

	// Lease ---------------------------------------------------------------------------------
	grant: EtcdClient['grant'] = (ttl, id = 0n) =>
		this.call((a) => a.leaseGrant(ttl, id, this.opts()), false);
	revoke: EtcdClient['revoke'] = (id) => this.call((a) => a.leaseRevoke(id, this.opts()), false);
	keepAliveOnce: EtcdClient['keepAliveOnce'] = async (id) => {
		const r = await this.call((a) => a.leaseKeepAlive(id, this.opts()), true);
		if (r.TTL <= 0) throw Errors.LeaseNotFound();
		return r;
	};
	timeToLive: EtcdClient['timeToLive'] = (id, keys) =>
		this.call((a) => a.leaseTimeToLive(id, keys, this.opts()), true);
	leases: EtcdClient['leases'] = () => this.call((a) => a.leaseLeases(this.opts()), true);

	keepAlive(
		id: bigint,
		onResponse: Parameters<EtcdClient['keepAlive']>[1],
		onError: (e: Error) => void
	): KeepAliveHandle {
		let stopped = false;
		let timer: ReturnType<typeof setTimeout> | undefined;
		const entry = {
			stop: () => {
				stopped = true;
				if (timer) clearTimeout(timer);
			}
		};
		const loop = async () => {
			if (stopped) return;
			try {
				const r = await this.keepAliveOnce(id);
				if (stopped) return;
				onResponse(r);
				// clientv3 renews after a third of the TTL.
				timer = setTimeout(loop, Math.max(500, (r.TTL * 1000) / 3));
			} catch (e) {
				if (stopped) return;
				entry.stop();
				this.keepAlives.delete(entry);
				onError(e instanceof Error ? e : new Error(String(e)));
			}
		};
		this.keepAlives.add(entry);
		void loop();
		return {
			cancel: () => {
				entry.stop();
				this.keepAlives.delete(entry);
			}
		};
	}

	// Cluster -------------------------------------------------------------------------------
	memberList: EtcdClient['memberList'] = (lin = true) =>
		this.call((a) => a.memberList(lin, this.opts()), true);
	memberAdd: EtcdClient['memberAdd'] = async (urls, learner) => {
		checkPeerURLs(urls);
		return this.memberAddChecked(urls, learner);
	};
	private memberAddChecked: EtcdClient['memberAdd'] = (urls, learner) =>
		this.call((a) => a.memberAdd(urls, learner, this.opts()), false);
	memberRemove: EtcdClient['memberRemove'] = (id) =>
		this.call((a) => a.memberRemove(id, this.opts()), false);
	memberUpdate: EtcdClient['memberUpdate'] = async (id, urls) => {
		checkPeerURLs(urls);
		return this.memberUpdateChecked(id, urls);
	};
	private memberUpdateChecked: EtcdClient['memberUpdate'] = (id, urls) =>
		this.call((a) => a.memberUpdate(id, urls, this.opts()), false);
	memberPromote: EtcdClient['memberPromote'] = (id) =>
		this.call((a) => a.memberPromote(id, this.opts()), false);

	// Maintenance (per endpoint) ----------------------------------------------------------------
	status: EtcdClient['status'] = (ep) => this.call((a) => a.status(this.opts()), false, ep);
	hash: EtcdClient['hash'] = (ep) => this.call((a) => a.hash(this.opts()), false, ep);
	hashKV: EtcdClient['hashKV'] = (ep, rev) =>
		this.call((a) => a.hashKV(rev, this.opts()), false, ep);
	defragment: EtcdClient['defragment'] = (ep) =>
		this.call((a) => a.defragment(this.opts()), false, ep);
	alarmList: EtcdClient['alarmList'] = () => this.call((a) => a.alarmList(this.opts()), true);
	alarmDisarm: EtcdClient['alarmDisarm'] = (id: bigint, alarm: AlarmType) =>
		this.call((a) => a.alarmDisarm(id, alarm, this.opts()), false);
	snapshot: EtcdClient['snapshot'] = (ep) => this.call((a) => a.snapshot(this.opts()), false, ep);
	moveLeader: EtcdClient['moveLeader'] = (ep, target) =>
		this.call((a) => a.moveLeader(target, this.opts()), false, ep);

	// Auth ----------------------------------------------------------------------------------
	private auth(method: Parameters<MemberApi['authCall']>[0], args: unknown[]) {
		return this.call((a) => a.authCall(method, args, this.opts()), false);
	}
	authEnable: EtcdClient['authEnable'] = () => this.auth('authEnable', []);
	authDisable: EtcdClient['authDisable'] = () => this.auth('authDisable', []);
	authStatus: EtcdClient['authStatus'] = async () => {
		const r = await this.auth('authStatus', []);
		return { header: r.header, enabled: !!r.enabled, authRevision: Number(r.authRevision ?? 0) };
	};
	authenticate: EtcdClient['authenticate'] = (name, password) =>
		this.call((a) => a.authenticate(name, password), false);
	userAdd: EtcdClient['userAdd'] = (name, password, noPassword) =>
		this.auth('userAdd', [name, password, noPassword]);
	userDelete: EtcdClient['userDelete'] = (name) => this.auth('userDelete', [name]);
	userChangePassword: EtcdClient['userChangePassword'] = (name, pw) =>
		this.auth('userChangePassword', [name, pw]);
	userGet: EtcdClient['userGet'] = async (name) => {
		const r = await this.auth('userGet', [name]);
		return { header: r.header, roles: (r.roles as string[]) ?? [] };
	};
	userList: EtcdClient['userList'] = async () => {
		const r = await this.auth('userList', []);
		return { header: r.header, names: ((r.users ?? r.names) as string[]) ?? [] };
	};
	userGrantRole: EtcdClient['userGrantRole'] = (user, role) =>
		this.auth('userGrantRole', [user, role]);
	userRevokeRole: EtcdClient['userRevokeRole'] = (user, role) =>
		this.auth('userRevokeRole', [user, role]);
	roleAdd: EtcdClient['roleAdd'] = (name) => this.auth('roleAdd', [name]);
	roleDelete: EtcdClient['roleDelete'] = (name) => this.auth('roleDelete', [name]);
	roleGet: EtcdClient['roleGet'] = async (name) => {
		const r = await this.auth('roleGet', [name]);
		return { header: r.header, perm: (r.perm as Permission[]) ?? [] };
	};
	roleList: EtcdClient['roleList'] = async () => {
		const r = await this.auth('roleList', []);
		return { header: r.header, names: ((r.roles ?? r.names) as string[]) ?? [] };
	};
	roleGrantPermission: EtcdClient['roleGrantPermission'] = (role, perm) =>
		this.auth('roleGrantPermission', [role, perm]);
	roleRevokePermission: EtcdClient['roleRevokePermission'] = (role, key, end) =>
		this.auth('roleRevokePermission', [role, key, end]);

	close(): void {
		this.closed = true;
		for (const k of this.keepAlives) k.stop();
		this.keepAlives.clear();
		for (const w of this.watches) void w.cancel();
		this.watches.clear();
	}
}
