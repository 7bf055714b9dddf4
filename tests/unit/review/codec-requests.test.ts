// Review of 280cfe6: every request the server proposes decodes from the binary encoding to what
// the JSON encoding (entries stored before) decoded to, and its op is peeked right.
import { describe, expect, it } from 'vitest';
import {
	decode,
	decodeRequest,
	encode,
	encodeRequest,
	peekRequestOp
} from '$lib/engine/server/codec';
import { isStoreOp } from '$lib/engine/server/requests';

const viaJson = (v: unknown) => decode(encode(v));

describe('review: binary request codec edge cases', () => {
	const empty = new Uint8Array(0);
	const big = new Uint8Array(70 * 1024).map((_, i) => (i * 31) & 0xff);
	const requests: Record<string, unknown>[] = [
		{ op: 'put', req: { key: new Uint8Array([0]), value: empty, lease: 0n }, id: 1n },
		{
			op: 'put',
			req: {
				key: new Uint8Array([0xff, 0, 0x80]),
				value: big,
				lease: 2n ** 63n - 1n,
				prev_kv: true,
				ignore_value: false,
				ignore_lease: false
			},
			id: 2n ** 64n - 1n
		},
		{ op: 'put', req: { key: new Uint8Array([1]), value: empty, lease: -(2n ** 63n) }, id: 3n },
		{
			op: 'deleteRange',
			req: { key: new Uint8Array([0]), range_end: new Uint8Array([0]), prev_kv: true },
			id: 4n
		},
		{
			op: 'txn',
			req: {
				compare: [
					{
						key: empty,
						range_end: new Uint8Array([0]),
						target: 'MOD',
						result: 'LESS',
						mod_revision: 0
					},
					{ key: new Uint8Array([2]), target: 'LEASE', result: 'NOT_EQUAL', lease: 2n ** 62n },
					{ key: new Uint8Array([3]), target: 'VALUE', result: 'EQUAL', value: empty }
				],
				success: [
					{
						request_txn: {
							compare: [],
							success: [
								{
									request_put: {
										key: new Uint8Array([4]),
										value: empty,
										lease: 0x694d8a2f1c7b3e05n
									}
								},
								{
									request_delete_range: { key: new Uint8Array([5]), range_end: new Uint8Array([0]) }
								}
							],
							failure: [
								{
									request_range: {
										key: empty,
										range_end: new Uint8Array([0]),
										limit: 0,
										revision: 0,
										keys_only: true,
										count_only: false
									}
								}
							]
						}
					}
				],
				failure: [{ request_txn: { compare: [], success: [], failure: [] } }]
			},
			id: 5n,
			auth: { username: 'root', revision: 7 }
		},
		{ op: 'compaction', req: { revision: 2 ** 40, physical: true }, id: 6n },
		{ op: 'leaseGrant', leaseId: 2n ** 63n - 1n, ttl: 9000000000, id: 7n },
		{ op: 'leaseRevoke', leaseId: 0x7fffffffffffffffn, id: 8n },
		{ op: 'alarm', action: 'DEACTIVATE', memberID: 2n ** 64n - 1n, alarm: 'CORRUPT', id: 9n },
		{ op: 'memberAttr', memberId: 1n, name: '', clientURLs: [], id: 10n },
		{ op: 'clusterVersion', version: '3.5.0', id: 11n },
		{ op: 'authenticate', name: '', prefix: '', id: 12n },
		{
			op: 'auth',
			method: 'roleGrantPermission',
			args: [
				'r',
				{ permType: 'READWRITE', key: empty, range_end: new Uint8Array([0]) },
				undefined,
				false
			],
			id: 13n
		}
	];

	it('decodes to what JSON decoded to and peeks the op, for every kind the server proposes', () => {
		for (const r of requests) {
			const data = encodeRequest(r);
			expect(decodeRequest(data), String(r.op)).toEqual(viaJson(r));
			expect(peekRequestOp(data)).toBe(r.op);
			// An older JSON entry of the same request.
			expect(decodeRequest(encode(r))).toEqual(viaJson(r));
			expect(peekRequestOp(encode(r))).toBe(r.op);
		}
	});

	it('numbers at the edges of the varints', () => {
		const nums = [
			0,
			1,
			127,
			128,
			2 ** 31,
			2 ** 32,
			2 ** 49 - 1,
			2 ** 49,
			2 ** 53 - 1,
			-(2 ** 53 - 1),
			2 ** 53,
			-0,
			0.5,
			1e300
		];
		const bigs = [
			0n,
			127n,
			128n,
			2n ** 49n,
			2n ** 53n - 1n,
			2n ** 53n,
			2n ** 56n,
			2n ** 63n,
			2n ** 64n - 1n,
			2n ** 64n,
			-(2n ** 63n),
			-1n
		];
		const v = { op: 'x', nums, bigs };
		expect(decodeRequest(encodeRequest(v))).toEqual(viaJson(v));
	});

	it('a peeked store op is never a non-store op and vice versa', () => {
		for (const r of requests) {
			const op = peekRequestOp(encodeRequest(r));
			expect(isStoreOp(op as never)).toBe(isStoreOp(r.op as never));
		}
	});
});

describe('review: a request of the full 1.5 MiB', () => {
	it('round-trips its value byte for byte', () => {
		const value = new Uint8Array(1536 * 1024).map((_, i) => (i * 131) & 0xff);
		const r = { op: 'put', req: { key: new Uint8Array([7]), value, lease: 5n }, id: 1n };
		const out = decodeRequest<{ req: { value: Uint8Array } }>(encodeRequest(r));
		expect(out.req.value.length).toBe(value.length);
		expect(Buffer.compare(Buffer.from(out.req.value), Buffer.from(value))).toBe(0);
	});
});
