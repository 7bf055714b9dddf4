/**
 * Member and cluster IDs computed as etcd computes them, so `member list` and response headers
 * show the same IDs a real cluster with the same peer URLs and token would.
 *
 * Member ID: the first 8 bytes (big-endian) of SHA-1 over the member's peer URLs, sorted and
 * concatenated, followed by the cluster token. Cluster ID: the first 8 bytes of SHA-1 over the
 * sorted member IDs, each written as 8 big-endian bytes.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { utf8 } from '../util/bytes';

function first8(digest: Uint8Array): bigint {
	let id = 0n;
	for (let i = 0; i < 8; i++) id = (id << 8n) | BigInt(digest[i]);
	return id;
}

export function computeMemberId(peerURLs: readonly string[], token: string): bigint {
	const joined = [...peerURLs].sort().join('') + token;
	return first8(sha1(utf8(joined)));
}

export function computeClusterId(memberIds: readonly bigint[]): bigint {
	const sorted = [...memberIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	const buf = new Uint8Array(8 * sorted.length);
	sorted.forEach((id, i) => {
		for (let b = 0; b < 8; b++) buf[i * 8 + b] = Number((id >> BigInt(56 - 8 * b)) & 0xffn);
	});
	return first8(sha1(buf));
}

/** `%x` of an ID, as etcdctl prints member IDs. */
export function idHex(id: bigint): string {
	return id.toString(16);
}

/** `%016x`, as etcd prints lease IDs. */
export function idHex16(id: bigint): string {
	return id.toString(16).padStart(16, '0');
}
