/**
 * Watch on top of the store, as etcd's watchableStore and its gRPC watch stream behave
 * together. A watcher that starts in the past is unsynced: it catches up from the stored
 * history (responses of at most 1000 revisions each) and then joins the synced group, which
 * is told about every write transaction as it commits, one response per revision.
 *
 * The store is synchronous, so catch-up happens inside watch(): the created response, the
 * catch-up responses and then live responses reach the sink in that order, none lost,
 * duplicated or out of order.
 */
import type { Bytes, Event, KeyValue, WatchCreateRequest, WatchResponse } from '../api/types';
import { Errors } from '../api/errors';
import { bytesKey, compareBytes } from '../util/bytes';
import type { CommitDetail, MvccStore } from './store';
import type { RevisionRecord } from './key-index';

/** A watch response without the header: `revision` is the header revision. */
export type WatchStreamResponse = Omit<WatchResponse, 'header'> & { revision: number };

export type WatchSink = (resp: WatchStreamResponse) => void;

/** clientv3.InvalidWatchID: responses not tied to one watcher. */
export const INVALID_WATCH_ID = -1;
/** etcd's watchBatchMaxRevs: revisions per catch-up response. */
const CATCH_UP_MAX_REVS = 1000;

const ERR_EMPTY_RANGE = 'mvcc: watcher range is empty';
const ERR_DUPLICATE_ID = 'mvcc: duplicate watch ID provided on the WatchStream';

interface Watcher {
	id: number;
	stream: WatchStream;
	start: string;
	/** null: one key; '': every key >= start; else [start, end). */
	end: string | null;
	/** Events below this revision were already sent (or predate the watch). */
	minRev: number;
	prevKv: boolean;
	noPut: boolean;
	noDelete: boolean;
	progressNotify: boolean;
	/** No events sent since the last progress tick. */
	quiet: boolean;
}

function matches(w: Watcher, k: string): boolean {
	if (w.end === null) return k === w.start;
	return k >= w.start && (w.end === '' || k < w.end);
}

/** The watch layer of one store; each client stream is a WatchStream. */
export class WatchableStore {
	readonly store: MvccStore;
	private byKey = new Map<string, Set<Watcher>>();
	private ranged = new Set<Watcher>();

	constructor(store: MvccStore) {
		this.store = store;
		store.onCommit((rev, events, detail) => this.notify(rev, events, detail));
		store.onRestore(() => this.resync());
	}

	/**
	 * After the store was replaced by a snapshot, every watcher catches up again from the
	 * revision it was waiting for (or is canceled if the snapshot compacted it away).
	 */
	private resync(): void {
		const all = [...this.ranged];
		for (const set of this.byKey.values()) all.push(...set);
		this.byKey.clear();
		this.ranged.clear();
		for (const w of all) {
			if (w.minRev > this.store.currentRevision) this.add(w);
			else if (!this.catchUp(w)) w.stream.drop(w.id);
		}
	}

	newStream(sink: WatchSink): WatchStream {
		return new WatchStream(this, sink);
	}

	/** Number of synced watchers (for status and tests). */
	get watcherCount(): number {
		let n = this.ranged.size;
		for (const s of this.byKey.values()) n += s.size;
		return n;
	}

	/** @internal */
	add(w: Watcher): void {
		if (w.end === null) {
			let set = this.byKey.get(w.start);
			if (!set) this.byKey.set(w.start, (set = new Set()));
			set.add(w);
		} else this.ranged.add(w);
	}

	/** @internal */
	remove(w: Watcher): void {
		if (w.end === null) {
			const set = this.byKey.get(w.start);
			set?.delete(w);
			if (set && set.size === 0) this.byKey.delete(w.start);
		} else this.ranged.delete(w);
	}

	/** Live events: the key strings and replaced kvs come with the commit (CommitDetail). */
	private notify(rev: number, events: Event[], detail: CommitDetail): void {
		if (this.byKey.size === 0 && this.ranged.size === 0) return;
		const batches = new Map<Watcher, number[]>();
		for (let i = 0; i < events.length; i++) {
			const k = detail.keys[i];
			const exact = this.byKey.get(k);
			if (exact) for (const w of exact) addTo(batches, w, i, rev);
			for (const w of this.ranged) if (matches(w, k)) addTo(batches, w, i, rev);
		}
		for (const [w, picked] of batches) {
			w.minRev = rev + 1;
			w.stream.sendEvents(
				w,
				picked.map((i) => events[i]),
				rev,
				picked.map((i) => detail.prevs[i])
			);
		}
	}

	/** @internal Replays history from w.minRev; false if the watcher was canceled instead. */
	catchUp(w: Watcher): boolean {
		const store = this.store;
		const cur = store.currentRevision;
		if (w.minRev < store.compactRevision) {
			w.stream.emit({
				...blank(w.id, cur),
				canceled: true,
				compact_revision: store.compactRevision
			});
			return false;
		}
		const records = store.historySince(w.minRev);
		let batch: Event[] = [];
		let revs = 0;
		let lastMain = -1;
		for (const r of records) {
			if (!matches(w, bytesKey(r.kv.key))) continue;
			if (r.main !== lastMain) {
				if (revs >= CATCH_UP_MAX_REVS) {
					w.stream.sendEvents(w, batch, cur);
					batch = [];
					revs = 0;
				}
				revs++;
				lastMain = r.main;
			}
			batch.push(toEvent(r));
		}
		if (batch.length > 0) w.stream.sendEvents(w, batch, cur);
		w.minRev = cur + 1;
		this.add(w);
		return true;
	}
}

function addTo(batches: Map<Watcher, number[]>, w: Watcher, i: number, rev: number): void {
	if (rev < w.minRev) return;
	const list = batches.get(w);
	if (list) list.push(i);
	else batches.set(w, [i]);
}

function toEvent(r: RevisionRecord): Event {
	return r.tombstone
		? { type: 'DELETE', kv: { ...r.kv, mod_revision: r.main } }
		: { type: 'PUT', kv: { ...r.kv } };
}

function blank(id: number, revision: number): WatchStreamResponse {
	return {
		revision,
		watch_id: id,
		created: false,
		canceled: false,
		compact_revision: 0,
		cancel_reason: '',
		fragment: false,
		events: []
	};
}

/** One client's watch stream: its watchers, their IDs and the sink their responses go to. */
export class WatchStream {
	private readonly hub: WatchableStore;
	private readonly sink: WatchSink;
	private watchers = new Map<number, Watcher>();
	private nextId = 0;
	private closed = false;

	constructor(hub: WatchableStore, sink: WatchSink) {
		this.hub = hub;
		this.sink = sink;
	}

	/**
	 * Creates a watcher and answers as etcd does: a created response (canceled, with a reason,
	 * if the request is invalid), then any history since start_revision, then live events.
	 * Returns the watch ID, or -1 if the watch was refused.
	 */
	watch(req: WatchCreateRequest): number {
		const store = this.hub.store;
		const cur = store.currentRevision;
		const startRev = req.start_revision ?? 0;
		if (startRev < 0) return this.refuse(Errors.Compacted().message);
		let id = req.watch_id ?? 0;
		let key: Bytes = req.key.length === 0 ? new Uint8Array([0]) : req.key;
		const end = req.range_end;
		let endKey: string | null = null;
		if (end && end.length > 0) {
			if (end.length === 1 && end[0] === 0) endKey = '';
			else {
				if (compareBytes(key, end) >= 0) return this.refuse(ERR_EMPTY_RANGE);
				endKey = bytesKey(end);
			}
		}
		if (id !== 0) {
			if (this.watchers.has(id)) return this.refuse(ERR_DUPLICATE_ID);
		} else {
			while (this.watchers.has(this.nextId)) this.nextId++;
			id = this.nextId++;
		}
		key = key.slice();
		const filters = req.filters ?? [];
		const w: Watcher = {
			id,
			stream: this,
			start: bytesKey(key),
			end: endKey,
			minRev: startRev,
			prevKv: !!req.prev_kv,
			noPut: filters.includes('NOPUT'),
			noDelete: filters.includes('NODELETE'),
			progressNotify: !!req.progress_notify,
			quiet: true
		};
		this.watchers.set(id, w);
		this.emit({ ...blank(id, cur), created: true });
		if (startRev === 0 || startRev > cur) {
			w.minRev = Math.max(cur + 1, startRev);
			this.hub.add(w);
		} else if (!this.hub.catchUp(w)) {
			this.watchers.delete(id);
		}
		return id;
	}

	/** Cancels a watcher (with etcd's canceled response); false if there is no such watcher. */
	cancel(id: number): boolean {
		const w = this.watchers.get(id);
		if (!w) return false;
		this.hub.remove(w);
		this.watchers.delete(id);
		this.emit({ ...blank(id, this.hub.store.currentRevision), canceled: true });
		return true;
	}

	/** A progress notification for one watcher (current revision, no events). */
	progress(id: number): boolean {
		if (!this.watchers.has(id)) return false;
		this.emit(blank(id, this.hub.store.currentRevision));
		return true;
	}

	/** etcd 3.5's answer to a progress request: one response for the stream, watch ID -1. */
	requestProgress(): void {
		this.emit(blank(INVALID_WATCH_ID, this.hub.store.currentRevision));
	}

	/**
	 * The periodic progress_notify tick (etcd: every 10 minutes): watchers that asked for it
	 * and got no events since the last tick get a progress notification.
	 */
	progressTick(): void {
		for (const w of this.watchers.values()) {
			if (!w.progressNotify) continue;
			if (w.quiet) this.progress(w.id);
			w.quiet = true;
		}
	}

	get ids(): number[] {
		return [...this.watchers.keys()];
	}

	close(): void {
		for (const w of this.watchers.values()) this.hub.remove(w);
		this.watchers.clear();
		this.closed = true;
	}

	/** @internal Forgets a watcher the hub canceled. */
	drop(id: number): void {
		this.watchers.delete(id);
	}

	/**
	 * @internal Filters, adds prev_kv and sends events; nothing if every event was filtered.
	 * `prevs` (live events) holds each event's replaced kv; without it (catch-up) the store is
	 * asked for the key as of the revision before the event.
	 */
	sendEvents(
		w: Watcher,
		events: Event[],
		revision: number,
		prevs?: (KeyValue | undefined)[]
	): void {
		const out: Event[] = [];
		for (let i = 0; i < events.length; i++) {
			const ev = events[i];
			if (ev.type === 'PUT' ? w.noPut : w.noDelete) continue;
			const e: Event = { type: ev.type, kv: ev.kv };
			if (w.prevKv && !(ev.type === 'PUT' && ev.kv.version === 1)) {
				const prev: KeyValue | undefined = prevs
					? prevs[i]
					: this.hub.store.get(ev.kv.key, ev.kv.mod_revision - 1);
				if (prev) e.prev_kv = { ...prev };
			}
			out.push(e);
		}
		if (out.length === 0) return;
		w.quiet = false;
		this.emit({ ...blank(w.id, revision), events: out });
	}

	/** @internal */
	emit(resp: WatchStreamResponse): void {
		if (!this.closed) this.sink(resp);
	}

	private refuse(reason: string): number {
		this.emit({
			...blank(INVALID_WATCH_ID, this.hub.store.currentRevision),
			created: true,
			canceled: true,
			cancel_reason: reason
		});
		return INVALID_WATCH_ID;
	}
}
