/**
 * check perf: the progress bar and verdict text as etcdctl 3.4.23 prints them (the expected
 * strings are from a real `etcdctl check perf` run with stdout in a pipe), and a short run
 * (the load's duration shortened) against a client factory that counts its connections:
 * like the real one, one client per worker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientFactory, EtcdClient } from '../../../src/lib/client/types';
import { PERF_LOADS, perfBar, perfVerdict } from '../../../src/lib/etcdctl/commands/check';
import { run } from './recordings';

describe('check perf output', () => {
	it('draws the bar as pb does without a terminal: counters, percentage, time left', () => {
		expect(perfBar(0, 60, 0)).toBe('\r 0 / 60    0.00%');
		expect(perfBar(1, 60, 0)).toBe('\r 1 / 60    1.67% 00m59s');
		expect(perfBar(10, 60, 0)).toBe('\r 10 / 60   16.67% 00m50s');
		expect(perfBar(59, 60, 0)).toBe('\r 59 / 60   98.33% 00m01s');
		expect(perfBar(60, 60, 0, 60.4)).toBe('\r 60 / 60  100.00% 1m0s');
	});

	it('fills the terminal width with the "Bom !" bar on a terminal', () => {
		const start = perfBar(0, 60, 80);
		expect(start).toHaveLength(81);
		expect(start).toMatch(/^\r 0 \/ 60 B {62}! {3}0\.00%$/);
		const half = perfBar(30, 60, 80);
		expect(half).toHaveLength(81);
		expect(half).toMatch(/^\r 30 \/ 60 Bo{26}m {27}! {2}50\.00% 00m30s$/);
		expect(perfBar(60, 60, 80, 60)).toMatch(/^\r 60 \/ 60 Bo{56}! 100\.00% 1m0s$/);
	});

	it('judges throughput, slowest request and deviation with the real messages', () => {
		const lats = Array.from({ length: 8940 }, (_, i) => (i % 2 ? 0.004 : 0.012));
		expect(perfVerdict(150, lats, 60.2, new Map())).toEqual({
			ok: true,
			text:
				'PASS: Throughput is 149 writes/s\n' +
				'PASS: Slowest request took 0.012000s\n' +
				'PASS: Stddev is 0.004000s\n' +
				'PASS\n'
		});
		const slow = [...lats.slice(0, 1000), 0.7];
		expect(perfVerdict(150, slow, 60, new Map([['etcdserver: too many requests', 3]]))).toEqual({
			ok: false,
			text:
				'FAIL: too many errors\n' +
				'FAIL: ERROR(etcdserver: too many requests) -> 3\n' +
				'FAIL: Throughput too low: 17 writes/s\n' +
				'Slowest request took too long: 0.700000s\n' +
				'PASS: Stddev is 0.022224s\n' +
				'FAIL\n'
		});
	});
});

/** A cluster of one in-memory map; counts connections, which client put, and closes. */
function fakeCluster(initialKeys: string[] = []) {
	const keys = new Set(initialKeys);
	const putsBy = new Map<number, number>();
	let connects = 0;
	let closed = 0;
	const header = { cluster_id: 1n, member_id: 1n, revision: 1n, raft_term: 1n };
	const text = (b: Uint8Array) => new TextDecoder('latin1').decode(b);
	const factory: ClientFactory = {
		connect: async () => {
			const id = connects++;
			const client = {
				endpoints: ['127.0.0.1:2379'],
				close: () => void closed++,
				range: async (req: { key: Uint8Array }) => {
					const p = text(req.key);
					const kvs = [...keys].filter((k) => k.startsWith(p)).slice(0, 1);
					return { header, kvs, more: false, count: BigInt(kvs.length) };
				},
				put: async (req: { key: Uint8Array }) => {
					await new Promise((r) => setTimeout(r, 1));
					keys.add(text(req.key));
					putsBy.set(id, (putsBy.get(id) ?? 0) + 1);
					return { header };
				},
				deleteRange: async (req: { key: Uint8Array }) => {
					const p = text(req.key);
					let deleted = 0;
					for (const k of keys) if (k.startsWith(p) && keys.delete(k)) deleted++;
					return { header, deleted: BigInt(deleted), prev_kvs: [] };
				}
			};
			return client as unknown as EtcdClient;
		}
	};
	return {
		factory,
		keys,
		putsBy,
		connects: () => connects,
		closed: () => closed
	};
}

describe('check perf run', () => {
	const saved = { ...PERF_LOADS.s };
	afterEach(() => void (PERF_LOADS.s = saved));

	it('puts from one client per worker at the load rate, then deletes its keys', async () => {
		PERF_LOADS.s = { limit: 40, clients: 5, duration: 2 };
		const cluster = fakeCluster(['/other']);
		const r = await run(['check', 'perf'], { clients: cluster.factory, now: () => Date.now() });
		expect(cluster.connects()).toBe(5);
		expect(cluster.closed()).toBe(4);
		const puts = [...cluster.putsBy.values()].reduce((a, b) => a + b, 0);
		// the limiter's tokens: at most 40/s * 2 s + 1
		expect(puts).toBeGreaterThanOrEqual(40);
		expect(puts).toBeLessThanOrEqual(81);
		expect(cluster.putsBy.size).toBeGreaterThan(1);
		expect([...cluster.keys]).toEqual(['/other']);
		expect(r.stderr).toBe('');
		// (a loaded machine may make the run slow: the verdicts may then be FAILs)
		expect(r.stdout).toMatch(
			/^\r 0 \/ 2 {4}0\.00%\r 1 \/ 2 {3}50\.00% 00m01s\r 2 \/ 2 {2}100\.00% \d+s\n(PASS: Throughput is|FAIL: Throughput too low:) \d+ writes\/s\n(PASS: Slowest request took|Slowest request took too long:) \d+\.\d{6}s\n(PASS: Stddev is|Stddev too high:) \d+\.\d{6}s\n(PASS|FAIL)\n$/
		);
	}, 20_000);

	it('stops on Ctrl-C with status 130 and closes its clients', async () => {
		PERF_LOADS.s = { limit: 40, clients: 5, duration: 60 };
		const cluster = fakeCluster();
		const ctl = new AbortController();
		setTimeout(() => ctl.abort(), 200);
		const r = await run(['check', 'perf'], {
			clients: cluster.factory,
			now: () => Date.now(),
			signal: ctl.signal
		});
		expect(r.exit).toBe(130);
		expect(cluster.closed()).toBe(4);
	});

	it('refuses a prefix that has keys, and an unknown load', async () => {
		const cluster = fakeCluster(['/etcdctl-check-perf/x']);
		expect(await run(['check', 'perf'], { clients: cluster.factory })).toMatchObject({
			exit: 3,
			stderr:
				'Error: prefix "/etcdctl-check-perf/" has keys. Delete with etcdctl del --prefix /etcdctl-check-perf/ first\n'
		});
		expect(
			await run(['check', 'perf', '--load', 'huge'], { clients: cluster.factory })
		).toMatchObject({
			exit: 4,
			stderr: 'Error: unknown load option huge\n'
		});
	});
});
