import { describe, expect, it } from 'vitest';
import {
	checkLinearizable,
	type HistoryOp,
	type KvOp,
	type KvOutput,
	type ModelKv,
	type TxnSubOp
} from '../../../src/lib/engine/sim/linearizability';

function op(client: number, o: KvOp, call: number, ret: number, out?: KvOutput): HistoryOp {
	return { client, op: o, call, ret: out ? ret : Infinity, out };
}

function kv(key: string, value: string, create: number, mod: number, version = 1): ModelKv {
	return { key, value, create, mod, version, lease: 0n };
}

const put = (key: string, value: string, lease?: bigint): TxnSubOp => ({
	type: 'put',
	key,
	value,
	lease
});
const get = (key: string): TxnSubOp => ({ type: 'get', key });

describe('linearizability checker', () => {
	it('accepts a sequential history', () => {
		const h = [
			op(1, put('a', '1'), 0, 10, { rev: 2 }),
			op(1, get('a'), 11, 20, { rev: 2, kvs: [kv('a', '1', 2, 2)] }),
			op(2, put('a', '2'), 21, 30, { rev: 3 }),
			op(2, get('a'), 31, 40, { rev: 3, kvs: [kv('a', '2', 2, 3, 2)] })
		];
		expect(checkLinearizable(h).ok).toBe(true);
	});

	it('accepts concurrent operations in either order', () => {
		const h = [
			op(1, put('a', '1'), 0, 50, { rev: 2 }),
			// Overlaps the put: may see the old or the new value.
			op(2, get('a'), 10, 20, { rev: 1, kvs: [] }),
			op(3, get('a'), 10, 60, { rev: 2, kvs: [kv('a', '1', 2, 2)] })
		];
		expect(checkLinearizable(h).ok).toBe(true);
	});

	it('rejects a stale read', () => {
		const h = [
			op(1, put('a', '1'), 0, 10, { rev: 2 }),
			op(1, put('a', '2'), 11, 20, { rev: 3 }),
			// Began after the second put returned, but sees the first value.
			op(2, get('a'), 25, 30, { rev: 2, kvs: [kv('a', '1', 2, 2)] })
		];
		const r = checkLinearizable(h);
		expect(r.ok).toBe(false);
		expect(r.inconclusive).toBeUndefined();
		expect(r.details).toContain('get a');
	});

	it('rejects a lost acknowledged write', () => {
		const h = [
			op(1, put('a', '1'), 0, 10, { rev: 2 }),
			op(2, get('a'), 20, 30, { rev: 2, kvs: [] })
		];
		expect(checkLinearizable(h).ok).toBe(false);
	});

	it('rejects a non-linearizable txn (compare on a stale value)', () => {
		const txn: KvOp = {
			type: 'txn',
			compare: [{ key: 'a', target: 'value', op: '=', operand: '1' }],
			success: [put('b', 'x')],
			failure: [get('a')]
		};
		const ok = [
			op(1, put('a', '1'), 0, 10, { rev: 2 }),
			op(1, txn, 11, 20, { rev: 3, succeeded: true, results: [null] })
		];
		expect(checkLinearizable(ok).ok).toBe(true);
		const stale = [
			op(1, put('a', '1'), 0, 10, { rev: 2 }),
			op(1, put('a', '2'), 11, 20, { rev: 3 }),
			// The compare saw a=1 after a=2 was acknowledged.
			op(2, txn, 21, 30, { rev: 4, succeeded: true, results: [null] })
		];
		expect(checkLinearizable(stale).ok).toBe(false);
	});

	it('places an unknown write wherever the later observations need it, or nowhere', () => {
		const h = [
			op(1, put('a', '1'), 0, 0),
			op(2, get('a'), 50, 60, { rev: 1, kvs: [] }),
			op(2, get('a'), 70, 80, { rev: 2, kvs: [kv('a', '1', 2, 2)] })
		];
		expect(checkLinearizable(h).ok).toBe(true);
		const never = [op(1, put('a', '1'), 0, 0), op(2, get('a'), 50, 60, { rev: 1, kvs: [] })];
		expect(checkLinearizable(never).ok).toBe(true);
		// But it cannot take effect before it was called.
		const early = [
			op(2, get('a'), 0, 10, { rev: 2, kvs: [kv('a', '1', 2, 2)] }),
			op(1, put('a', '1'), 20, 0)
		];
		expect(checkLinearizable(early).ok).toBe(false);
	});

	it('leaves out failed requests: they had no effect', () => {
		const failed: HistoryOp = { ...op(1, put('a', '1'), 0, 0), failed: true };
		const h = [failed, op(2, get('a'), 20, 30, { rev: 2, kvs: [kv('a', '1', 2, 2)] })];
		expect(checkLinearizable(h).ok).toBe(false);
		expect(checkLinearizable([{ ...failed, failed: false }, h[1]]).ok).toBe(true);
	});

	it('checks revisions: a write acknowledged at the wrong revision fails', () => {
		const h = [op(1, put('a', '1'), 0, 10, { rev: 2 }), op(2, put('b', '1'), 20, 30, { rev: 2 })];
		expect(checkLinearizable(h).ok).toBe(false);
	});

	it('models leases: a revoke deletes the attached keys in one revision', () => {
		const h = [
			op(1, { type: 'leaseGrant', id: 7n }, 0, 10, { rev: 1 }),
			op(1, put('a', '1', 7n), 11, 20, { rev: 2 }),
			op(1, put('b', '1', 7n), 21, 30, { rev: 3 }),
			op(1, { type: 'leaseRevoke', id: 7n }, 31, 40, { rev: 4 }),
			op(2, { type: 'get', key: 'a', end: 'c' }, 41, 50, { rev: 4, kvs: [] })
		];
		expect(checkLinearizable(h).ok).toBe(true);
		const kept = [
			...h.slice(0, 4),
			op(2, get('a'), 41, 50, { rev: 4, kvs: [{ ...kv('a', '1', 2, 2), lease: 7n }] })
		];
		expect(checkLinearizable(kept).ok).toBe(false);
	});

	it('handles a few hundred concurrent operations quickly', () => {
		const h: HistoryOp[] = [];
		let rev = 1;
		const values = new Map<string, ModelKv>();
		for (let i = 0; i < 300; i++) {
			const key = `k${i % 4}`;
			const t = i * 10;
			if (i % 3 === 0) {
				const prev = values.get(key);
				rev++;
				const v = {
					key,
					value: `v${i}`,
					create: prev?.create ?? rev,
					mod: rev,
					version: (prev?.version ?? 0) + 1,
					lease: 0n
				};
				values.set(key, v);
				h.push(op(i % 5, put(key, `v${i}`), t, t + 25, { rev }));
			} else if (i % 7 === 0) {
				h.push(op(i % 5, put(key, `u${i}`), t, 0));
			} else {
				const v = values.get(key);
				h.push(op(i % 5, get(key), t + 26, t + 27, { rev, kvs: v ? [v] : [] }));
			}
		}
		const r = checkLinearizable(h.filter((x) => x.op.type !== 'put' || x.out));
		expect(r.ok).toBe(true);
		expect(r.steps).toBeLessThan(100_000);
	});
});
