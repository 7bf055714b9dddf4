/**
 * The typed client every consumer uses to reach etcd members: etcdctl, the terminal, the page
 * and the scenario runner. It mirrors etcd's clientv3 (KV, Watch, Lease, Cluster, Maintenance,
 * Auth) with the request/response shapes of src/lib/engine/api/types.ts.
 *
 * A client is bound to a list of endpoints (as etcdctl's --endpoints gives them). Calls that
 * etcd sends to "any" member pick a reachable endpoint and fail over; calls that etcdctl sends
 * to one endpoint (status, hashkv, defrag, health, snapshot) take that endpoint explicitly.
 * Errors are EtcdError (src/lib/engine/api/errors.ts) carrying etcd's exact messages, or
 * ClientError below for failures that happen in the client itself (no endpoint reachable,
 * deadline exceeded), whose messages match what etcdctl prints.
 */
import type {
	AlarmResponse,
	AlarmType,
	AuthenticateResponse,
	AuthListResponse,
	AuthRoleGetResponse,
	AuthStatusResponse,
	AuthUserGetResponse,
	Bytes,
	CompactionRequest,
	CompactionResponse,
	DefragmentResponse,
	DeleteRangeRequest,
	DeleteRangeResponse,
	HashKVResponse,
	HashResponse,
	HeaderOnlyResponse,
	LeaseGrantResponse,
	LeaseKeepAliveResponse,
	LeaseLeasesResponse,
	LeaseRevokeResponse,
	LeaseTimeToLiveResponse,
	MemberAddResponse,
	MemberListResponse,
	MemberPromoteResponse,
	MemberRemoveResponse,
	MemberUpdateResponse,
	MoveLeaderResponse,
	Permission,
	PutRequest,
	PutResponse,
	RangeRequest,
	RangeResponse,
	StatusResponse,
	TxnRequest,
	TxnResponse,
	WatchCreateRequest,
	WatchResponse
} from '../engine/api/types';

/** Client-side failures, worded as etcdctl prints them after `Error: `. */
export class ClientError extends Error {
	readonly kind: 'deadline-exceeded' | 'unavailable' | 'canceled' | 'invalid-endpoint';
	constructor(kind: ClientError['kind'], message: string) {
		super(message);
		this.name = 'ClientError';
		this.kind = kind;
	}
}

export interface ClientOptions {
	/** As etcdctl's --endpoints: `127.0.0.1:2379`, `http://etcd-2:2379`, `https://...`. */
	endpoints: string[];
	dialTimeoutMs: number;
	/** Per-request deadline (etcdctl's --command-timeout). */
	commandTimeoutMs: number;
	user?: string;
	password?: string;
	/** TLS material as paths in the virtual file system, checked by TLS-requiring clusters. */
	tls?: {
		/** TLS was asked for without files (etcdctl --insecure-transport=false). */
		secure?: boolean;
		cacert?: string;
		cert?: string;
		key?: string;
		insecureSkipVerify?: boolean;
		/** The files' PEM text, when the shell read them (src/lib/presets/tls.ts). */
		pem?: { cacert?: string; cert?: string; key?: string };
	};
	/** Aborting cancels every call in flight and closes watches (Ctrl-C). */
	signal?: AbortSignal;
}

export interface WatchHandle {
	/** The watch ID the server assigned, once created. */
	readonly id: Promise<number>;
	cancel(): Promise<void>;
	requestProgress(): Promise<void>;
}

export interface KeepAliveHandle {
	cancel(): void;
}

export interface KV {
	range(req: RangeRequest): Promise<RangeResponse>;
	put(req: PutRequest): Promise<PutResponse>;
	deleteRange(req: DeleteRangeRequest): Promise<DeleteRangeResponse>;
	txn(req: TxnRequest): Promise<TxnResponse>;
	compact(req: CompactionRequest): Promise<CompactionResponse>;
}

export interface Watch {
	/** Responses arrive in order; a canceled response is the last one for that watch. */
	watch(req: WatchCreateRequest, onResponse: (resp: WatchResponse) => void): WatchHandle;
}

export interface Lease {
	grant(ttlSeconds: number, id?: bigint): Promise<LeaseGrantResponse>;
	revoke(id: bigint): Promise<LeaseRevokeResponse>;
	keepAliveOnce(id: bigint): Promise<LeaseKeepAliveResponse>;
	/** Keeps the lease alive until canceled; every renewal is reported. */
	keepAlive(
		id: bigint,
		onResponse: (resp: LeaseKeepAliveResponse) => void,
		onError: (err: Error) => void
	): KeepAliveHandle;
	timeToLive(id: bigint, keys: boolean): Promise<LeaseTimeToLiveResponse>;
	leases(): Promise<LeaseLeasesResponse>;
}

export interface Cluster {
	memberList(linearizable?: boolean): Promise<MemberListResponse>;
	memberAdd(peerURLs: string[], isLearner: boolean): Promise<MemberAddResponse>;
	memberRemove(id: bigint): Promise<MemberRemoveResponse>;
	memberUpdate(id: bigint, peerURLs: string[]): Promise<MemberUpdateResponse>;
	memberPromote(id: bigint): Promise<MemberPromoteResponse>;
}

export interface Maintenance {
	status(endpoint: string): Promise<StatusResponse>;
	hash(endpoint: string): Promise<HashResponse>;
	hashKV(endpoint: string, revision: number): Promise<HashKVResponse>;
	defragment(endpoint: string): Promise<DefragmentResponse>;
	alarmList(): Promise<AlarmResponse>;
	alarmDisarm(memberID: bigint, alarm: AlarmType): Promise<AlarmResponse>;
	/** The whole backend as etcd's `snapshot save` would write it. */
	snapshot(endpoint: string): Promise<Bytes>;
	moveLeader(endpoint: string, targetID: bigint): Promise<MoveLeaderResponse>;
}

export interface Auth {
	authEnable(): Promise<HeaderOnlyResponse>;
	authDisable(): Promise<HeaderOnlyResponse>;
	authStatus(): Promise<AuthStatusResponse>;
	authenticate(name: string, password: string): Promise<AuthenticateResponse>;
	userAdd(name: string, password: string, noPassword: boolean): Promise<HeaderOnlyResponse>;
	userDelete(name: string): Promise<HeaderOnlyResponse>;
	userChangePassword(name: string, password: string): Promise<HeaderOnlyResponse>;
	userGet(name: string): Promise<AuthUserGetResponse>;
	userList(): Promise<AuthListResponse>;
	userGrantRole(user: string, role: string): Promise<HeaderOnlyResponse>;
	userRevokeRole(user: string, role: string): Promise<HeaderOnlyResponse>;
	roleAdd(name: string): Promise<HeaderOnlyResponse>;
	roleDelete(name: string): Promise<HeaderOnlyResponse>;
	roleGet(name: string): Promise<AuthRoleGetResponse>;
	roleList(): Promise<AuthListResponse>;
	roleGrantPermission(role: string, perm: Permission): Promise<HeaderOnlyResponse>;
	roleRevokePermission(role: string, key: Bytes, rangeEnd?: Bytes): Promise<HeaderOnlyResponse>;
}

/** One connected client: etcdctl makes one per invocation, as the real one does. */
export interface EtcdClient extends KV, Watch, Lease, Cluster, Maintenance, Auth {
	/** The endpoints as given, for commands that iterate them (endpoint status, --cluster). */
	readonly endpoints: readonly string[];
	close(): void;
}

/** What a host (the page, the scenario runner, a test) provides to open clients. */
export interface ClientFactory {
	/**
	 * Dials the endpoints. Rejects with ClientError('deadline-exceeded', 'context deadline
	 * exceeded') when none answers within dialTimeoutMs, as etcdctl 3.4 does.
	 */
	connect(options: ClientOptions): Promise<EtcdClient>;
}
