/**
 * The v3 API as etcd's etcdserverpb, mvccpb and authpb define it, in TypeScript.
 *
 * Field names are the protobuf field names (snake_case) so that `etcdctl -w json` output and
 * these objects line up one to one. Rules that follow from that:
 * - `bytes` fields are Uint8Array (keys and values are bytes, not text);
 * - 64-bit identifiers that can exceed 2^53 (member, cluster and lease IDs) are bigint;
 * - revisions, versions, terms and counts are plain numbers (they stay far below 2^53);
 * - optional fields that protobuf would leave at their zero value may be omitted.
 */

export type Bytes = Uint8Array;

export interface ResponseHeader {
	cluster_id: bigint;
	member_id: bigint;
	/** The store revision when the request was applied (the current one even for --rev reads). */
	revision: number;
	raft_term: number;
}

/** mvccpb.KeyValue */
export interface KeyValue {
	key: Bytes;
	create_revision: number;
	mod_revision: number;
	version: number;
	value: Bytes;
	/** 0n when the key has no lease. */
	lease: bigint;
}

export type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';
export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

export interface RangeRequest {
	key: Bytes;
	/** Empty: just `key`. `\0`: every key >= key. Otherwise [key, range_end). */
	range_end?: Bytes;
	limit?: number;
	/** 0 or absent: the current revision. */
	revision?: number;
	sort_order?: SortOrder;
	sort_target?: SortTarget;
	serializable?: boolean;
	keys_only?: boolean;
	count_only?: boolean;
	min_mod_revision?: number;
	max_mod_revision?: number;
	min_create_revision?: number;
	max_create_revision?: number;
}

export interface RangeResponse {
	header: ResponseHeader;
	kvs: KeyValue[];
	/** True when `limit` cut the result short. */
	more: boolean;
	/** The number of keys in the range, whatever the limit. */
	count: number;
}

export interface PutRequest {
	key: Bytes;
	value: Bytes;
	lease?: bigint;
	prev_kv?: boolean;
	ignore_value?: boolean;
	ignore_lease?: boolean;
}

export interface PutResponse {
	header: ResponseHeader;
	prev_kv?: KeyValue;
}

export interface DeleteRangeRequest {
	key: Bytes;
	range_end?: Bytes;
	prev_kv?: boolean;
}

export interface DeleteRangeResponse {
	header: ResponseHeader;
	deleted: number;
	prev_kvs: KeyValue[];
}

export type CompareResult = 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
export type CompareTarget = 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';

export interface Compare {
	result: CompareResult;
	target: CompareTarget;
	key: Bytes;
	range_end?: Bytes;
	/** Exactly one of these is meaningful, chosen by `target`. */
	version?: number;
	create_revision?: number;
	mod_revision?: number;
	value?: Bytes;
	lease?: bigint;
}

export type RequestOp =
	| { request_range: RangeRequest }
	| { request_put: PutRequest }
	| { request_delete_range: DeleteRangeRequest }
	| { request_txn: TxnRequest };

export type ResponseOp =
	| { response_range: RangeResponse }
	| { response_put: PutResponse }
	| { response_delete_range: DeleteRangeResponse }
	| { response_txn: TxnResponse };

export interface TxnRequest {
	compare: Compare[];
	success: RequestOp[];
	failure: RequestOp[];
}

export interface TxnResponse {
	header: ResponseHeader;
	succeeded: boolean;
	responses: ResponseOp[];
}

export interface CompactionRequest {
	revision: number;
	/** Wait until the compaction is physically applied to the backend. */
	physical?: boolean;
}

export interface CompactionResponse {
	header: ResponseHeader;
}

/** mvccpb.Event */
export interface Event {
	type: 'PUT' | 'DELETE';
	kv: KeyValue;
	prev_kv?: KeyValue;
}

export interface WatchCreateRequest {
	key: Bytes;
	range_end?: Bytes;
	/** 0 or absent: start after the current revision. */
	start_revision?: number;
	progress_notify?: boolean;
	filters?: ('NOPUT' | 'NODELETE')[];
	prev_kv?: boolean;
	/** Client-chosen watch ID; 0 or absent lets the server choose. */
	watch_id?: number;
	fragment?: boolean;
}

export interface WatchResponse {
	header: ResponseHeader;
	watch_id: number;
	created: boolean;
	canceled: boolean;
	/** Set when the watch was canceled because its start revision was compacted. */
	compact_revision: number;
	cancel_reason: string;
	fragment: boolean;
	events: Event[];
}

export interface LeaseGrantRequest {
	TTL: number;
	/** 0n: let the server choose the ID. */
	ID?: bigint;
}

export interface LeaseGrantResponse {
	header: ResponseHeader;
	ID: bigint;
	TTL: number;
	error: string;
}

export interface LeaseRevokeRequest {
	ID: bigint;
}

export interface LeaseRevokeResponse {
	header: ResponseHeader;
}

export interface LeaseKeepAliveRequest {
	ID: bigint;
}

export interface LeaseKeepAliveResponse {
	header: ResponseHeader;
	ID: bigint;
	TTL: number;
}

export interface LeaseTimeToLiveRequest {
	ID: bigint;
	keys?: boolean;
}

export interface LeaseTimeToLiveResponse {
	header: ResponseHeader;
	ID: bigint;
	/** Remaining seconds; -1 when the lease does not exist or has expired. */
	TTL: number;
	grantedTTL: number;
	keys: Bytes[];
}

export interface LeaseStatus {
	ID: bigint;
}

export interface LeaseLeasesResponse {
	header: ResponseHeader;
	leases: LeaseStatus[];
}

export interface Member {
	ID: bigint;
	/** Empty until a member added with `member add` has started. */
	name: string;
	peerURLs: string[];
	clientURLs: string[];
	isLearner: boolean;
}

export interface MemberListResponse {
	header: ResponseHeader;
	members: Member[];
}

export interface MemberAddRequest {
	peerURLs: string[];
	isLearner?: boolean;
}

export interface MemberAddResponse {
	header: ResponseHeader;
	member: Member;
	members: Member[];
}

export interface MemberRemoveResponse {
	header: ResponseHeader;
	members: Member[];
}

export interface MemberUpdateResponse {
	header: ResponseHeader;
	members: Member[];
}

export interface MemberPromoteResponse {
	header: ResponseHeader;
	members: Member[];
}

export type AlarmType = 'NONE' | 'NOSPACE' | 'CORRUPT';

export interface AlarmMember {
	memberID: bigint;
	alarm: AlarmType;
}

export interface AlarmResponse {
	header: ResponseHeader;
	alarms: AlarmMember[];
}

export interface StatusResponse {
	header: ResponseHeader;
	version: string;
	dbSize: number;
	leader: bigint;
	raftIndex: number;
	raftTerm: number;
	raftAppliedIndex: number;
	errors: string[];
	dbSizeInUse: number;
	isLearner: boolean;
}

export interface HashResponse {
	header: ResponseHeader;
	hash: number;
}

export interface HashKVResponse {
	header: ResponseHeader;
	hash: number;
	compact_revision: number;
}

export interface DefragmentResponse {
	header: ResponseHeader;
}

export interface MoveLeaderResponse {
	header: ResponseHeader;
}

export interface SnapshotChunk {
	header: ResponseHeader;
	remaining_bytes: number;
	blob: Bytes;
}

/** authpb.Permission */
export interface Permission {
	permType: 'READ' | 'WRITE' | 'READWRITE';
	key: Bytes;
	range_end?: Bytes;
}

export interface AuthStatusResponse {
	header: ResponseHeader;
	enabled: boolean;
	authRevision: number;
}

export interface AuthUserGetResponse {
	header: ResponseHeader;
	roles: string[];
}

export interface AuthRoleGetResponse {
	header: ResponseHeader;
	perm: Permission[];
}

export interface AuthListResponse {
	header: ResponseHeader;
	/** User names for user list, role names for role list. */
	names: string[];
}

export interface AuthenticateResponse {
	header: ResponseHeader;
	token: string;
}

/** Responses that carry nothing but the header (auth enable/disable, user add, grant, ...). */
export interface HeaderOnlyResponse {
	header: ResponseHeader;
}
