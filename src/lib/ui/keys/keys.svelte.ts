/* eslint-disable svelte/prefer-svelte-reactivity -- these Maps are built, then replace a $state.raw value whole, or are private caches */
/**
 * The key browser's model of the store: every change since the compaction point, kept in
 * memory so a learner can see each key's MVCC history and the whole store as of any revision.
 *
 * It starts from the store as of the compact revision (a range read at that revision) and a
 * watch from the revision after it over all keys; every event after that is one row of history.
 * The watch asks for no prev_kv: the model keeps every key's states itself, and a previous value
 * per event made each big delete (check perf's tens of thousands of keys) cost the member one
 * long apply. Its client knows every member's endpoint, so when the member it watches goes away
 * the client resumes the watch on another from the next revision, as clientv3 does. All through
 * the typed client (ClientFactory).
 *
 * Creating the watch replays the history since its start revision, which costs the member time
 * under load, so the watch is created again only when it must be: its member stayed missing
 * from the running ones for MOVE_AFTER_MS (a member under load misses a status poll or two and
 * shows down without having gone anywhere), or the watch was canceled. A canceled watch is
 * created again from the revision after the last event seen, with a growing pause between
 * tries (no leader yet answers at once, and the page polls three times a second); only a watch
 * canceled by compaction loads the store again from the compaction point.
 */
import type { ClientFactory, EtcdClient, WatchHandle } from '../../client/types';
import type { KeyValue } from '../../engine/api/types';
import type { Timeline } from '../timeline/timeline.svelte';

const dec = new TextDecoder();
/** The key browser and timeline take new events at most this often (a steady 5 per second). */
const APPLY_INTERVAL_MS = 200;
const ALL = new Uint8Array([0]);
/** How long the watched member may be missing from the running ones before the watch moves. */
export const MOVE_AFTER_MS = 3000;
/** The pause before creating a canceled watch again: doubling from the first to the last. */
export const RETRY_FIRST_MS = 500;
export const RETRY_MAX_MS = 8000;

export interface Revision {
	key: string;
	/** mod_revision of the change. */
	revision: number;
	type: 'PUT' | 'DELETE';
	createRevision: number;
	version: number;
	value: string;
	lease: string;
}

export interface KeyState {
	key: string;
	value: string;
	createRevision: number;
	modRevision: number;
	version: number;
	lease: string;
}

function fromKv(kv: KeyValue, type: 'PUT' | 'DELETE'): Revision {
	return {
		key: dec.decode(kv.key),
		revision: kv.mod_revision,
		type,
		createRevision: type === 'DELETE' ? 0 : kv.create_revision,
		version: type === 'DELETE' ? 0 : kv.version,
		value: type === 'DELETE' ? '' : dec.decode(kv.value),
		lease: kv.lease ? kv.lease.toString(16) : ''
	};
}

export class KeyStore {
	/** Bumped on every change, so readers of `changes` and `at()` update. */
	private version = $state(0);
	private log: Revision[] = [];
	/** The newest state, kept up to date as events arrive (the slider at `live`). */
	private latest = new Map<string, KeyState>();

	/** Changes after `baseRevision`, oldest first (appended in place: thousands of keys stay cheap). */
	get changes(): readonly Revision[] {
		void this.version;
		return this.log;
	}
	/** The store as of baseRevision (what existed when history begins). */
	base = $state.raw<Map<string, KeyState>>(new Map());
	baseRevision = $state(0);
	/** The newest revision seen (header revision). */
	revision = $state(0);
	/** The compaction point: revisions at or below it can no longer be read. */
	compactRevision = $state(0);
	status = $state<'idle' | 'loading' | 'live' | 'error'>('idle');
	error = $state('');
	private client: EtcdClient | null = null;
	private watch: WatchHandle | null = null;
	private member: string | null = null;
	private readonly clients: (member: string) => ClientFactory;
	private readonly timeline: Timeline;
	private starting = false;
	/** The newest revision whose events arrived (a moved watch resumes after it). */
	private seen = 0;
	/** Since when (Date.now) the watched member has been missing from the running ones. */
	private missingSince: number | null = null;
	/** Canceled watches in a row, and when the next try may start (Date.now). */
	private failures = 0;
	private retryAt = 0;
	/** The last watch was canceled by compaction: the store must be loaded again. */
	private compacted = false;

	constructor(clients: (member: string) => ClientFactory, timeline: Timeline) {
		this.clients = clients;
		this.timeline = timeline;
	}

	/** The key -> state map at revision `rev` (the newest when omitted). */
	at(rev = this.revision): Map<string, KeyState> {
		void this.version;
		// A copy: a new value each time, so what is derived from it updates.
		if (rev >= this.seen) return new Map(this.latest);
		const out = new Map(this.base);
		for (const c of this.changes) {
			if (c.revision > rev) break;
			if (c.type === 'DELETE') out.delete(c.key);
			else
				out.set(c.key, {
					key: c.key,
					value: c.value,
					createRevision: c.createRevision,
					modRevision: c.revision,
					version: c.version,
					lease: c.lease
				});
		}
		return out;
	}

	/** Every revision of one key, newest first (including the state it had at the start). */
	history(key: string): Revision[] {
		const rows = this.changes.filter((c) => c.key === key);
		const b = this.base.get(key);
		if (b) {
			rows.unshift({
				key,
				revision: b.modRevision,
				type: 'PUT',
				createRevision: b.createRevision,
				version: b.version,
				value: b.value,
				lease: b.lease
			});
		}
		return rows.reverse();
	}

	/**
	 * Keeps a watch on one of `running` members (called on every cluster poll): starts it, or
	 * moves it when its member went down. `compactRevision` is the cluster's compaction point.
	 */
	ensure(running: string[], compactRevision: number, revision: number): void {
		if (compactRevision > this.compactRevision) this.compactRevision = compactRevision;
		if (revision > this.revision && this.status === 'live') this.revision = revision;
		if (this.starting || running.length === 0) return;
		const now = Date.now();
		if (this.member && this.status === 'live') {
			if (running.includes(this.member)) {
				this.missingSince = null;
				return;
			}
			this.missingSince ??= now;
			if (now - this.missingSince < MOVE_AFTER_MS) return;
		}
		if (this.status === 'error' && now < this.retryAt) return;
		this.missingSince = null;
		void this.start(running[0], compactRevision, running);
	}

	/**
	 * Events that arrived since the last frame. Under load a watch delivers hundreds of
	 * responses a second; folding them in once per frame keeps the page's main thread to one
	 * re-render per frame instead of one per response.
	 */
	private arrived: Revision[] = [];
	private arrivedHeader = 0;
	private applyScheduled = false;

	private lastApply = 0;

	/** At most one fold per APPLY_INTERVAL_MS, on an animation frame when the page is visible. */
	private scheduleApply(): void {
		if (this.applyScheduled) return;
		this.applyScheduled = true;
		const run = () => {
			this.lastApply = performance.now();
			this.applyArrived();
		};
		const visible = typeof document !== 'undefined' && !document.hidden;
		const wait = Math.max(0, this.lastApply + APPLY_INTERVAL_MS - performance.now());
		setTimeout(() => (visible ? requestAnimationFrame(run) : run()), wait);
	}

	/** Folds the events that arrived into the log, the live state and the timeline. */
	private applyArrived(): void {
		this.applyScheduled = false;
		const rows = this.arrived;
		this.arrived = [];
		if (rows.length > 0) {
			let seen = this.seen;
			for (const r of rows) {
				this.log.push(r);
				if (r.revision > seen) seen = r.revision;
				if (r.type === 'DELETE') this.latest.delete(r.key);
				else
					this.latest.set(r.key, {
						key: r.key,
						value: r.value,
						createRevision: r.createRevision,
						modRevision: r.revision,
						version: r.version,
						lease: r.lease
					});
			}
			this.version++;
			this.seen = seen;
			if (this.seen > this.revision) this.revision = this.seen;
			this.timeline.addMany(
				rows.map((r) => ({
					kind: r.type === 'PUT' ? ('put' as const) : ('delete' as const),
					text: `${r.type} ${r.key}`,
					revision: r.revision
				}))
			);
		}
		if (this.arrivedHeader > this.revision) this.revision = this.arrivedHeader;
	}

	/** A canceled watch: the next try waits longer each time, up to RETRY_MAX_MS. */
	private failed(reason: string): void {
		this.status = 'error';
		this.error = reason;
		this.retryAt =
			Date.now() + Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.min(this.failures, 16));
		this.failures++;
	}

	private async start(member: string, compactRevision: number, running: string[]): Promise<void> {
		this.starting = true;
		try {
			this.stop();
			// What the old watch delivered counts before the new one resumes after it.
			this.applyArrived();
			this.member = member;
			const client = await this.clients(member).connect({
				endpoints: [member, ...running.filter((m) => m !== member)].map((m) => `${m}:2379`),
				dialTimeoutMs: 2000,
				commandTimeoutMs: 5000
			});
			this.client = client;
			let from: number;
			if (this.status === 'idle' || this.compacted || this.seen < compactRevision) {
				this.compacted = false;
				this.status = 'loading';
				const base = new Map<string, KeyState>();
				if (compactRevision > 0) {
					const r = await client.range({ key: ALL, range_end: ALL, revision: compactRevision });
					for (const kv of r.kvs) {
						const s = fromKv(kv, 'PUT');
						base.set(s.key, {
							key: s.key,
							value: s.value,
							createRevision: s.createRevision,
							modRevision: s.revision,
							version: s.version,
							lease: s.lease
						});
					}
				}
				this.base = base;
				this.baseRevision = compactRevision;
				this.log = [];
				this.latest = new Map(base);
				this.version++;
				this.revision = compactRevision;
				this.seen = compactRevision;
				from = compactRevision + 1;
			} else {
				from = this.seen + 1;
			}
			const watch = client.watch({ key: ALL, range_end: ALL, start_revision: from }, (resp) => {
				if (this.watch !== watch) return;
				if (resp.canceled) {
					if (resp.compact_revision) {
						this.compactRevision = resp.compact_revision;
						this.compacted = true;
					}
					this.failed(resp.cancel_reason || 'watch canceled');
					return;
				}
				this.failures = 0;
				for (const e of resp.events) this.arrived.push(fromKv(e.kv, e.type));
				if (resp.header.revision > this.arrivedHeader) this.arrivedHeader = resp.header.revision;
				this.scheduleApply();
			});
			this.watch = watch;
			this.status = 'live';
		} catch (e) {
			this.failed(e instanceof Error ? e.message : String(e));
		} finally {
			this.starting = false;
		}
	}

	stop(): void {
		void this.watch?.cancel();
		this.client?.close();
		this.watch = null;
		this.client = null;
	}
}
