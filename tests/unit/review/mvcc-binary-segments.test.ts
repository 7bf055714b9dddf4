// Review of 5864631 / 772a2b6: binary MVCC segments, merged rows, chunked reads, version 2 text
// segments still read. A random workload with keys and values of any bytes (0x00, 0xff, empty,
// larger than a segment and than a merge), lease IDs past 2^53 and 2^63, compactions that
// empty whole segments (the newest too), crashes that lose what was not flushed, and restarts,
// over a database that starts with version 2 text segments: it must always load what the
// memory backend holds.
import { afterEach, describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { MvccStore } from '$lib/engine/mvcc/store';
import { MemoryBackend } from '$lib/engine/mvcc/backend';
import { Lessor } from '$lib/engine/lease/lessor';
import { IdbMvccBackend, encodeTextSegment } from '$lib/browser/idb-mvcc-backend';
import { SeededRng } from '$lib/engine/util/rand';

const opened: IdbMvccBackend[] = [];
afterEach(() => {
	for (const db of opened.splice(0)) db.close();
});

/** Leases come back in key order (decimal strings) from IndexedDB, as before these commits. */
function norm(st: MvccStore) {
	const snap = st.snapshot();
	return {
		...snap,
		leases: [...snap.leases].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
	};
}

const LEASES = [1n, 2n ** 53n + 1n, 2n ** 63n - 1n, 0x694d8a2f1c7b3e05n];

describe('review: binary segments under hostile bytes, crashes and restarts', () => {
	for (const [seed, opts] of [
		[7, { segmentRecords: 3, segmentBytes: 200, mergeBytes: 600 }],
		[8, { segmentRecords: 5, segmentBytes: 120, mergeBytes: 300 }],
		[9, { segmentRecords: 256, segmentBytes: 4096, mergeBytes: 9000 }]
	] as const) {
		it(`matches the memory backend (seed ${seed})`, async () => {
			const rng = new SeededRng(seed);
			const bytes = (n: number) => {
				const out = new Uint8Array(n);
				for (let i = 0; i < n; i++)
					out[i] = rng.next() < 0.3 ? [0, 0xff, 0x80][rng.int(3)] : rng.int(256);
				return out;
			};
			const keys = Array.from({ length: 25 }, (_, i) =>
				i === 0
					? new Uint8Array([0])
					: i === 1
						? new Uint8Array([0xff, 0xff])
						: new Uint8Array([i, ...bytes(rng.int(6))])
			);
			const mem = new MemoryBackend();
			let a = await MvccStore.open(mem);
			let la = new Lessor(a);
			for (const id of LEASES) la.grant(id, 60);
			const write = (st: MvccStore, i: number) => {
				const k = keys[i % keys.length];
				st.put({ key: k, value: bytesFor(i), lease: i % 5 === 0 ? LEASES[i % LEASES.length] : 0n });
			};
			// Values are a function of the step so both stores get the same bytes.
			const values = new Map<number, Uint8Array>();
			const bytesFor = (i: number) => {
				let v = values.get(i);
				if (!v) {
					const r = rng.next();
					v = bytes(r < 0.2 ? 0 : r < 0.9 ? rng.int(40) : r < 0.97 ? 300 + rng.int(400) : 5000);
					values.set(i, v);
				}
				return v;
			};
			for (let i = 0; i < 80; i++) write(a, rng.int(1000));
			a.setConsistentIndex(80, 2);
			await a.flush();
			// The database as version 2 left it: text segments of 6 records.
			const saved = await mem.load();
			const name = `review-mvcc-${seed}`;
			const v2 = await openDB(name, 2, {
				upgrade(d) {
					d.createObjectStore('leases');
					d.createObjectStore('meta');
					d.createObjectStore('segments');
				}
			});
			for (let i = 0; i < saved.revisions.length; i += 6) {
				const seg = saved.revisions.slice(i, i + 6);
				await v2.put('segments', encodeTextSegment(seg), [seg[0].main, seg[0].sub]);
			}
			for (const l of saved.leases) await v2.put('leases', l, l.id.toString());
			await v2.put('meta', saved.meta, 'meta');
			v2.close();

			let idb = await IdbMvccBackend.open(name, opts);
			opened.push(idb);
			let c = await MvccStore.open(idb);
			let lc = new Lessor(c);
			expect(norm(c)).toEqual(norm(a));
			const reopen = async (prefetch: boolean) => {
				idb.close();
				idb = await IdbMvccBackend.open(name, opts);
				opened.push(idb);
				if (prefetch) idb.prefetch();
				a = await MvccStore.open(mem);
				la = new Lessor(a);
				c = await MvccStore.open(idb);
				lc = new Lessor(c);
				expect(norm(c), `seed ${seed}`).toEqual(norm(a));
				expect(c.hash()).toEqual(a.hash());
				// The key index too: every key found by its bytes, at the current revision and one back.
				for (const rev of [0, Math.max(a.compactRevision, a.currentRevision - 1)]) {
					const all = { key: new Uint8Array([0]), range_end: new Uint8Array([0]), revision: rev };
					expect(c.range(all).kvs).toEqual(a.range(all).kvs);
				}
				for (const k of keys) expect(c.range({ key: k }).kvs).toEqual(a.range({ key: k }).kvs);
			};
			for (let step = 0; step < 500; step++) {
				const roll = rng.next();
				const both = (f: (st: MvccStore, l: Lessor) => void) => {
					f(a, la);
					f(c, lc);
				};
				if (roll < 0.5) {
					const i = rng.int(1000);
					both((st) => write(st, i));
				} else if (roll < 0.58) {
					const k = keys[rng.int(keys.length)];
					const e = rng.next() < 0.5 ? new Uint8Array([0]) : keys[rng.int(keys.length)];
					both((st) => st.deleteRange({ key: k, range_end: e }));
				} else if (roll < 0.63 && a.currentRevision > a.compactRevision + 1) {
					// Sometimes compact to the current revision: whole segments, the newest too,
					// lose every record but the keys' latest.
					const rev =
						rng.next() < 0.3
							? a.currentRevision
							: a.compactRevision + 1 + rng.int(a.currentRevision - a.compactRevision);
					both((st) => st.compact(rev));
				} else if (roll < 0.85) {
					await Promise.all([a.flush(), c.flush()]);
				} else if (roll < 0.9) {
					// A crash: whatever was not flushed is lost by both.
					await reopen(rng.next() < 0.5);
				} else if (roll < 0.93) {
					await Promise.all([a.flush(), c.flush()]);
					await reopen(rng.next() < 0.5);
				}
			}
			await Promise.all([a.flush(), c.flush()]);
			await reopen(false);
		}, 60_000);
	}
});
