/**
 * Just enough of etcd's gRPC API for the benchmark, over Node's built-in HTTP/2: unary KV calls
 * (Put, Range, Txn of puts, DeleteRange) and one Watch stream. Messages are encoded by hand
 * (a few protobuf fields); responses are only walked far enough to count kvs and events.
 */
import http2 from 'node:http2';

// ---- protobuf, the few wire types we need ----

function varint(n: number | bigint): number[] {
	let v = BigInt(n);
	const out: number[] = [];
	while (v >= 0x80n) {
		out.push(Number(v & 0x7fn) | 0x80);
		v >>= 7n;
	}
	out.push(Number(v));
	return out;
}

class Writer {
	private parts: number[] = [];
	private bufs: Buffer[] = [];
	private flush(): void {
		if (this.parts.length) this.bufs.push(Buffer.from(this.parts));
		this.parts = [];
	}
	uint(field: number, v: number | bigint | boolean): this {
		const n = typeof v === 'boolean' ? (v ? 1 : 0) : v;
		if (!n) return this;
		this.parts.push(...varint((field << 3) | 0), ...varint(n));
		return this;
	}
	bytes(field: number, b: Uint8Array | Buffer | undefined): this {
		if (!b || b.length === 0) return this;
		this.parts.push(...varint((field << 3) | 2), ...varint(b.length));
		this.flush();
		this.bufs.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
		return this;
	}
	done(): Buffer {
		this.flush();
		return Buffer.concat(this.bufs);
	}
}

function readVarint(b: Buffer, pos: number): [number, number] {
	let result = 0;
	let mul = 1;
	for (;;) {
		const byte = b[pos++];
		result += (byte & 0x7f) * mul;
		if (byte < 0x80) return [result, pos];
		mul *= 128;
	}
}

/** Counts the occurrences of `field` at the top level of message `b`. */
export function countField(b: Buffer, field: number): number {
	let pos = 0;
	let n = 0;
	while (pos < b.length) {
		const [tag, p] = readVarint(b, pos);
		pos = p;
		const f = Math.floor(tag / 8);
		const wt = tag & 7;
		if (f === field) n++;
		if (wt === 0) pos = readVarint(b, pos)[1];
		else if (wt === 2) {
			const [len, q] = readVarint(b, pos);
			pos = q + len;
		} else if (wt === 1) pos += 8;
		else if (wt === 5) pos += 4;
		else throw new Error(`wire type ${wt}`);
	}
	return n;
}

/** The first length-delimited `field` of `b` (an embedded message), or undefined. */
export function subMessage(b: Buffer, field: number): Buffer | undefined {
	let pos = 0;
	while (pos < b.length) {
		const [tag, p] = readVarint(b, pos);
		pos = p;
		const wt = tag & 7;
		if (wt === 0) {
			pos = readVarint(b, pos)[1];
		} else if (wt === 2) {
			const [len, q] = readVarint(b, pos);
			if (Math.floor(tag / 8) === field) return b.subarray(q, q + len);
			pos = q + len;
		} else if (wt === 1) pos += 8;
		else pos += 4;
	}
	return undefined;
}

/** The first varint `field` of `b` (0 when absent). */
export function uintField(b: Buffer, field: number): number {
	let pos = 0;
	while (pos < b.length) {
		const [tag, p] = readVarint(b, pos);
		pos = p;
		const wt = tag & 7;
		if (wt === 0) {
			const [v, q] = readVarint(b, pos);
			if (Math.floor(tag / 8) === field) return v;
			pos = q;
		} else if (wt === 2) {
			const [len, q] = readVarint(b, pos);
			pos = q + len;
		} else if (wt === 1) pos += 8;
		else pos += 4;
	}
	return 0;
}

// ---- etcd messages ----

export interface Range {
	key: Buffer;
	rangeEnd?: Buffer;
	limit?: number;
	serializable?: boolean;
	keysOnly?: boolean;
	countOnly?: boolean;
}

export const enc = {
	put: (key: Buffer, value: Buffer) => new Writer().bytes(1, key).bytes(2, value).done(),
	range: (r: Range) =>
		new Writer()
			.bytes(1, r.key)
			.bytes(2, r.rangeEnd)
			.uint(3, r.limit ?? 0)
			.uint(7, !!r.serializable)
			.uint(8, !!r.keysOnly)
			.uint(9, !!r.countOnly)
			.done(),
	deleteRange: (key: Buffer, rangeEnd?: Buffer) =>
		new Writer().bytes(1, key).bytes(2, rangeEnd).done(),
	/** A txn with no compares whose success branch is these puts. */
	txnPuts: (puts: [Buffer, Buffer][]) => {
		const w = new Writer();
		for (const [k, v] of puts) w.bytes(2, new Writer().bytes(2, enc.put(k, v)).done());
		return w.done();
	},
	watchCreate: (key: Buffer, rangeEnd: Buffer | undefined, startRevision: number) =>
		new Writer()
			.bytes(1, new Writer().bytes(1, key).bytes(2, rangeEnd).uint(3, startRevision).done())
			.done()
};

/** The revision in a response's header (field 1, header.revision = field 3). */
export function headerRevision(resp: Buffer): number {
	const h = subMessage(resp, 1);
	return h ? uintField(h, 3) : 0;
}

function frame(msg: Buffer): Buffer {
	const f = Buffer.alloc(5 + msg.length);
	f.writeUInt32BE(msg.length, 1);
	msg.copy(f, 5);
	return f;
}

/** Splits a gRPC body into its messages as bytes arrive. */
class Deframer {
	private chunks: Buffer[] = [];
	private have = 0;
	/** Bytes the current message needs (header included), once its header has arrived. */
	private need = 5;
	push(chunk: Buffer, onMessage: (m: Buffer) => void): void {
		this.chunks.push(chunk);
		this.have += chunk.length;
		// Join the chunks only when a whole message is there (joining per chunk is quadratic).
		while (this.have >= this.need) {
			let buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
			this.chunks = [buf];
			if (this.need === 5 || buf.length >= 5) {
				const len = buf.readUInt32BE(1);
				if (buf.length < 5 + len) {
					this.need = 5 + len;
					return;
				}
				onMessage(buf.subarray(5, 5 + len));
				buf = buf.subarray(5 + len);
				this.chunks = buf.length ? [buf] : [];
				this.have = buf.length;
				this.need = 5;
			}
		}
	}
}

export class GrpcError extends Error {
	constructor(
		readonly code: number,
		message: string
	) {
		super(message);
	}
}

export class EtcdGrpc {
	private s: http2.ClientHttp2Session | null = null;
	constructor(readonly url: string) {}

	/** The HTTP/2 session, opened again after the last one failed (a member restarted). */
	private get session(): http2.ClientHttp2Session {
		if (!this.s || this.s.destroyed || this.s.closed) {
			this.s = http2.connect(this.url);
			this.s.on('error', () => undefined);
		}
		return this.s;
	}

	close(): void {
		this.s?.close();
		this.s?.destroy();
		this.s = null;
	}

	unary(path: string, msg: Buffer, timeoutMs = 10_000): Promise<Buffer> {
		return new Promise((resolve, reject) => {
			let req: http2.ClientHttp2Stream;
			try {
				req = this.session.request({
					':method': 'POST',
					':path': path,
					'content-type': 'application/grpc',
					te: 'trailers'
				});
			} catch (e) {
				reject(e);
				return;
			}
			req.setTimeout(timeoutMs, () => req.close(http2.constants.NGHTTP2_CANCEL));
			const de = new Deframer();
			let out: Buffer | undefined;
			let status: number | undefined;
			let message = '';
			const take = (h: http2.IncomingHttpHeaders) => {
				if (h['grpc-status'] !== undefined) {
					status = Number(h['grpc-status']);
					message = decodeURIComponent(String(h['grpc-message'] ?? ''));
				}
			};
			req.on('response', take);
			req.on('trailers', take);
			req.on('data', (c: Buffer) => de.push(c, (m) => (out = Buffer.from(m))));
			req.on('error', reject);
			req.on('close', () => {
				if (status === 0 && out) resolve(out);
				else if (status === 0) resolve(Buffer.alloc(0));
				else reject(new GrpcError(status ?? -1, message || 'stream closed'));
			});
			req.end(frame(msg));
		});
	}

	put(key: Buffer, value: Buffer) {
		return this.unary('/etcdserverpb.KV/Put', enc.put(key, value));
	}
	range(r: Range) {
		return this.unary('/etcdserverpb.KV/Range', enc.range(r), 60_000);
	}
	txnPuts(puts: [Buffer, Buffer][]) {
		return this.unary('/etcdserverpb.KV/Txn', enc.txnPuts(puts), 60_000);
	}
	deleteRange(key: Buffer, rangeEnd?: Buffer) {
		return this.unary('/etcdserverpb.KV/DeleteRange', enc.deleteRange(key, rangeEnd), 60_000);
	}

	/**
	 * Opens a watch from `startRevision` and resolves once `events` events arrived, with the
	 * milliseconds from opening the stream.
	 */
	watchCount(
		key: Buffer,
		rangeEnd: Buffer,
		startRevision: number,
		events: number
	): Promise<number> {
		return new Promise((resolve, reject) => {
			const t0 = performance.now();
			const req = this.session.request({
				':method': 'POST',
				':path': '/etcdserverpb.Watch/Watch',
				'content-type': 'application/grpc',
				te: 'trailers'
			});
			const de = new Deframer();
			let seen = 0;
			let done = false;
			req.on('data', (c: Buffer) =>
				de.push(c, (m) => {
					seen += countField(m, 11);
					if (!done && seen >= events) {
						done = true;
						const ms = performance.now() - t0;
						req.close(http2.constants.NGHTTP2_CANCEL);
						resolve(ms);
					}
				})
			);
			req.on('error', (e) => (done ? undefined : reject(e)));
			req.on('close', () => {
				if (!done) reject(new Error(`watch closed after ${seen} events`));
			});
			req.write(frame(enc.watchCreate(key, rangeEnd, startRevision)));
		});
	}
}
