import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packMessages, unpackMessages } from '../../../src/lib/browser/raft-wire';
import type { Message, MessageType } from '../../../src/lib/engine/raft';
import type { PeerMessage } from '../../../src/lib/engine/server/server';

const types: MessageType[] = [
	'MsgApp',
	'MsgAppResp',
	'MsgVote',
	'MsgVoteResp',
	'MsgPreVote',
	'MsgPreVoteResp',
	'MsgHeartbeat',
	'MsgHeartbeatResp',
	'MsgTransferLeader',
	'MsgTimeoutNow',
	'MsgReadIndex',
	'MsgReadIndexResp',
	'MsgProp'
];
const id = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const num = fc.oneof(fc.nat(), fc.maxSafeNat(), fc.integer());
const entry = fc.record({
	term: num,
	index: num,
	type: fc.constantFrom('Normal' as const, 'ConfChange' as const),
	data: fc.uint8Array({ maxLength: 200 })
});
const raftMsg: fc.Arbitrary<PeerMessage> = fc
	.record({
		from: id,
		to: id,
		msg: fc.record(
			{
				type: fc.constantFrom(...types),
				from: id,
				to: id,
				term: num,
				logTerm: num,
				index: num,
				entries: fc.array(entry, { maxLength: 4 }),
				commit: num,
				reject: fc.boolean(),
				rejectHint: num,
				context: fc.uint8Array({ maxLength: 20 })
			},
			{
				requiredKeys: [
					'type',
					'from',
					'to',
					'term',
					'logTerm',
					'index',
					'entries',
					'commit',
					'reject',
					'rejectHint'
				]
			}
		)
	})
	.map(({ from, to, msg }) => ({ kind: 'raft' as const, from, to, msg: msg as Message }));
const rpc: fc.Arbitrary<PeerMessage> = fc.record({
	kind: fc.constant('rpc' as const),
	from: id,
	to: id,
	rpcId: fc.nat(),
	method: fc.constant('memberList' as never),
	args: fc.array(fc.string(), { maxLength: 2 })
});
const withSnapshot: fc.Arbitrary<PeerMessage> = raftMsg.map((m) => ({
	...m,
	msg: {
		...(m as Extract<PeerMessage, { kind: 'raft' }>).msg,
		type: 'MsgSnap' as const,
		snapshot: {
			data: new Uint8Array([1, 2]),
			metadata: { index: 5, term: 2, confState: { voters: [1n], learners: [] } }
		}
	}
}));

/** What a structured clone gives for each message (the reference: what the channel gave before). */
const cloned = (ms: PeerMessage[]) => structuredClone(ms);

describe('raft wire', () => {
	it('gives back every batch of messages as the channel cloned them, in order', () => {
		fc.assert(
			fc.property(
				fc.array(fc.oneof(raftMsg, raftMsg, rpc, withSnapshot), { maxLength: 8 }),
				(ms) => {
					const wire = structuredClone(packMessages(ms));
					expect(unpackMessages(wire)).toEqual(cloned(ms));
				}
			),
			{ seed: 2024, numRuns: 400 }
		);
	});

	it('packs runs of raft messages into one buffer and leaves the rest as objects', () => {
		const [a, b, c] = fc.sample(raftMsg, { seed: 7, numRuns: 3 });
		const [r] = fc.sample(rpc, { seed: 8, numRuns: 1 });
		const [s] = fc.sample(withSnapshot, { seed: 9, numRuns: 1 });
		// A field this file does not know: sent as the object it is.
		const odd = {
			...a,
			msg: { ...(a as Extract<PeerMessage, { kind: 'raft' }>).msg, extra: 1 }
		} as unknown as PeerMessage;
		const wire = packMessages([a, b, r, c, s, odd]);
		expect(wire.map((w) => (w instanceof Uint8Array ? 'packed' : w))).toEqual([
			'packed',
			r,
			'packed',
			s,
			odd
		]);
	});

	it('copies entry data out of the batch buffer', () => {
		const [m] = fc.sample(raftMsg, { seed: 3, numRuns: 1 });
		const msg = { ...(m as Extract<PeerMessage, { kind: 'raft' }>).msg };
		msg.entries = [{ term: 1, index: 2, type: 'Normal', data: new Uint8Array([9, 9, 9]) }];
		const [out] = unpackMessages(packMessages([{ ...m, msg } as PeerMessage]));
		const data = (out as Extract<PeerMessage, { kind: 'raft' }>).msg.entries[0].data;
		expect(data).toEqual(new Uint8Array([9, 9, 9]));
		expect(data.buffer.byteLength).toBe(3);
	});

	it('rejects a damaged buffer', () => {
		const [m] = fc.sample(raftMsg, { seed: 5, numRuns: 1 });
		const msg = { ...(m as Extract<PeerMessage, { kind: 'raft' }>).msg };
		msg.entries = [{ term: 1, index: 2, type: 'Normal', data: new Uint8Array(10) }];
		const [bytes] = packMessages([{ ...m, msg } as PeerMessage]) as Uint8Array[];
		for (let n = 0; n < bytes.length; n++)
			expect(() => unpackMessages([bytes.subarray(0, n)])).toThrow(/cut short|trailing/);
		expect(() => unpackMessages([new Uint8Array([...bytes, 0])])).toThrow(/trailing/);
	});
});
