import { MvccStore, type StoreOptions } from '$lib/engine/mvcc/store';
import { Lessor } from '$lib/engine/lease/lessor';
import { EtcdError } from '$lib/engine/api/errors';
import { fromUtf8, utf8 } from '$lib/engine/util/bytes';
import type { KeyValue } from '$lib/engine/api/types';

export const b = utf8;
export const s = fromUtf8;

export function newStore(options: StoreOptions = {}) {
	const store = new MvccStore(undefined, options);
	const lessor = new Lessor(store);
	return { store, lessor };
}

/** kvs as [key, value] strings. */
export function pairs(kvs: KeyValue[]): [string, string][] {
	return kvs.map((kv) => [s(kv.key), s(kv.value)]);
}

/** The message of the EtcdError `fn` throws (fails if it does not throw one). */
export function errorOf(fn: () => unknown): string {
	try {
		fn();
	} catch (e) {
		if (e instanceof EtcdError) return e.message;
		throw e;
	}
	throw new Error('expected an EtcdError');
}

export function put(store: MvccStore, k: string, v: string, lease = 0n) {
	return store.put({ key: b(k), value: b(v), lease });
}

export function get(store: MvccStore, k: string, rev = 0) {
	return store.range({ key: b(k), revision: rev }).kvs[0];
}
