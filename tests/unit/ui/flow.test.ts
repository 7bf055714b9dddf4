// The message map's flights: a full screen keeps the flights already on their way.
import { describe, expect, it } from 'vitest';
import { MessageFlow } from '$lib/ui/cluster/flow.svelte';
import type { TracedMessage } from '$lib/workers/member/protocol';

const names = new Map([
	[1n, 'etcd-1'],
	[2n, 'etcd-2']
]);
const msg = (type: string): TracedMessage =>
	({ type, from: 1n, to: 2n, reject: false, delayMs: 0 }) as unknown as TracedMessage;

describe('MessageFlow', () => {
	it('leaves new heartbeats out when the screen is full, so the ones in flight arrive', () => {
		const flow = new MessageFlow();
		for (let i = 0; i < 60; i++) flow.add([msg('MsgHeartbeat')], (id) => names.get(id));
		const first = flow.flights.map((f) => f.id);
		flow.add([msg('MsgHeartbeat'), msg('MsgApp')], (id) => names.get(id));
		expect(flow.flights).toHaveLength(60);
		// The append is kept (over the oldest heartbeat); the new heartbeat is not drawn.
		expect(flow.flights.at(-1)?.type).toBe('MsgApp');
		expect(flow.flights.slice(0, 59).map((f) => f.id)).toEqual(first.slice(1));
		expect(flow.counts.heartbeat).toBe(61);
	});
});
