/**
 * The protobuf printer: the response's protobuf encoding written as raw bytes (etcdctl's
 * `fmt.Print(string(b))`). The terminal shows them as text, so the bytes are decoded as UTF-8
 * with replacement characters, which is what a terminal (and the recorder) makes of them.
 */
import type {
	Event,
	KeyValue,
	Member,
	Permission,
	ResponseHeader,
	ResponseOp
} from '../../engine/api/types';
import { ExitCode, ExitError } from '../exit';
import type { Printer } from './printer';
import { unsupported } from './printer';

class Writer {
	private buf: number[] = [];
	varint(v: bigint): void {
		let x = BigInt.asUintN(64, v);
		while (x >= 0x80n) {
			this.buf.push(Number(x & 0x7fn) | 0x80);
			x >>= 7n;
		}
		this.buf.push(Number(x));
	}
	/** A scalar field (proto3: zero is not written). */
	num(field: number, v: number | bigint | boolean | undefined): void {
		const x = typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v ?? 0);
		if (x === 0n) return;
		this.varint(BigInt(field << 3));
		this.varint(x);
	}
	bytes(field: number, b: Uint8Array | undefined, always = false): void {
		if (!b || (b.length === 0 && !always)) return;
		this.varint(BigInt((field << 3) | 2));
		this.varint(BigInt(b.length));
		this.buf.push(...b);
	}
	str(field: number, s: string | undefined): void {
		this.bytes(field, new TextEncoder().encode(s ?? ''));
	}
	/** A message field; a present (non-nil) message is written even when empty. */
	msg(field: number, write: ((w: Writer) => void) | undefined): void {
		if (!write) return;
		const w = new Writer();
		write(w);
		this.bytes(field, w.out(), true);
	}
	out(): Uint8Array {
		return Uint8Array.from(this.buf);
	}
}

const header = (h: ResponseHeader) => (w: Writer) => {
	w.num(1, h.cluster_id);
	w.num(2, h.member_id);
	w.num(3, h.revision);
	w.num(4, h.raft_term);
};

const kv = (k: KeyValue) => (w: Writer) => {
	w.bytes(1, k.key);
	w.num(2, k.create_revision);
	w.num(3, k.mod_revision);
	w.num(4, k.version);
	w.bytes(5, k.value);
	w.num(6, k.lease);
};

type Range = Parameters<Printer['get']>[0];
type Put = Parameters<Printer['put']>[0];
type Del = Parameters<Printer['del']>[0];
type Txn = Parameters<Printer['txn']>[0];

const range = (r: Range) => (w: Writer) => {
	w.msg(1, header(r.header));
	for (const k of r.kvs) w.msg(2, kv(k));
	w.num(3, r.more);
	w.num(4, r.count);
};
const put = (r: Put) => (w: Writer) => {
	w.msg(1, header(r.header));
	w.msg(2, r.prev_kv ? kv(r.prev_kv) : undefined);
};
const del = (r: Del) => (w: Writer) => {
	w.msg(1, header(r.header));
	w.num(2, r.deleted);
	for (const k of r.prev_kvs ?? []) w.msg(3, kv(k));
};
const op = (o: ResponseOp) => (w: Writer) => {
	if ('response_range' in o) w.msg(1, range(o.response_range));
	else if ('response_put' in o) w.msg(2, put(o.response_put));
	else if ('response_delete_range' in o) w.msg(3, del(o.response_delete_range));
	else w.msg(4, txn(o.response_txn));
};
const txn = (r: Txn) => (w: Writer) => {
	w.msg(1, header(r.header));
	w.num(2, r.succeeded);
	for (const o of r.responses) w.msg(3, op(o));
};
const event = (e: Event) => (w: Writer) => {
	w.num(1, e.type === 'DELETE' ? 1 : 0);
	w.msg(2, kv(e.kv));
	w.msg(3, e.prev_kv ? kv(e.prev_kv) : undefined);
};
const member = (m: Member) => (w: Writer) => {
	w.num(1, m.ID);
	w.str(2, m.name);
	for (const u of m.peerURLs) w.str(3, u);
	for (const u of m.clientURLs) w.str(4, u);
	w.num(5, m.isLearner);
};
const perm = (p: Permission) => (w: Writer) => {
	w.num(1, { READ: 0, WRITE: 1, READWRITE: 2 }[p.permType]);
	w.bytes(2, p.key);
	w.bytes(3, p.range_end);
};

function text(write: (w: Writer) => void): string {
	const w = new Writer();
	write(w);
	return new TextDecoder().decode(w.out());
}

const headerOnly = (r: { header: ResponseHeader }) => text((w) => w.msg(1, header(r.header)));
const names = (r: { header: ResponseHeader; names: string[] }) =>
	text((w) => {
		w.msg(1, header(r.header));
		for (const n of r.names) w.str(2, n);
	});

function notProto(type: string): never {
	throw new ExitError(ExitCode.BadFeature, `marshal unsupported for type ${type}`);
}

export function protobufPrinter(): Printer {
	const p: Partial<Printer> = {
		format: 'protobuf',
		get: (r) => text(range(r)),
		put: (r) => text(put(r)),
		del: (r) => text(del(r)),
		txn: (r) => text(txn(r)),
		watch: (r) =>
			text((w) => {
				w.msg(1, header(r.header));
				w.num(5, r.compact_revision);
				w.num(4, r.canceled);
				w.num(3, r.created);
				for (const e of r.events) w.msg(11, event(e));
			}),
		grant: () => notProto('clientv3.LeaseGrantResponse'),
		revoke: (_id, r) => headerOnly(r),
		keepAlive: () => notProto('clientv3.LeaseKeepAliveResponse'),
		timeToLive: () => notProto('*clientv3.LeaseTimeToLiveResponse'),
		leases: () => notProto('*clientv3.LeaseLeasesResponse'),
		memberAdd: (r) =>
			text((w) => {
				w.msg(1, header(r.header));
				w.msg(2, member(r.member));
				for (const m of r.members) w.msg(3, member(m));
			}),
		memberList: (r) =>
			text((w) => {
				w.msg(1, header(r.header));
				for (const m of r.members) w.msg(2, member(m));
			}),
		// etcd 3.4 sends alarm responses without a header.
		alarm: (r) =>
			text((w) => {
				for (const a of r.alarms) {
					w.msg(2, (x) => {
						x.num(1, a.memberID);
						x.num(2, { NONE: 0, NOSPACE: 1, CORRUPT: 2 }[a.alarm]);
					});
				}
			}),
		roleAdd: (_r, resp) => headerOnly(resp),
		roleDelete: (_r, resp) => headerOnly(resp),
		roleGrantPermission: (_r, resp) => headerOnly(resp),
		roleRevokePermission: (_r, _k, _e, resp) => headerOnly(resp),
		roleGet: (_r, resp) =>
			text((w) => {
				w.msg(1, header(resp.header));
				for (const x of resp.perm) w.msg(2, perm(x));
			}),
		roleList: (r) => names(r),
		userList: (r) => names(r),
		userGet: (_u, r) => names({ header: r.header, names: r.roles }),
		userAdd: (_u, r) => headerOnly(r),
		userDelete: (_u, r) => headerOnly(r),
		userChangePassword: (r) => headerOnly(r),
		userGrantRole: (_u, _r, r) => headerOnly(r),
		userRevokeRole: (_u, _r, r) => headerOnly(r)
	};
	for (const m of ['memberRemove', 'memberUpdate', 'memberPromote'] as const) {
		p[m] = (_id, r) =>
			text((w) => {
				w.msg(1, header(r.header));
				for (const x of r.members) w.msg(2, member(x));
			});
	}
	return Object.assign(Object.create(unsupported('protobuf', 'protobuf')) as Printer, p);
}
