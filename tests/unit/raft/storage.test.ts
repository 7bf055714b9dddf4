import { describe, expect, it } from 'vitest';
import { MemoryStorage, type Entry } from '../../../src/lib/engine/raft';
import { IdbRaftStorage } from '../../../src/lib/browser/idb-raft-storage';
import { ent, storageSuite, type StorageUnderTest } from './storage-suite';
import { openDB } from 'idb';
import { SeededRng } from '../../../src/lib/engine/util/rand';

function memory(m = new MemoryStorage()): StorageUnderTest {
	return {
		s: m,
		append: async (e) => m.append(e),
		setHardState: async (hs) => m.setHardState(hs),
		applySnapshot: async (snap) => m.applySnapshot(snap),
		createSnapshot: async (i, cs, d) => m.createSnapshot(i, cs, d),
		compact: async (i) => m.compact(i),
		// MemoryStorage is its own durable state: a restart sees the same state.
		reopen: async () => memory(MemoryStorage.fromState(m.state()))
	};
}

let dbSeq = 0;

function idb(s: IdbRaftStorage, name: string): StorageUnderTest {
	return {
		s,
		append: (e) => s.append(e),
		setHardState: (hs) => s.setHardState(hs),
		applySnapshot: (snap) => s.applySnapshot(snap),
		createSnapshot: (i, cs, d) => s.createSnapshot(i, cs, d),
		compact: (i) => s.compact(i),
		reopen: async () => {
			s.close();
			return idb(await IdbRaftStorage.open(name), name);
		}
	};
}

storageSuite('memory', async () => memory());
storageSuite('IndexedDB', async () => {
	const name = `raft-test-${++dbSeq}`;
	return idb(await IdbRaftStorage.open(name), name);
});

describe('IndexedDB storage atomicity', () => {
	it('saves a whole Ready or nothing when the write fails midway', async () => {
		const name = `raft-atomic-${++dbSeq}`;
		const s = await IdbRaftStorage.open(name);
		await s.save({ term: 1, vote: 1n, commit: 2 }, [
			ent(1, 1, 'a'),
			ent(2, 1, 'b'),
			ent(3, 1, 'c')
		]);
		// A Ready that rewrites the tail and the hard state, with an entry that cannot be stored
		// (a function is not structured-cloneable): the put fails after earlier requests ran.
		const poison = { ...ent(4, 2, 'z'), data: (() => 0) as unknown as Uint8Array } as Entry;
		await expect(
			s.save({ term: 2, vote: 2n, commit: 2 }, [ent(3, 2, 'x'), poison])
		).rejects.toThrow();
		// The mirror is untouched, and so is the database.
		expect(s.lastIndex()).toBe(3);
		expect(s.term(3)).toBe(1);
		s.close();
		const r = await IdbRaftStorage.open(name);
		expect(r.initialState().hardState).toEqual({ term: 1, vote: 1n, commit: 2 });
		expect(r.lastIndex()).toBe(3);
		expect(r.term(3)).toBe(1);
		r.close();
	});

	it('keeps acknowledged writes when the worker dies before a later save resolves', async () => {
		const name = `raft-kill-${++dbSeq}`;
		const s = await IdbRaftStorage.open(name);
		await s.save({ term: 1, vote: 1n, commit: 1 }, [ent(1, 1, 'a')]);
		// Start a save and "terminate" before awaiting it: a new connection opened afterwards sees
		// either all of it or none of it, and always the acknowledged part.
		const inFlight = s.save({ term: 1, vote: 1n, commit: 2 }, [ent(2, 1, 'b'), ent(3, 1, 'c')]);
		const r = await IdbRaftStorage.open(name);
		const last = r.lastIndex();
		expect([1, 3]).toContain(last);
		expect(r.term(1)).toBe(1);
		expect(r.initialState().hardState.commit).toBe(last === 3 ? 2 : 1);
		await inFlight;
		s.close();
		r.close();
	});
});

describe('IndexedDB storage layout (one row per save)', () => {
	const all = (s: IdbRaftStorage | MemoryStorage) =>
		s.lastIndex() < s.firstIndex()
			? []
			: s.entries(s.firstIndex(), s.lastIndex() + 1, Number.MAX_SAFE_INTEGER);
	const view = (s: IdbRaftStorage | MemoryStorage) => ({
		first: s.firstIndex(),
		last: s.lastIndex(),
		dummyTerm: s.term(s.firstIndex() - 1),
		entries: all(s),
		state: s.initialState(),
		snapshot: s.snapshot()
	});

	it('writes one row per save, holding all of its entries', async () => {
		const name = `raft-rows-${++dbSeq}`;
		const s = await IdbRaftStorage.open(name);
		await s.save({ term: 1, vote: 1n, commit: 0 }, [ent(1, 1, 'a'), ent(2, 1, 'b'), ent(3, 1)]);
		await s.save(undefined, [ent(4, 1, 'd')]);
		s.close();
		const db = await openDB(name);
		expect(await db.getAllKeys('entries')).toEqual([1, 4]);
		db.close();
	});

	it('reads a version 1 database (one Entry object per row) and keeps writing to it', async () => {
		const name = `raft-v1-${++dbSeq}`;
		// What version 1 of IdbRaftStorage wrote: rows keyed by index holding an Entry each.
		const old = await openDB(name, 1, {
			upgrade(db) {
				db.createObjectStore('entries');
				db.createObjectStore('meta');
			}
		});
		const cs = { voters: [1n, 2n, 3n], learners: [] };
		for (let i = 3; i <= 8; i++) await old.put('entries', ent(i, i < 6 ? 1 : 2, `v${i}`), i);
		await old.put('meta', { term: 2, vote: 3n, commit: 7 }, 'hardState');
		await old.put(
			'meta',
			{ data: new Uint8Array([9]), metadata: { index: 2, term: 1, confState: cs } },
			'snapshot'
		);
		await old.put('meta', { index: 2, term: 1 }, 'compacted');
		old.close();

		const s = await IdbRaftStorage.open(name);
		expect(s.firstIndex()).toBe(3);
		expect(s.lastIndex()).toBe(8);
		expect(s.term(2)).toBe(1);
		expect(s.initialState()).toEqual({
			hardState: { term: 2, vote: 3n, commit: 7 },
			confState: cs
		});
		expect(all(s).map((e) => new TextDecoder().decode(e.data))).toEqual([
			'v3',
			'v4',
			'v5',
			'v6',
			'v7',
			'v8'
		]);
		// A conflicting tail over old rows, then a compaction through them.
		await s.save({ term: 3, vote: 1n, commit: 7 }, [
			ent(7, 3, 'n7'),
			ent(8, 3, 'n8'),
			ent(9, 3, 'n9')
		]);
		await s.compact(5);
		const before = view(s);
		s.close();
		const r = await IdbRaftStorage.open(name);
		expect(view(r)).toEqual(before);
		expect(r.firstIndex()).toBe(6);
		expect(all(r).map((e) => `${e.term}/${e.index}`)).toEqual(['2/6', '3/7', '3/8', '3/9']);
		r.close();
	});

	it('a later row replaces the part of an earlier row it overlaps, across restarts', async () => {
		const name = `raft-overlap-${++dbSeq}`;
		const s = await IdbRaftStorage.open(name);
		await s.save(undefined, [ent(1, 1), ent(2, 1), ent(3, 1), ent(4, 1), ent(5, 1), ent(6, 1)]);
		// A new leader's entry conflicts at 4: the row 1..6 stays on disk, cut on load.
		await s.save(undefined, [ent(4, 2, 'x')]);
		await s.save(undefined, [ent(5, 2, 'y')]);
		// And once more further back, over the cut row.
		await s.save(undefined, [ent(3, 3, 'z')]);
		// Compacting past the first row's live part drops it even though its stale tail ran on.
		await s.compact(2);
		await s.save(undefined, [ent(4, 3, 'w')]);
		await s.compact(3);
		const before = view(s);
		s.close();
		const r = await IdbRaftStorage.open(name);
		expect(view(r)).toEqual(before);
		expect(all(r).map((e) => `${e.term}/${e.index}`)).toEqual(['3/4']);
		const db = await openDB(name);
		// Rows 1..6 (cut to 1..2, then compacted) and 3 (compacted) are gone.
		expect(await db.getAllKeys('entries')).toEqual([4]);
		db.close();
		r.close();
	});

	it('matches MemoryStorage under random appends, conflicts, compactions and restarts', async () => {
		for (const seed of [1, 2, 3]) {
			const rng = new SeededRng(seed);
			const name = `raft-random-${++dbSeq}`;
			let s = await IdbRaftStorage.open(name);
			const m = new MemoryStorage();
			let term = 1;
			try {
				for (let step = 0; step < 300; step++) {
					const roll = rng.next();
					if (roll < 0.55) {
						// Append: usually at the end, sometimes replacing a suffix (a new leader).
						const first = m.firstIndex();
						const last = m.lastIndex();
						const at =
							rng.next() < 0.7 || last < first ? last + 1 : first + rng.int(last - first + 1);
						if (at <= last) term++;
						const n = 1 + rng.int(6);
						const es = Array.from({ length: n }, (_, i) => ent(at + i, term, `s${step}.${i}`));
						const hs = { term, vote: 1n, commit: Math.min(m.lastIndex(), rng.int(at + n)) };
						await s.save(hs, es);
						m.append(es);
						m.setHardState(hs);
					} else if (roll < 0.7 && m.lastIndex() >= m.firstIndex()) {
						const i = m.firstIndex() + rng.int(m.lastIndex() - m.firstIndex() + 1);
						await s.compact(i);
						m.compact(i);
					} else if (roll < 0.75 && m.lastIndex() > m.snapshot().metadata.index) {
						const i = m.lastIndex();
						await s.createSnapshot(i, undefined, new Uint8Array([step & 255]));
						m.createSnapshot(i, undefined, new Uint8Array([step & 255]));
					} else if (roll < 0.78) {
						const snap = {
							data: new Uint8Array([1]),
							metadata: {
								index: Math.max(m.lastIndex(), m.snapshot().metadata.index) + rng.int(5) + 1,
								term: ++term,
								confState: { voters: [1n], learners: [] }
							}
						};
						await s.save(undefined, [], snap);
						m.applySnapshot(snap);
					} else if (roll < 0.9) {
						s.close();
						s = await IdbRaftStorage.open(name);
					}
					expect(view(s), `seed ${seed} step ${step}`).toEqual(view(m));
				}
				s.close();
				s = await IdbRaftStorage.open(name);
				expect(view(s), `seed ${seed} after reopen`).toEqual(view(m));
			} finally {
				s.close();
			}
		}
	});

	it('a save cut short by a dying worker loses only itself, never an acknowledged row', async () => {
		const name = `raft-crash-${++dbSeq}`;
		const s = await IdbRaftStorage.open(name);
		await s.save({ term: 1, vote: 1n, commit: 2 }, [
			ent(1, 1, 'a'),
			ent(2, 1, 'b'),
			ent(3, 1, 'c')
		]);
		// A conflicting save (deletes rows, writes one) and the hard state, in flight when the
		// worker dies: a new connection sees all of it or none.
		const inFlight = s.save({ term: 2, vote: 2n, commit: 3 }, [
			ent(2, 2, 'x'),
			ent(3, 2, 'y'),
			ent(4, 2, 'z')
		]);
		const r = await IdbRaftStorage.open(name);
		const terms = all(r).map((e) => `${e.term}/${e.index}`);
		if (r.initialState().hardState.term === 2) expect(terms).toEqual(['1/1', '2/2', '2/3', '2/4']);
		else expect(terms).toEqual(['1/1', '1/2', '1/3']);
		await inFlight;
		r.close();
		const again = await IdbRaftStorage.open(name);
		expect(all(again).map((e) => `${e.term}/${e.index}`)).toEqual(['1/1', '2/2', '2/3', '2/4']);
		again.close();
		s.close();
	});
});
