/**
 * The key browser's watch is created again only when it must be: creating it replays history
 * (seconds on a member under check perf's load), so a member that misses a status poll or two
 * keeps it, and a canceled watch resumes after the last event seen, with a growing pause,
 * instead of loading the whole history again three times a second.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientFactory, EtcdClient, WatchHandle } from '$lib/client/types';
import type { WatchCreateRequest, WatchResponse } from '$lib/engine/api/types';
import { KeyStore, MOVE_AFTER_MS, RETRY_FIRST_MS, RETRY_MAX_MS } from '$lib/ui/keys/keys.svelte';
import { Timeline } from '$lib/ui/timeline/timeline.svelte';

const enc = new TextEncoder();

function response(over: Partial<WatchResponse>): WatchResponse {
	return {
		header: { cluster_id: 1n, member_id: 1n, revision: 1, raft_term: 2 },
		watch_id: 0,
		created: false,
		canceled: false,
		compact_revision: 0,
		cancel_reason: '',
		fragment: false,
		events: [],
		...over
	};
}

/** A client factory recording every watch the key browser creates (its member and request). */
function fakeClients() {
	const watches: {
		member: string;
		endpoints: readonly string[];
		req: WatchCreateRequest;
		send(r: WatchResponse): void;
	}[] = [];
	const ranges: number[] = [];
	const clients = (member: string): ClientFactory => ({
		connect: async (opts) =>
			({
				endpoints: opts.endpoints,
				range: async (req: { revision?: number }) => {
					ranges.push(req.revision ?? 0);
					return { header: response({}).header, kvs: [], more: false, count: 0 };
				},
				watch: (req: WatchCreateRequest, cb: (r: WatchResponse) => void): WatchHandle => {
					watches.push({ member, endpoints: opts.endpoints, req, send: cb });
					return {
						id: Promise.resolve(0),
						cancel: async () => undefined,
						requestProgress: async () => undefined
					};
				},
				close: () => undefined
			}) as unknown as EtcdClient
	});
	return { clients, watches, ranges };
}

function put(key: string, rev: number): WatchResponse {
	return response({
		header: { cluster_id: 1n, member_id: 1n, revision: rev, raft_term: 2 },
		events: [
			{
				type: 'PUT',
				kv: {
					key: enc.encode(key),
					value: enc.encode('v'),
					create_revision: rev,
					mod_revision: rev,
					version: 1,
					lease: 0n
				}
			}
		]
	});
}

beforeEach(() => {
	vi.useFakeTimers();
});
afterEach(() => {
	vi.useRealTimers();
});

const ALL = ['etcd-1', 'etcd-2', 'etcd-3'];

describe('key browser watch', () => {
	it('asks for no prev_kv and names every member, so the client itself can resume elsewhere', async () => {
		const f = fakeClients();
		const keys = new KeyStore(f.clients, new Timeline(0));
		keys.ensure(ALL, 0, 1);
		await vi.advanceTimersByTimeAsync(1);
		expect(f.watches).toHaveLength(1);
		expect(f.watches[0].req.prev_kv).toBeFalsy();
		expect(f.watches[0].req.start_revision).toBe(1);
		expect(f.watches[0].endpoints).toEqual(['etcd-1:2379', 'etcd-2:2379', 'etcd-3:2379']);
		keys.stop();
	});

	it('keeps its watch while its member only misses status polls, and moves it after MOVE_AFTER_MS', async () => {
		const f = fakeClients();
		const keys = new KeyStore(f.clients, new Timeline(0));
		keys.ensure(ALL, 0, 1);
		await vi.advanceTimersByTimeAsync(1);
		f.watches[0].send(response({ created: true }));
		f.watches[0].send(put('a', 2));
		await vi.advanceTimersByTimeAsync(300);
		// etcd-1 answers no status for a while (busy, not gone): polls every 300 ms.
		for (let t = 0; t < MOVE_AFTER_MS - 300; t += 300) {
			keys.ensure(['etcd-2', 'etcd-3'], 0, 2);
			await vi.advanceTimersByTimeAsync(300);
		}
		keys.ensure(ALL, 0, 2);
		expect(f.watches).toHaveLength(1);
		// Gone for good: after MOVE_AFTER_MS the watch moves, resuming after the last event.
		for (let t = 0; t <= MOVE_AFTER_MS; t += 300) {
			keys.ensure(['etcd-2', 'etcd-3'], 0, 2);
			await vi.advanceTimersByTimeAsync(300);
		}
		expect(f.watches).toHaveLength(2);
		expect(f.watches[1].member).toBe('etcd-2');
		expect(f.watches[1].req.start_revision).toBe(3);
		expect(keys.history('a')).toHaveLength(1);
		keys.stop();
	});

	it('resumes a canceled watch after the last event seen, with a growing pause', async () => {
		const f = fakeClients();
		const keys = new KeyStore(f.clients, new Timeline(0));
		keys.ensure(ALL, 0, 1);
		await vi.advanceTimersByTimeAsync(1);
		f.watches[0].send(response({ created: true }));
		f.watches[0].send(put('a', 2));
		f.watches[0].send(put('b', 3));
		await vi.advanceTimersByTimeAsync(300);
		const noLeader = () =>
			f.watches[f.watches.length - 1].send(
				response({ created: true, canceled: true, cancel_reason: 'etcdserver: no leader' })
			);
		noLeader();
		expect(keys.status).toBe('error');
		// Polls every 300 ms for 20 s while every try is refused.
		for (let t = 0; t < 20_000; t += 300) {
			const n = f.watches.length;
			keys.ensure(ALL, 0, 3);
			await vi.advanceTimersByTimeAsync(1);
			if (f.watches.length > n) noLeader();
			await vi.advanceTimersByTimeAsync(299);
		}
		const tries = f.watches.length - 1;
		// 500, 1000, 2000, 4000, 8000 ms, then one per RETRY_MAX_MS: about 6, not 66.
		expect(RETRY_FIRST_MS).toBe(500);
		expect(tries).toBeGreaterThanOrEqual(4);
		expect(tries).toBeLessThanOrEqual(5 + Math.ceil(5000 / RETRY_MAX_MS));
		// Every try resumed after the last event seen; the history was never loaded again.
		expect(f.watches.slice(1).every((w) => w.req.start_revision === 4)).toBe(true);
		expect(keys.history('a')).toHaveLength(1);
		expect(keys.history('b')).toHaveLength(1);
		keys.stop();
	});

	it('loads the store again when its watch was canceled by compaction', async () => {
		const f = fakeClients();
		const keys = new KeyStore(f.clients, new Timeline(0));
		keys.ensure(ALL, 0, 1);
		await vi.advanceTimersByTimeAsync(1);
		f.watches[0].send(response({ created: true }));
		f.watches[0].send(
			response({
				canceled: true,
				compact_revision: 7,
				cancel_reason: 'mvcc: required revision has been compacted'
			})
		);
		await vi.advanceTimersByTimeAsync(RETRY_FIRST_MS + 1);
		keys.ensure(ALL, 7, 9);
		await vi.advanceTimersByTimeAsync(1);
		expect(f.ranges).toEqual([7]);
		expect(f.watches).toHaveLength(2);
		expect(f.watches[1].req.start_revision).toBe(8);
		keys.stop();
	});
});
