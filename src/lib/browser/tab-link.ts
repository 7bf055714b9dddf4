/**
 * Both ends of the tab-to-tab link (see tab-protocol.ts). The owner's TabHost serves calls
 * from guests on the members it runs; a guest's TabGuest turns member API and cluster-control
 * calls into messages, and watch callbacks into subscriptions. BroadcastChannel reaches every
 * tab, so each reply and event names the guest it is for.
 */
import { canceledWatchResponse } from '../client/client';
import { ClientError } from '../client/types';
import { EtcdError } from '../engine/api/errors';
import type { WatchCreateRequest, WatchResponse } from '../engine/api/types';
import type { MemberApi } from '../engine/server/api';
import type { TracedMessage } from '../workers/member/protocol';
import { tabChannelName, type CallTarget, type TabMessage, type WireError } from './tab-protocol';

function toWire(e: unknown): WireError {
	if (e instanceof EtcdError) return { kind: 'etcd', code: e.code, message: e.message };
	if (e instanceof Error) return { kind: 'error', name: e.name, message: e.message };
	return { kind: 'error', name: 'Error', message: String(e) };
}

function fromWire(w: WireError): Error {
	if (w.kind === 'etcd') return new EtcdError(w.code, w.message);
	const e = new Error(w.message);
	e.name = w.name;
	return e;
}

export interface TabHostHandlers {
	/** The API of a running member, or null. */
	member(name: string): MemberApi | null;
	/** A cluster-control call (kill, restart, partition, info, …) on the owner's manager. */
	manager(method: string, args: unknown[]): Promise<unknown>;
	/** What guests mirror: the configuration and the running members. */
	state(): { config: unknown; running: string[] };
}

export class TabHost {
	/** Told to guests with the state: a new id means another tab took the cluster over. */
	readonly id = crypto.randomUUID();
	private readonly ch: BroadcastChannel;
	/** Each guest's open watches, cancelled when it says goodbye. */
	private readonly watches = new Map<string, { member: string; handle: number }[]>();
	/**
	 * Guests heard from (a hello, or any call: a guest polls its members' state several times a
	 * second). Raft message traces go out only while there is one: under check perf they are
	 * hundreds of batches a second, and cloning them into a channel nobody listens on took about
	 * 4% of the owner page's main thread.
	 */
	private readonly guests = new Set<string>();

	constructor(
		namespace: string,
		private readonly handlers: TabHostHandlers
	) {
		this.ch = new BroadcastChannel(tabChannelName(namespace));
		this.ch.onmessage = (ev: MessageEvent<TabMessage>) => void this.onMessage(ev.data);
	}

	private post(m: TabMessage): void {
		this.ch.postMessage(m);
	}

	postState(): void {
		this.post({ t: 'state', owner: this.id, ...this.handlers.state() });
	}

	postTrace(member: string, batch: TracedMessage[]): void {
		if (this.guests.size > 0) this.post({ t: 'trace', member, batch });
	}

	postWiped(): void {
		this.post({ t: 'wiped' });
	}

	private async onMessage(m: TabMessage): Promise<void> {
		if (m.t === 'hello') {
			this.guests.add(m.from);
			return this.postState();
		}
		if (m.t === 'bye') return this.forget(m.from);
		if (m.t !== 'call') return;
		this.guests.add(m.from);
		try {
			const value = await this.dispatch(m.from, m.target, m.method, m.args);
			this.post({ t: 'reply', id: m.id, to: m.from, ok: true, value });
		} catch (e) {
			this.post({ t: 'reply', id: m.id, to: m.from, ok: false, error: toWire(e) });
		}
	}

	private async dispatch(
		from: string,
		target: CallTarget,
		method: string,
		args: unknown[]
	): Promise<unknown> {
		if (target === 'manager') return this.handlers.manager(method, args);
		const api = this.handlers.member(target.member);
		if (!api) throw new EtcdError('Unavailable', 'connection refused');
		if (method === 'watch') {
			const { sub, attempt } = args[1] as { sub: number; attempt: number };
			const handle = await api.watch(
				args[0] as never,
				(value) => this.post({ t: 'event', to: from, sub, attempt, value }),
				args[2] as never
			);
			const list = this.watches.get(from) ?? [];
			list.push({ member: target.member, handle });
			this.watches.set(from, list);
			return handle;
		}
		const fn = (api as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
		if (typeof fn !== 'function') throw new Error(`no member method ${method}`);
		return fn(...args);
	}

	private forget(guest: string): void {
		this.guests.delete(guest);
		for (const w of this.watches.get(guest) ?? []) {
			void this.handlers
				.member(w.member)
				?.watchCancel(w.handle)
				.catch(() => undefined);
		}
		this.watches.delete(guest);
	}

	close(): void {
		this.ch.close();
	}
}

export interface TabGuestHandlers {
	state(config: unknown, running: string[]): void;
	trace(member: string, batch: TracedMessage[]): void;
	wiped(): void;
}

/** etcd's client error for a call that got no answer in time (etcdctl: context deadline exceeded). */
function deadlineExceeded(): ClientError {
	return new ClientError('deadline-exceeded', 'context deadline exceeded');
}

/** How often, and how many times, a resumed watch is tried again while there is no leader. */
const RESUME_RETRY_MS = 500;
const RESUME_ATTEMPTS = 60;

/**
 * A watch a guest opened through the owner. It outlives the owner tab: when this tab or
 * another one takes over, it is created again on the new owner's member from the revision
 * after the last event it delivered, as clientv3 re-creates its watches on another connection,
 * so no event is lost or delivered twice.
 */
interface GuestWatch {
	member: string;
	req: WatchCreateRequest;
	opts: unknown;
	cb(r: WatchResponse): void;
	/** The owner's handle, once the owner created the watch. */
	remote: number | null;
	/** The watch on this tab's member after this tab took over. */
	local: { api: MemberApi; handle: number } | null;
	/** clientv3's nextRev: where the watch resumes (0: from now). */
	next: number;
	/** The watch ID the client was given first; resumed watches keep answering under it. */
	watchId: number | null;
	/** The creation, until the owner (or, after a take-over, this tab) answers it. */
	creating: { resolve(handle: number): void; reject(e: Error): void } | null;
	/** Counts creations: answers to an earlier one are ignored. */
	attempt: number;
	/** While a resumed watch waits for its created response: how to try again (no leader yet). */
	retry: { again(): void; left: number } | null;
}

export class TabGuest {
	readonly id = crypto.randomUUID();
	private readonly ch: BroadcastChannel;
	private nextId = 1;
	private nextSub = 1;
	private readonly pending = new Map<
		number,
		{ resolve(v: unknown): void; reject(e: Error): void }
	>();
	/** Open watches by subscription number (the handle the client holds). */
	private readonly watches = new Map<number, GuestWatch>();
	private readonly apis = new Map<string, MemberApi>();
	/** The owner tab answering now (from its state messages). */
	private owner: string | null = null;
	private closed = false;

	constructor(
		namespace: string,
		private readonly handlers: TabGuestHandlers
	) {
		this.ch = new BroadcastChannel(tabChannelName(namespace));
		this.ch.onmessage = (ev: MessageEvent<TabMessage>) => this.onMessage(ev.data);
		this.ch.postMessage({ t: 'hello', from: this.id } satisfies TabMessage);
	}

	private onMessage(m: TabMessage): void {
		if (m.t === 'state') {
			if (this.owner !== null && m.owner !== this.owner) this.ownerChanged();
			this.owner = m.owner;
			return this.handlers.state(m.config, m.running);
		}
		if (m.t === 'trace') return this.handlers.trace(m.member, m.batch);
		if (m.t === 'wiped') return this.handlers.wiped();
		if (m.t === 'event' && m.to === this.id) {
			const w = this.watches.get(m.sub);
			if (w && !w.local && m.attempt === w.attempt)
				this.deliver(m.sub, w, m.value as WatchResponse);
			return;
		}
		if (m.t !== 'reply' || m.to !== this.id) return;
		const p = this.pending.get(m.id);
		if (!p) return;
		this.pending.delete(m.id);
		if (m.ok) p.resolve(m.value);
		else p.reject(fromWire(m.error));
	}

	/**
	 * Another tab took the cluster over: calls sent to the old owner will not be answered, and
	 * every open watch is created again on the new owner.
	 */
	private ownerChanged(): void {
		this.failPending();
		for (const [sub, w] of this.watches) {
			w.retry = { again: () => this.createRemote(sub, w), left: RESUME_ATTEMPTS };
			this.createRemote(sub, w);
		}
	}

	/** Hands a watch response to the client, keeping track of where the watch would resume. */
	private deliver(sub: number, w: GuestWatch, r: WatchResponse): void {
		if (w.retry) {
			// The new owner's members have no leader yet: the watch is tried again shortly.
			if (r.canceled && /no leader/.test(r.cancel_reason) && w.retry.left-- > 0) {
				setTimeout(w.retry.again, RESUME_RETRY_MS);
				return;
			}
			if (r.created || r.canceled) w.retry = null;
		}
		if (r.created && !r.canceled) {
			// A watch created again after a take-over: the client already had its created response.
			if (w.watchId !== null) return;
			w.watchId = r.watch_id;
			if (!w.next) w.next = r.header.revision + 1;
		}
		if (r.events.length) w.next = r.events[r.events.length - 1].kv.mod_revision + 1;
		if (r.canceled) this.watches.delete(sub);
		w.cb(w.watchId === null ? r : { ...r, watch_id: w.watchId });
	}

	/** Ends a watch that could not be (re-)created, as a server cancels one. */
	private fail(sub: number, w: GuestWatch, e: unknown): void {
		if (this.watches.get(sub) !== w) return;
		this.watches.delete(sub);
		if (w.creating) {
			w.creating.reject(e as Error);
			w.creating = null;
			return;
		}
		w.cb(canceledWatchResponse(w.watchId ?? -1, e instanceof Error ? e.message : String(e)));
	}

	/**
	 * A call to the owner tab. Cluster controls give up after `timeoutMs` with etcd's deadline
	 * error (the owner may be frozen or gone mid-call); member calls run under the client's own
	 * command deadline, so they have none here.
	 */
	call(target: CallTarget, method: string, args: unknown[], timeoutMs?: number): Promise<unknown> {
		if (this.closed) return Promise.reject(new EtcdError('Unavailable', 'connection refused'));
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			const timer =
				timeoutMs === undefined
					? undefined
					: setTimeout(() => {
							if (this.pending.delete(id)) reject(deadlineExceeded());
						}, timeoutMs);
			this.pending.set(id, {
				resolve: (v) => {
					clearTimeout(timer);
					resolve(v);
				},
				reject: (e) => {
					clearTimeout(timer);
					reject(e);
				}
			});
			this.ch.postMessage({
				t: 'call',
				id,
				from: this.id,
				target,
				method,
				args
			} satisfies TabMessage);
		});
	}

	/** Creates (or creates again, from where it stopped) a watch on the owner's member. */
	private createRemote(sub: number, w: GuestWatch): void {
		if (this.closed || this.watches.get(sub) !== w) return;
		const attempt = ++w.attempt;
		w.remote = null;
		const req = { ...w.req, start_revision: w.next };
		this.call({ member: w.member }, 'watch', [req, { sub, attempt }, w.opts]).then(
			(handle) => {
				if (attempt !== w.attempt) return;
				w.remote = handle as number;
				w.creating?.resolve(sub);
				w.creating = null;
			},
			(e: unknown) => {
				// The owner went away first: the watch is created on the next owner.
				if (attempt !== w.attempt || this.closed) return;
				if (e instanceof EtcdError && /tab running the cluster closed/.test(e.message)) return;
				// A resumed watch: the new owner's members may still be starting.
				if (w.retry && w.retry.left-- > 0) return void setTimeout(w.retry.again, RESUME_RETRY_MS);
				this.fail(sub, w, e);
			}
		);
	}

	private watch(
		member: string,
		req: WatchCreateRequest,
		cb: (r: WatchResponse) => void,
		opts: unknown
	): Promise<number> {
		const sub = this.nextSub++;
		const w: GuestWatch = {
			member,
			req,
			opts,
			cb,
			remote: null,
			local: null,
			next: req.start_revision ?? 0,
			watchId: null,
			creating: null,
			attempt: 0,
			retry: null
		};
		this.watches.set(sub, w);
		return new Promise<number>((resolve, reject) => {
			w.creating = { resolve, reject };
			this.createRemote(sub, w);
		});
	}

	private async watchCall(sub: number, method: 'watchCancel' | 'watchProgress'): Promise<void> {
		const w = this.watches.get(sub);
		if (!w) return;
		if (method === 'watchCancel') this.watches.delete(sub);
		if (w.local) return w.local.api[method](w.local.handle);
		if (w.remote === null) return;
		await this.call({ member: w.member }, method, [w.remote]);
	}

	/** A member's API through the owner tab. */
	member(name: string): MemberApi {
		let api = this.apis.get(name);
		if (api) return api;
		const target = { member: name };
		api = new Proxy({} as MemberApi, {
			get: (_t, prop: string) => {
				if (prop === 'then') return undefined;
				if (prop === 'watch') {
					return (req: WatchCreateRequest, cb: (r: WatchResponse) => void, o: unknown) =>
						this.watch(name, req, cb, o);
				}
				if (prop === 'watchCancel' || prop === 'watchProgress') {
					return (sub: number) => this.watchCall(sub, prop);
				}
				return (...args: unknown[]) => this.call(target, prop, args);
			}
		});
		this.apis.set(name, api);
		return api;
	}

	/** Creates a watch again on a member this tab runs, after it took the cluster over. */
	private createLocal(sub: number, w: GuestWatch, api: MemberApi): void {
		if (this.watches.get(sub) !== w) return;
		const attempt = ++w.attempt;
		const req = { ...w.req, start_revision: w.next };
		api
			.watch(
				req,
				(r) => {
					if (this.watches.get(sub) === w && attempt === w.attempt) this.deliver(sub, w, r);
				},
				w.opts as never
			)
			.then(
				(handle) => {
					if (this.watches.get(sub) !== w || attempt !== w.attempt) {
						return void api.watchCancel(handle).catch(() => undefined);
					}
					w.local = { api, handle };
					w.creating?.resolve(sub);
					w.creating = null;
				},
				(e: unknown) => {
					if (attempt !== w.attempt) return;
					if (w.retry && w.retry.left-- > 0) return void setTimeout(w.retry.again, RESUME_RETRY_MS);
					this.fail(sub, w, e);
				}
			);
	}

	/**
	 * This tab took the cluster over (the owner closed): every open watch is created again on
	 * this tab's members from where it stopped. A watch whose member is not running here ends
	 * with a canceled response naming the reason.
	 */
	resumeWatches(local: (member: string) => MemberApi | null): void {
		for (const [sub, w] of this.watches) {
			const api = local(w.member);
			if (!api) {
				this.fail(sub, w, new EtcdError('Unavailable', 'connection refused'));
				continue;
			}
			w.remote = null;
			w.retry = { again: () => this.createLocal(sub, w, api), left: RESUME_ATTEMPTS };
			this.createLocal(sub, w, api);
		}
	}

	/** Rejects every call in flight (the owner went away before answering). */
	failPending(): void {
		for (const p of this.pending.values()) {
			p.reject(new EtcdError('Unavailable', 'the tab running the cluster closed'));
		}
		this.pending.clear();
	}

	/**
	 * Stops talking to the owner: calls in flight fail (a client retries its reads on the new
	 * owner); open watches are kept for resumeWatches().
	 */
	close(): void {
		if (this.closed) return;
		this.closed = true;
		this.failPending();
		this.ch.postMessage({ t: 'bye', from: this.id } satisfies TabMessage);
		this.ch.close();
	}
}
