/**
 * Both ends of the tab-to-tab link (see tab-protocol.ts). The owner's TabHost serves calls
 * from guests on the members it runs; a guest's TabGuest turns member API and cluster-control
 * calls into messages, and watch callbacks into subscriptions. BroadcastChannel reaches every
 * tab, so each reply and event names the guest it is for.
 */
import { EtcdError } from '../engine/api/errors';
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
	private readonly ch: BroadcastChannel;
	/** Each guest's open watches, cancelled when it says goodbye. */
	private readonly watches = new Map<string, { member: string; handle: number }[]>();

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
		this.post({ t: 'state', ...this.handlers.state() });
	}

	postTrace(member: string, batch: TracedMessage[]): void {
		this.post({ t: 'trace', member, batch });
	}

	postWiped(): void {
		this.post({ t: 'wiped' });
	}

	private async onMessage(m: TabMessage): Promise<void> {
		if (m.t === 'hello') return this.postState();
		if (m.t === 'bye') return this.forget(m.from);
		if (m.t !== 'call') return;
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
			const { sub } = args[1] as { sub: number };
			const handle = await api.watch(
				args[0] as never,
				(value) => this.post({ t: 'event', to: from, sub, value }),
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

export class TabGuest {
	readonly id = crypto.randomUUID();
	private readonly ch: BroadcastChannel;
	private nextId = 1;
	private nextSub = 1;
	private readonly pending = new Map<
		number,
		{ resolve(v: unknown): void; reject(e: Error): void }
	>();
	private readonly subs = new Map<number, (value: unknown) => void>();
	private readonly apis = new Map<string, MemberApi>();
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
		if (m.t === 'state') return this.handlers.state(m.config, m.running);
		if (m.t === 'trace') return this.handlers.trace(m.member, m.batch);
		if (m.t === 'wiped') return this.handlers.wiped();
		if (m.t === 'event' && m.to === this.id) return this.subs.get(m.sub)?.(m.value);
		if (m.t !== 'reply' || m.to !== this.id) return;
		const p = this.pending.get(m.id);
		if (!p) return;
		this.pending.delete(m.id);
		if (m.ok) p.resolve(m.value);
		else p.reject(fromWire(m.error));
	}

	call(target: CallTarget, method: string, args: unknown[]): Promise<unknown> {
		if (this.closed) return Promise.reject(new EtcdError('Unavailable', 'connection refused'));
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
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

	/** A member's API through the owner tab. */
	member(name: string): MemberApi {
		let api = this.apis.get(name);
		if (api) return api;
		const target = { member: name };
		api = new Proxy({} as MemberApi, {
			get: (_t, prop: string) => {
				if (prop === 'then') return undefined;
				if (prop === 'watch') {
					return (req: unknown, cb: (r: unknown) => void, o: unknown) => {
						const sub = this.nextSub++;
						this.subs.set(sub, cb);
						return this.call(target, 'watch', [req, { sub }, o]);
					};
				}
				return (...args: unknown[]) => this.call(target, prop, args);
			}
		});
		this.apis.set(name, api);
		return api;
	}

	/** Rejects every call in flight (the owner went away before answering). */
	failPending(): void {
		for (const p of this.pending.values()) {
			p.reject(new EtcdError('Unavailable', 'the tab running the cluster closed'));
		}
		this.pending.clear();
	}

	close(): void {
		if (this.closed) return;
		this.closed = true;
		this.failPending();
		this.ch.postMessage({ t: 'bye', from: this.id } satisfies TabMessage);
		this.ch.close();
	}
}
