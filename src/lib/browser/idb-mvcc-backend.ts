/**
 * The MVCC store's backend in IndexedDB, laid out the way bolt lays out etcd's key bucket:
 * revision records in revision order, grouped into pages. A page ("segment") holds up to
 * SEGMENT_RECORDS consecutive records (fewer once it holds SEGMENT_BYTES) and is keyed by the [main, sub] revision of its first
 * record (IndexedDB orders array keys element by element, so segments scan in revision order).
 * User keys are never keys here. Leases are keyed by ID, and there is one meta record.
 *
 * Why pages and not one row per revision: Chromium pays per row on read, and a restore of
 * 100,000 one-record rows took seconds; a few hundred pages read in a fraction of that.
 * Compaction rewrites only the pages that lose records.
 *
 * Each batch is one readwrite transaction over all three stores, so it lands whole or not at all.
 */
import { deleteDB, openDB, type DBSchema, type IDBPDatabase, type IDBPObjectStore } from 'idb';
import type {
	BackendBatch,
	BackendContents,
	BackendMeta,
	LeaseRecord,
	MvccBackend,
	RevisionRecord
} from '$lib/engine/mvcc/backend';
import { emptyMeta } from '$lib/engine/mvcc/backend';
import { bytesKey, fromBytesKey } from '$lib/engine/util/bytes';

type RevKey = [number, number];

interface MvccSchema extends DBSchema {
	/** Encoded records (see encodeSegment), keyed by the revision of the first one. */
	segments: { key: RevKey; value: string };
	/** Keyed by the decimal lease ID: bigint is a valid value but not a valid key. */
	leases: { key: string; value: LeaseRecord };
	meta: { key: string; value: BackendMeta };
}

const VERSION = 2;
const META_KEY = 'meta';
/** Records per segment: big enough to make reads cheap, small enough to append to often. */
const SEGMENT_RECORDS = 256;
/**
 * A segment also closes at this many characters (bytes, one per char). Appending rewrites the
 * newest segment, so this caps what one batch rewrites: 256 records of 1 KiB values made each
 * batch rewrite about 340 KB, which took 20-450 ms on a shared backing store.
 */
const SEGMENT_BYTES = 32 * 1024;

export interface IdbMvccOptions {
	/**
	 * 'relaxed' (default) lets the browser skip the OS flush after each batch (a committed
	 * batch still survives closing the tab; only an OS crash can lose it); 'strict' flushes
	 * like etcd's fsync, at a large cost in write throughput.
	 */
	durability?: IDBTransactionDurability;
	/** Records per segment (default 256); small values are for tests. */
	segmentRecords?: number;
	/** Characters after which a segment takes no more records (default 32 KiB). */
	segmentBytes?: number;
}

/** What the backend knows about a segment without reading it. */
interface SegmentInfo {
	key: RevKey;
	count: number;
	/** The encoded text, kept for the newest segment only (appended to on every batch). */
	text?: string;
}

function cmp(a: RevKey, b: RevKey): number {
	return a[0] - b[0] || a[1] - b[1];
}

export class IdbMvccBackend implements MvccBackend {
	private readonly db: IDBPDatabase<MvccSchema>;
	private readonly durability: IDBTransactionDurability;
	/** Every segment in revision order; null until read from the database. */
	private segments: SegmentInfo[] | null = null;

	private readonly segmentRecords: number;
	private readonly segmentBytes: number;

	private constructor(
		db: IDBPDatabase<MvccSchema>,
		durability: IDBTransactionDurability,
		segmentRecords: number,
		segmentBytes: number
	) {
		this.db = db;
		this.durability = durability;
		this.segmentRecords = segmentRecords;
		this.segmentBytes = segmentBytes;
	}

	/** Opens (creating if needed) the database `name`, one per etcd member. */
	static async open(name: string, options: IdbMvccOptions = {}): Promise<IdbMvccBackend> {
		const db = await openDB<MvccSchema>(name, VERSION, {
			upgrade(db, oldVersion) {
				// Version 1 stored one row per revision; nothing has shipped with it.
				const raw = db as unknown as IDBPDatabase;
				if (raw.objectStoreNames.contains('revisions')) raw.deleteObjectStore('revisions');
				if (oldVersion < 1) {
					db.createObjectStore('leases');
					db.createObjectStore('meta');
				}
				db.createObjectStore('segments');
			}
		});
		return new IdbMvccBackend(
			db,
			options.durability ?? 'relaxed',
			options.segmentRecords ?? SEGMENT_RECORDS,
			options.segmentBytes ?? SEGMENT_BYTES
		);
	}

	/** Deletes the database `name` (close any open backend on it first). */
	static async destroy(name: string): Promise<void> {
		await deleteDB(name);
	}

	async load(): Promise<BackendContents> {
		const tx = this.db.transaction(['segments', 'leases', 'meta'], 'readonly');
		const [texts, leases, meta] = await Promise.all([
			tx.objectStore('segments').getAll(),
			tx.objectStore('leases').getAll(),
			tx.objectStore('meta').get(META_KEY)
		]);
		await tx.done;
		const revisions: RevisionRecord[] = [];
		const segments: SegmentInfo[] = [];
		for (const text of texts) {
			const records = decodeSegment(text);
			if (records.length === 0) continue;
			segments.push({ key: [records[0].main, records[0].sub], count: records.length });
			for (const r of records) revisions.push(r);
		}
		if (segments.length > 0) segments[segments.length - 1].text = texts[texts.length - 1];
		this.segments = segments;
		return { revisions, leases, meta: meta ?? emptyMeta() };
	}

	/** Writes one batch atomically. Calls must not overlap (MvccStore.flush chains them). */
	async write(batch: BackendBatch): Promise<void> {
		if (!this.segments && !batch.reset) await this.load();
		const tx = this.db.transaction(['segments', 'leases', 'meta'], 'readwrite', {
			durability: this.durability
		});
		try {
			const store = tx.objectStore('segments');
			const leases = tx.objectStore('leases');
			// Requests are queued without awaiting each one: the transaction runs them in order.
			const requests: Promise<unknown>[] = [];
			if (batch.reset) {
				requests.push(store.clear(), leases.clear());
				this.segments = [];
			}
			const segments = this.segments!;
			if (batch.deletes.length > 0) await this.removeRecords(store, segments, batch.deletes);
			if (batch.puts.length > 0) this.appendRecords(store, segments, batch.puts, requests);
			for (const id of batch.leaseDeletes) requests.push(leases.delete(id.toString()));
			for (const l of batch.leasePuts) requests.push(leases.put(l, l.id.toString()));
			requests.push(tx.objectStore('meta').put(batch.meta, META_KEY));
			await Promise.all([...requests, tx.done]);
		} catch (e) {
			// What we believed about the segments may not have been written: read them again.
			this.segments = null;
			try {
				tx.abort();
			} catch {
				// Already finished or aborted.
			}
			throw e;
		}
	}

	close(): void {
		this.db.close();
	}

	/** Compaction: rewrites each segment that holds deleted revisions, in place. */
	private async removeRecords(
		store: IDBPObjectStore<MvccSchema, ('segments' | 'leases' | 'meta')[], 'segments', 'readwrite'>,
		segments: SegmentInfo[],
		deletes: RevKey[]
	): Promise<void> {
		const bySegment = new Map<number, Set<string>>();
		for (const d of deletes) {
			const i = segmentFor(segments, d);
			if (i < 0) continue;
			let set = bySegment.get(i);
			if (!set) bySegment.set(i, (set = new Set()));
			set.add(`${d[0]}_${d[1]}`);
		}
		const emptied: number[] = [];
		for (const [i, gone] of bySegment) {
			const seg = segments[i];
			const text = seg.text ?? (await store.get(seg.key));
			if (text === undefined) continue;
			const kept = splitSegment(text).filter((e) => !gone.has(`${e.main}_${e.sub}`));
			await store.delete(seg.key);
			if (kept.length === 0) {
				emptied.push(i);
				continue;
			}
			const newText = kept.map((e) => e.chunk).join('');
			seg.key = [kept[0].main, kept[0].sub];
			seg.count = kept.length;
			if (seg.text !== undefined) seg.text = newText;
			await store.put(newText, seg.key);
		}
		for (const i of emptied.sort((a, b) => b - a)) segments.splice(i, 1);
		const last = segments[segments.length - 1];
		if (last && last.text === undefined) last.text = await store.get(last.key);
	}

	/** New revisions go to the end: fill the newest segment, then open new ones. */
	private appendRecords(
		store: IDBPObjectStore<MvccSchema, ('segments' | 'leases' | 'meta')[], 'segments', 'readwrite'>,
		segments: SegmentInfo[],
		puts: RevisionRecord[],
		requests: Promise<unknown>[]
	): void {
		const sorted = puts.slice().sort((a, b) => a.main - b.main || a.sub - b.sub);
		const full = (count: number, text: string) =>
			count >= this.segmentRecords || text.length >= this.segmentBytes;
		let i = 0;
		const last = segments[segments.length - 1];
		if (last && last.text !== undefined && !full(last.count, last.text)) {
			let text = last.text;
			while (i < sorted.length && !full(last.count, text)) {
				text += encodeEntry(sorted[i++]);
				last.count++;
			}
			last.text = text;
			requests.push(store.put(text, last.key));
		}
		while (i < sorted.length) {
			const first = sorted[i];
			const seg: SegmentInfo = { key: [first.main, first.sub], count: 0 };
			let text = '';
			while (i < sorted.length && !full(seg.count, text)) {
				text += encodeEntry(sorted[i++]);
				seg.count++;
			}
			const prev = segments[segments.length - 1];
			if (prev) delete prev.text;
			seg.text = text;
			segments.push(seg);
			requests.push(store.put(text, seg.key));
		}
	}
}

/** The index of the segment that would hold revision `r` (-1 if before the first). */
function segmentFor(segments: SegmentInfo[], r: RevKey): number {
	let lo = 0;
	let hi = segments.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (cmp(segments[mid].key, r) <= 0) lo = mid + 1;
		else hi = mid;
	}
	return lo - 1;
}

/**
 * A revision record as one string: "main,sub,create,mod,version,lease,tombstone,keyLength|"
 * then the key and value bytes, one char per byte. Chromium clones one-byte strings far faster
 * than objects holding typed arrays.
 */
export function encodeRecord(r: RevisionRecord): string {
	const kv = r.kv;
	const head = `${r.main},${r.sub},${kv.create_revision},${kv.mod_revision},${kv.version},${kv.lease},${r.tombstone ? 1 : 0},${kv.key.length}|`;
	return head + bytesKey(kv.key) + bytesKey(kv.value);
}

export function decodeRecord(s: string): RevisionRecord {
	const bar = s.indexOf('|');
	const f = s.slice(0, bar).split(',');
	const keyEnd = bar + 1 + Number(f[7]);
	return {
		main: Number(f[0]),
		sub: Number(f[1]),
		tombstone: f[6] === '1',
		kv: {
			key: fromBytesKey(s.slice(bar + 1, keyEnd)),
			create_revision: Number(f[2]),
			mod_revision: Number(f[3]),
			version: Number(f[4]),
			value: fromBytesKey(s.slice(keyEnd)),
			lease: BigInt(f[5])
		}
	};
}

/** One record inside a segment: its length, ':', then the encoded record. */
function encodeEntry(r: RevisionRecord): string {
	const rec = encodeRecord(r);
	return `${rec.length}:${rec}`;
}

/** A segment's entries with their revisions, without decoding keys and values. */
function splitSegment(text: string): { main: number; sub: number; chunk: string }[] {
	const out: { main: number; sub: number; chunk: string }[] = [];
	let pos = 0;
	while (pos < text.length) {
		const colon = text.indexOf(':', pos);
		const end = colon + 1 + Number(text.slice(pos, colon));
		const c1 = text.indexOf(',', colon + 1);
		const c2 = text.indexOf(',', c1 + 1);
		out.push({
			main: Number(text.slice(colon + 1, c1)),
			sub: Number(text.slice(c1 + 1, c2)),
			chunk: text.slice(pos, end)
		});
		pos = end;
	}
	return out;
}

export function decodeSegment(text: string): RevisionRecord[] {
	const out: RevisionRecord[] = [];
	let pos = 0;
	while (pos < text.length) {
		const colon = text.indexOf(':', pos);
		const end = colon + 1 + Number(text.slice(pos, colon));
		out.push(decodeRecord(text.slice(colon + 1, end)));
		pos = end;
	}
	return out;
}
