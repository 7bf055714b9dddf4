/**
 * The size of the InternalRaftRequest etcd would marshal for a request: etcd refuses a
 * proposal when `len(InternalRaftRequest.Marshal())` exceeds --max-request-bytes, so the limit
 * falls exactly where etcd's does only if it is measured on etcd's protobuf encoding (ours
 * carries tags and names of its own). Field numbers: raft_internal.proto and rpc.proto.
 *
 * Only the ops etcd proposes as protobuf messages are sized here; for the others (auth,
 * membership attributes, cluster version) this returns null and the caller keeps the length of
 * our encoding.
 */
import type {
	Compare,
	CompactionRequest,
	DeleteRangeRequest,
	PutRequest,
	RangeRequest,
	RequestOp,
	TxnRequest
} from '../api/types';
import type { InternalRequest } from './requests';

const U64 = (1n << 64n) - 1n;

/** Bytes of a varint holding `n`; negative int64s are written as 10 bytes, as Go does. */
function varintLen(n: number | bigint): number {
	let v = typeof n === 'bigint' ? n : BigInt(Math.trunc(n));
	if (v < 0n) v &= U64;
	let len = 1;
	while (v >= 0x80n) {
		v >>= 7n;
		len++;
	}
	return len;
}

function tagLen(field: number): number {
	return varintLen(field << 3);
}

/** A scalar field (proto3: left out when zero). */
function scalar(field: number, v: number | bigint | undefined): number {
	if (v === undefined || v === 0 || v === 0n) return 0;
	return tagLen(field) + varintLen(v);
}

/** A scalar field of a oneof: written whenever it is the chosen one, zero included. */
function oneofScalar(field: number, v: number | bigint | undefined): number {
	return tagLen(field) + varintLen(v ?? 0);
}

function flag(field: number, v: boolean | undefined): number {
	return v ? tagLen(field) + 1 : 0;
}

/** A length-delimited field of `len` bytes (a message is written even when empty). */
function delimited(field: number, len: number): number {
	return tagLen(field) + varintLen(len) + len;
}

/** A bytes or string field (proto3: left out when empty). */
function bytesField(field: number, len: number | undefined): number {
	return len ? delimited(field, len) : 0;
}

const SORT_ORDER = { NONE: 0, ASCEND: 1, DESCEND: 2 } as const;
const SORT_TARGET = { KEY: 0, VERSION: 1, CREATE: 2, MOD: 3, VALUE: 4 } as const;
const COMPARE_RESULT = { EQUAL: 0, GREATER: 1, LESS: 2, NOT_EQUAL: 3 } as const;
const COMPARE_TARGET = { VERSION: 0, CREATE: 1, MOD: 2, VALUE: 3, LEASE: 4 } as const;
const ALARM_ACTION = { GET: 0, ACTIVATE: 1, DEACTIVATE: 2 } as const;
const ALARM_TYPE = { NONE: 0, NOSPACE: 1, CORRUPT: 2 } as const;

function rangeSize(r: RangeRequest): number {
	return (
		bytesField(1, r.key.length) +
		bytesField(2, r.range_end?.length) +
		scalar(3, r.limit) +
		scalar(4, r.revision) +
		scalar(5, r.sort_order ? SORT_ORDER[r.sort_order] : 0) +
		scalar(6, r.sort_target ? SORT_TARGET[r.sort_target] : 0) +
		flag(7, r.serializable) +
		flag(8, r.keys_only) +
		flag(9, r.count_only) +
		scalar(10, r.min_mod_revision) +
		scalar(11, r.max_mod_revision) +
		scalar(12, r.min_create_revision) +
		scalar(13, r.max_create_revision)
	);
}

function putSize(r: PutRequest): number {
	return (
		bytesField(1, r.key.length) +
		bytesField(2, r.value.length) +
		scalar(3, r.lease) +
		flag(4, r.prev_kv) +
		flag(5, r.ignore_value) +
		flag(6, r.ignore_lease)
	);
}

function deleteRangeSize(r: DeleteRangeRequest): number {
	return bytesField(1, r.key.length) + bytesField(2, r.range_end?.length) + flag(3, r.prev_kv);
}

function compareSize(c: Compare): number {
	let n =
		scalar(1, COMPARE_RESULT[c.result]) +
		scalar(2, COMPARE_TARGET[c.target]) +
		bytesField(3, c.key.length) +
		bytesField(64, c.range_end?.length);
	switch (c.target) {
		case 'VERSION':
			n += oneofScalar(4, c.version);
			break;
		case 'CREATE':
			n += oneofScalar(5, c.create_revision);
			break;
		case 'MOD':
			n += oneofScalar(6, c.mod_revision);
			break;
		case 'VALUE':
			n += delimited(7, c.value?.length ?? 0);
			break;
		case 'LEASE':
			n += oneofScalar(8, c.lease);
			break;
	}
	return n;
}

function requestOpSize(op: RequestOp): number {
	if ('request_range' in op) return delimited(1, rangeSize(op.request_range));
	if ('request_put' in op) return delimited(2, putSize(op.request_put));
	if ('request_delete_range' in op) return delimited(3, deleteRangeSize(op.request_delete_range));
	return delimited(4, txnSize(op.request_txn));
}

function txnSize(t: TxnRequest): number {
	let n = 0;
	for (const c of t.compare) n += delimited(1, compareSize(c));
	for (const op of t.success) n += delimited(2, requestOpSize(op));
	for (const op of t.failure) n += delimited(3, requestOpSize(op));
	return n;
}

function compactionSize(r: CompactionRequest): number {
	return scalar(1, r.revision) + flag(2, r.physical);
}

/** The InternalRaftRequest field etcd sets for `r`, or null for ops not sized here. */
function opFieldSize(r: InternalRequest): number | null {
	switch (r.op) {
		case 'put':
			return delimited(4, putSize(r.req));
		case 'deleteRange':
			return delimited(5, deleteRangeSize(r.req));
		case 'txn':
			return delimited(6, txnSize(r.req));
		case 'compaction':
			return delimited(7, compactionSize(r.req));
		case 'leaseGrant':
			return delimited(8, scalar(1, r.ttl) + scalar(2, r.leaseId));
		case 'leaseRevoke':
			return delimited(9, scalar(1, r.leaseId));
		case 'alarm':
			return delimited(
				10,
				scalar(1, ALARM_ACTION[r.action]) + scalar(2, r.memberID) + scalar(3, ALARM_TYPE[r.alarm])
			);
		default:
			return null;
	}
}

function utf8Length(s: string): number {
	let n = 0;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c < 0x80) n += 1;
		else if (c < 0x800) n += 2;
		else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
			const d = s.charCodeAt(i + 1);
			if (d >= 0xdc00 && d < 0xe000) {
				n += 4;
				i++;
			} else n += 3;
		} else n += 3;
	}
	return n;
}

/**
 * The length of etcd's marshalled InternalRaftRequest for `r`: the header (field 100: the
 * request ID, and the user name and auth revision when auth is on; etcd leaves the top-level
 * ID unset for v3 requests) plus the op's message; null for ops etcd does not size this way.
 */
export function internalRaftRequestSize(r: InternalRequest): number | null {
	const op = opFieldSize(r);
	if (op === null) return null;
	const header =
		scalar(1, r.id) +
		bytesField(2, r.auth ? utf8Length(r.auth.username) : 0) +
		scalar(3, r.auth?.revision);
	return delimited(100, header) + op;
}
