import { describe, expect, it } from 'vitest';
import { computeClusterId, computeMemberId, idHex } from '../../../src/lib/engine/server/identity';

// Reference values recorded from real etcd 3.4.23 with --initial-cluster-token playground.
describe('member and cluster identity', () => {
	const ids = [1, 2, 3].map((n) => computeMemberId([`http://etcd-${n}:2380`], 'playground'));

	it('computes member IDs as etcd does', () => {
		expect(ids.map(idHex)).toEqual(['ac50589ee05989df', '9f62c65b34c1424b', '8b6469a22517ddab']);
	});

	it('computes the cluster ID from the member IDs in any order', () => {
		expect(computeClusterId(ids)).toBe(1673413939312283752n);
		expect(computeClusterId([...ids].reverse())).toBe(1673413939312283752n);
		expect(computeClusterId([ids[0]])).toBe(17041994085800619155n);
	});

	it('sorts several peer URLs before hashing', () => {
		const a = computeMemberId(['http://b:2380', 'http://a:2380'], 't');
		const b = computeMemberId(['http://a:2380', 'http://b:2380'], 't');
		expect(a).toBe(b);
	});
});
