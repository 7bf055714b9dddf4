/**
 * The json printer: each response marshalled as etcdctl marshals the Go structs with
 * encoding/json — proto fields under their json tags with `omitempty`, clientv3 wrapper
 * fields (lease responses, watch) under their Go names, 64-bit integers as plain numbers,
 * bytes as base64 — one line per response.
 */
import type {
	AlarmResponse,
	AuthListResponse,
	AuthRoleGetResponse,
	AuthUserGetResponse,
	Event,
	HashKVResponse,
	KeyValue,
	LeaseGrantResponse,
	LeaseKeepAliveResponse,
	LeaseLeasesResponse,
	LeaseTimeToLiveResponse,
	Member,
	ResponseHeader,
	ResponseOp,
	StatusResponse,
	WatchResponse
} from '../../engine/api/types';
import { base64 } from '../go';
import type { Printer } from './printer';

/** A JSON value whose numbers are already decimal text (never rounded through a double). */
export type J = { n: string } | string | boolean | null | J[] | { o: [string, J][] };

export const num = (v: number | bigint): J => ({ n: BigInt(v).toString() });
export const obj = (fields: [string, J | undefined][]): J => ({
	o: fields.filter((f): f is [string, J] => f[1] !== undefined)
});

/** Go's json string escaping (HTML-safe: <, >, & and U+2028/9 escaped). */
export function jsonString(s: string): string {
	let out = '"';
	for (const ch of s) {
		const c = ch.codePointAt(0)!;
		if (ch === '"') out += '\\"';
		else if (ch === '\\') out += '\\\\';
		else if (c === 0x0a) out += '\\n';
		else if (c === 0x0d) out += '\\r';
		else if (c === 0x09) out += '\\t';
		else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
			out += '\\u' + c.toString(16).padStart(4, '0');
		} else out += ch;
	}
	return out + '"';
}

export function stringify(v: J): string {
	if (v === null) return 'null';
	if (typeof v === 'string') return jsonString(v);
	if (typeof v === 'boolean') return v ? 'true' : 'false';
	if (Array.isArray(v)) return '[' + v.map(stringify).join(',') + ']';
	if ('n' in v) return v.n;
	return '{' + v.o.map(([k, x]) => jsonString(k) + ':' + stringify(x)).join(',') + '}';
}

// omitempty helpers
const oNum = (v: number | bigint | undefined): J | undefined =>
	v === undefined || BigInt(v) === 0n ? undefined : num(v);
const oStr = (v: string | undefined): J | undefined => (v ? v : undefined);
const oBool = (v: boolean | undefined): J | undefined => (v ? true : undefined);
const oBytes = (v: Uint8Array | undefined): J | undefined =>
	v && v.length > 0 ? base64(v) : undefined;
const oArr = <T>(v: T[] | undefined, f: (x: T) => J): J | undefined =>
	v && v.length > 0 ? v.map(f) : undefined;

export function headerJ(h: ResponseHeader | undefined): J | undefined {
	if (!h) return undefined;
	return obj([
		['cluster_id', oNum(h.cluster_id)],
		['member_id', oNum(h.member_id)],
		['revision', oNum(h.revision)],
		['raft_term', oNum(h.raft_term)]
	]);
}

/** The header fields promoted into clientv3 wrappers that embed *pb.ResponseHeader. */
function embeddedHeader(h: ResponseHeader): [string, J | undefined][] {
	return [
		['cluster_id', oNum(h.cluster_id)],
		['member_id', oNum(h.member_id)],
		['revision', oNum(h.revision)],
		['raft_term', oNum(h.raft_term)]
	];
}

export function kvJ(kv: KeyValue): J {
	return obj([
		['key', oBytes(kv.key)],
		['create_revision', oNum(kv.create_revision)],
		['mod_revision', oNum(kv.mod_revision)],
		['version', oNum(kv.version)],
		['value', oBytes(kv.value)],
		['lease', oNum(kv.lease)]
	]);
}

export function rangeJ(r: {
	header?: ResponseHeader;
	kvs?: KeyValue[];
	more?: boolean;
	count?: number;
}): J {
	return obj([
		['header', headerJ(r.header)],
		['kvs', oArr(r.kvs, kvJ)],
		['more', oBool(r.more)],
		['count', oNum(r.count)]
	]);
}

export function putJ(r: { header?: ResponseHeader; prev_kv?: KeyValue }): J {
	return obj([
		['header', headerJ(r.header)],
		['prev_kv', r.prev_kv ? kvJ(r.prev_kv) : undefined]
	]);
}

export function delJ(r: { header?: ResponseHeader; deleted?: number; prev_kvs?: KeyValue[] }): J {
	return obj([
		['header', headerJ(r.header)],
		['deleted', oNum(r.deleted)],
		['prev_kvs', oArr(r.prev_kvs, kvJ)]
	]);
}

function responseOpJ(op: ResponseOp): J {
	let inner: [string, J];
	if ('response_range' in op) inner = ['ResponseRange', rangeJ(op.response_range)];
	else if ('response_put' in op) inner = ['ResponsePut', putJ(op.response_put)];
	else if ('response_delete_range' in op) {
		inner = ['ResponseDeleteRange', delJ(op.response_delete_range)];
	} else inner = ['ResponseTxn', txnJ(op.response_txn)];
	return obj([['Response', obj([inner])]]);
}

export function txnJ(r: {
	header?: ResponseHeader;
	succeeded?: boolean;
	responses?: ResponseOp[];
}): J {
	return obj([
		['header', headerJ(r.header)],
		['succeeded', oBool(r.succeeded)],
		['responses', oArr(r.responses, responseOpJ)]
	]);
}

function eventJ(e: Event): J {
	return obj([
		['type', e.type === 'DELETE' ? num(1) : undefined],
		['kv', kvJ(e.kv)],
		['prev_kv', e.prev_kv ? kvJ(e.prev_kv) : undefined]
	]);
}

/** clientv3.WatchResponse: Go field names, no omitempty. */
export function watchJ(r: WatchResponse): J {
	return obj([
		['Header', headerJ(r.header) ?? obj([])],
		['Events', r.events.length ? r.events.map(eventJ) : null],
		['CompactRevision', num(r.compact_revision)],
		['Canceled', r.canceled],
		['Created', r.created]
	]);
}

export function grantJ(r: LeaseGrantResponse): J {
	return obj([
		...embeddedHeader(r.header),
		['ID', num(r.ID)],
		['TTL', num(r.TTL)],
		['Error', r.error ?? '']
	]);
}

export function keepAliveJ(r: LeaseKeepAliveResponse): J {
	return obj([...embeddedHeader(r.header), ['ID', num(r.ID)], ['TTL', num(r.TTL)]]);
}

export function timeToLiveJ(r: LeaseTimeToLiveResponse): J {
	return obj([
		...embeddedHeader(r.header),
		['id', num(r.ID)],
		['ttl', num(r.TTL)],
		['granted-ttl', num(r.grantedTTL)],
		['keys', r.keys.length ? r.keys.map((k) => base64(k)) : null]
	]);
}

export function leasesJ(r: LeaseLeasesResponse): J {
	return obj([
		...embeddedHeader(r.header),
		['leases', r.leases.length ? r.leases.map((l) => obj([['id', num(l.ID)]])) : null]
	]);
}

export function memberJ(m: Member): J {
	return obj([
		['ID', oNum(m.ID)],
		['name', oStr(m.name)],
		['peerURLs', oArr(m.peerURLs, (u) => u)],
		['clientURLs', oArr(m.clientURLs, (u) => u)],
		['isLearner', oBool(m.isLearner)]
	]);
}

export function membersJ(r: { header: ResponseHeader; members: Member[]; member?: Member }): J {
	return obj([
		['header', headerJ(r.header)],
		['member', r.member ? memberJ(r.member) : undefined],
		['members', oArr(r.members, memberJ)]
	]);
}

export function headerOnlyJ(r: { header: ResponseHeader }): J {
	return obj([['header', headerJ(r.header)]]);
}

const ALARM_NUM = { NONE: 0, NOSPACE: 1, CORRUPT: 2 } as const;

/** etcd 3.4's server sends AlarmResponse without a header, so etcdctl prints none. */
export function alarmJ(r: AlarmResponse): J {
	return obj([
		[
			'alarms',
			oArr(r.alarms, (a) =>
				obj([
					['memberID', oNum(a.memberID)],
					['alarm', oNum(ALARM_NUM[a.alarm])]
				])
			)
		]
	]);
}

export function statusJ(r: StatusResponse): J {
	return obj([
		['header', headerJ(r.header)],
		['version', oStr(r.version)],
		['dbSize', oNum(r.dbSize)],
		['leader', oNum(r.leader)],
		['raftIndex', oNum(r.raftIndex)],
		['raftTerm', oNum(r.raftTerm)],
		['raftAppliedIndex', oNum(r.raftAppliedIndex)],
		['errors', oArr(r.errors, (e) => e)],
		['dbSizeInUse', oNum(r.dbSizeInUse)],
		['isLearner', oBool(r.isLearner)]
	]);
}

export function hashKVJ(r: HashKVResponse): J {
	return obj([
		['header', headerJ(r.header)],
		['hash', oNum(r.hash)],
		['compact_revision', oNum(r.compact_revision)]
	]);
}

const PERM_NUM = { READ: 0, WRITE: 1, READWRITE: 2 } as const;

export function roleGetJ(r: AuthRoleGetResponse): J {
	return obj([
		['header', headerJ(r.header)],
		[
			'perm',
			oArr(r.perm, (p) =>
				obj([
					['permType', oNum(PERM_NUM[p.permType])],
					['key', oBytes(p.key)],
					['range_end', oBytes(p.range_end)]
				])
			)
		]
	]);
}

export function userGetJ(r: AuthUserGetResponse): J {
	return obj([
		['header', headerJ(r.header)],
		['roles', oArr(r.roles, (x) => x)]
	]);
}

export function listJ(r: AuthListResponse, field: 'users' | 'roles'): J {
	return obj([
		['header', headerJ(r.header)],
		[field, oArr(r.names, (x) => x)]
	]);
}

const line = (v: J) => stringify(v) + '\n';

/** The json printer. */
export function jsonPrinter(): Printer {
	return {
		format: 'json',
		del: (r) => line(delJ(r)),
		get: (r) => line(rangeJ(r)),
		put: (r) => line(putJ(r)),
		txn: (r) => line(txnJ(r)),
		watch: (r) => line(watchJ(r)),
		grant: (r) => line(grantJ(r)),
		revoke: (_id, r) => line(headerOnlyJ(r)),
		keepAlive: (r) => line(keepAliveJ(r)),
		timeToLive: (r) => line(timeToLiveJ(r)),
		leases: (r) => line(leasesJ(r)),
		memberAdd: (r) => line(membersJ(r)),
		memberRemove: (_id, r) => line(membersJ(r)),
		memberUpdate: (_id, r) => line(membersJ(r)),
		memberPromote: (_id, r) => line(membersJ(r)),
		memberList: (r) => line(membersJ(r)),
		endpointHealth: (hs) =>
			line(
				hs.map((h) =>
					obj([
						['endpoint', h.ep],
						['health', h.health],
						['took', h.took],
						['error', h.error || undefined]
					])
				)
			),
		endpointStatus: (list) =>
			line(
				list.map((s) =>
					obj([
						['Endpoint', s.ep],
						['Status', statusJ(s.resp)]
					])
				)
			),
		endpointHashKV: (list) =>
			line(
				list.map((h) =>
					obj([
						['Endpoint', h.ep],
						['HashKV', hashKVJ(h.resp)]
					])
				)
			),
		// etcd 3.4's MoveLeaderResponse carries no header.
		moveLeader: () => line(obj([])),
		alarm: (r) => line(alarmJ(r)),
		dbStatus: (s) =>
			line(
				obj([
					['hash', num(s.hash)],
					['revision', num(s.revision)],
					['totalKey', num(s.totalKey)],
					['totalSize', num(s.totalSize)]
				])
			),
		roleAdd: (_role, r) => line(headerOnlyJ(r)),
		roleGet: (_role, r) => line(roleGetJ(r)),
		roleDelete: (_role, r) => line(headerOnlyJ(r)),
		roleList: (r) => line(listJ(r, 'roles')),
		roleGrantPermission: (_role, r) => line(headerOnlyJ(r)),
		roleRevokePermission: (_role, _k, _e, r) => line(headerOnlyJ(r)),
		userAdd: (_u, r) => line(headerOnlyJ(r)),
		userGet: (_u, r) => line(userGetJ(r)),
		userList: (r) => line(listJ(r, 'users')),
		userChangePassword: (r) => line(headerOnlyJ(r)),
		userGrantRole: (_u, _r, r) => line(headerOnlyJ(r)),
		userRevokeRole: (_u, _r, r) => line(headerOnlyJ(r)),
		userDelete: (_u, r) => line(headerOnlyJ(r))
	};
}
