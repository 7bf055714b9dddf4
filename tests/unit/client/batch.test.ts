import { afterEach, describe, expect, it } from 'vitest';
import { BatchClient, serveBatch } from '../../../src/lib/client/batch';
import { EtcdError, Errors } from '../../../src/lib/engine/api/errors';

/** A page end and a worker end over a real MessageChannel, counting the messages each sends. */
function link(
	handlers: Parameters<typeof serveBatch>[1],
	transferOf?: Parameters<typeof serveBatch>[2]
) {
	const ch = new MessageChannel();
	const sent = { calls: 0, replies: 0 };
	const post1 = ch.port1.postMessage.bind(ch.port1);
	ch.port1.postMessage = ((...a: Parameters<MessagePort['postMessage']>) => {
		sent.calls++;
		post1(...(a as [unknown]));
	}) as MessagePort['postMessage'];
	const post2 = ch.port2.postMessage.bind(ch.port2);
	ch.port2.postMessage = ((m: unknown, t?: Transferable[]) => {
		sent.replies++;
		post2(m, t ?? []);
	}) as MessagePort['postMessage'];
	serveBatch(ch.port2, handlers, transferOf);
	const client = new BatchClient(ch.port1);
	const close = () => {
		client.close();
		ch.port2.close();
	};
	opened.push(close);
	return { client, sent };
}

const opened: (() => void)[] = [];
afterEach(() => opened.splice(0).forEach((c) => c()));

describe('calls to a member coalesced per turn', () => {
	it('N calls in one turn (from different promise chains) make one message each way, each with its own result or error', async () => {
		const { client, sent } = link({
			put: async (req) => {
				const k = (req as { key: string }).key;
				if (k === 'nospace') throw Errors.NoSpace();
				if (k === 'plain') throw new TypeError('bad key');
				return { key: k, rev: k.length };
			},
			txn: () => {
				throw Errors.Stopped();
			}
		});
		const keys = ['a', 'bb', 'nospace', 'ccc', 'plain'];
		const calls: Promise<unknown>[] = [];
		for (const [i, key] of keys.entries()) {
			// Issued a few microtasks apart, as clients woken by one reply issue their next put.
			calls.push(
				(async () => {
					for (let d = 0; d < i * 3; d++) await Promise.resolve();
					return client.call('put', [{ key }, { token: 't' }]);
				})()
			);
		}
		calls.push(client.call('txn', [{}]));
		calls.push(client.call('nope', []));
		const settled = await Promise.allSettled(calls);
		expect(sent).toEqual({ calls: 1, replies: 1 });
		expect(settled[0]).toEqual({ status: 'fulfilled', value: { key: 'a', rev: 1 } });
		expect(settled[1]).toEqual({ status: 'fulfilled', value: { key: 'bb', rev: 2 } });
		expect(settled[3]).toEqual({ status: 'fulfilled', value: { key: 'ccc', rev: 3 } });
		const nospace = (settled[2] as PromiseRejectedResult).reason;
		expect(nospace).toBeInstanceOf(EtcdError);
		expect(nospace.code).toBe(Errors.NoSpace().code);
		expect(nospace.message).toBe(Errors.NoSpace().message);
		const plain = (settled[4] as PromiseRejectedResult).reason;
		expect(plain).not.toBeInstanceOf(EtcdError);
		expect([plain.name, plain.message]).toEqual(['TypeError', 'bad key']);
		const stopped = (settled[5] as PromiseRejectedResult).reason;
		expect(stopped).toBeInstanceOf(EtcdError);
		expect(stopped.message).toBe(Errors.Stopped().message);
		expect((settled[6] as PromiseRejectedResult).reason.message).toBe('unknown batched call nope');
	});

	it('answers each call as it settles: a slow call does not hold back the others', async () => {
		let release: () => void = () => undefined;
		const gate = new Promise<void>((r) => (release = r));
		const { client, sent } = link({
			range: async (k) => {
				if (k === 'slow') await gate;
				return k;
			}
		});
		const slow = client.call('range', ['slow']);
		const fast = await Promise.all([client.call('range', ['x']), client.call('range', ['y'])]);
		expect(fast).toEqual(['x', 'y']);
		expect(sent).toEqual({ calls: 1, replies: 1 });
		release();
		expect(await slow).toBe('slow');
		expect(sent).toEqual({ calls: 1, replies: 2 });
	});

	it("calls in different turns travel apart, and results' transferables are transferred", async () => {
		const buffers: ArrayBuffer[] = [];
		const { client, sent } = link(
			{
				range: (n) => {
					const b = new Uint8Array(n as number).fill(7).buffer;
					buffers.push(b);
					return { b };
				}
			},
			(method, v) => (method === 'range' ? [(v as { b: ArrayBuffer }).b] : [])
		);
		const r1 = (await client.call('range', [4])) as { b: ArrayBuffer };
		const r2 = (await client.call('range', [8])) as { b: ArrayBuffer };
		expect(sent).toEqual({ calls: 2, replies: 2 });
		expect([...new Uint8Array(r1.b)]).toEqual([7, 7, 7, 7]);
		expect(r2.b.byteLength).toBe(8);
		// Transferred, not copied: the worker's buffers are detached.
		expect(buffers.map((b) => b.byteLength)).toEqual([0, 0]);
	});
});
