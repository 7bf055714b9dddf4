import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../../src/lib/engine/server/codec';
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
