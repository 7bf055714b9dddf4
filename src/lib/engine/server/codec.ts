/**
 * Encoding of values that travel inside raft entries and snapshots: JSON, with Uint8Array and
 * bigint (which JSON cannot carry) written as tagged objects. JSON keeps entries readable in
 * the cluster view and is fast enough for requests of a few kilobytes.
 */
import { utf8, fromUtf8 } from '../util/bytes';
import { fromBase64, toBase64 } from '../util/base64';

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
