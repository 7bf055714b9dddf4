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
 * A segment is binary (version 3, see SegmentWriter): the records' fixed fields and values in
 * one ArrayBuffer, which IndexedDB hands back with one copy, and their keys as one string of
 * one char per byte, which is what the store's key index is keyed by. A restart therefore
 * copies each value out with one slice instead of converting it char by char. Segments written
 * by version 2 (one string per segment, see decodeTextSegment) are still read, and rewritten
 * in the binary form when compaction touches them; new records never go into them.
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
import { fromBytesKey } from '$lib/engine/util/bytes';

type RevKey = [number, number];

/** A segment as stored since version 3. */
export interface BinarySegment {
	/** The records' keys, one char per byte, back to back. */
	keys: string;
	/** The records, each a RECORD_HEAD-byte header then its value (see SegmentWriter). */
	data: ArrayBuffer;
}

/** A version 2 segment is a string (see decodeTextSegment). */
type StoredSegment = BinarySegment | string;

interface MvccSchema extends DBSchema {
	/** Segments keyed by the revision of their first record. */
	segments: { key: RevKey; value: StoredSegment };
	/** Keyed by the decimal lease ID: bigint is a valid value but not a valid key. */
	leases: { key: string; value: LeaseRecord };
	meta: { key: string; value: BackendMeta };
}

/** 3: binary segments. Version 2's text segments stay where they are and are read as they are. */
const VERSION = 3;
const META_KEY = 'meta';
/** Records per segment: big enough to make reads cheap, small enough to append to often. */
const SEGMENT_RECORDS = 256;
/**
 * A segment also closes at this many bytes (value bytes, headers and key chars). Appending
 * rewrites the newest segment, so this caps what one batch rewrites: 256 records of 1 KiB
 * values made each batch rewrite about 340 KB, which took 20-450 ms on a shared backing store.
 */
const SEGMENT_BYTES = 32 * 1024;
/**
 * Closed segments are merged into one once they hold this many bytes. Chromium keeps values
 * above about 64 KB out of its LevelDB, and reads them about three times as fast: 48 MB read
 * back in 1.2-1.9 s as 24 KB or 60 KB rows, in 0.4-0.5 s as 96 KB or 1 MB rows (loaded
 * machine). Appends still rewrite only the small newest segment; each byte is written once
 * more when its segment is merged.
 */
const MERGE_BYTES = 512 * 1024;
/** Segments per read request when loading. */
const READ_CHUNK = 32;

export interface IdbMvccOptions {
	/**
	 * 'relaxed' (default) lets the browser skip the OS flush after each batch (a committed
	 * batch still survives closing the tab; only an OS crash can lose it); 'strict' flushes
	 * like etcd's fsync, at a large cost in write throughput.
	 */
	durability?: IDBTransactionDurability;
	/** Records per segment (default 256); small values are for tests. */
	segmentRecords?: number;
	/** Bytes after which a segment takes no more records (default 32 KiB). */
	segmentBytes?: number;
	/** Bytes of closed segments merged into one (default 512 KiB); small values are for tests. */
	mergeBytes?: number;
}

/** What the backend knows about a segment without reading it. */
interface SegmentInfo {
	key: RevKey;
	count: number;
	/** The newest segment's contents, appended to on every batch (binary segments only). */
	tail?: SegmentWriter;
	/**
	 * A closed small segment's contents, kept until it is merged into a large one (binary
	 * segments after the last large one only).
	 */
	closed?: BinarySegment;
}

function cmp(a: RevKey, b: RevKey): number {
	return a[0] - b[0] || a[1] - b[1];
}

export class IdbMvccBackend implements MvccBackend {
	private readonly db: IDBPDatabase<MvccSchema>;
	private readonly durability: IDBTransactionDurability;
	/** Every segment in revision order; null until read from the database. */
	private segments: SegmentInfo[] | null = null;
	/** A read started by prefetch() that no load() has taken yet. */
	private prefetched: Promise<BackendContents> | null = null;

	private readonly segmentRecords: number;
	private readonly segmentBytes: number;
	private readonly mergeBytes: number;

	private constructor(
		db: IDBPDatabase<MvccSchema>,
		durability: IDBTransactionDurability,
		segmentRecords: number,
		segmentBytes: number,
		mergeBytes: number
	) {
		this.db = db;
		this.durability = durability;
		this.segmentRecords = segmentRecords;
		this.segmentBytes = segmentBytes;
		this.mergeBytes = mergeBytes;
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
				// 2 -> 3 changes no store: text segments are read as they are.
				if (oldVersion < 2) db.createObjectStore('segments');
			}
		});
		return new IdbMvccBackend(
			db,
			options.durability ?? 'relaxed',
			options.segmentRecords ?? SEGMENT_RECORDS,
			options.segmentBytes ?? SEGMENT_BYTES,
			options.mergeBytes ?? MERGE_BYTES
		);
	}

	/** Deletes the database `name` (close any open backend on it first). */
	static async destroy(name: string): Promise<void> {
		await deleteDB(name);
	}

	/** Starts reading the whole backend now; the next load() returns that read. */
	prefetch(): void {
		if (this.prefetched) return;
		this.prefetched = this.read();
		// Reported by the load() that takes it.
		this.prefetched.catch(() => undefined);
	}

	async load(): Promise<BackendContents> {
		const p = this.prefetched;
		this.prefetched = null;
		return p ?? this.read();
	}

	private async read(): Promise<BackendContents> {
		const tx = this.db.transaction(['segments', 'leases', 'meta'], 'readonly');
		const store = tx.objectStore('segments');
		const leasesRead = tx.objectStore('leases').getAll();
		const metaRead = tx.objectStore('meta').get(META_KEY);
		// The segments in chunks, all asked for at once: each chunk is decoded here while the
		// browser reads the next ones, instead of after the whole history has arrived.
		const ids = await store.getAllKeys();
		const chunks: Promise<StoredSegment[]>[] = [];
		for (let i = 0; i < ids.length; i += READ_CHUNK) {
			const hi = ids[Math.min(i + READ_CHUNK, ids.length) - 1];
			chunks.push(store.getAll(IDBKeyRange.bound(ids[i], hi)));
		}
		const revisions: RevisionRecord[] = [];
		const keys: string[] = [];
		const segments: SegmentInfo[] = [];
		let last: StoredSegment | undefined;
		let pendingBytes = 0;
		try {
			for (const chunk of chunks) {
				for (const seg of await chunk) {
					const before = revisions.length;
					if (typeof seg === 'string') decodeTextSegment(seg, revisions, keys);
					else decodeBinarySegment(seg, revisions, keys);
					if (revisions.length === before) continue;
					const info: SegmentInfo = {
						key: [revisions[before].main, revisions[before].sub],
						count: revisions.length - before
					};
					// The last small binary segments wait to be merged (up to mergeBytes of them:
					// older runs, as written before merging existed, stay as they are).
					const size = typeof seg === 'string' ? Infinity : segmentSize(seg);
					if (pendingBytes + size > this.mergeBytes) {
						for (const s of segments) delete s.closed;
						pendingBytes = 0;
					}
					if (typeof seg !== 'string' && size < this.mergeBytes / 2) {
						info.closed = seg;
						pendingBytes += size;
					}
					segments.push(info);
					last = seg;
				}
			}
		} catch (e) {
			for (const c of chunks) c.catch(() => undefined);
			throw e;
		}
		const [leases, meta] = await Promise.all([leasesRead, metaRead, tx.done]);
		if (last !== undefined && typeof last !== 'string') {
			const newest = segments[segments.length - 1];
			newest.tail = SegmentWriter.from(last, newest.count);
			delete newest.closed;
		}
		this.segments = segments;
		return { revisions, keys, leases, meta: meta ?? emptyMeta() };
	}

	/** Writes one batch atomically. Calls must not overlap (MvccStore.flush chains them). */
	async write(batch: BackendBatch): Promise<void> {
		// A prefetched read may predate the last failed write: never trust it here.
		this.prefetched = null;
		if (!this.segments && !batch.reset) await this.read();
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
			const stored = seg.tail ? seg.tail.segment() : await store.get(seg.key);
			if (stored === undefined) continue;
			const kept = new SegmentWriter();
			if (typeof stored === 'string') {
				const records: RevisionRecord[] = [];
				decodeTextSegment(stored, records, []);
				for (const r of records) if (!gone.has(`${r.main}_${r.sub}`)) kept.add(r);
			} else {
				kept.copyFrom(stored, (main, sub) => !gone.has(`${main}_${sub}`));
			}
			await store.delete(seg.key);
			if (kept.count === 0) {
				emptied.push(i);
				continue;
			}
			seg.key = [kept.firstMain, kept.firstSub];
			seg.count = kept.count;
			if (seg.tail) seg.tail = kept;
			await store.put(kept.segment(), seg.key);
		}
		for (const i of emptied.sort((a, b) => b - a)) segments.splice(i, 1);
		// Segments rewritten here stay as they are: merging starts again after them.
		for (const seg of segments) delete seg.closed;
		const last = segments[segments.length - 1];
		if (last && !last.tail) {
			const stored = await store.get(last.key);
			if (stored !== undefined && typeof stored !== 'string') {
				last.tail = SegmentWriter.from(stored, last.count);
			}
		}
	}

	/** New revisions go to the end: fill the newest segment, then open new ones. */
	private appendRecords(
		store: IDBPObjectStore<MvccSchema, ('segments' | 'leases' | 'meta')[], 'segments', 'readwrite'>,
		segments: SegmentInfo[],
		puts: RevisionRecord[],
		requests: Promise<unknown>[]
	): void {
		const sorted = puts.slice().sort((a, b) => a.main - b.main || a.sub - b.sub);
		const full = (w: SegmentWriter) =>
			w.count >= this.segmentRecords || w.size >= this.segmentBytes;
		let i = 0;
		const last = segments[segments.length - 1];
		if (last?.tail && !full(last.tail)) {
			const w = last.tail;
			while (i < sorted.length && !full(w)) w.add(sorted[i++]);
			last.count = w.count;
			requests.push(store.put(w.segment(), last.key));
		}
		while (i < sorted.length) {
			const first = sorted[i];
			const w = new SegmentWriter();
			while (i < sorted.length && !full(w)) w.add(sorted[i++]);
			const prev = segments[segments.length - 1];
			if (prev?.tail) {
				prev.closed = prev.tail.segment();
				delete prev.tail;
				this.mergeClosed(store, segments, requests);
			}
			segments.push({ key: [first.main, first.sub], count: w.count, tail: w });
			requests.push(store.put(w.segment(), [first.main, first.sub]));
		}
	}

	/** Merges the closed small segments at the end into one once they hold mergeBytes. */
	private mergeClosed(
		store: IDBPObjectStore<MvccSchema, ('segments' | 'leases' | 'meta')[], 'segments', 'readwrite'>,
		segments: SegmentInfo[],
		requests: Promise<unknown>[]
	): void {
		let start = segments.length;
		let bytes = 0;
		while (start > 0 && segments[start - 1].closed) bytes += segmentSize(segments[--start].closed!);
		if (bytes < this.mergeBytes || segments.length - start < 2) return;
		const merged = new SegmentWriter();
		for (const seg of segments.slice(start)) {
			merged.copyFrom(seg.closed!, () => true);
			requests.push(store.delete(seg.key));
		}
		const info: SegmentInfo = { key: segments[start].key, count: merged.count };
		segments.splice(start, segments.length - start, info);
		requests.push(store.put(merged.segment(), info.key));
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

// ---- binary segments (version 3) ----

function segmentSize(seg: BinarySegment): number {
	return seg.data.byteLength + seg.keys.length;
}

/**
 * A record's header in `data`, little-endian, then its value bytes:
 *
 *   0 main f64 | 8 sub u32 | 12 create_revision f64 | 20 mod_revision f64 | 28 version f64
 *   36 lease (u64, or i64 when flag 2) | 44 key length u32 | 48 value length u32
 *   52 flags u8: 1 tombstone, 2 negative lease
 *
 * The key's bytes are the next `key length` chars of the segment's `keys` string.
 */
const RECORD_HEAD = 53;

/** Builds a binary segment; the newest segment keeps one to append to. */
export class SegmentWriter {
	keys = '';
	count = 0;
	firstMain = 0;
	firstSub = 0;
	private buf = new Uint8Array(1024);
	private view = new DataView(this.buf.buffer);
	private len = 0;

	/** A writer holding a stored segment's records, ready to take more. */
	static from(seg: BinarySegment, count: number): SegmentWriter {
		const w = new SegmentWriter();
		w.ensure(seg.data.byteLength);
		w.buf.set(new Uint8Array(seg.data), 0);
		w.len = seg.data.byteLength;
		w.keys = seg.keys;
		w.count = count;
		if (w.len >= RECORD_HEAD) {
			w.firstMain = w.view.getFloat64(0, true);
			w.firstSub = w.view.getUint32(8, true);
		}
		return w;
	}

	/** What a batch rewrites: value bytes, headers and key chars. */
	get size(): number {
		return this.len + this.keys.length;
	}

	add(r: RevisionRecord): void {
		const kv = r.kv;
		const value = kv.value;
		this.ensure(RECORD_HEAD + value.length);
		const v = this.view;
		const at = this.len;
		v.setFloat64(at, r.main, true);
		v.setUint32(at + 8, r.sub, true);
		v.setFloat64(at + 12, kv.create_revision, true);
		v.setFloat64(at + 20, kv.mod_revision, true);
		v.setFloat64(at + 28, kv.version, true);
		const negative = kv.lease < 0n;
		if (negative) v.setBigInt64(at + 36, kv.lease, true);
		else v.setBigUint64(at + 36, kv.lease, true);
		v.setUint32(at + 44, kv.key.length, true);
		v.setUint32(at + 48, value.length, true);
		v.setUint8(at + 52, (r.tombstone ? 1 : 0) | (negative ? 2 : 0));
		this.buf.set(value, at + RECORD_HEAD);
		this.len = at + RECORD_HEAD + value.length;
		this.keys += bytesToChars(kv.key);
		this.noteFirst(r.main, r.sub);
	}

	/** Copies the records of `seg` that `keep` accepts, without decoding them. */
	copyFrom(seg: BinarySegment, keep: (main: number, sub: number) => boolean): void {
		const data = new Uint8Array(seg.data);
		const v = new DataView(seg.data);
		let pos = 0;
		let kpos = 0;
		while (pos < data.length) {
			const main = v.getFloat64(pos, true);
			const sub = v.getUint32(pos + 8, true);
			const klen = v.getUint32(pos + 44, true);
			const end = pos + RECORD_HEAD + v.getUint32(pos + 48, true);
			if (keep(main, sub)) {
				this.ensure(end - pos);
				this.buf.set(data.subarray(pos, end), this.len);
				this.len += end - pos;
				this.keys += seg.keys.slice(kpos, kpos + klen);
				this.noteFirst(main, sub);
			}
			pos = end;
			kpos += klen;
		}
	}

	/** The segment as stored: copies, so later appends do not change what was handed out. */
	segment(): BinarySegment {
		return { keys: this.keys, data: this.buf.buffer.slice(0, this.len) };
	}

	private noteFirst(main: number, sub: number): void {
		if (this.count === 0) {
			this.firstMain = main;
			this.firstSub = sub;
		}
		this.count++;
	}

	private ensure(more: number): void {
		if (this.len + more <= this.buf.length) return;
		let cap = this.buf.length * 2;
		while (cap < this.len + more) cap *= 2;
		const next = new Uint8Array(cap);
		next.set(this.buf.subarray(0, this.len));
		this.buf = next;
		this.view = new DataView(next.buffer);
	}
}

/** Appends the records of a binary segment to `out`, and their keys as bytesKey strings. */
export function decodeBinarySegment(
	seg: BinarySegment,
	out: RevisionRecord[],
	keys: string[]
): void {
	const data = new Uint8Array(seg.data);
	const v = new DataView(seg.data);
	const text = seg.keys;
	let pos = 0;
	let kpos = 0;
	while (pos < data.length) {
		const klen = v.getUint32(pos + 44, true);
		const vlen = v.getUint32(pos + 48, true);
		const flags = v.getUint8(pos + 52);
		const key = text.slice(kpos, kpos + klen);
		const start = pos + RECORD_HEAD;
		out.push({
			main: v.getFloat64(pos, true),
			sub: v.getUint32(pos + 8, true),
			tombstone: (flags & 1) !== 0,
			kv: {
				key: fromBytesKey(key),
				create_revision: v.getFloat64(pos + 12, true),
				mod_revision: v.getFloat64(pos + 20, true),
				version: v.getFloat64(pos + 28, true),
				// Its own copy: a view would drag the whole segment into every structured clone.
				value: data.slice(start, start + vlen),
				lease: flags & 2 ? v.getBigInt64(pos + 36, true) : v.getBigUint64(pos + 36, true)
			}
		});
		keys.push(key);
		pos = start + vlen;
		kpos += klen;
	}
}

function bytesToChars(b: Uint8Array): string {
	// Keys are short (etcd caps a request at 1.5 MiB); apply takes up to ~64k arguments.
	if (b.length < 8192) return String.fromCharCode.apply(null, b as unknown as number[]);
	let s = '';
	for (let i = 0; i < b.length; i += 8192) {
		s += String.fromCharCode.apply(null, b.subarray(i, i + 8192) as unknown as number[]);
	}
	return s;
}

// ---- text segments (version 2, read only) ----

/**
 * A version 2 record as one string: "main,sub,create,mod,version,lease,tombstone,keyLength|"
 * then the key and value bytes, one char per byte. Kept to write old-format data in tests.
 */
export function encodeTextRecord(r: RevisionRecord): string {
	const kv = r.kv;
	const head = `${r.main},${r.sub},${kv.create_revision},${kv.mod_revision},${kv.version},${kv.lease},${r.tombstone ? 1 : 0},${kv.key.length}|`;
	return head + bytesToChars(kv.key) + bytesToChars(kv.value);
}

/** A version 2 segment: each record as its length, ':', then encodeTextRecord's string. */
export function encodeTextSegment(records: RevisionRecord[]): string {
	return records
		.map((r) => {
			const rec = encodeTextRecord(r);
			return `${rec.length}:${rec}`;
		})
		.join('');
}

/** Appends the records of a version 2 segment to `out`, and their keys as bytesKey strings. */
export function decodeTextSegment(text: string, out: RevisionRecord[], keys: string[]): void {
	let pos = 0;
	while (pos < text.length) {
		const colon = text.indexOf(':', pos);
		const end = colon + 1 + Number(text.slice(pos, colon));
		if (colon < 0 || !(end > colon) || end > text.length) {
			throw new Error(`corrupt segment at char ${pos}`);
		}
		const bar = text.indexOf('|', colon + 1);
		const f = text.slice(colon + 1, bar).split(',');
		const keyEnd = bar + 1 + Number(f[7]);
		const key = text.slice(bar + 1, keyEnd);
		out.push({
			main: Number(f[0]),
			sub: Number(f[1]),
			tombstone: f[6] === '1',
			kv: {
				key: fromBytesKey(key),
				create_revision: Number(f[2]),
				mod_revision: Number(f[3]),
				version: Number(f[4]),
				value: fromBytesKey(text.slice(keyEnd, end)),
				lease: BigInt(f[5])
			}
		});
		keys.push(key);
		pos = end;
	}
}
