/**
 * etcd's ID generator (pkg/idutil): the low 16 bits of the member ID in the top 16 bits, then
 * a 40-bit millisecond timestamp taken at start-up and an 8-bit counter that simply counts on
 * (overflowing into the timestamp). Request IDs and lease IDs come from it, so IDs are unique
 * across members and restarts. The caller passes the start time: the engine reads no clock.
 */
const SUFFIX_BITS = 48n;
const SUFFIX_MASK = (1n << SUFFIX_BITS) - 1n;
const TS_MASK = (1n << 40n) - 1n;

export class IdGenerator {
	private readonly prefix: bigint;
	private suffix: bigint;

	constructor(memberId: bigint, startMs: number) {
		this.prefix = (memberId & 0xffffn) << SUFFIX_BITS;
		this.suffix = (BigInt(Math.floor(startMs)) & TS_MASK) << 8n;
	}

	next(): bigint {
		this.suffix = (this.suffix + 1n) & SUFFIX_MASK;
		return this.prefix | this.suffix;
	}
}

/** Lease IDs are the next ID with the sign bit cleared (lease IDs are int64 and positive). */
export function leaseIdFrom(id: bigint): bigint {
	return id & ((1n << 63n) - 1n);
}
