import { describe, expect, it } from 'vitest';
import type { RequestOp } from '../../../src/lib/engine/api/types';
import { internalRaftRequestSize } from '../../../src/lib/engine/server/request-size';
import type { InternalRequest } from '../../../src/lib/engine/server/requests';
import { b, makeCluster, tickUntil, withTicks } from './harness';

const LIMIT = 1572864; // etcd's default --max-request-bytes, 1.5 MiB

/** The largest value a request made by `mk` may carry under the limit (a binary search). */
function largest(id: bigint, mk: (n: number) => object): number {
	let lo = 0;
	let hi = LIMIT;
	while (lo < hi) {
		const mid = Math.ceil((lo + hi) / 2);
		const size = internalRaftRequestSize({ ...mk(mid), id } as InternalRequest)!;
		if (size <= LIMIT) lo = mid;
		else hi = mid - 1;
	}
	return lo;
}

const put = (n: number) => ({ op: 'put', req: { key: b('k'), value: new Uint8Array(n) } });
const txn = (n: number, compare: boolean) => ({
	op: 'txn',
	req: {
		compare: compare ? [{ result: 'GREATER', target: 'MOD', key: b('k'), mod_revision: 0 }] : [],
		success: [{ request_put: { key: b('k'), value: new Uint8Array(n) } } as RequestOp],
		failure: []
	}
});

describe("the request size limit is measured on etcd's InternalRaftRequest", () => {
	// Measured with etcd 3.4.23 (`etcdctl put k < file`, `etcdctl txn < file`): the request ID's
	// varint length moves the boundary, and it depends on the member ID's low 16 bits.
	it('falls where real etcd 3.4.23 put its boundary', () => {
		// Member 0xa60580f0ab7e03b4: IDs 0x03b4xxxx..., 9 varint bytes.
		const id9 = (0x03b4n << 48n) | 0x0123456789n;
		expect(largest(id9, put)).toBe(1572840);
		expect(largest(id9, (n) => txn(n, false))).toBe(1572832);
		expect(largest(id9, (n) => txn(n, true))).toBe(1572821);
		// A member whose IDs have the top bit set: 10 varint bytes.
		const id10 = (0x8c21n << 48n) | 0x0123456789n;
		expect(largest(id10, put)).toBe(1572839);
	});

	it('counts the header user name and auth revision, and leaves other ops to our encoding', () => {
		const id = 1n << 62n;
		const plain = internalRaftRequestSize({ ...put(10), id } as InternalRequest)!;
		const authed = internalRaftRequestSize({
			...put(10),
			id,
			auth: { username: 'root', revision: 300 }
		} as InternalRequest)!;
		// username: tag, length, 4 bytes; auth_revision: tag, 2-byte varint.
		expect(authed - plain).toBe(6 + 3);
		expect(
			internalRaftRequestSize({ op: 'clusterVersion', version: '3.4.0', id } as InternalRequest)
		).toBeNull();
	});

	it('accepts a put of N value bytes and refuses N + 1 through the server', async () => {
		const c = await makeCluster(1, 3);
		await tickUntil(c, () => c.leader() !== null);
		const name = c.leader()!;
		const api = c.api(name)!;
		// The member's request IDs: its ID's low 16 bits above 48 bits of time and counter.
		const prefix = (c.server(name)!.id & 0xffffn) << 48n;
		let idLen = 1;
		for (let v = prefix | ((1n << 48n) - 1n); v >= 0x80n; v >>= 7n) idLen++;
		// header (2-byte tag, length, ID) + put field (tag, 3-byte length, key field, value field)
		const n = LIMIT - (2 + 1 + 1 + idLen) - (1 + 3) - 3 - (1 + 3);
		expect(largest(prefix | 1n, put)).toBe(n);
		await expect(
			withTicks(c, api.put({ key: b('k'), value: new Uint8Array(n + 1) }))
		).rejects.toThrow('etcdserver: request is too large');
		const ok = await withTicks(c, api.put({ key: b('k'), value: new Uint8Array(n) }));
		expect(ok.header.revision).toBeGreaterThan(0);
		// A txn with a compare and a put: 19 bytes less (measured on etcd: 1572821 with 9-byte IDs).
		const t = largest(prefix | 1n, (m) => txn(m, true));
		expect(t).toBe(n - 19);
		const mk = (m: number) => txn(m, true).req as Parameters<typeof api.txn>[0];
		await expect(withTicks(c, api.txn(mk(t + 1)))).rejects.toThrow(
			'etcdserver: request is too large'
		);
		expect((await withTicks(c, api.txn(mk(t)))).succeeded).toBe(true);
	});
});
