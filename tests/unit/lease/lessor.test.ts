import { describe, expect, it } from 'vitest';
import { MvccStore } from '$lib/engine/mvcc/store';
import { MemoryBackend } from '$lib/engine/mvcc/backend';
import { Lessor, MAX_LEASE_TTL } from '$lib/engine/lease/lessor';
import { b, errorOf, get, put, s } from '../mvcc/helpers';

function setup(primary = true) {
	const store = new MvccStore();
	const lessor = new Lessor(store, { minTtlSeconds: 2, now: 1000 });
	if (primary) lessor.promote(0);
	return { store, lessor };
}

describe('lessor', () => {
	it('grant raises the TTL to the minimum and refuses duplicates, ID 0 and huge TTLs', () => {
		const { lessor } = setup();
		expect(lessor.grant(1n, 0)).toEqual({ ID: 1n, TTL: 2 });
		expect(lessor.grant(2n, 60)).toEqual({ ID: 2n, TTL: 60 });
		expect(errorOf(() => lessor.grant(1n, 5))).toBe('etcdserver: lease already exists');
		expect(errorOf(() => lessor.grant(3n, MAX_LEASE_TTL + 1))).toBe(
			'etcdserver: too large lease TTL'
		);
		expect(errorOf(() => lessor.grant(0n, 5))).toBe('etcdserver: requested lease not found');
		lessor.grant(4n, MAX_LEASE_TTL);
		lessor.grant(3n, 30);
		// Soonest expiry first.
		expect(lessor.leases()).toEqual([1n, 3n, 2n, 4n]);
		expect(Lessor.minTtlFor(1000)).toBe(2);
		expect(Lessor.minTtlFor(5000)).toBe(8);
	});

	it('grant does not bump the revision; revoke deletes attached keys in one revision', () => {
		const { store, lessor } = setup();
		lessor.grant(7n, 10);
		expect(store.currentRevision).toBe(1);
		put(store, 'b', '1', 7n); // 2
		put(store, 'a', '1', 7n); // 3
		put(store, 'c', '1'); // 4
		expect(lessor.revoke(7n)).toEqual({ revision: 5 });
		expect(get(store, 'a')).toBeUndefined();
		expect(get(store, 'b')).toBeUndefined();
		expect(get(store, 'c')).toBeDefined();
		expect(lessor.leases()).toEqual([]);
		expect(errorOf(() => lessor.revoke(7n))).toBe('etcdserver: requested lease not found');
		// Revoking a lease with no keys changes no revision.
		lessor.grant(8n, 10);
		lessor.revoke(8n);
		expect(store.currentRevision).toBe(5);
	});

	it('keys move between leases on put and leave them on delete', () => {
		const { store, lessor } = setup();
		lessor.grant(1n, 10);
		lessor.grant(2n, 10);
		put(store, 'k', 'v', 1n);
		put(store, 'j', 'v', 1n);
		expect(lessor.timeToLive(1n, true).keys.map(s)).toEqual(['j', 'k']);
		put(store, 'k', 'v2', 2n);
		expect(lessor.timeToLive(1n, true).keys.map(s)).toEqual(['j']);
		expect(lessor.timeToLive(2n, true).keys.map(s)).toEqual(['k']);
		store.deleteRange({ key: b('j') });
		expect(lessor.timeToLive(1n, true).keys).toEqual([]);
		put(store, 'k', 'v3');
		expect(lessor.timeToLive(2n, true).keys).toEqual([]);
	});

	it('time to live counts down with advance(); keep-alive renews; expired() lists what to revoke', () => {
		const { lessor } = setup();
		lessor.grant(1n, 10);
		expect(lessor.timeToLive(1n)).toMatchObject({ ID: 1n, TTL: 9, grantedTTL: 10 });
		lessor.advance(1000 + 4000);
		expect(lessor.timeToLive(1n).TTL).toBe(5);
		expect(lessor.keepAlive(1n)).toBe(10);
		lessor.advance(1000 + 13000);
		expect(lessor.expired()).toEqual([]);
		lessor.advance(1000 + 14000);
		expect(lessor.expired()).toEqual([1n]);
		// Reported once; again only after 3 s if still not revoked.
		expect(lessor.expired()).toEqual([]);
		lessor.advance(1000 + 17000);
		expect(lessor.expired()).toEqual([1n]);
		// Expired but not yet revoked: time to live goes below zero as etcd's does.
		expect(lessor.timeToLive(1n).TTL).toBe(-3);
		// An expired lease cannot be kept alive; it is still there until revoked.
		expect(lessor.keepAlive(1n)).toBe(0);
		expect(lessor.leases()).toEqual([1n]);
		lessor.revoke(1n);
		expect(lessor.expired()).toEqual([]);
	});

	it('unknown lease: time to live -1, keep-alive 0', () => {
		const { lessor } = setup();
		expect(lessor.timeToLive(9n)).toMatchObject({ ID: 9n, TTL: -1 });
		expect(lessor.keepAlive(9n)).toBe(0);
	});

	it('only the primary runs lease clocks; promote extends every lease; demote stops them', () => {
		const { lessor } = setup(false);
		lessor.grant(1n, 5);
		lessor.advance(100_000);
		expect(lessor.expired()).toEqual([]);
		expect(errorOf(() => lessor.keepAlive(1n))).toBe('etcdserver: not leader');
		lessor.promote(1000);
		lessor.advance(100_000 + 5500);
		expect(lessor.expired()).toEqual([]);
		lessor.advance(100_000 + 6000);
		expect(lessor.expired()).toEqual([1n]);
		lessor.demote();
		lessor.advance(200_000);
		expect(lessor.expired()).toEqual([]);
		expect(lessor.isPrimary).toBe(false);
	});

	it('leases and attachments survive a restart through the backend', async () => {
		const backend = new MemoryBackend();
		const store = await MvccStore.open(backend);
		const lessor = new Lessor(store);
		lessor.grant(1n, 30);
		lessor.grant(2n, 40);
		put(store, 'a', '1', 1n);
		lessor.revoke(2n);
		await store.flush();
		const store2 = await MvccStore.open(backend);
		const lessor2 = new Lessor(store2);
		expect(lessor2.leases()).toEqual([1n]);
		expect(lessor2.lookup(1n)).toMatchObject({ TTL: 30 });
		expect(lessor2.lookup(1n)!.keys.map(s)).toEqual(['a']);
		lessor2.revoke(1n);
		expect(get(store2, 'a')).toBeUndefined();
	});
});
