/**
 * The command deadline (etcdctl --command-timeout) of every call in flight shares one timer per
 * client: a timer set and cleared per request cost the page's main thread under check perf.
 * Each call still fails at its own deadline with etcd's client error.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClientFactory, type Connector } from '$lib/client/client';
import type { MemberApi } from '$lib/engine/server/api';

const enc = new TextEncoder();
const header = { cluster_id: 1n, member_id: 1n, revision: 2, raft_term: 2 };

beforeEach(() => {
	vi.useFakeTimers();
});
afterEach(() => {
	vi.useRealTimers();
});

describe('client deadlines', () => {
	it('sets no timer per call, and fails each hanging call at its own deadline', async () => {
		let hang = false;
		const api = {
			put: () => (hang ? new Promise(() => undefined) : Promise.resolve({ header })),
			range: () => Promise.resolve({ header, kvs: [], more: false, count: 0 })
		} as unknown as MemberApi;
		const connector: Connector = { resolve: () => 'etcd-1', api: () => api };
		const client = await createClientFactory(connector).connect({
			endpoints: ['127.0.0.1:2379'],
			dialTimeoutMs: 1000,
			commandTimeoutMs: 5000
		});
		const timers = vi.spyOn(globalThis, 'setTimeout');
		for (let i = 0; i < 100; i++) {
			await client.put({ key: enc.encode(`k${i}`), value: enc.encode('v') });
			await vi.advanceTimersByTimeAsync(10);
		}
		expect(timers.mock.calls.length).toBeLessThanOrEqual(2);

		hang = true;
		const outcome = (p: Promise<unknown>) =>
			p.then(
				() => 'answered',
				(e: Error) => e.message
			);
		const first = outcome(client.put({ key: enc.encode('a'), value: enc.encode('v') }));
		await vi.advanceTimersByTimeAsync(1000);
		const second = outcome(client.put({ key: enc.encode('b'), value: enc.encode('v') }));
		const settled: string[] = [];
		void first.then((m) => settled.push(`first ${m}`));
		void second.then((m) => settled.push(`second ${m}`));
		await vi.advanceTimersByTimeAsync(3990);
		expect(settled).toEqual([]);
		await vi.advanceTimersByTimeAsync(20);
		expect(settled).toEqual(['first context deadline exceeded']);
		await vi.advanceTimersByTimeAsync(1000);
		expect(settled).toEqual([
			'first context deadline exceeded',
			'second context deadline exceeded'
		]);
		// A call that answers in time is not failed by a deadline timer set earlier.
		hang = false;
		await expect(client.range({ key: enc.encode('a') })).resolves.toMatchObject({ count: 0 });
		client.close();
	});
});
