import { describe, expect, it } from 'vitest';
import { KeyIndex, type RevisionRecord } from '$lib/engine/mvcc/key-index';
import { utf8 } from '$lib/engine/util/bytes';

function rec(main: number, tombstone = false): RevisionRecord {
	return {
		main,
		sub: 0,
		tombstone,
		kv: {
			key: utf8('foo'),
			value: utf8(String(main)),
			create_revision: 0,
			mod_revision: main,
			version: 0,
			lease: 0n
		}
	};
}

const gens = (ki: KeyIndex) =>
	ki.generations.map((g) => g.revs.map((r) => (r.tombstone ? `${r.main}t` : `${r.main}`)));

/** The example in key-index.ts, step by step. */
describe('KeyIndex', () => {
	it('generations through put, tombstone and compact', () => {
		const ki = new KeyIndex('foo');
		ki.put(rec(2));
		ki.put(rec(3));
		expect(ki.tombstone(rec(4, true))).toBe(true);
		expect(gens(ki)).toEqual([['2', '3', '4t'], []]);
		// A tombstone on a deleted key does nothing.
		expect(ki.tombstone(rec(9, true))).toBe(false);
		ki.put(rec(5));
		ki.put(rec(6));
		expect(gens(ki)).toEqual([
			['2', '3', '4t'],
			['5', '6']
		]);

		expect(ki.get(1)).toBeUndefined();
		expect(ki.get(3)!.main).toBe(3);
		expect(ki.get(4)).toBeUndefined();
		expect(ki.get(5)!.main).toBe(5);
		expect(ki.get(100)!.main).toBe(6);

		const keep = new Set<RevisionRecord>();
		ki.compact(4, keep);
		expect(gens(ki)).toEqual([['5', '6']]);
		expect(keep.size).toBe(0);
		ki.compact(5, keep);
		expect(gens(ki)).toEqual([['5', '6']]);
		expect([...keep].map((r) => r.main)).toEqual([5]);
		keep.clear();
		ki.compact(6, keep);
		expect(gens(ki)).toEqual([['6']]);
		ki.tombstone(rec(7, true));
		keep.clear();
		ki.compact(7, keep);
		expect(ki.isEmpty()).toBe(true);
	});

	it('compact in the middle of a generation keeps the value at the compact revision', () => {
		const ki = new KeyIndex('foo');
		ki.put(rec(2));
		ki.put(rec(4));
		ki.tombstone(rec(6, true));
		const keep = new Set<RevisionRecord>();
		ki.compact(5, keep);
		expect(gens(ki)).toEqual([['4', '6t'], []]);
		expect([...keep].map((r) => r.main)).toEqual([4]);
		expect(ki.get(5)!.main).toBe(4);
		expect(ki.get(6)).toBeUndefined();
	});

	it('keep() reports what compact() would keep without changing anything', () => {
		const ki = new KeyIndex('foo');
		ki.put(rec(2));
		ki.put(rec(3));
		ki.tombstone(rec(4, true));
		ki.put(rec(5));
		const keep = new Set<RevisionRecord>();
		ki.keep(3, keep);
		expect([...keep].map((r) => r.main)).toEqual([3]);
		keep.clear();
		ki.keep(4, keep);
		expect(keep.size).toBe(0);
		expect(gens(ki)).toEqual([['2', '3', '4t'], ['5']]);
	});
});
