import { describe, expect, it } from 'vitest';
import { b, errorOf, get, newStore, pairs, put, s } from './helpers';
import type {
	Compare,
	DeleteRangeResponse,
	PutResponse,
	RangeResponse,
	RequestOp,
	TxnRequest
} from '$lib/engine/api/types';

const P = (k: string, v: string): RequestOp => ({ request_put: { key: b(k), value: b(v) } });
const G = (k: string, end?: string): RequestOp => ({
	request_range: { key: b(k), range_end: end ? b(end) : undefined }
});
const D = (k: string, end?: string): RequestOp => ({
	request_delete_range: { key: b(k), range_end: end ? b(end) : undefined }
});
const T = (compare: Compare[], success: RequestOp[], failure: RequestOp[] = []): TxnRequest => ({
	compare,
	success,
	failure
});
const ok = (compare: Compare[] = [], success: RequestOp[] = [], failure: RequestOp[] = []) => ({
	request_txn: T(compare, success, failure)
});

describe('txn compares', () => {
	function store2() {
		const { store, lessor } = newStore();
		lessor.grant(9n, 60);
		put(store, 'a', 'x'); // 2
		put(store, 'a', 'y', 9n); // 3
		return store;
	}
	const run = (c: Compare) => store2().txn(T([c], [], [])).succeeded;

	it('value compares with = != < >', () => {
		expect(run({ key: b('a'), target: 'VALUE', result: 'EQUAL', value: b('y') })).toBe(true);
		expect(run({ key: b('a'), target: 'VALUE', result: 'NOT_EQUAL', value: b('y') })).toBe(false);
		expect(run({ key: b('a'), target: 'VALUE', result: 'LESS', value: b('z') })).toBe(true);
		expect(run({ key: b('a'), target: 'VALUE', result: 'GREATER', value: b('x') })).toBe(true);
	});

	it('version, create, mod and lease compares', () => {
		expect(run({ key: b('a'), target: 'VERSION', result: 'EQUAL', version: 2 })).toBe(true);
		expect(run({ key: b('a'), target: 'CREATE', result: 'EQUAL', create_revision: 2 })).toBe(true);
		expect(run({ key: b('a'), target: 'MOD', result: 'GREATER', mod_revision: 2 })).toBe(true);
		expect(run({ key: b('a'), target: 'MOD', result: 'LESS', mod_revision: 3 })).toBe(false);
		expect(run({ key: b('a'), target: 'LEASE', result: 'EQUAL', lease: 9n })).toBe(true);
	});

	it('a missing key: value compares are false, others compare against 0', () => {
		expect(run({ key: b('m'), target: 'VALUE', result: 'EQUAL', value: b('') })).toBe(false);
		expect(run({ key: b('m'), target: 'VALUE', result: 'NOT_EQUAL', value: b('q') })).toBe(false);
		expect(run({ key: b('m'), target: 'VERSION', result: 'EQUAL', version: 0 })).toBe(true);
		expect(run({ key: b('m'), target: 'CREATE', result: 'EQUAL', create_revision: 0 })).toBe(true);
		expect(run({ key: b('m'), target: 'LEASE', result: 'EQUAL', lease: 0n })).toBe(true);
	});

	it('a range compare must hold for every key in the range', () => {
		const store = store2();
		put(store, 'b', 'y');
		const c = (v: string): Compare => ({
			key: b('a'),
			range_end: b('c'),
			target: 'VALUE',
			result: 'EQUAL',
			value: b(v)
		});
		expect(store.txn(T([c('y')], [])).succeeded).toBe(true);
		put(store, 'b', 'z');
		expect(store.txn(T([c('y')], [])).succeeded).toBe(false);
	});
});

describe('txn ops', () => {
	it('all writes share one revision; reads see the txn own writes; headers as etcd sets them', () => {
		const { store } = newStore();
		put(store, 'a', '1'); // 2
		const r = store.txn(T([], [G('a'), P('b', '2'), G('a', 'z'), D('a'), G('a', 'z')]));
		expect(r.succeeded).toBe(true);
		expect(r.header.revision).toBe(3);
		expect(store.currentRevision).toBe(3);
		const [r0, r1, r2, r3, r4] = r.responses as [
			{ response_range: RangeResponse },
			{ response_put: PutResponse },
			{ response_range: RangeResponse },
			{ response_delete_range: DeleteRangeResponse },
			{ response_range: RangeResponse }
		];
		expect(r0.response_range.header.revision).toBe(2);
		expect(r1.response_put.header.revision).toBe(3);
		expect(pairs(r2.response_range.kvs)).toEqual([
			['a', '1'],
			['b', '2']
		]);
		expect(r2.response_range.header.revision).toBe(3);
		expect(r3.response_delete_range.deleted).toBe(1);
		expect(pairs(r4.response_range.kvs)).toEqual([['b', '2']]);
		// Sub-revisions order the writes: b then a's tombstone.
		expect(
			store.snapshot().revisions.map((x) => [x.main, x.sub, s(x.kv.key), x.tombstone])
		).toEqual([
			[2, 0, 'a', false],
			[3, 0, 'b', false],
			[3, 1, 'a', true]
		]);
	});

	it('failure branch runs when a compare fails', () => {
		const { store } = newStore();
		const r = store.txn(
			T(
				[{ key: b('a'), target: 'VERSION', result: 'GREATER', version: 0 }],
				[P('s', '1')],
				[P('f', '1')]
			)
		);
		expect(r.succeeded).toBe(false);
		expect(get(store, 'f')).toBeDefined();
		expect(get(store, 's')).toBeUndefined();
	});

	it('a read-only txn does not bump the revision; nor does a txn whose deletes hit nothing', () => {
		const { store } = newStore();
		put(store, 'a', '1');
		expect(store.txn(T([], [G('a')])).header.revision).toBe(2);
		expect(store.txn(T([], [D('zz')])).header.revision).toBe(2);
		expect(store.currentRevision).toBe(2);
	});

	it('nested txns: compares see the state before the txn, one revision, nested header revision 0', () => {
		const { store } = newStore();
		const missing: Compare = { key: b('n'), target: 'VERSION', result: 'EQUAL', version: 0 };
		const r = store.txn(T([], [P('n', '1'), ok([missing], [P('m', '1')], [P('m', '2')])]));
		expect(store.currentRevision).toBe(2);
		// The nested compare ran before the outer put: n was missing, so the success branch ran.
		expect(s(get(store, 'm').value)).toBe('1');
		const nested = (
			r.responses[1] as { response_txn: { succeeded: boolean; header: { revision: number } } }
		).response_txn;
		expect(nested.succeeded).toBe(true);
		expect(nested.header.revision).toBe(0);
	});

	it('put prev_kv and ignore flags inside a txn', () => {
		const { store } = newStore();
		put(store, 'a', 'old');
		const r = store.txn(
			T([], [{ request_put: { key: b('a'), value: b(''), ignore_value: true, prev_kv: true } }])
		);
		const pr = (r.responses[0] as { response_put: { prev_kv?: { value: Uint8Array } } })
			.response_put;
		expect(s(pr.prev_kv!.value)).toBe('old');
		expect(get(store, 'a')).toMatchObject({ version: 2 });
		expect(s(get(store, 'a').value)).toBe('old');
		expect(
			errorOf(() =>
				store.txn(T([], [{ request_put: { key: b('zz'), value: b(''), ignore_value: true } }]))
			)
		).toBe('etcdserver: key not found');
		expect(
			errorOf(() => store.txn(T([], [{ request_put: { key: b('zz'), value: b(''), lease: 4n } }])))
		).toBe('etcdserver: requested lease not found');
	});

	it('range revision checks in a txn: future and compacted, nothing applied', () => {
		const { store } = newStore();
		put(store, 'a', '1');
		put(store, 'a', '2');
		const at = (revision: number): RequestOp => ({ request_range: { key: b('a'), revision } });
		expect(errorOf(() => store.txn(T([], [P('x', '1'), at(4)])))).toBe(
			'etcdserver: mvcc: required revision is a future revision'
		);
		store.compact(3);
		expect(errorOf(() => store.txn(T([], [P('x', '1'), at(2)])))).toBe(
			'etcdserver: mvcc: required revision has been compacted'
		);
		expect(store.currentRevision).toBe(3);
		expect(get(store, 'x')).toBeUndefined();
	});
});

describe('txn limits and the duplicate-key rule', () => {
	const { store } = newStore();
	const dup = (success: RequestOp[], failure: RequestOp[] = []) =>
		errorOf(() => store.txn(T([], success, failure)));
	const DUP = 'etcdserver: duplicate key given in txn request';

	it('128 ops are fine, 129 are too many (compares, success or failure)', () => {
		const ops = (n: number) => Array.from({ length: n }, (_, i) => G(`k${i}`));
		expect(store.txn(T([], ops(128))).responses).toHaveLength(128);
		const msg = 'etcdserver: too many operations in txn request';
		expect(errorOf(() => store.txn(T([], ops(129))))).toBe(msg);
		expect(errorOf(() => store.txn(T([], [], ops(129))))).toBe(msg);
		const cmp: Compare = { key: b('a'), target: 'VERSION', result: 'EQUAL', version: 0 };
		expect(errorOf(() => store.txn(T(Array(129).fill(cmp), [])))).toBe(msg);
		// Nested txns share what the parent leaves: 100 ops above, 29 below is too many.
		expect(errorOf(() => store.txn(T([], [...ops(100), ok([], ops(29))])))).toBe(msg);
	});

	it('two puts of one key, or a put and an overlapping delete, are duplicates', () => {
		expect(dup([P('a', '1'), P('a', '2')])).toBe(DUP);
		expect(dup([P('b', '1'), D('a', 'c')])).toBe(DUP);
		expect(dup([D('b'), P('b', '1')])).toBe(DUP);
		expect(dup([P('a', '1'), ok([], [P('a', '2')])])).toBe(DUP);
		expect(dup([D('a', 'z'), ok([], [], [P('q', '2')])])).toBe(DUP);
		expect(dup([ok([], [D('a')]), ok([], [P('a', '1')])])).toBe(DUP);
	});

	it('allowed: puts of one key in the two branches of a nested txn, overlapping deletes, branches apart', () => {
		store.txn(T([], [ok([], [P('a', '1')], [P('a', '2')])]));
		store.txn(T([], [D('a', 'z'), D('b')]));
		store.txn(T([], [P('a', '1')], [P('a', '2')]));
		store.txn(T([], [P('a', '1'), D('b', 'c')]));
		// As in etcd, a from-key delete is an empty interval for this rule.
		store.txn(
			T(
				[],
				[P('q', '1'), { request_delete_range: { key: b('a'), range_end: new Uint8Array([0]) } }]
			)
		);
	});

	it('empty keys anywhere are rejected', () => {
		expect(
			errorOf(() => store.txn(T([{ key: b(''), target: 'VERSION', result: 'EQUAL' }], [])))
		).toBe('etcdserver: key is not provided');
		expect(errorOf(() => store.txn(T([], [ok([], [G('')])])))).toBe(
			'etcdserver: key is not provided'
		);
	});
});

describe('a txn that fails half way', () => {
	it('is undone as a whole: index, history, leases (etcd would panic here)', () => {
		const { store, lessor } = newStore();
		lessor.grant(1n, 60);
		lessor.grant(2n, 60);
		put(store, 'ab', 'old', 1n); // 2
		put(store, 'c', 'x', 2n); // 3
		const before = store.snapshot();
		const hash = store.hash();
		// The from-key delete escapes the duplicate rule, removes ab, then the ignore_value put
		// finds no ab: etcd's applier panics on this; here the txn fails and nothing changes.
		const msg = errorOf(() =>
			store.txn({
				compare: [],
				success: [
					{ request_put: { key: b('new'), value: b('n'), lease: 2n } },
					{ request_put: { key: b('c'), value: b('y'), lease: 1n } },
					{ request_delete_range: { key: b('a'), range_end: new Uint8Array([0]) } },
					{ request_put: { key: b('ab'), value: b(''), ignore_value: true } }
				],
				failure: []
			})
		);
		expect(msg).toBe('etcdserver: key not found');
		expect(store.currentRevision).toBe(3);
		expect(store.snapshot()).toEqual(before);
		expect(store.hash()).toEqual(hash);
		expect(get(store, 'new')).toBeUndefined();
		expect(store.range({ key: b('a'), range_end: b('z') }).count).toBe(2);
		expect(lessor.lookup(1n)!.keys.map(s)).toEqual(['ab']);
		expect(lessor.lookup(2n)!.keys.map(s)).toEqual(['c']);
		expect(store.takeBatch()!.puts.map((r) => r.main)).toEqual([2, 3]);
		// And the store goes on normally.
		put(store, 'new', 'n');
		expect(get(store, 'new')).toMatchObject({ create_revision: 4, version: 1 });
	});
});
