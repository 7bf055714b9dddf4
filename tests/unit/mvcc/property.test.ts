/**
 * Random operation sequences against a tiny reference model: every response (values,
 * revisions, versions, counts, `more`, errors), every watch event, and the state rebuilt from
 * the backend batches must agree with the model.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MvccStore } from '$lib/engine/mvcc/store';
import { Lessor } from '$lib/engine/lease/lessor';
import { WatchableStore, type WatchStreamResponse } from '$lib/engine/mvcc/watch';
import { EtcdError } from '$lib/engine/api/errors';
import type { BackendContents, LeaseRecord, RevisionRecord } from '$lib/engine/mvcc/backend';
import type { Compare, KeyValue, RequestOp, SortOrder, SortTarget } from '$lib/engine/api/types';
import { fromUtf8, utf8 } from '$lib/engine/util/bytes';

const SEED = 20261122;
const RUNS = 5000;

const KEYS = ['a', 'ab', 'b', 'c', 'd'];
const FROM_KEY = '\0';

interface MKv {
	key: string;
	value: string;
	create: number;
	mod: number;
	version: number;
	lease: number;
}
type State = Map<string, MKv>;

interface MEvent {
	type: 'PUT' | 'DELETE';
	key: string;
	value: string;
	mod: number;
	prev?: string;
}

type Op =
	| { t: 'put'; key: string; value: string; lease: number; prevKv: boolean }
	| { t: 'del'; key: string; end?: string; prevKv: boolean }
	| {
			t: 'range';
			key: string;
			end?: string;
			rev: number;
			limit: number;
			target: SortTarget;
			order: SortOrder;
			countOnly: boolean;
	  }
	| {
			t: 'txn';
			cmp: {
				key: string;
				target: 'VALUE' | 'VERSION' | 'MOD' | 'CREATE' | 'LEASE';
				result: Compare['result'];
				n: number;
			};
			success: SubOp[];
			failure: SubOp[];
	  }
	| { t: 'compact'; rev: number }
	| { t: 'grant'; id: number }
	| { t: 'revoke'; id: number }
	| { t: 'watch'; rev: number };

type SubOp =
	| { t: 'put'; key: string; value: string; ignoreValue: boolean }
	| { t: 'del'; key: string; end?: string }
	| { t: 'get'; key: string };

const key = fc.constantFrom(...KEYS);
const value = fc.constantFrom('', 'x', 'y', 'zz');
const end = fc.option(fc.constantFrom('b', 'c', 'e', FROM_KEY), { nil: undefined });
const subOp: fc.Arbitrary<SubOp> = fc.oneof(
	fc.record({
		t: fc.constant('put' as const),
		key,
		value,
		ignoreValue: fc.constantFrom(false, false, false, true)
	}),
	fc.record({ t: fc.constant('del' as const), key, end }),
	fc.record({ t: fc.constant('get' as const), key })
);
const op: fc.Arbitrary<Op> = fc.oneof(
	{
		weight: 5,
		arbitrary: fc.record({
			t: fc.constant('put' as const),
			key,
			value,
			lease: fc.constantFrom(0, 0, 0, 1, 2),
			prevKv: fc.boolean()
		})
	},
	{
		weight: 2,
		arbitrary: fc.record({ t: fc.constant('del' as const), key, end, prevKv: fc.boolean() })
	},
	{
		weight: 3,
		arbitrary: fc.record({
			t: fc.constant('range' as const),
			key,
			end,
			rev: fc.integer({ min: -1, max: 25 }),
			limit: fc.integer({ min: 0, max: 3 }),
			target: fc.constantFrom<SortTarget>('KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'),
			order: fc.constantFrom<SortOrder>('NONE', 'ASCEND', 'DESCEND'),
			countOnly: fc.boolean()
		})
	},
	{
		weight: 3,
		arbitrary: fc.record({
			t: fc.constant('txn' as const),
			cmp: fc.record({
				key,
				target: fc.constantFrom(
					'LEASE' as const,
					'VALUE' as const,
					'VERSION' as const,
					'MOD' as const,
					'CREATE' as const
				),
				result: fc.constantFrom<Compare['result']>('EQUAL', 'NOT_EQUAL', 'LESS', 'GREATER'),
				n: fc.integer({ min: 0, max: 6 })
			}),
			success: fc.array(subOp, { maxLength: 3 }),
			failure: fc.array(subOp, { maxLength: 3 })
		})
	},
	{
		weight: 1,
		arbitrary: fc.record({
			t: fc.constant('compact' as const),
			rev: fc.integer({ min: 0, max: 20 })
		})
	},
	{
		weight: 1,
		arbitrary: fc.record({ t: fc.constant('grant' as const), id: fc.constantFrom(1, 2) })
	},
	{
		weight: 1,
		arbitrary: fc.record({ t: fc.constant('revoke' as const), id: fc.constantFrom(1, 2) })
	},
	{
		weight: 1,
		arbitrary: fc.record({ t: fc.constant('watch' as const), rev: fc.integer({ min: 0, max: 20 }) })
	}
);

function inRange(k: string, start: string, e?: string): boolean {
	if (e === undefined) return k === start;
	if (e === FROM_KEY) return k >= start;
	return k >= start && k < e;
}

const bytesEnd = (e?: string) =>
	e === undefined ? undefined : e === FROM_KEY ? new Uint8Array([0]) : utf8(e);

/** The reference: states by revision, plain maps, no cleverness. */
class Model {
	states: State[] = [new Map(), new Map()]; // index = revision
	compactRev = 0;
	leases = new Set<number>();
	events: MEvent[] = [];
	get rev() {
		return this.states.length - 1;
	}
	get cur(): State {
		return this.states[this.rev];
	}
	/** Applies a list of writes as one revision; returns the new state or none. */
	write(fn: (next: State, rev: number, evs: MEvent[]) => void): void {
		const next = new Map(this.cur);
		const evs: MEvent[] = [];
		fn(next, this.rev + 1, evs);
		if (evs.length > 0) {
			this.states.push(next);
			this.events.push(...evs);
		}
	}
	put(next: State, rev: number, evs: MEvent[], k: string, v: string, lease: number) {
		const prev = next.get(k);
		next.set(k, {
			key: k,
			value: v,
			create: prev ? prev.create : rev,
			mod: rev,
			version: prev ? prev.version + 1 : 1,
			lease
		});
		// Watchers get prev_kv from the revision before (not for a create).
		const before = this.cur.get(k);
		evs.push({ type: 'PUT', key: k, value: v, mod: rev, prev: prev ? before?.value : undefined });
	}
	del(next: State, rev: number, evs: MEvent[], start: string, e?: string): number {
		const ks = [...next.keys()].filter((k) => inRange(k, start, e)).sort();
		for (const k of ks) {
			evs.push({ type: 'DELETE', key: k, value: '', mod: rev, prev: this.cur.get(k)?.value });
			next.delete(k);
		}
		return ks.length;
	}
	range(state: State, start: string, e?: string): MKv[] {
		return [...state.values()]
			.filter((kv) => inRange(kv.key, start, e))
			.sort((x, y) => (x.key < y.key ? -1 : 1));
	}
}

function toModel(kv: KeyValue): MKv {
	return {
		key: fromUtf8(kv.key),
		value: fromUtf8(kv.value),
		create: kv.create_revision,
		mod: kv.mod_revision,
		version: kv.version,
		lease: Number(kv.lease)
	};
}

function err(fn: () => unknown): string | unknown {
	try {
		return fn();
	} catch (e) {
		if (e instanceof EtcdError) return e.message;
		throw e;
	}
}

const FUTURE = 'etcdserver: mvcc: required revision is a future revision';
const COMPACTED = 'etcdserver: mvcc: required revision has been compacted';

function sortKvs(kvs: MKv[], target: SortTarget, order: SortOrder): MKv[] {
	if (order === 'NONE' && target === 'KEY') return kvs;
	const field = (kv: MKv): number | string =>
		target === 'KEY'
			? kv.key
			: target === 'VERSION'
				? kv.version
				: target === 'CREATE'
					? kv.create
					: target === 'MOD'
						? kv.mod
						: kv.value;
	const asc = (x: MKv, y: MKv) => {
		const a = field(x);
		const c = field(y);
		return a < c ? -1 : a > c ? 1 : 0;
	};
	return [...kvs].sort(order === 'DESCEND' ? (x, y) => asc(y, x) : asc);
}

interface WatchLog {
	startRev: number;
	compactAtStart: number;
	revAtStart: number;
	responses: WatchStreamResponse[];
}

function runSequence(ops: Op[]): void {
	const store = new MvccStore();
	const lessor = new Lessor(store);
	const hub = new WatchableStore(store);
	const m = new Model();
	const watches: WatchLog[] = [];
	// A mirror of the backend, fed batch by batch.
	const mirror = {
		revs: new Map<string, RevisionRecord>(),
		leases: new Map<bigint, LeaseRecord>()
	};
	let meta = { consistentIndex: 0, consistentTerm: 0, compactRevision: 0 };

	const watchFrom = (rev: number) => {
		const log: WatchLog = {
			startRev: rev,
			compactAtStart: m.compactRev,
			revAtStart: m.rev,
			responses: []
		};
		hub
			.newStream((r) => log.responses.push(r))
			.watch({
				key: new Uint8Array([0]),
				range_end: new Uint8Array([0]),
				start_revision: rev,
				prev_kv: true
			});
		watches.push(log);
	};
	watchFrom(0);

	let index = 0;
	for (const o of ops) {
		store.setConsistentIndex(++index, 1);
		switch (o.t) {
			case 'put': {
				const got = err(() =>
					store.put({
						key: utf8(o.key),
						value: utf8(o.value),
						lease: BigInt(o.lease),
						prev_kv: o.prevKv
					})
				);
				if (o.lease !== 0 && !m.leases.has(o.lease)) {
					expect(got).toBe('etcdserver: requested lease not found');
					break;
				}
				const prev = m.cur.get(o.key);
				m.write((next, rev, evs) => m.put(next, rev, evs, o.key, o.value, o.lease));
				const r = got as { header: { revision: number }; prev_kv?: KeyValue };
				expect(r.header.revision).toBe(m.rev);
				expect(r.prev_kv ? toModel(r.prev_kv) : undefined).toEqual(o.prevKv ? prev : undefined);
				break;
			}
			case 'del': {
				const before = m.range(m.cur, o.key, o.end);
				const r = store.deleteRange({
					key: utf8(o.key),
					range_end: bytesEnd(o.end),
					prev_kv: o.prevKv
				});
				m.write((next, rev, evs) => m.del(next, rev, evs, o.key, o.end));
				expect(r.deleted).toBe(before.length);
				expect(r.header.revision).toBe(m.rev);
				expect(r.prev_kvs.map(toModel)).toEqual(o.prevKv ? before : []);
				break;
			}
			case 'range': {
				const got = err(() =>
					store.range({
						key: utf8(o.key),
						range_end: bytesEnd(o.end),
						revision: o.rev,
						limit: o.limit,
						sort_target: o.target,
						sort_order: o.order,
						count_only: o.countOnly
					})
				);
				if (o.rev > m.rev) {
					expect(got).toBe(FUTURE);
					break;
				}
				const at = o.rev <= 0 ? m.rev : o.rev;
				if (at < m.compactRev) {
					expect(got).toBe(COMPACTED);
					break;
				}
				const all = m.range(m.states[at], o.key, o.end);
				let kvs = o.countOnly ? [] : sortKvs(all, o.target, o.order);
				const more = o.limit > 0 && kvs.length > o.limit;
				if (more) kvs = kvs.slice(0, o.limit);
				const r = got as {
					kvs: KeyValue[];
					count: number;
					more: boolean;
					header: { revision: number };
				};
				expect(r.kvs.map(toModel)).toEqual(kvs);
				expect(r.count).toBe(all.length);
				expect(r.more).toBe(more);
				expect(r.header.revision).toBe(m.rev);
				break;
			}
			case 'txn': {
				const c = o.cmp;
				const compare: Compare = {
					key: utf8(c.key),
					target: c.target,
					result: c.result,
					value: utf8(['', 'x', 'y', 'zz', 'w', 'x', 'y'][c.n]),
					version: c.n,
					mod_revision: c.n,
					create_revision: c.n,
					lease: BigInt(c.n % 3)
				};
				const toReq = (s: SubOp): RequestOp =>
					s.t === 'put'
						? {
								request_put: {
									key: utf8(s.key),
									value: s.ignoreValue ? new Uint8Array() : utf8(s.value),
									ignore_value: s.ignoreValue
								}
							}
						: s.t === 'del'
							? { request_delete_range: { key: utf8(s.key), range_end: bytesEnd(s.end) } }
							: { request_range: { key: utf8(s.key) } };
				const got = err(() =>
					store.txn({
						compare: [compare],
						success: o.success.map(toReq),
						failure: o.failure.map(toReq)
					})
				);
				// The duplicate-key rule, per branch.
				const dup = (ops: SubOp[]) => {
					const puts = ops.filter((s) => s.t === 'put').map((s) => s.key);
					if (new Set(puts).size !== puts.length) return true;
					return ops.some(
						(d) =>
							d.t === 'del' &&
							d.end !== FROM_KEY &&
							puts.some((k) => (d.end === undefined ? k === d.key : k >= d.key && k < d.end!))
					);
				};
				if (dup(o.success) || dup(o.failure)) {
					expect(got).toBe('etcdserver: duplicate key given in txn request');
					break;
				}
				const kv = m.cur.get(c.key);
				let ok: boolean;
				if (c.target === 'VALUE') {
					if (!kv) ok = false;
					else {
						const a = kv.value;
						const bv = ['', 'x', 'y', 'zz', 'w', 'x', 'y'][c.n];
						const cmp = a < bv ? -1 : a > bv ? 1 : 0;
						ok = { EQUAL: cmp === 0, NOT_EQUAL: cmp !== 0, LESS: cmp < 0, GREATER: cmp > 0 }[
							c.result
						];
					}
				} else {
					const a = kv
						? c.target === 'VERSION'
							? kv.version
							: c.target === 'MOD'
								? kv.mod
								: c.target === 'LEASE'
									? kv.lease
									: kv.create
						: 0;
					const cmp = Math.sign(a - (c.target === 'LEASE' ? c.n % 3 : c.n));
					ok = { EQUAL: cmp === 0, NOT_EQUAL: cmp !== 0, LESS: cmp < 0, GREATER: cmp > 0 }[
						c.result
					];
				}
				const branch = ok ? o.success : o.failure;
				// ignore_value needs the key before the txn; a from-key delete earlier in the
				// txn can still remove it, and then the whole txn fails (etcd would panic).
				const NOT_FOUND = 'etcdserver: key not found';
				if (branch.some((x) => x.t === 'put' && x.ignoreValue && !m.cur.has(x.key))) {
					expect(got).toBe(NOT_FOUND);
					break;
				}
				const reads: (MKv[] | number)[] = [];
				let failed = false;
				m.write((next, rev, evs) => {
					for (const s of branch) {
						if (s.t === 'put' && s.ignoreValue && !next.has(s.key)) {
							failed = true;
							evs.length = 0;
							return;
						}
						if (s.t === 'put')
							m.put(next, rev, evs, s.key, s.ignoreValue ? next.get(s.key)!.value : s.value, 0);
						else if (s.t === 'del') reads.push(m.del(next, rev, evs, s.key, s.end));
						else reads.push(m.range(next, s.key));
					}
				});
				if (failed) {
					expect(got).toBe(NOT_FOUND);
					break;
				}
				const r = got as {
					succeeded: boolean;
					header: { revision: number };
					responses: Record<string, { kvs?: KeyValue[]; deleted?: number }>[];
				};
				expect(r.succeeded).toBe(ok);
				expect(r.header.revision).toBe(m.rev);
				const seen = r.responses
					.filter((x) => !('response_put' in x))
					.map((x) =>
						'response_range' in x
							? x.response_range.kvs!.map(toModel)
							: x.response_delete_range.deleted!
					);
				expect(seen).toEqual(reads);
				break;
			}
			case 'compact': {
				const got = err(() => store.compact(o.rev));
				if (o.rev <= m.compactRev) expect(got).toBe(COMPACTED);
				else if (o.rev > m.rev) expect(got).toBe(FUTURE);
				else {
					expect(got).toEqual({ revision: m.rev });
					m.compactRev = o.rev;
				}
				break;
			}
			case 'grant': {
				const got = err(() => lessor.grant(BigInt(o.id), 10));
				if (m.leases.has(o.id)) expect(got).toBe('etcdserver: lease already exists');
				else m.leases.add(o.id);
				break;
			}
			case 'revoke': {
				const got = err(() => lessor.revoke(BigInt(o.id)));
				if (!m.leases.has(o.id)) {
					expect(got).toBe('etcdserver: requested lease not found');
					break;
				}
				m.leases.delete(o.id);
				m.write((next, rev, evs) => {
					const ks = [...next.values()]
						.filter((kv) => kv.lease === o.id)
						.map((kv) => kv.key)
						.sort();
					for (const k of ks) m.del(next, rev, evs, k);
				});
				expect(got).toEqual({ revision: m.rev });
				break;
			}
			case 'watch':
				watchFrom(o.rev);
				break;
		}
		expect(store.currentRevision).toBe(m.rev);
		const batch = store.takeBatch();
		if (batch) {
			for (const [main, sub] of batch.deletes) mirror.revs.delete(`${main}_${sub}`);
			for (const r of batch.puts) mirror.revs.set(`${r.main}_${r.sub}`, r);
			for (const id of batch.leaseDeletes) mirror.leases.delete(id);
			for (const l of batch.leasePuts) mirror.leases.set(l.id, l);
			meta = batch.meta;
		}
	}

	// Watch: every event exactly once, in order, with prev_kv; a compacted start is canceled.
	for (const w of watches) {
		const [created, ...rest] = w.responses;
		expect(created.created).toBe(true);
		if (w.startRev !== 0 && w.startRev < w.compactAtStart) {
			expect(rest).toHaveLength(1);
			expect(rest[0]).toMatchObject({ canceled: true, compact_revision: w.compactAtStart });
			continue;
		}
		const from = w.startRev === 0 ? w.revAtStart + 1 : w.startRev;
		const expected = m.events
			.filter((e) => e.mod >= from)
			// Catch-up cannot replay deletes at the compact revision: compaction removed them.
			.filter((e) => !(e.mod <= w.revAtStart && e.type === 'DELETE' && e.mod === w.compactAtStart))
			.map((e) => {
				const prevVisible = e.mod > w.revAtStart || e.mod - 1 >= w.compactAtStart;
				return `${e.type} ${e.key}=${e.value}@${e.mod} prev=${prevVisible ? (e.prev ?? '-') : '-'}`;
			});
		const got = rest.flatMap((r) =>
			r.events.map(
				(e) =>
					`${e.type} ${fromUtf8(e.kv.key)}=${fromUtf8(e.kv.value)}@${e.kv.mod_revision} prev=${e.prev_kv ? fromUtf8(e.prev_kv.value) : '-'}`
			)
		);
		expect(got).toEqual(expected);
	}

	// State rebuilt from the batches is the same store.
	const contents: BackendContents = {
		revisions: [...mirror.revs.values()],
		leases: [...mirror.leases.values()],
		meta
	};
	const again = new MvccStore(contents);
	const lessor2 = new Lessor(again);
	expect(again.currentRevision).toBe(store.currentRevision);
	expect(again.compactRevision).toBe(m.compactRev);
	expect(again.consistentIndex).toBe(ops.length);
	expect(again.hash()).toEqual(store.hash());
	expect(again.hashKV()).toEqual(store.hashKV());
	expect(lessor2.leases()).toEqual(lessor.leases());
	const all = { key: new Uint8Array([0]), range_end: new Uint8Array([0]) };
	expect(again.range(all).kvs.map(toModel)).toEqual(m.range(m.cur, '\0', FROM_KEY));
}

describe('property: the store agrees with a reference model', () => {
	it(`${RUNS} random sequences (seed ${SEED})`, () => {
		fc.assert(
			fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
				runSequence(ops);
			}),
			{ seed: SEED, numRuns: RUNS, verbose: 1 }
		);
	});
});
