/**
 * A lost watch is created again with a growing pause while that fails, as clientv3 backs off
 * between reconnects: creating a watch replays its history, and a member that keeps refusing
 * (no leader yet) or answering late must not be asked three times a second for as long as that
 * lasts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClientFactory, WATCH_RETRY_MAX_MS, type Connector } from '$lib/client/client';
import { Errors } from '$lib/engine/api/errors';
import type { WatchCreateRequest, WatchResponse } from '$lib/engine/api/types';
import type { MemberApi } from '$lib/engine/server/api';

function response(over: Partial<WatchResponse>): WatchResponse {
	return {
		header: { cluster_id: 1n, member_id: 1n, revision: 5, raft_term: 2 },
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

/** A member whose watches are created (or refused for want of a leader), counting each try. */
function fakeMember(refuse: () => boolean) {
	const tries: WatchCreateRequest[] = [];
	const api = {
		watch: async (req: WatchCreateRequest, cb: (r: WatchResponse) => void) => {
			tries.push(req);
			if (refuse()) {
				cb(
					response({
						watch_id: -1,
						created: true,
						canceled: true,
						cancel_reason: Errors.NoLeader().message
					})
				);
				return -1;
			}
			cb(response({ created: true }));
			return tries.length;
		},
		watchCancel: async () => undefined,
		watchProgress: async () => undefined
	} as unknown as MemberApi;
	return { api, tries };
}

beforeEach(() => {
	vi.useFakeTimers();
});
afterEach(() => {
	vi.useRealTimers();
});

describe('watch resume back-off', () => {
	it('waits longer after each refused try, and checks at the usual pace once resumed', async () => {
		let leader = true;
		const first = fakeMember(() => false);
		const second = fakeMember(() => !leader);
		let api: MemberApi = first.api;
		const connector: Connector = { resolve: () => 'etcd-1', api: () => api };
		const client = await createClientFactory(connector).connect({
			endpoints: ['127.0.0.1:2379'],
			dialTimeoutMs: 1000,
			commandTimeoutMs: 5000
		});
		const got: WatchResponse[] = [];
		const h = client.watch({ key: new Uint8Array([0x61]) }, (r) => got.push(r));
		await vi.advanceTimersByTimeAsync(10);
		expect(await h.id).toBe(0);
		expect(first.tries).toHaveLength(1);

		// The member restarts (a new API object) with no leader for 20 s.
		leader = false;
		api = second.api;
		await vi.advanceTimersByTimeAsync(20_000);
		// Every 300 ms this would be about 66 tries; doubling from 300 ms to the cap it is
		// 300+600+1200+2400+4800 (9.3 s) then one per WATCH_RETRY_MAX_MS.
		const refused = second.tries.length;
		expect(refused).toBeGreaterThanOrEqual(5);
		expect(refused).toBeLessThanOrEqual(5 + Math.ceil(11_000 / WATCH_RETRY_MAX_MS));
		// Each try resumed from where the watch was (the revision it was created at).
		expect(second.tries.every((r) => r.start_revision === 5)).toBe(true);

		// A leader is elected: the next try succeeds and no more are made.
		leader = true;
		await vi.advanceTimersByTimeAsync(WATCH_RETRY_MAX_MS + 10);
		const resumed = second.tries.length;
		expect(resumed).toBe(refused + 1);
		await vi.advanceTimersByTimeAsync(10_000);
		expect(second.tries).toHaveLength(resumed);
		// The caller saw one created response and no cancel.
		expect(got.filter((r) => r.created)).toHaveLength(1);
		expect(got.some((r) => r.canceled)).toBe(false);
		await h.cancel();
		client.close();
	});
});
