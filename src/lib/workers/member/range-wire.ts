/**
 * A range response as it crosses from a member worker to the page: every key and value in one
 * ArrayBuffer and the numbers in two typed arrays, all transferred rather than cloned. Cloning
 * 10,000 KeyValue objects (two Uint8Arrays and a bigint each) cost more than the range itself;
 * on the page the keys and values are views into the one transferred buffer.
 */
import type { KeyValue, RangeResponse } from '../../engine/api/types';

export interface PackedRange {
	header: RangeResponse['header'];
	more: boolean;
	count: number;
	/** Per kv: key length, value length, create_revision, mod_revision, version. */
	numbers: Float64Array;
	leases: BigInt64Array;
	bytes: Uint8Array;
}

const FIELDS = 5;

export function packRange(r: RangeResponse): PackedRange {
	const n = r.kvs.length;
	const numbers = new Float64Array(n * FIELDS);
	const leases = new BigInt64Array(n);
	let total = 0;
	for (const kv of r.kvs) total += kv.key.length + kv.value.length;
	const bytes = new Uint8Array(total);
	let off = 0;
	for (let i = 0; i < n; i++) {
		const kv = r.kvs[i];
		const o = i * FIELDS;
		numbers[o] = kv.key.length;
		numbers[o + 1] = kv.value.length;
		numbers[o + 2] = kv.create_revision;
		numbers[o + 3] = kv.mod_revision;
		numbers[o + 4] = kv.version;
		leases[i] = kv.lease;
		bytes.set(kv.key, off);
		off += kv.key.length;
		bytes.set(kv.value, off);
		off += kv.value.length;
	}
	return { header: r.header, more: r.more, count: r.count, numbers, leases, bytes };
}

/** The buffers to hand to postMessage's transfer list. */
export function rangeTransferables(p: PackedRange): ArrayBuffer[] {
	return [p.numbers.buffer, p.leases.buffer, p.bytes.buffer] as ArrayBuffer[];
}

export function unpackRange(p: PackedRange): RangeResponse {
	const n = p.leases.length;
	const kvs: KeyValue[] = new Array(n);
	const buf = p.bytes.buffer;
	let off = p.bytes.byteOffset;
	for (let i = 0; i < n; i++) {
		const o = i * FIELDS;
		const kl = p.numbers[o];
		const vl = p.numbers[o + 1];
		const key = new Uint8Array(buf, off, kl);
		off += kl;
		const value = new Uint8Array(buf, off, vl);
		off += vl;
		kvs[i] = {
			key,
			create_revision: p.numbers[o + 2],
			mod_revision: p.numbers[o + 3],
			version: p.numbers[o + 4],
			value,
			lease: p.leases[i]
		};
	}
	return { header: p.header, kvs, more: p.more, count: p.count };
}
