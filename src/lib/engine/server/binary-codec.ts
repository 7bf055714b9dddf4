/**
 * A compact binary encoding for the requests inside raft entries (see codec.ts): a tagged
 * tree of values where bytes are stored as they are (JSON had them in base64, a third larger
 * and slow to write and read back) and bigints as varints.
 *
 * It carries what the JSON encoding carried and decodes to the same values: undefined object
 * properties and functions are left out, undefined in an array and non-finite numbers become
 * null, -0 becomes 0, any other object is written as its own enumerable properties. A string
 * holding a lone UTF-16 surrogate (which utf-8 cannot carry: TextEncoder makes it U+FFFD) is
 * written as its JSON text, which escapes the surrogate, as the JSON encoding did.
 */

/** The first byte of every binary encoding; JSON text never starts with it. */
export const BINARY_TAG = 0xb1;

const T_NULL = 0;
const T_FALSE = 1;
const T_TRUE = 2;
const T_UINT = 3; // varint n
const T_NINT = 4; // varint -n (n > 0)
const T_FLOAT = 5; // float64, little-endian
const T_STRING = 6; // varint byte length, utf-8
const T_BYTES = 7; // varint length, bytes
const T_BIGINT = 8; // varint n
const T_NBIGINT = 9; // varint -n (n > 0)
const T_ARRAY = 10; // varint count, values
const T_OBJECT = 11; // varint count, (string key, value) pairs
const T_JSON_STRING = 12; // a string with a lone surrogate: its JSON text, as T_STRING's bytes
const T_OBJECT_TAGGED_KEYS = 13; // varint count, (T_STRING or T_JSON_STRING key, value) pairs

/** Matches a lone surrogate only: with the u flag a well-formed pair is one code point. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

class Writer {
	buf: Uint8Array;
	view: DataView;
	pos = 0;

	constructor(size: number) {
		this.buf = new Uint8Array(size);
		this.view = new DataView(this.buf.buffer);
	}

	reserve(n: number): void {
		if (this.pos + n <= this.buf.length) return;
		let size = this.buf.length * 2;
		while (size < this.pos + n) size *= 2;
		const next = new Uint8Array(size);
		next.set(this.buf.subarray(0, this.pos));
		this.buf = next;
		this.view = new DataView(next.buffer);
	}

	byte(b: number): void {
		this.reserve(1);
		this.buf[this.pos++] = b;
	}

	/** A non-negative safe integer, 7 bits a byte. */
	varint(n: number): void {
		this.reserve(8);
		while (n >= 0x80) {
			this.buf[this.pos++] = (n % 0x80) | 0x80;
			n = Math.floor(n / 0x80);
		}
		this.buf[this.pos++] = n;
	}

	bigVarint(n: bigint): void {
		if (n <= BigInt(Number.MAX_SAFE_INTEGER)) return this.varint(Number(n));
		this.reserve(Math.ceil(n.toString(16).length / 1.75) + 1);
		while (n >= 0x80n) {
			this.buf[this.pos++] = Number(n & 0x7fn) | 0x80;
			n >>= 7n;
		}
		this.buf[this.pos++] = Number(n);
	}

	/** An untagged well-formed string: its utf-8 byte length, then the bytes. */
	string(s: string): void {
		if (!this.ascii(s)) this.utf8(s);
	}

	/**
	 * A short ASCII string (every key name and op), copied directly; false (nothing written)
	 * for anything else.
	 */
	ascii(s: string): boolean {
		const n = s.length;
		if (n < 64) {
			this.reserve(n + 1);
			let i = 0;
			for (; i < n; i++) {
				const c = s.charCodeAt(i);
				if (c >= 0x80) break;
				this.buf[this.pos + 1 + i] = c;
			}
			if (i === n) {
				this.buf[this.pos] = n;
				this.pos += n + 1;
				return true;
			}
		}
		return false;
	}

	utf8(s: string): void {
		const bytes = encoder.encode(s);
		this.varint(bytes.length);
		this.bytes(bytes);
	}

	bytes(b: Uint8Array): void {
		this.reserve(b.length);
		this.buf.set(b, this.pos);
		this.pos += b.length;
	}

	value(v: unknown): void {
		switch (typeof v) {
			case 'string':
				this.taggedString(v);
				return;
			case 'number':
				if (Number.isSafeInteger(v)) {
					if (v >= 0) {
						this.byte(T_UINT);
						this.varint(v);
					} else {
						this.byte(T_NINT);
						this.varint(-v);
					}
				} else if (Number.isFinite(v)) {
					this.byte(T_FLOAT);
					this.reserve(8);
					this.view.setFloat64(this.pos, v, true);
					this.pos += 8;
				} else {
					this.byte(T_NULL);
				}
				return;
			case 'boolean':
				this.byte(v ? T_TRUE : T_FALSE);
				return;
			case 'bigint':
				if (v >= 0n) {
					this.byte(T_BIGINT);
					this.bigVarint(v);
				} else {
					this.byte(T_NBIGINT);
					this.bigVarint(-v);
				}
				return;
			case 'object':
				if (v === null) this.byte(T_NULL);
				else if (v instanceof Uint8Array) {
					this.byte(T_BYTES);
					this.varint(v.length);
					this.bytes(v);
				} else if (Array.isArray(v)) {
					this.byte(T_ARRAY);
					this.varint(v.length);
					for (const x of v) {
						if (x === undefined || typeof x === 'function' || typeof x === 'symbol')
							this.byte(T_NULL);
						else this.value(x);
					}
				} else this.object(v as Record<string, unknown>);
				return;
			default:
				// undefined, functions and symbols: JSON writes null for them at the top level.
				this.byte(T_NULL);
		}
	}

	/** A string with its tag: T_STRING, or T_JSON_STRING when it holds a lone surrogate. */
	taggedString(s: string): void {
		this.byte(T_STRING);
		if (this.ascii(s)) return;
		if (LONE_SURROGATE.test(s)) {
			this.buf[this.pos - 1] = T_JSON_STRING;
			s = JSON.stringify(s);
		}
		this.utf8(s);
	}

	object(o: Record<string, unknown>): void {
		const start = this.pos;
		let count = 0;
		for (const k in o) {
			if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
			const x = o[k];
			if (x !== undefined && typeof x !== 'function' && typeof x !== 'symbol') count++;
		}
		this.byte(T_OBJECT);
		this.varint(count);
		for (const k in o) {
			if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
			const x = o[k];
			if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
			if (!this.ascii(k)) {
				if (LONE_SURROGATE.test(k)) {
					// Rare: start again, with every key tagged.
					this.pos = start;
					this.objectTaggedKeys(o, count);
					return;
				}
				this.utf8(k);
			}
			this.value(x);
		}
	}

	objectTaggedKeys(o: Record<string, unknown>, count: number): void {
		this.byte(T_OBJECT_TAGGED_KEYS);
		this.varint(count);
		for (const k in o) {
			if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
			const x = o[k];
			if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
			this.taggedString(k);
			this.value(x);
		}
	}
}

/** One writer reused by every call (the engine is single-threaded); its result is copied out. */
let shared: Writer | null = null;

export function encodeBinary(value: unknown): Uint8Array {
	const w = shared ?? new Writer(4096);
	shared = null;
	try {
		w.pos = 0;
		w.byte(BINARY_TAG);
		w.value(value);
		return w.buf.slice(0, w.pos);
	} finally {
		// A huge request leaves a huge buffer behind: keep only ordinary sizes.
		shared = w.buf.length <= 1 << 20 ? w : null;
	}
}

class Reader {
	pos = 1;
	readonly view: DataView;

	constructor(readonly buf: Uint8Array) {
		this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
	}

	need(n: number): void {
		if (this.pos + n > this.buf.length) throw new Error('binary request: cut short');
	}

	varint(): number {
		let n = 0;
		let mul = 1;
		for (;;) {
			this.need(1);
			const b = this.buf[this.pos++];
			n += (b & 0x7f) * mul;
			if (b < 0x80) return n;
			mul *= 0x80;
			if (mul > 2 ** 56) throw new Error('binary request: varint too long');
		}
	}

	bigVarint(): bigint {
		const start = this.pos;
		let small = true;
		for (let i = 0; ; i++) {
			this.need(1);
			const b = this.buf[this.pos++];
			if (i >= 7) small = false;
			if (b < 0x80) break;
		}
		if (small) {
			this.pos = start;
			return BigInt(this.varint());
		}
		let n = 0n;
		for (let i = this.pos - 1; i >= start; i--) n = (n << 7n) | BigInt(this.buf[i] & 0x7f);
		return n;
	}

	string(): string {
		const n = this.varint();
		this.need(n);
		const start = this.pos;
		this.pos += n;
		if (n < 64) {
			let s = '';
			for (let i = start; i < start + n; i++) {
				const c = this.buf[i];
				if (c >= 0x80) return decoder.decode(this.buf.subarray(start, start + n));
				s += String.fromCharCode(c);
			}
			return s;
		}
		return decoder.decode(this.buf.subarray(start, start + n));
	}

	value(): unknown {
		this.need(1);
		const t = this.buf[this.pos++];
		switch (t) {
			case T_NULL:
				return null;
			case T_FALSE:
				return false;
			case T_TRUE:
				return true;
			case T_UINT:
				return this.varint();
			case T_NINT:
				return -this.varint();
			case T_FLOAT: {
				this.need(8);
				const v = this.view.getFloat64(this.pos, true);
				this.pos += 8;
				return v;
			}
			case T_STRING:
				return this.string();
			case T_JSON_STRING: {
				const s: unknown = JSON.parse(this.string());
				if (typeof s !== 'string') throw new Error('binary request: not a JSON string');
				return s;
			}
			case T_BYTES: {
				const n = this.varint();
				this.need(n);
				// A copy: a view would keep the whole entry alive and be cloned whole.
				const b = this.buf.slice(this.pos, this.pos + n);
				this.pos += n;
				return b;
			}
			case T_BIGINT:
				return this.bigVarint();
			case T_NBIGINT:
				return -this.bigVarint();
			case T_ARRAY: {
				const n = this.varint();
				const a: unknown[] = [];
				for (let i = 0; i < n; i++) a.push(this.value());
				return a;
			}
			case T_OBJECT:
			case T_OBJECT_TAGGED_KEYS: {
				const n = this.varint();
				const o: Record<string, unknown> = {};
				for (let i = 0; i < n; i++) {
					const k = t === T_OBJECT ? this.string() : this.value();
					if (typeof k !== 'string') throw new Error('binary request: object key not a string');
					const v = this.value();
					// As JSON.parse does: "__proto__" becomes an own property, not the prototype.
					if (k === '__proto__')
						Object.defineProperty(o, k, {
							value: v,
							enumerable: true,
							writable: true,
							configurable: true
						});
					else o[k] = v;
				}
				return o;
			}
			default:
				throw new Error(`binary request: unknown tag ${t}`);
		}
	}
}

export function decodeBinary<T>(data: Uint8Array): T {
	if (data[0] !== BINARY_TAG) throw new Error('binary request: not a binary encoding');
	const r = new Reader(data);
	const v = r.value();
	if (r.pos !== data.length) throw new Error('binary request: trailing bytes');
	return v as T;
}

/**
 * The value of an encoded object's first property when it is named `name` and holds a short
 * string (how every request starts: its `op`), without decoding the rest; null otherwise.
 */
export function peekFirstString(data: Uint8Array, name: string): string | null {
	if (data.length < 4 || data[0] !== BINARY_TAG || data[1] !== T_OBJECT || data[2] === 0)
		return null;
	if (data[2] >= 0x80) return null;
	let p = 3;
	if (data[p] !== name.length) return null;
	p++;
	for (let i = 0; i < name.length; i++) if (data[p + i] !== name.charCodeAt(i)) return null;
	p += name.length;
	if (data[p] !== T_STRING) return null;
	const n = data[p + 1];
	if (n === undefined || n >= 0x80 || p + 2 + n > data.length) return null;
	let s = '';
	for (let i = p + 2; i < p + 2 + n; i++) s += String.fromCharCode(data[i]);
	return s;
}
