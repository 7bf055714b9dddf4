/**
 * One behavioural suite for every Raft log storage: the in-memory reference and the IndexedDB
 * one must answer the same reads after the same writes.
 */
import { describe, expect, it } from 'vitest';
import {
	ErrCompacted,
	ErrSnapOutOfDate,
	ErrUnavailable,
	type ConfState,
	type Entry,
	type HardState,
	type Snapshot,
	type Storage
} from '../../../src/lib/engine/raft';

/** Writes, async for every storage (MemoryStorage's are wrapped). */
export interface StorageUnderTest {
	s: Storage;
	append(ents: Entry[]): Promise<void>;
	setHardState(hs: HardState): Promise<void>;
	applySnapshot(snap: Snapshot): Promise<void>;
	createSnapshot(i: number, cs: ConfState | undefined, data: Uint8Array): Promise<Snapshot>;
	compact(i: number): Promise<void>;
	/** Simulates a restart: a fresh storage over the same durable state. */
	reopen(): Promise<StorageUnderTest>;
}

export const ent = (index: number, term: number, data = ''): Entry => ({
	index,
	term,
	type: 'Normal',
	data: new TextEncoder().encode(data)
});

const cs: ConfState = { voters: [1n, 2n, 3n], learners: [] };

const terms = (s: Storage, lo: number, hi: number) =>
	s.entries(lo, hi, Number.MAX_SAFE_INTEGER).map((e) => `${e.term}/${e.index}`);

export function storageSuite(name: string, make: () => Promise<StorageUnderTest>): void {
	describe(`${name} storage`, () => {
		it('starts empty', async () => {
			const { s } = await make();
			expect(s.firstIndex()).toBe(1);
			expect(s.lastIndex()).toBe(0);
			expect(s.term(0)).toBe(0);
			expect(s.initialState().hardState).toEqual({ term: 0, vote: 0n, commit: 0 });
			expect(() => s.entries(1, 1, 100)).toThrow(ErrUnavailable);
		});

		it('appends, reads ranges, and replaces a conflicting suffix', async () => {
			const t = await make();
			await t.append([ent(1, 1), ent(2, 1), ent(3, 2), ent(4, 2)]);
			expect(terms(t.s, 1, 5)).toEqual(['1/1', '1/2', '2/3', '2/4']);
			await t.append([ent(3, 3), ent(4, 3), ent(5, 3)]);
			expect(terms(t.s, 1, 6)).toEqual(['1/1', '1/2', '3/3', '3/4', '3/5']);
			// A shorter conflicting append truncates everything after it.
			await t.append([ent(2, 4)]);
			expect(t.s.lastIndex()).toBe(2);
			expect(t.s.term(2)).toBe(4);
			expect(() => t.s.term(3)).toThrow(ErrUnavailable);
			// Appending past the end (a gap) is refused.
			await expect(t.append([ent(9, 4)])).rejects.toThrow(/missing log entry/);
			expect(t.s.lastIndex()).toBe(2);
		});

		it('limits entries by size but returns at least one', async () => {
			const t = await make();
			await t.append([ent(1, 1, 'aaaa'), ent(2, 1, 'bbbb'), ent(3, 1, 'cccc')]);
			expect(t.s.entries(1, 4, 0)).toHaveLength(1);
			expect(t.s.entries(1, 4, 2 * (4 + 16))).toHaveLength(2);
			expect(t.s.entries(1, 4, 1 << 20)).toHaveLength(3);
		});

		it('snapshots and compacts', async () => {
			const t = await make();
			await t.append([ent(1, 1), ent(2, 1), ent(3, 2), ent(4, 2), ent(5, 3)]);
			const snap = await t.createSnapshot(4, cs, new Uint8Array([7]));
			expect(snap.metadata).toEqual({ index: 4, term: 2, confState: cs });
			await expect(t.createSnapshot(3, cs, new Uint8Array())).rejects.toThrow(ErrSnapOutOfDate);
			await t.compact(3);
			expect(t.s.firstIndex()).toBe(4);
			expect(t.s.term(3)).toBe(2);
			expect(() => t.s.term(2)).toThrow(ErrCompacted);
			expect(() => t.s.entries(3, 5, 100)).toThrow(ErrCompacted);
			expect(terms(t.s, 4, 6)).toEqual(['2/4', '3/5']);
			await expect(t.compact(3)).rejects.toThrow(ErrCompacted);
			expect(t.s.snapshot().metadata.index).toBe(4);
			expect(t.s.initialState().confState).toEqual(cs);
			// Appending entries that were compacted away skips them.
			await t.append([ent(2, 1), ent(3, 2), ent(4, 2), ent(5, 3), ent(6, 3)]);
			expect(terms(t.s, 4, 7)).toEqual(['2/4', '3/5', '3/6']);
		});

		it('applies a snapshot from a leader, dropping the whole log', async () => {
			const t = await make();
			await t.append([ent(1, 1), ent(2, 1)]);
			const snap: Snapshot = {
				data: new Uint8Array([1, 2]),
				metadata: { index: 10, term: 4, confState: cs }
			};
			await t.applySnapshot(snap);
			expect(t.s.firstIndex()).toBe(11);
			expect(t.s.lastIndex()).toBe(10);
			expect(t.s.term(10)).toBe(4);
			await expect(t.applySnapshot(snap)).rejects.toThrow(ErrSnapOutOfDate);
			await t.append([ent(11, 4)]);
			expect(t.s.lastIndex()).toBe(11);
		});

		it('keeps the hard state', async () => {
			const t = await make();
			await t.setHardState({ term: 3, vote: 0xac50589ee05989dfn, commit: 0 });
			expect(t.s.initialState().hardState).toEqual({
				term: 3,
				vote: 0xac50589ee05989dfn,
				commit: 0
			});
		});

		it('survives a restart with everything it acknowledged', async () => {
			const t = await make();
			await t.append([ent(1, 1, 'a'), ent(2, 1, 'b'), ent(3, 2, 'c'), ent(4, 2, 'd')]);
			await t.setHardState({ term: 2, vote: 2n, commit: 3 });
			await t.createSnapshot(3, cs, new Uint8Array([3]));
			await t.compact(2);
			await t.append([ent(4, 3, 'x'), ent(5, 3, 'y')]);
			const r = await t.reopen();
			expect(r.s.initialState()).toEqual(t.s.initialState());
			expect(r.s.firstIndex()).toBe(3);
			expect(r.s.lastIndex()).toBe(5);
			expect(r.s.term(2)).toBe(1);
			expect(r.s.entries(3, 6, 1 << 20)).toEqual(t.s.entries(3, 6, 1 << 20));
			expect(r.s.snapshot()).toEqual(t.s.snapshot());
		});
	});
}
