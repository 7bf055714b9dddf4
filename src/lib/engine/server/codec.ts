/**
 * Encoding of values that travel inside raft entries and snapshots.
 *
 * Snapshots, conf-change contexts and `etcdctl snapshot` files: JSON, with Uint8Array and
 * bigint (which JSON cannot carry) written as tagged objects.
 *
 * Requests (the data of every normal entry): the binary encoding of binary-codec.ts, which
 * starts with a byte JSON never starts with. Every write of `etcdctl check perf` is one
 * request, and JSON with base64 values was the members' largest cost there (encoding on the
 * leader, decoding on every member, a third more bytes to clone, send and store). Entries
 * written before (in IndexedDB, or a snapshot file's WAL) are JSON and still decode.
 */
import { utf8, fromUtf8 } from '../util/bytes';
import { fromBase64, toBase64 } from '../util/base64';
import { BINARY_TAG, decodeBinary, encodeBinary, peekFirstString } from './binary-codec';

function replacer(this: unknown, _key: string, value: unknown): unknown {
	if (typeof value === 'bigint') return { $n: value.toString() };
	if (value instanceof Uint8Array) return { $b: toBase64(value) };
	return value;
}

function reviver(_key: string, value: unknown): unknown {
	if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
		const o = value as Record<string, unknown>;
		if (typeof o.$n === 'string' && Object.keys(o).length === 1) return BigInt(o.$n);
		if (typeof o.$b === 'string' && Object.keys(o).length === 1) {
			return fromBase64(o.$b) ?? new Uint8Array(0);
		}
	}
	return value;
}

export function encodeJson(value: unknown): string {
	return JSON.stringify(value, replacer);
}

export function decodeJson<T>(text: string): T {
	return JSON.parse(text, reviver) as T;
}

export function encode(value: unknown): Uint8Array {
	return utf8(encodeJson(value));
}

export function decode<T>(data: Uint8Array): T {
	return decodeJson<T>(fromUtf8(data));
}

/** A request for a raft entry's data, in the binary encoding. */
export function encodeRequest(value: unknown): Uint8Array {
	return encodeBinary(value);
}

/** A request from a raft entry's data: the binary encoding, or JSON from an older entry. */
export function decodeRequest<T>(data: Uint8Array): T {
	return data[0] === BINARY_TAG ? decodeBinary<T>(data) : decode<T>(data);
}

/** `{"op":"` as bytes: how a request encoded as JSON begins (its body's op comes first). */
const JSON_OP_PREFIX = [0x7b, 0x22, 0x6f, 0x70, 0x22, 0x3a, 0x22];

/**
 * The `op` of an encoded request read from its first bytes, without decoding it, or null if
 * it is not there (so that entries the store already holds are skipped cheaply on restart).
 */
export function peekRequestOp(data: Uint8Array): string | null {
	if (data[0] === BINARY_TAG) return peekFirstString(data, 'op');
	for (let i = 0; i < JSON_OP_PREFIX.length; i++) if (data[i] !== JSON_OP_PREFIX[i]) return null;
	let op = '';
	for (let i = JSON_OP_PREFIX.length; i < Math.min(data.length, 40); i++) {
		if (data[i] === 0x22) return op;
		op += String.fromCharCode(data[i]);
	}
	return null;
}
