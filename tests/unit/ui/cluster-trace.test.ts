// The message map takes the members' trace batches together, once per frame: under load they
// arrive hundreds of times a second, and each one re-rendered the flights and counters.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClusterState } from '$lib/ui/cluster/cluster.svelte';
import { Timeline } from '$lib/ui/timeline/timeline.svelte';
import type { TracedMessage } from '$lib/workers/member/protocol';

const msg = (type: string): TracedMessage =>
	({ type, from: 1n, to: 2n, reject: false, delayMs: 0 }) as unknown as TracedMessage;

beforeEach(() => {
	vi.useFakeTimers();
});
afterEach(() => {
	vi.useRealTimers();
});

describe('cluster view traces', () => {
	it('hands the message map all batches that arrived since the last frame at once', async () => {
		const cluster = new ClusterState(new Timeline(0));
		const inner = cluster as unknown as {
			names: Map<bigint, string>;
			onTrace(batch: TracedMessage[]): void;
		};
		inner.names.set(1n, 'etcd-1');
		inner.names.set(2n, 'etcd-2');
		const add = vi.spyOn(cluster.flow, 'add');
		for (let i = 0; i < 50; i++) inner.onTrace([msg('MsgApp'), msg('MsgHeartbeat')]);
		expect(add).not.toHaveBeenCalled();
		await vi.advanceTimersByTimeAsync(100);
		expect(add).toHaveBeenCalledTimes(1);
		expect(add.mock.calls[0][0]).toHaveLength(100);
		expect(cluster.flow.counts.append + cluster.flow.counts.heartbeat).toBe(100);
		inner.onTrace([msg('MsgApp')]);
		await vi.advanceTimersByTimeAsync(100);
		expect(add).toHaveBeenCalledTimes(2);
	});
});
