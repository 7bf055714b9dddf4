import { describe, expect, it } from 'vitest';
import { SortedKeys } from '$lib/engine/mvcc/sorted-keys';
import { KeyIndex } from '$lib/engine/mvcc/key-index';
import { SeededRng } from '$lib/engine/util/rand';

function scan(s: SortedKeys, start: string, end: string): string[] {
	const out: string[] = [];
	s.scan(start, end, (ki) => {
		out.push(ki.key);
	});
	return out;
}

describe('SortedKeys', () => {
	it('stays sorted through thousands of random inserts (chunk splits) and filters', () => {
		const rng = new SeededRng(7);
		const s = new SortedKeys();
		const all = new Set<string>();
		for (let i = 0; i < 5000; i++) {
			const k = String(rng.int(100000)).padStart(5, '0');
			if (all.has(k)) continue;
			all.add(k);
			s.insert(new KeyIndex(k));
		}
		const sorted = [...all].sort();
		expect(s.size).toBe(sorted.length);
		expect(scan(s, '', '')).toEqual(sorted);
		expect(scan(s, '20000', '30000')).toEqual(sorted.filter((k) => k >= '20000' && k < '30000'));
		expect(scan(s, '99999x', '')).toEqual([]);
		s.filter((ki) => ki.key.endsWith('7'));
		expect(scan(s, '', '')).toEqual(sorted.filter((k) => k.endsWith('7')));
		s.insert(new KeyIndex('00000'));
		expect(scan(s, '', '00001')).toEqual(['00000']);
	});

	it('scan stops when the callback returns false', () => {
		const s = SortedKeys.fromSorted(['a', 'b', 'c'].map((k) => new KeyIndex(k)));
		const out: string[] = [];
		s.scan('', '', (ki) => {
			out.push(ki.key);
			return ki.key !== 'b';
		});
		expect(out).toEqual(['a', 'b']);
	});
});
