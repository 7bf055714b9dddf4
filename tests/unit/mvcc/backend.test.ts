import { afterEach, describe, expect, it } from 'vitest';
import { MvccStore } from '$lib/engine/mvcc/store';
import {
	MemoryBackend,
	type BackendBatch,
	type BackendMeta,
	type LeaseRecord,
	type MvccBackend,
	type RevisionRecord
} from '$lib/engine/mvcc/backend';
import { Lessor } from '$lib/engine/lease/lessor';
import { IdbMvccBackend, encodeTextSegment } from '$lib/browser/idb-mvcc-backend';
import { openDB } from 'idb';
import { b, get, put, s } from './helpers';
import { SeededRng } from '$lib/engine/util/rand';

let dbCount = 0;
const opened: IdbMvccBackend[] = [];
afterEach(() => {
	for (const db of opened.splice(0)) db.close();
});

const kinds: [string, () => Promise<MvccBackend & { reopen: () => Promise<MvccBackend> }>][] = [
	[
		'memory',
		async () => {
			const m = new MemoryBackend();
			return Object.assign(m, { reopen: async () => m });
		}
	],
	[
		'indexeddb',
		async () => {
			const name = `mvcc-test-${dbCount++}`;
			const db = await IdbMvccBackend.open(name);
			opened.push(db);
			return Object.assign(db, {
				reopen: async () => {
					const again = await IdbMvccBackend.open(name);
					opened.push(again);
					return again;
				}
			});
		}
	]
];

/** A history touching every kind of record: puts, deletes, a txn, leases, a compaction. */
function scenario(store: MvccStore, lessor: Lessor) {
	lessor.grant(1n, 60);
	lessor.grant(2n, 90);
	store.setConsistentIndex(5, 2);
	put(store, 'a', '1');
	put(store, 'b', '1', 1n);
	put(store, 'a', '2');
	store.deleteRange({ key: b('b') });
	put(store, 'c', 'x', 2n);
	store.txn({
		compare: [],
		success: [
			{ request_put: { key: b('d'), value: new Uint8Array([0, 255, 7]) } },
			{ request_delete_range: { key: b('a') } }
		],
		failure: []
	});
	store.compact(4);
	put(store, 'e', 'last');
	// Keys and values with every awkward byte: separators, NUL, high bytes.
	store.put({
		key: new Uint8Array([0x7c, 0x2c, 0, 0xff, 0x80]),
		value: new Uint8Array([0x7c, 0, 0xfe])
	});
	lessor.revoke(1n);
	store.setConsistentIndex(12, 3);
}

describe.each(kinds)('%s backend', (_name, make) => {
	it('restore returns the identical state and hash', async () => {
		const backend = await make();
		const store = await MvccStore.open(backend);
		const lessor = new Lessor(store);
		scenario(store, lessor);
		await store.flush();

		const again = await MvccStore.open(await backend.reopen());
		const lessor2 = new Lessor(again);
		expect(again.currentRevision).toBe(store.currentRevision);
		expect(again.compactRevision).toBe(4);
		expect(again.consistentIndex).toBe(12);
		expect(again.consistentTerm).toBe(3);
		expect(again.hash()).toEqual(store.hash());
		expect(again.hashKV(0)).toEqual(store.hashKV(0));
		expect(again.snapshot()).toEqual(store.snapshot());
		expect(lessor2.leases()).toEqual([2n]);
		expect(lessor2.lookup(2n)!.keys.map(s)).toEqual(['c']);
		const all = { key: new Uint8Array([0]), range_end: new Uint8Array([0]) };
		expect(again.range(all)).toEqual(store.range(all));
		expect(Array.from(get(again, 'd').value)).toEqual([0, 255, 7]);
		// The restored store goes on from where it was.
		put(again, 'f', '1');
		expect(again.currentRevision).toBe(store.currentRevision + 1);
	});

	it('batches written in several flushes add up; unflushed writes are lost', async () => {
		const backend = await make();
		const store = await MvccStore.open(backend);
		put(store, 'a', '1');
		await store.flush();
		put(store, 'a', '2');
		put(store, 'b', '1');
		store.setConsistentIndex(3);
		await store.flush();
		put(store, 'c', 'never flushed');
		const again = await MvccStore.open(await backend.reopen());
		expect(again.currentRevision).toBe(4);
		expect(again.consistentIndex).toBe(3);
		expect(get(again, 'c')).toBeUndefined();
		expect(s(get(again, 'a').value)).toBe('2');
	});

	it('restore(snapshot) rewrites the backend from scratch', async () => {
		const backend = await make();
		const store = await MvccStore.open(backend);
		put(store, 'old', '1');
		await store.flush();
		const source = new MvccStore();
		const sl = new Lessor(source);
		sl.grant(3n, 30);
		put(source, 'x', '1', 3n);
		put(source, 'y', '1');
		const lessor = new Lessor(store);
		store.restore(source.snapshot());
		expect(lessor.leases()).toEqual([3n]);
		await store.flush();
		const again = await MvccStore.open(await backend.reopen());
		expect(again.hash()).toEqual(source.hash());
		expect(get(again, 'old')).toBeUndefined();
	});
});

describe('a backend write that fails', () => {
	/** A memory backend that refuses writes while `full` (a disk out of space). */
	class FullableBackend extends MemoryBackend {
		full = false;
		override async write(batch: BackendBatch): Promise<void> {
			if (this.full) throw new Error('QuotaExceededError');
			return super.write(batch);
		}
	}

	it('is written again with the next flush, under the changes staged since', async () => {
		const backend = new FullableBackend();
		const store = await MvccStore.open(backend);
		const lessor = new Lessor(store);
		put(store, 'a', '1');
		await store.flush();
		backend.full = true;
		// The refused batch: a lease, a put under it, an overwrite, a delete, a compaction.
		lessor.grant(7n, 60);
		put(store, 'b', '1', 7n);
		put(store, 'a', '2');
		store.deleteRange({ key: b('b') });
		store.setConsistentIndex(9, 2);
		await expect(store.flush()).rejects.toThrow('QuotaExceededError');
		// Nothing staged since: flushing again still reports the refusal instead of success.
		await expect(store.flush()).rejects.toThrow('QuotaExceededError');
		backend.full = false;
		// Newer changes overlap the refused ones; the newer state must win.
		lessor.revoke(7n);
		put(store, 'a', '3');
		store.compact(3);
		await store.flush();
		const again = await MvccStore.open(backend);
		expect(again.hash()).toEqual(store.hash());
		expect(again.snapshot()).toEqual(store.snapshot());
		expect(again.consistentIndex).toBe(9);
		expect(new Lessor(again).leases()).toEqual([]);
	});

	it('does not stop later flushes from writing', async () => {
		const backend = new FullableBackend();
		const store = await MvccStore.open(backend);
		backend.full = true;
		put(store, 'x', '1');
		await expect(store.flush()).rejects.toThrow();
		backend.full = false;
		put(store, 'y', '1');
		await store.flush();
		const again = await MvccStore.open(backend);
		expect(s(get(again, 'x').value)).toBe('1');
		expect(s(get(again, 'y').value)).toBe('1');
	});
});

describe('restore speed', () => {
	it('rebuilds 100,000 keys quickly and ranges 10,000 of them fast', () => {
		const store = new MvccStore();
		for (let i = 0; i < 100_000; i++) {
			put(store, `key/${String(i).padStart(6, '0')}`, 'v');
		}
		const snap = store.snapshot();
		let t = performance.now();
		const again = new MvccStore(snap);
		const restoreMs = performance.now() - t;
		t = performance.now();
		const r = again.range({ key: b('key/010000'), range_end: b('key/020000') });
		const rangeMs = performance.now() - t;
		expect(r.count).toBe(10_000);
		expect(again.hash()).toEqual(store.hash());
		// Targets are 1 s and 50 ms; typical here is 300 ms and 15 ms. The bounds leave room for
		// a machine shared with other test runs, so that they catch regressions, not noise.
		expect(restoreMs).toBeLessThan(3000);
		expect(rangeMs).toBeLessThan(200);
	});
});

describe.each([
	[4, undefined, undefined],
	[256, undefined, undefined],
	[256, 80, undefined],
	[4, undefined, 400],
	[256, 80, 300]
])(
	'IndexedDB segments of %i records (byte cap %s, merged at %s bytes) under a random workload',
	(size, bytes, merge) => {
		it('flushes, compactions, restarts and snapshot resets match the memory backend', async () => {
			const rng = new SeededRng(4242);
			const name = `mvcc-random-${dbCount++}`;
			const mem = new MemoryBackend();
			let idb = await IdbMvccBackend.open(name, {
				segmentRecords: size,
				segmentBytes: bytes,
				mergeBytes: merge
			});
			opened.push(idb);
			let a = await MvccStore.open(mem);
			let b2 = await MvccStore.open(idb);
			const check = () => expect(b2.snapshot()).toEqual(a.snapshot());
			for (let step = 0; step < 1000; step++) {
				const roll = rng.next();
				const both = (f: (st: MvccStore) => void) => {
					f(a);
					f(b2);
				};
				if (roll < 0.03) {
					// Keys written once and kept: after compaction, old segments keep just these.
					both((st) => put(st, `cold${step}`, 'c'));
				} else if (roll < 0.6) {
					const k = `k${String(rng.int(300)).padStart(3, '0')}`;
					const v = 'v'.repeat(rng.int(20)) + step;
					both((st) => put(st, k, v));
				} else if (roll < 0.7) {
					const from = `k${String(rng.int(300)).padStart(3, '0')}`;
					const to = `k${String(rng.int(300)).padStart(3, '0')}`;
					both((st) => st.deleteRange({ key: b(from), range_end: b(to) }));
				} else if (roll < 0.71 && a.currentRevision > a.compactRevision + 1) {
					// Compacting a little at a time lets history span many segments.
					const span = Math.max(1, Math.floor((a.currentRevision - a.compactRevision) / 4));
					const rev = a.compactRevision + 1 + rng.int(span);
					both((st) => st.compact(rev));
				} else if (roll < 0.9) {
					await Promise.all([a.flush(), b2.flush()]);
				} else if (roll < 0.93) {
					await Promise.all([a.flush(), b2.flush()]);
					idb.close();
					idb = await IdbMvccBackend.open(name, {
						segmentRecords: size,
						segmentBytes: bytes,
						mergeBytes: merge
					});
					opened.push(idb);
					a = await MvccStore.open(mem);
					b2 = await MvccStore.open(idb);
					check();
				} else if (roll < 0.935) {
					const source = new MvccStore(a.snapshot());
					put(source, 'snap', String(step));
					both((st) => st.restore(source.snapshot()));
				}
			}
			await Promise.all([a.flush(), b2.flush()]);
			idb.close();
			const final = await MvccStore.open(
				await IdbMvccBackend.open(name, {
					segmentRecords: size,
					segmentBytes: bytes,
					mergeBytes: merge
				})
			);
			expect(final.snapshot()).toEqual(a.snapshot());
			expect(final.hash()).toEqual(a.hash());
		});
	}
);

describe('IndexedDB data written by version 2 (text segments)', () => {
	/** Writes `records` the way version 2 did: a database at version 2, one string per segment. */
	async function writeVersion2(
		name: string,
		records: RevisionRecord[],
		leases: LeaseRecord[],
		meta: BackendMeta,
		perSegment: number
	) {
		const db = await openDB(name, 2, {
			upgrade(d) {
				d.createObjectStore('leases');
				d.createObjectStore('meta');
				d.createObjectStore('segments');
			}
		});
		for (let i = 0; i < records.length; i += perSegment) {
			const seg = records.slice(i, i + perSegment);
			await db.put('segments', encodeTextSegment(seg), [seg[0].main, seg[0].sub]);
		}
		for (const l of leases) await db.put('leases', l, l.id.toString());
		await db.put('meta', meta, 'meta');
		db.close();
	}

	it('reads a segment exactly as version 2 wrote it', async () => {
		const name = `mvcc-v2-literal-${dbCount++}`;
		const db = await openDB(name, 2, {
			upgrade(d) {
				d.createObjectStore('leases');
				d.createObjectStore('meta');
				d.createObjectStore('segments');
			}
		});
		// put foo=bar at 2, then foo=\xff\x00 at 3 with lease 7, then delete foo at 4.
		await db.put(
			'segments',
			'22:2,0,2,2,1,0,0,3|foobar21:3,0,2,3,2,7,0,3|foo\xff\x0019:4,0,0,0,0,0,1,3|foo',
			[2, 0]
		);
		await db.put('meta', { consistentIndex: 9, consistentTerm: 2, compactRevision: 0 }, 'meta');
		db.close();
		const store = await MvccStore.open(await IdbMvccBackend.open(name));
		expect(store.currentRevision).toBe(4);
		expect(store.consistentIndex).toBe(9);
		expect(get(store, 'foo')).toBeUndefined();
		const at3 = get(store, 'foo', 3);
		expect([...at3.value]).toEqual([0xff, 0]);
		expect(at3).toMatchObject({ create_revision: 2, mod_revision: 3, version: 2, lease: 7n });
		expect(s(get(store, 'foo', 2).value)).toBe('bar');
	});

	it('loads, takes new writes and compacts over old segments, and reloads the same', async () => {
		const rng = new SeededRng(99);
		const mem = new MemoryBackend();
		const a = await MvccStore.open(mem);
		const lessor = new Lessor(a);
		lessor.grant(5n, 60);
		for (let i = 0; i < 200; i++) {
			const k = `k${rng.int(40)}`;
			if (rng.next() < 0.15) a.deleteRange({ key: b(k) });
			else put(a, k, `v${i}`.repeat(rng.int(4)), i % 7 === 0 ? 5n : 0n);
		}
		a.setConsistentIndex(200, 3);
		await a.flush();
		const saved = await mem.load();
		const name = `mvcc-v2-${dbCount++}`;
		await writeVersion2(name, saved.revisions, saved.leases, saved.meta, 7);

		let idb = await IdbMvccBackend.open(name, { segmentRecords: 8 });
		opened.push(idb);
		let c = await MvccStore.open(idb);
		expect(c.snapshot()).toEqual(a.snapshot());
		expect(c.hash()).toEqual(a.hash());
		// New records go to new (binary) segments; compaction rewrites old ones.
		for (let i = 0; i < 60; i++) {
			const k = `k${rng.int(40)}`;
			for (const st of [a, c]) put(st, k, `w${i}`);
			if (i === 30) for (const st of [a, c]) st.compact(a.currentRevision - 100);
		}
		await Promise.all([a.flush(), c.flush()]);
		idb.close();
		idb = await IdbMvccBackend.open(name, { segmentRecords: 8 });
		opened.push(idb);
		c = await MvccStore.open(idb);
		expect(c.snapshot()).toEqual(a.snapshot());
		expect(c.hash()).toEqual(a.hash());
		for (const st of [a, c]) st.compact(a.currentRevision - 5);
		await Promise.all([a.flush(), c.flush()]);
		idb.close();
		const final = await MvccStore.open(await IdbMvccBackend.open(name));
		expect(final.snapshot()).toEqual(a.snapshot());
	});
});

describe('IndexedDB segment merging', () => {
	it('merges closed small segments into large rows, and reads them back', async () => {
		const name = `mvcc-merge-${dbCount++}`;
		const options = { segmentRecords: 4, mergeBytes: 1000 };
		const idb = await IdbMvccBackend.open(name, options);
		opened.push(idb);
		const store = await MvccStore.open(idb);
		for (let i = 0; i < 120; i++) {
			put(store, `key${i % 30}`, `value ${i}`);
			if (i % 3 === 0) await store.flush();
		}
		await store.flush();
		idb.close();
		const db = await openDB(name);
		const rows = (await db.getAll('segments')) as { keys: string; data: ArrayBuffer }[];
		db.close();
		// 120 records in segments of 4 would be 30 rows; merged, far fewer, most of them large.
		expect(rows.length).toBeLessThan(12);
		expect(rows.filter((r) => r.data.byteLength + r.keys.length >= 1000).length).toBeGreaterThan(2);
		const again = await MvccStore.open(await IdbMvccBackend.open(name, options));
		expect(again.snapshot()).toEqual(store.snapshot());
	});
});
