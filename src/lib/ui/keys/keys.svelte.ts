/* eslint-disable svelte/prefer-svelte-reactivity -- these Maps are built, then replace a $state.raw value whole, or are private caches */
/**
 * The key browser's model of the store: every change since the compaction point, kept in
 * memory so a learner can see each key's MVCC history and the whole store as of any revision.
 *
 * It starts from the store as of the compact revision (a range read at that revision) and a
 * watch from the revision after it over all keys, with prev_kv; every event after that is one
 * row of history. If the member it watches goes down, it resumes on another from the next
 * revision, as etcd clients do. All through the typed client (ClientFactory).
 */
import type { ClientFactory, EtcdClient, WatchHandle } from '../../client/types';
import type { KeyValue } from '../../engine/api/types';
import type { Timeline } from '../timeline/timeline.svelte';

const dec = new TextDecoder();
/** The key browser and timeline take new events at most this often (a steady 5 per second). */
const APPLY_INTERVAL_MS = 200;
const ALL = new Uint8Array([0]);

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
		if (this.member && running.includes(this.member) && this.status === 'live') return;
		void this.start(running[0], compactRevision);
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

	private async start(member: string, compactRevision: number): Promise<void> {
		this.starting = true;
		try {
			this.stop();
			// What the old watch delivered counts before the new one resumes after it.
			this.applyArrived();
			this.member = member;
			const client = await this.clients(member).connect({
				endpoints: [`${member}:2379`],
				dialTimeoutMs: 2000,
				commandTimeoutMs: 5000
			});
			this.client = client;
			let from: number;
			if (this.status === 'idle' || this.status === 'error' || this.seen < compactRevision) {
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
			this.watch = client.watch(
				{ key: ALL, range_end: ALL, start_revision: from, prev_kv: true },
				(resp) => {
					if (resp.canceled) {
						this.status = 'error';
						this.error = resp.cancel_reason || 'watch canceled';
						if (resp.compact_revision) this.compactRevision = resp.compact_revision;
						return;
					}
					for (const e of resp.events) this.arrived.push(fromKv(e.kv, e.type));
					if (resp.header.revision > this.arrivedHeader) this.arrivedHeader = resp.header.revision;
					this.scheduleApply();
				}
			);
			this.status = 'live';
		} catch (e) {
			this.status = 'error';
			this.error = e instanceof Error ? e.message : String(e);
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
