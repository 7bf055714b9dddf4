/**
 * CRC-32C (Castagnoli), the checksum etcd's hash and hashkv use. Written out here (a table and
 * one loop) because the engine may not import Node's zlib and no pure dependency is allowed.
 */
const TABLE = (() => {
	const t = new Uint32Array(256);
	for (let i = 0; i < 256; i++) {
		let c = i;
		for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
		t[i] = c >>> 0;
	}
	return t;
})();

/** A running CRC-32C: feed bytes and numbers, read `sum()` at any point. */
export class Crc32c {
	private crc = 0xffffffff;

	bytes(b: Uint8Array): this {
		let c = this.crc;
		for (let i = 0; i < b.length; i++) c = TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
		this.crc = c;
		return this;
	}

	/** A non-negative integer below 2^53 as 8 big-endian bytes. */
	u64(n: number): this {
		const hi = Math.floor(n / 0x100000000);
		this.u32(hi >>> 0);
		return this.u32(n >>> 0);
	}

	/** A signed 64-bit bigint (lease IDs) as 8 big-endian bytes. */
	i64(n: bigint): this {
		const v = BigInt.asUintN(64, n);
		this.u32(Number(v >> 32n));
		return this.u32(Number(v & 0xffffffffn));
	}

	u32(n: number): this {
		let c = this.crc;
		for (let s = 24; s >= 0; s -= 8) c = TABLE[(c ^ (n >>> s)) & 0xff] ^ (c >>> 8);
		this.crc = c;
		return this;
	}

	sum(): number {
		return (this.crc ^ 0xffffffff) >>> 0;
	}
}

export function crc32c(b: Uint8Array): number {
	return new Crc32c().bytes(b).sum();
}
