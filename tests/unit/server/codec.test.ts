import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	decode,
	decodeRequest,
	encode,
	encodeRequest,
	peekRequestOp
} from '../../../src/lib/engine/server/codec';
import { utf8 } from '../../../src/lib/engine/util/bytes';
import { fromBase64, toBase64 } from '../../../src/lib/engine/util/base64';

describe('base64', () => {
	it('matches Node for any bytes', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
				const ours = toBase64(bytes);
				expect(ours).toBe(Buffer.from(bytes).toString('base64'));
				expect(fromBase64(ours)).toEqual(bytes);
			}),
			{ seed: 42, numRuns: 500 }
		);
	});
	it('rejects text that is not base64', () => {
		expect(fromBase64('a$bc')).toBeNull();
		expect(fromBase64('abcde')).toBeNull();
	});
});

describe('entry codec', () => {
	it('round-trips bytes, bigints and nesting', () => {
		const value = {
			op: 'put',
			id: 0xac50589ee05989dfn,
			req: { key: new Uint8Array([0, 255, 10]), value: new Uint8Array(0), lease: 0n },
			list: [1, 'two', { $n: 'x', other: 1 }]
		};
		expect(decode(encode(value))).toEqual(value);
	});
});

describe('request codec (binary)', () => {
	/** What a value becomes through JSON (the encoding requests had before): the reference. */
	const viaJson = (v: unknown) => decode(encode(v));

	/** Strings of any UTF-16 code units: lone surrogates included. */
	const units = (maxLength: number) =>
		fc.string({
			unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
			maxLength
		});

	const value = (): fc.Arbitrary<unknown> =>
		fc.letrec((tie) => ({
			leaf: fc.oneof(
				fc.constant(null),
				fc.constant(undefined),
				fc.boolean(),
				fc.integer(),
				fc.maxSafeInteger(),
				fc.double(),
				fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
				fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
				fc.string(),
				fc.string({ unit: 'binary', maxLength: 80 }),
				units(80),
				fc.uint8Array({ maxLength: 300 })
			),
			node: fc.oneof(
				{ depthSize: 'small' },
				tie('leaf'),
				fc.array(tie('node'), { maxLength: 5 }),
				fc.dictionary(fc.string({ maxLength: 10 }), tie('node'), { maxKeys: 5 }),
				fc.dictionary(units(10), tie('node'), { maxKeys: 5 })
			)
		})).node;

	it('decodes to what JSON decoded to, for any value', () => {
		fc.assert(
			fc.property(value(), (x) => {
				// A request is always an object.
				const v = { op: 'put', x };
				const data = encodeRequest(v);
				expect(data[0]).toBe(0xb1);
				expect(decodeRequest(data)).toEqual(viaJson(v));
			}),
			{ seed: 1010, numRuns: 800 }
		);
	});

	it('keeps lone surrogates in strings and object keys, as JSON did', () => {
		// TextEncoder would turn them into U+FFFD: a user, role or member name typed with one
		// would be applied as a different name.
		for (const name of ['a\ud800b', '\udc00', 'x'.repeat(70) + '\ud800', '\ude00\ud83d']) {
			const r = { op: 'auth', method: 'userAdd', args: [name, 'pw'], id: 1n };
			expect(decodeRequest(encodeRequest(r))).toEqual(viaJson(r));
			const keyed = { op: 'put', x: { a: 1, [name]: name, é: [name] } };
			const out = decodeRequest<typeof keyed>(encodeRequest(keyed));
			expect(out).toEqual(viaJson(keyed));
			expect(Object.keys(out.x)).toEqual(['a', name, 'é']);
		}
		// Well-formed strings, pairs included, keep the plain utf-8 form.
		expect(encodeRequest({ op: 'x\ud83d\ude00' })).toEqual(
			new Uint8Array([0xb1, 11, 1, 2, 0x6f, 0x70, 6, 5, 0x78, 0xf0, 0x9f, 0x98, 0x80])
		);
	});

	it('round-trips every kind of request, smaller than JSON', () => {
		const key = new Uint8Array(256).fill(7);
		const requests = [
			{
				op: 'put',
				req: { key, value: new Uint8Array(1024), lease: 0x694d8a2f1c7b3e05n, prev_kv: true },
				id: 0xac50589ee05989dfn
			},
			{
				op: 'deleteRange',
				req: { key, range_end: new Uint8Array([0]) },
				id: 1n,
				auth: { username: 'root', revision: 3 }
			},
			{
				op: 'txn',
				req: {
					compare: [{ key, target: 'VALUE', result: 'EQUAL', value: new Uint8Array([1]) }],
					success: [{ request_put: { key, value: new Uint8Array(3) } }],
					failure: [{ request_range: { key, limit: 0, revision: -1 } }]
				},
				id: 2n
			},
			{ op: 'compaction', req: { revision: 12, physical: false }, id: 3n },
			{ op: 'leaseGrant', leaseId: 7587871340128126000n, ttl: 60, id: 4n },
			{ op: 'leaseRevoke', leaseId: 5n, id: 5n },
			{ op: 'alarm', action: 'ACTIVATE', memberID: 0x8e9e05c52164694dn, alarm: 'NOSPACE', id: 6n },
			{
				op: 'memberAttr',
				memberId: 9n,
				name: 'etcd-1',
				clientURLs: ['http://127.0.0.1:2379'],
				id: 7n
			},
			{ op: 'authenticate', name: 'röot ✓', prefix: 'x'.repeat(100), id: 8n },
			{
				op: 'auth',
				method: 'userAdd',
				args: ['u', 'pw', undefined, true, new Uint8Array([1])],
				id: 9n
			}
		];
		for (const r of requests) {
			const data = encodeRequest(r);
			expect(decodeRequest(data)).toEqual(viaJson(r));
			expect(peekRequestOp(data)).toBe(r.op);
			expect(data.length).toBeLessThan(encode(r).length);
		}
	});

	it('still decodes requests stored as JSON, and peeks their op', () => {
		const r = {
			op: 'put',
			req: { key: new Uint8Array([104, 105]), value: new Uint8Array(0), lease: 0n },
			id: 42n
		};
		const old = utf8(
			'{"op":"put","req":{"key":{"$b":"aGk="},"value":{"$b":""},"lease":{"$n":"0"}},"id":{"$n":"42"}}'
		);
		expect(decodeRequest(old)).toEqual(r);
		expect(decodeRequest(encode(r))).toEqual(r);
		expect(peekRequestOp(old)).toBe('put');
		expect(peekRequestOp(utf8('{"id":1}'))).toBeNull();
		expect(peekRequestOp(encodeRequest({ id: 1n, op: 'put' }))).toBeNull();
	});

	it('rejects damaged data instead of returning something else', () => {
		const data = encodeRequest({ op: 'put', req: { key: new Uint8Array(10) }, id: 1n });
		for (let n = 1; n < data.length; n++)
			expect(() => decodeRequest(data.subarray(0, n))).toThrow();
		expect(() => decodeRequest(new Uint8Array([...data, 0]))).toThrow(/trailing/);
		expect(() => decodeRequest(new Uint8Array([0xb1, 99]))).toThrow(/unknown tag/);
	});

	it('returns bytes that do not share the entry buffer', () => {
		const data = encodeRequest({ v: new Uint8Array([1, 2, 3]) });
		const out = decodeRequest<{ v: Uint8Array }>(data);
		expect(out.v.buffer).not.toBe(data.buffer);
		expect(out.v.byteLength).toBe(out.v.buffer.byteLength);
	});
});
