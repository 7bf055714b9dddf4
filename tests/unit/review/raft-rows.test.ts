// Review of befc5dc: the raft log as one IndexedDB row per save. Random workloads starting from
// a version 1 database (one Entry per row), with appends that replace suffixes spanning several
// rows (and version 1 rows), compactions that straddle rows, snapshots with and without
// entries after them, restarts, and a second connection opened while a save is in flight (a
// worker that dies then): every load must be exactly a state MemoryStorage went through.
import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { MemoryStorage, type Entry, type Snapshot } from '$lib/engine/raft';
import { IdbRaftStorage } from '$lib/browser/idb-raft-storage';
import { SeededRng } from '$lib/engine/util/rand';

const ent = (index: number, term: number, d = ''): Entry => ({
	index,
	term,
	type: index % 7 === 0 ? 'ConfChange' : 'Normal',
	data: new TextEncoder().encode(d)
});

type S = IdbRaftStorage | MemoryStorage;
const all = (s: S) =>
	s.lastIndex() < s.firstIndex()
		? []
		: s.entries(s.firstIndex(), s.lastIndex() + 1, Number.MAX_SAFE_INTEGER);
const view = (s: S) => ({
	first: s.firstIndex(),
	last: s.lastIndex(),
	dummyTerm: s.term(s.firstIndex() - 1),
	entries: all(s),
	state: s.initialState(),
	snapshot: s.snapshot()
});

let seq = 0;

describe('review: raft rows from version 1 data under random saves, compactions and crashes', () => {
	for (const seed of [11, 12, 13, 14]) {
		it(`seed ${seed}`, async () => {
			const rng = new SeededRng(seed);
			const name = `review-raft-${seed}-${++seq}`;
			const cs = { voters: [1n, 2n, 3n], learners: [] };
			// Version 1 data: snapshot at 4, entries 5..30 one per row.
			const m = MemoryStorage.fromState({
				hardState: { term: 2, vote: 1n, commit: 20 },
				snapshot: { data: new Uint8Array([1]), metadata: { index: 4, term: 1, confState: cs } },
				compacted: { index: 4, term: 1 },
				entries: Array.from({ length: 26 }, (_, i) => ent(5 + i, i < 10 ? 1 : 2, `old${5 + i}`))
			});
			const old = await openDB(name, 1, {
				upgrade(db) {
					db.createObjectStore('entries');
					db.createObjectStore('meta');
				}
			});
			for (const e of all(m)) await old.put('entries', e, e.index);
			await old.put('meta', m.initialState().hardState, 'hardState');
			await old.put('meta', m.snapshot(), 'snapshot');
			await old.put('meta', { index: 4, term: 1 }, 'compacted');
			old.close();

			let s = await IdbRaftStorage.open(name);
			expect(view(s)).toEqual(view(m));
			let term = 2;
			for (let step = 0; step < 250; step++) {
				const roll = rng.next();
				const before = view(m);
				let op: (() => Promise<void>) | null = null;
				let mirror: () => void = () => undefined;
				if (roll < 0.6) {
					const first = m.firstIndex();
					const last = m.lastIndex();
					// Often far back, so the replaced suffix spans several rows.
					const at =
						rng.next() < 0.6 || last < first ? last + 1 : first + rng.int(last - first + 1);
					if (at <= last) term++;
					const n = 1 + rng.int(8);
					const es = Array.from({ length: n }, (_, i) => ent(at + i, term, `s${step}.${i}`));
					const hs = { term, vote: 1n, commit: Math.max(0, Math.min(at - 1, m.lastIndex())) };
					op = () => s.save(hs, es);
					mirror = () => {
						m.append(es);
						m.setHardState(hs);
					};
				} else if (roll < 0.75 && m.lastIndex() >= m.firstIndex()) {
					const i = m.firstIndex() + rng.int(m.lastIndex() - m.firstIndex() + 1);
					op = () => s.compact(i);
					mirror = () => m.compact(i);
				} else if (
					roll < 0.8 &&
					m.lastIndex() > m.snapshot().metadata.index &&
					m.lastIndex() >= m.firstIndex()
				) {
					const lo = Math.max(m.snapshot().metadata.index + 1, m.firstIndex());
					const i = lo + rng.int(m.lastIndex() - lo + 1);
					const d = new Uint8Array([step & 255]);
					op = async () => void (await s.createSnapshot(i, undefined, d));
					mirror = () => void m.createSnapshot(i, undefined, d);
				} else if (roll < 0.84) {
					const snapIndex = Math.max(m.lastIndex(), m.snapshot().metadata.index) + rng.int(5) - 2;
					if (snapIndex > m.snapshot().metadata.index) {
						const snap: Snapshot = {
							data: new Uint8Array([2]),
							metadata: { index: snapIndex, term: ++term, confState: cs }
						};
						// Sometimes with entries after it, in the same save.
						const es =
							rng.next() < 0.5
								? [ent(snapIndex + 1, term, 'a'), ent(snapIndex + 2, term, 'b')]
								: [];
						const hs = { term, vote: 2n, commit: snapIndex };
						op = () => s.save(hs, es, snap);
						mirror = () => {
							m.applySnapshot(snap);
							m.append(es);
							m.setHardState(hs);
						};
					}
				} else {
					s.close();
					s = await IdbRaftStorage.open(name);
				}
				if (op) {
					if (rng.next() < 0.2) {
						// The worker dies while this write is in flight: a new connection reads
						// either everything before it or everything after it.
						const inFlight = op();
						const r = await IdbRaftStorage.open(name);
						mirror();
						const seen = view(r);
						r.close();
						await inFlight;
						const after = view(m);
						expect([before, after], `seed ${seed} step ${step}`).toContainEqual(seen);
					} else {
						await op();
						mirror();
					}
				}
				expect(view(s), `seed ${seed} step ${step}`).toEqual(view(m));
			}
			s.close();
			const r = await IdbRaftStorage.open(name);
			expect(view(r), `seed ${seed} final`).toEqual(view(m));
			r.close();
		}, 60_000);
	}
});
