/**
 * etcd's lessor (server/lease), pure and driven by time the caller reports. Leases and their
 * attached keys are replicated state (grant, revoke and attach happen in applied entries);
 * expiry is leader-local: only the primary (leader) runs lease clocks, and it never revokes on
 * its own. `expired()` lists what the leader should propose to revoke through raft.
 */
import type { Bytes, LeaseTimeToLiveResponse } from '../api/types';
import { Errors } from '../api/errors';
import { bytesKey, fromBytesKey } from '../util/bytes';
import { LEASE_OVERHEAD, makeHeader, type LeaseHooks, type MvccStore } from '../mvcc/store';

/** etcd's MaxLeaseTTL: 9,000,000,000 seconds. */
export const MAX_LEASE_TTL = 9_000_000_000;
/** How long an expired lease waits before it is reported again (etcd: 3 s). */
const EXPIRED_RETRY_MS = 3000;

export interface LessorOptions {
	/** Minimum TTL in seconds: ceil(1.5 x election timeout); 2 for the default 1 s timeout. */
	minTtlSeconds?: number;
	/** The time in ms at creation (same clock as advance()). */
	now?: number;
}

interface Lease {
	id: bigint;
	ttl: number;
	/** Expiry in ms on the caller's clock; Infinity while this member is not primary. */
	expiry: number;
	/** bytesKey of each attached key. */
	keys: Set<string>;
	/** When expired() last reported it. */
	reportedAt: number;
}

export class Lessor implements LeaseHooks {
	private readonly store: MvccStore;
	private readonly minTtl: number;
	private leaseMap = new Map<bigint, Lease>();
	private now: number;
	private primary = false;

	constructor(store: MvccStore, options: LessorOptions = {}) {
		this.store = store;
		this.minTtl = options.minTtlSeconds ?? 2;
		this.now = options.now ?? 0;
		store.setLessor(this);
		this.restored();
	}

	/** Minimum TTL for an election timeout in ms: ceil(1.5 x timeout in seconds). */
	static minTtlFor(electionTimeoutMs: number): number {
		return Math.ceil((1.5 * electionTimeoutMs) / 1000);
	}

	get isPrimary(): boolean {
		return this.primary;
	}

	/** Reports the current time (ms on any monotonic clock the caller keeps). */
	advance(nowMs: number): void {
		this.now = nowMs;
	}

	/**
	 * Grants lease `id` (chosen by the caller) with `ttl` seconds, raised to the minimum TTL.
	 * Returns the granted TTL. Persists the lease with the store's next batch.
	 */
	grant(id: bigint, ttl: number): { ID: bigint; TTL: number } {
		if (id === 0n) throw Errors.LeaseNotFound();
		if (ttl > MAX_LEASE_TTL) throw Errors.LeaseTTLTooLarge();
		if (this.leaseMap.has(id)) throw Errors.LeaseExist();
		this.store.checkCapped(LEASE_OVERHEAD);
		const l: Lease = {
			id,
			ttl: Math.max(ttl, this.minTtl),
			expiry: Infinity,
			keys: new Set(),
			reportedAt: -Infinity
		};
		if (this.primary) this.refresh(l, 0);
		this.leaseMap.set(id, l);
		this.store.stageLeasePut({ id, ttl: l.ttl });
		return { ID: id, TTL: l.ttl };
	}

	/**
	 * Revokes a lease: deletes every attached key in one write transaction (one revision, keys
	 * in sorted order) and forgets the lease. Returns the store revision afterwards.
	 */
	revoke(id: bigint): { revision: number } {
		const l = this.leaseMap.get(id);
		if (!l) throw Errors.LeaseNotFound();
		const keys = [...l.keys].sort();
		this.store.write((tx) => {
			for (const k of keys) tx.deleteRange(fromBytesKey(k));
		});
		this.leaseMap.delete(id);
		this.store.stageLeaseDelete(id);
		return { revision: this.store.currentRevision };
	}

	/**
	 * Renews a lease on the primary. Returns the TTL as LeaseKeepAliveResponse carries it: the
	 * granted TTL, or 0 when the lease does not exist or has already expired (etcd answers a
	 * keep-alive for a lease it cannot renew that way).
	 */
	keepAlive(id: bigint): number {
		if (!this.primary) throw Errors.NotLeader();
		const l = this.leaseMap.get(id);
		if (!l || this.remainingMs(l) <= 0) return 0;
		this.refresh(l, 0);
		return l.ttl;
	}

	/**
	 * The LeaseTimeToLive answer: remaining seconds (whole seconds left, counted as etcd's
	 * Go duration truncation gives them), granted TTL and, if asked, the attached keys in order.
	 * A missing lease gives TTL -1, as etcd's gRPC layer answers.
	 */
	timeToLive(id: bigint, keys = false): LeaseTimeToLiveResponse {
		const header = makeHeader(this.store.currentRevision);
		const l = this.leaseMap.get(id);
		if (!l) return { header, ID: id, TTL: -1, grantedTTL: 0, keys: [] };
		const remaining = this.remainingMs(l);
		// A request always takes some time, so a lease granted "now" shows ttl - 1 in etcd.
		const ttl = remaining === Infinity ? l.ttl : Math.trunc((remaining - 1) / 1000) || 0;
		return {
			header,
			ID: id,
			TTL: ttl,
			grantedTTL: l.ttl,
			keys: keys ? [...l.keys].sort().map(fromBytesKey) : []
		};
	}

	/** Every lease ID, soonest expiry first as etcd lists them (ties, e.g. on followers, by ID). */
	leases(): bigint[] {
		return [...this.leaseMap.values()]
			.sort((a, b) => a.expiry - b.expiry || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
			.map((l) => l.id);
	}

	lookup(id: bigint): { ID: bigint; TTL: number; keys: Bytes[] } | undefined {
		const l = this.leaseMap.get(id);
		if (!l) return undefined;
		return { ID: l.id, TTL: l.ttl, keys: [...l.keys].sort().map(fromBytesKey) };
	}

	/**
	 * Leases that have expired on the primary and should be revoked (through consensus).
	 * A lease reported once is reported again only after 3 s if still not revoked.
	 */
	expired(): bigint[] {
		if (!this.primary) return [];
		const out: bigint[] = [];
		for (const l of this.leaseMap.values()) {
			if (this.remainingMs(l) > 0) continue;
			if (this.now - l.reportedAt < EXPIRED_RETRY_MS) continue;
			l.reportedAt = this.now;
			out.push(l.id);
		}
		return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	}

	/** This member became leader: every lease restarts its clock, extended by `extendMs`. */
	promote(extendMs: number): void {
		this.primary = true;
		for (const l of this.leaseMap.values()) {
			this.refresh(l, extendMs);
			l.reportedAt = -Infinity;
		}
	}

	/** This member is no longer leader: lease clocks stop. */
	demote(): void {
		this.primary = false;
		for (const l of this.leaseMap.values()) l.expiry = Infinity;
	}

	// ---- LeaseHooks (called by the store) ----------------------------------------------------

	exists(id: bigint): boolean {
		return this.leaseMap.has(id);
	}

	attach(id: bigint, key: Bytes): void {
		this.leaseMap.get(id)?.keys.add(bytesKey(key));
	}

	detach(id: bigint, key: Bytes): void {
		this.leaseMap.get(id)?.keys.delete(bytesKey(key));
	}

	/** Rebuilds leases from the store's persisted records and its leased keys. */
	restored(): void {
		this.leaseMap = new Map();
		for (const r of this.store.storedLeases()) {
			const l: Lease = {
				id: r.id,
				ttl: r.ttl,
				expiry: Infinity,
				keys: new Set(),
				reportedAt: -Infinity
			};
			if (this.primary) this.refresh(l, 0);
			this.leaseMap.set(r.id, l);
		}
		for (const { key, lease } of this.store.leasedKeys()) this.attach(lease, key);
	}

	private refresh(l: Lease, extendMs: number): void {
		l.expiry = this.now + extendMs + l.ttl * 1000;
	}

	private remainingMs(l: Lease): number {
		return l.expiry - this.now;
	}
}
