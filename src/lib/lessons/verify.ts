/** Small checks lessons share. */
import type { KeyValue } from '../engine/api/types';
import type { VerifyContext } from './types';

const enc = new TextEncoder();
const dec = new TextDecoder();

export function getKey(ctx: VerifyContext, key: string): Promise<KeyValue | null> {
	return ctx.read(key);
}

export async function valueOf(ctx: VerifyContext, key: string): Promise<string | null> {
	const kv = await getKey(ctx, key);
	return kv ? dec.decode(kv.value) : null;
}

export async function keysUnder(ctx: VerifyContext, prefix: string): Promise<string[]> {
	const key = enc.encode(prefix);
	const end = key.slice();
	end[end.length - 1]++;
	const r = await ctx.client.range({ key, range_end: end, keys_only: true });
	return r.kvs.map((kv) => dec.decode(kv.key));
}

export function decode(b: Uint8Array): string {
	return dec.decode(b);
}

/** A step done when `key` holds `want` (or any value when `want` is omitted). */
export function keyHolds(key: string, want?: string) {
	return async (ctx: VerifyContext): Promise<string | null> => {
		const v = await valueOf(ctx, key);
		if (v === null) return `${key} is not there yet.`;
		if (want !== undefined && v !== want) return `${key} holds "${v}", not "${want}".`;
		return null;
	};
}

export const CERT_EXPORTS =
	'export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt \\\n' +
	'  ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt \\\n' +
	'  ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key';
