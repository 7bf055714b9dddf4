import { describe, expect, it } from 'vitest';
import { b, errorOf, get, newStore, pairs, put, s } from './helpers';
import type { RangeRequest } from '$lib/engine/api/types';
import { putCost } from '$lib/engine/mvcc/store';

describe('revisions, versions', () => {
	it('a fresh store is at revision 1 and the first write makes revision 2', () => {
		const { store } = newStore();
		expect(store.currentRevision).toBe(1);
		const r = put(store, 'a', '1');
		expect(r.header.revision).toBe(2);
		expect(store.currentRevision).toBe(2);
	});

	it('put keeps create_revision, sets mod_revision and bumps version', () => {
		const { store } = newStore();
		put(store, 'a', '1');
		put(store, 'a', '2');
		const kv = get(store, 'a');
		expect(kv).toMatchObject({ create_revision: 2, mod_revision: 3, version: 2 });
		expect(s(kv.value)).toBe('2');
	});

	it('a same-value put still bumps revision, mod_revision and version', () => {
		const { store } = newStore();
		put(store, 'a', 'x');
		put(store, 'a', 'x');
		expect(store.currentRevision).toBe(3);
		expect(get(store, 'a')).toMatchObject({ mod_revision: 3, version: 2 });
	});

	it('delete resets version; a recreated key starts at version 1 with a new create_revision', () => {
		const { store } = newStore();
		put(store, 'a', '1');
		put(store, 'a', '2');
		const d = store.deleteRange({ key: b('a') });
		expect(d.deleted).toBe(1);
		expect(d.header.revision).toBe(4);
		expect(get(store, 'a')).toBeUndefined();
		put(store, 'a', '3');
		expect(get(store, 'a')).toMatchObject({ create_revision: 5, mod_revision: 5, version: 1 });
	});

	it('deleting nothing does not bump the revision', () => {
		const { store } = newStore();
		put(store, 'a', '1');
		const d = store.deleteRange({ key: b('zz') });
		expect(d.deleted).toBe(0);
		expect(d.header.revision).toBe(2);
		expect(store.currentRevision).toBe(2);
	});

	it('delete with prev_kv returns the deleted kvs; a range delete uses one revision', () => {
		const { store } = newStore();
		put(store, 'a', '1');
		put(store, 'b', '2');
		put(store, 'c', '3');
		const d = store.deleteRange({ key: b('a'), range_end: b('c'), prev_kv: true });
		expect(d.deleted).toBe(2);
		expect(pairs(d.prev_kvs)).toEqual([
			['a', '1'],
			['b', '2']
		]);
		expect(store.currentRevision).toBe(5);
		expect(store.range({ key: b('a'), range_end: new Uint8Array([0]) }).count).toBe(1);
	});
});

describe('put options', () => {
	it('prev_kv returns the previous kv, none for a new key', () => {
		const { store } = newStore();
		expect(store.put({ key: b('a'), value: b('1'), prev_kv: true }).prev_kv).toBeUndefined();
		const r = store.put({ key: b('a'), value: b('2'), prev_kv: true });
		expect(s(r.prev_kv!.value)).toBe('1');
		expect(r.prev_kv!.mod_revision).toBe(2);
	});

	it('ignore_value keeps the value, ignore_lease keeps the lease', () => {
		const { store, lessor } = newStore();
		lessor.grant(7n, 100);
		put(store, 'a', 'v', 7n);
		store.put({ key: b('a'), value: new Uint8Array(), ignore_value: true, lease: 7n });
		expect(get(store, 'a')).toMatchObject({ version: 2, lease: 7n });
		expect(s(get(store, 'a').value)).toBe('v');
		store.put({ key: b('a'), value: b('w'), ignore_lease: true });
		expect(get(store, 'a')).toMatchObject({ version: 3, lease: 7n });
		expect(s(get(store, 'a').value)).toBe('w');
	});

	it('errors: empty key, value/lease provided, key not found, lease not found', () => {
		const { store } = newStore();
		expect(errorOf(() => store.put({ key: b(''), value: b('1') }))).toBe(
			'etcdserver: key is not provided'
		);
		expect(errorOf(() => store.put({ key: b('a'), value: b('1'), ignore_value: true }))).toBe(
			'etcdserver: value is provided'
		);
		expect(
			errorOf(() => store.put({ key: b('a'), value: b(''), ignore_lease: true, lease: 5n }))
		).toBe('etcdserver: lease is provided');
		expect(errorOf(() => store.put({ key: b('a'), value: b(''), ignore_value: true }))).toBe(
			'etcdserver: key not found'
		);
		expect(errorOf(() => store.put({ key: b('a'), value: b('1'), lease: 5n }))).toBe(
			'etcdserver: requested lease not found'
		);
		expect(store.currentRevision).toBe(1);
	});
});

describe('range', () => {
	function filled() {
		const { store } = newStore();
		// a=1@2, b=2@3, c=3@4, b=22@5, d=4@6, foo=5@7, fop=6@8
		put(store, 'a', '1');
		put(store, 'b', '2');
		put(store, 'c', '3');
		put(store, 'b', '22');
		put(store, 'd', '4');
		put(store, 'foo', '5');
		put(store, 'fop', '6');
		return store;
	}
	const keys = (r: RangeRequest, store = filled()) => store.range(r).kvs.map((kv) => s(kv.key));

	it('single key, [key, end), prefix, from-key', () => {
		expect(keys({ key: b('b') })).toEqual(['b']);
		expect(keys({ key: b('b'), range_end: b('d') })).toEqual(['b', 'c']);
		expect(keys({ key: b('fo'), range_end: b('fp') })).toEqual(['foo', 'fop']);
		expect(keys({ key: b('c'), range_end: new Uint8Array([0]) })).toEqual(['c', 'd', 'foo', 'fop']);
		expect(keys({ key: new Uint8Array([0]), range_end: new Uint8Array([0]) })).toHaveLength(6);
		expect(keys({ key: b('d'), range_end: b('a') })).toEqual([]);
	});

	it('limit sets more; count is the full match', () => {
		const store = filled();
		const r = store.range({ key: b('a'), range_end: b('z'), limit: 2 });
		expect(pairs(r.kvs)).toEqual([
			['a', '1'],
			['b', '22']
		]);
		expect(r.more).toBe(true);
		expect(r.count).toBe(6);
		const all = store.range({ key: b('a'), range_end: b('z'), limit: 6 });
		expect(all.more).toBe(false);
		expect(all.kvs).toHaveLength(6);
		expect(store.range({ key: b('a'), range_end: b('z'), limit: 0 }).kvs).toHaveLength(6);
	});

	it('reads at a past revision; header revision stays the current one', () => {
		const store = filled();
		const r = store.range({ key: b('b'), revision: 4 });
		expect(s(r.kvs[0].value)).toBe('2');
		expect(r.header.revision).toBe(8);
		expect(store.range({ key: b('a'), range_end: b('z'), revision: 3 }).count).toBe(2);
		expect(store.range({ key: b('a'), revision: 1 }).kvs).toEqual([]);
	});

	it('future and compacted revisions fail with etcd messages; the compact revision itself works', () => {
		const store = filled();
		expect(errorOf(() => store.range({ key: b('a'), revision: 9 }))).toBe(
			'etcdserver: mvcc: required revision is a future revision'
		);
		store.compact(4);
		expect(errorOf(() => store.range({ key: b('a'), revision: 3 }))).toBe(
			'etcdserver: mvcc: required revision has been compacted'
		);
		expect(s(store.range({ key: b('b'), revision: 4 }).kvs[0].value)).toBe('2');
	});

	it('sorts by every target and order; descending key; limit after sort', () => {
		const store = filled();
		const all = { key: b('a'), range_end: b('z') };
		expect(keys({ ...all, sort_order: 'DESCEND' }, store)).toEqual([
			'fop',
			'foo',
			'd',
			'c',
			'b',
			'a'
		]);
		expect(keys({ ...all, sort_target: 'MOD', sort_order: 'DESCEND' }, store)).toEqual([
			'fop',
			'foo',
			'd',
			'b',
			'c',
			'a'
		]);
		expect(keys({ ...all, sort_target: 'CREATE', sort_order: 'DESCEND' }, store)).toEqual([
			'fop',
			'foo',
			'd',
			'c',
			'b',
			'a'
		]);
		// Target other than KEY with order NONE sorts ascending.
		expect(keys({ ...all, sort_target: 'MOD' }, store)).toEqual(['a', 'c', 'b', 'd', 'foo', 'fop']);
		expect(keys({ ...all, sort_target: 'VERSION', sort_order: 'DESCEND' }, store)[0]).toBe('b');
		expect(keys({ ...all, sort_target: 'VALUE', sort_order: 'ASCEND' }, store)).toEqual([
			'a',
			'b',
			'c',
			'd',
			'foo',
			'fop'
		]);
		const r = store.range({ ...all, sort_target: 'MOD', sort_order: 'DESCEND', limit: 2 });
		expect(pairs(r.kvs)).toEqual([
			['fop', '6'],
			['foo', '5']
		]);
		expect(r.more).toBe(true);
		expect(r.count).toBe(6);
	});

	it('keys_only drops values; count_only returns only the count', () => {
		const store = filled();
		const k = store.range({ key: b('a'), range_end: b('c'), keys_only: true });
		expect(k.kvs.map((kv) => [s(kv.key), kv.value.length])).toEqual([
			['a', 0],
			['b', 0]
		]);
		const c = store.range({ key: b('a'), range_end: b('z'), count_only: true, limit: 1 });
		expect(c.kvs).toEqual([]);
		expect(c.count).toBe(6);
		expect(c.more).toBe(false);
		// keys_only does not damage the stored value.
		expect(s(get(store, 'a').value)).toBe('1');
	});

	it('min/max mod and create revision filters', () => {
		const store = filled();
		const all = { key: b('a'), range_end: b('z') };
		expect(keys({ ...all, min_mod_revision: 5 }, store)).toEqual(['b', 'd', 'foo', 'fop']);
		expect(keys({ ...all, max_mod_revision: 4 }, store)).toEqual(['a', 'c']);
		expect(keys({ ...all, min_create_revision: 4, max_create_revision: 6 }, store)).toEqual([
			'c',
			'd'
		]);
	});

	it('empty key is rejected', () => {
		const { store } = newStore();
		expect(errorOf(() => store.range({ key: b('') }))).toBe('etcdserver: key is not provided');
	});
});

describe('compaction', () => {
	it('keeps the newest version at or below the compact revision; tombstones remove keys', () => {
		const { store } = newStore();
		put(store, 'a', '1'); // 2
		put(store, 'a', '2'); // 3
		put(store, 'b', '1'); // 4
		store.deleteRange({ key: b('b') }); // 5
		put(store, 'a', '3'); // 6
		store.compact(5);
		expect(store.compactRevision).toBe(5);
		expect(s(store.range({ key: b('a'), revision: 5 }).kvs[0].value)).toBe('2');
		expect(store.range({ key: b('b'), revision: 5 }).kvs).toEqual([]);
		// a@2 and b's records are gone; a@3 (value at 5) and a@6 stay.
		expect(store.snapshot().revisions.map((r) => `${s(r.kv.key)}@${r.main}`)).toEqual([
			'a@3',
			'a@6'
		]);
		const batch = store.takeBatch()!;
		expect(batch.meta.compactRevision).toBe(5);
	});

	it('compacting at or below the last compaction fails, above current is a future revision', () => {
		const { store } = newStore();
		put(store, 'a', '1');
		put(store, 'a', '2');
		expect(errorOf(() => store.compact(4))).toBe(
			'etcdserver: mvcc: required revision is a future revision'
		);
		store.compact(3);
		expect(errorOf(() => store.compact(3))).toBe(
			'etcdserver: mvcc: required revision has been compacted'
		);
		expect(errorOf(() => store.compact(2))).toBe(
			'etcdserver: mvcc: required revision has been compacted'
		);
	});

	it('compaction trims the backend too: deleted revisions are in the batch', () => {
		const { store } = newStore();
		put(store, 'a', '1');
		put(store, 'a', '2');
		store.takeBatch();
		store.compact(3);
		const batch = store.takeBatch()!;
		expect(batch.deletes).toEqual([[2, 0]]);
		expect(batch.puts).toEqual([]);
	});
});

describe('hash and hashKV', () => {
	it('same history, same hashes; different history, different hashes', () => {
		const x = newStore().store;
		const y = newStore().store;
		for (const st of [x, y]) {
			put(st, 'a', '1');
			put(st, 'b', '2');
			st.deleteRange({ key: b('a') });
		}
		expect(x.hash()).toEqual(y.hash());
		expect(x.hashKV(0)).toEqual(y.hashKV(0));
		expect(x.hashKV(3)).toEqual(y.hashKV(3));
		put(y, 'c', '3');
		expect(x.hash().hash).not.toBe(y.hash().hash);
		expect(x.hashKV(4).hash).toBe(y.hashKV(4).hash);
		expect(y.hashKV(5).hash_revision).toBe(5);
	});

	it('hashKV(rev) covers history up to rev only, and agrees across members compacted alike', () => {
		const x = newStore().store;
		const y = newStore().store;
		for (const st of [x, y]) {
			put(st, 'a', '1');
			put(st, 'a', '2');
			put(st, 'b', '1');
			put(st, 'a', '3');
			st.compact(3);
		}
		put(y, 'c', '1');
		const hx = x.hashKV(4);
		const hy = y.hashKV(4);
		expect(hy.hash).toBe(hx.hash);
		expect(hy.compact_revision).toBe(3);
		expect(hy.hash_revision).toBe(6);
		expect(y.hashKV(6).hash).not.toBe(hx.hash);
		expect(errorOf(() => y.hashKV(2))).toBe(
			'etcdserver: mvcc: required revision has been compacted'
		);
		expect(errorOf(() => y.hashKV(9))).toBe(
			'etcdserver: mvcc: required revision is a future revision'
		);
	});
});

describe('hashKV keep rule', () => {
	it('records at or below the compact revision count only if rev still needs them', () => {
		const hashAt4 = (v: string) => {
			const { store } = newStore();
			put(store, 'b', '1'); // 2
			put(store, 'a', v); // 3
			store.compact(3);
			put(store, 'a', '2'); // 4: a@3 is no longer needed at 4
			return store.hashKV(4).hash;
		};
		expect(hashAt4('x')).toBe(hashAt4('y'));
	});
});

describe('quota', () => {
	it('the front-door check reports NOSPACE when a write would reach the quota', () => {
		const alarms: string[] = [];
		const { store } = newStore({ quotaBytes: 64 * 1024, onAlarm: (a) => alarms.push(a) });
		const big = new Uint8Array(20 * 1024);
		for (const k of ['a', 'b']) {
			const req = { key: b(k), value: big };
			store.checkQuota(putCost(req));
			store.put(req);
		}
		const third = { key: b('c'), value: big };
		expect(errorOf(() => store.checkQuota(putCost(third)))).toBe(
			'etcdserver: mvcc: database space exceeded'
		);
		expect(alarms).toEqual(['NOSPACE']);
		// The check is member-local and changes nothing: the alarm is raised through consensus.
		expect(store.noSpaceAlarm).toBe(false);
		store.checkQuota(0);
		const small = { key: b('d'), value: b('x') };
		store.checkQuota(putCost(small));
	});

	it('at apply, a write reaching the quota is applied but reported once (members never diverge)', () => {
		const alarms: string[] = [];
		const { store } = newStore({ quotaBytes: 64 * 1024, onAlarm: (a) => alarms.push(a) });
		const big = new Uint8Array(30 * 1024);
		store.put({ key: b('a'), value: big });
		expect(alarms).toEqual([]);
		store.put({ key: b('b'), value: big });
		store.put({ key: b('c'), value: big });
		expect(store.currentRevision).toBe(4);
		expect(alarms).toEqual(['NOSPACE']);
		store.raiseNoSpace();
		store.disarmNoSpace();
		store.put({ key: b('d'), value: big });
		expect(alarms).toEqual(['NOSPACE', 'NOSPACE']);
	});

	it('with the alarm raised, costly writes fail at apply; reads, deletes, compaction work', () => {
		const { store, lessor } = newStore({ quotaBytes: 64 * 1024 });
		const big = new Uint8Array(20 * 1024);
		put(store, 'a', 'x');
		store.put({ key: b('b'), value: big });
		store.raiseNoSpace();
		const NOSPACE = 'etcdserver: mvcc: database space exceeded';
		expect(errorOf(() => put(store, 'e', 'y'))).toBe(NOSPACE);
		expect(errorOf(() => store.checkQuota(putCost({ key: b('e'), value: b('y') })))).toBe(NOSPACE);
		expect(errorOf(() => lessor.grant(1n, 10))).toBe(NOSPACE);
		expect(
			errorOf(() =>
				store.txn({
					compare: [],
					success: [],
					failure: [{ request_put: { key: b('f'), value: b('') } }]
				})
			)
		).toBe(NOSPACE);
		expect(store.currentRevision).toBe(3);
		expect(get(store, 'a')).toBeDefined();
		expect(
			store.txn({ compare: [], success: [{ request_delete_range: { key: b('a') } }], failure: [] })
				.header.revision
		).toBe(4);
		expect(store.deleteRange({ key: b('b') }).deleted).toBe(1);
		store.compact(store.currentRevision);
		const sizeBefore = store.dbSize;
		store.defrag();
		expect(store.dbSize).toBeLessThan(sizeBefore);
		expect(store.dbSize).toBe(store.dbSizeInUse);
		store.disarmNoSpace();
		put(store, 'e', 'y');
		lessor.grant(1n, 10);
	});

	it('db size grows with writes and only defrag shrinks it', () => {
		const { store } = newStore();
		const start = store.dbSize;
		store.put({ key: b('k'), value: new Uint8Array(1000) });
		store.put({ key: b('k'), value: new Uint8Array(1000) });
		const grown = store.dbSize;
		expect(grown).toBeGreaterThan(start + 2000);
		store.compact(store.currentRevision);
		expect(store.dbSize).toBe(grown);
		expect(store.dbSizeInUse).toBeLessThan(grown);
		store.defrag();
		expect(store.dbSize).toBe(store.dbSizeInUse);
	});
});

describe('persistence batches', () => {
	it('every write and the consistent index end up in one batch; nothing pending gives null', () => {
		const { store } = newStore();
		expect(store.takeBatch()).toBeNull();
		store.setConsistentIndex(10, 2);
		put(store, 'a', '1');
		store.setConsistentIndex(11, 2);
		put(store, 'b', '1');
		const batch = store.takeBatch()!;
		expect(batch.puts.map((r) => [r.main, r.sub, s(r.kv.key)])).toEqual([
			[2, 0, 'a'],
			[3, 0, 'b']
		]);
		expect(batch.meta).toEqual({ consistentIndex: 11, consistentTerm: 2, compactRevision: 0 });
		expect(store.takeBatch()).toBeNull();
	});
});
