/**
 * MemberApi: the surface one member serves to clients, as etcd's gRPC services do. Every call
 * is async and takes plain, structured-cloneable values, so the same interface is served
 * in-process (tests, the scenario runner) and across a Worker boundary (comlink), where the
 * watch callback is a comlink proxy.
 */
import type {
	AlarmResponse,
	AlarmType,
	CompactionRequest,
	CompactionResponse,
	DefragmentResponse,
	DeleteRangeRequest,
	DeleteRangeResponse,
	HashKVResponse,
	HashResponse,
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
	PutRequest,
	PutResponse,
	RangeRequest,
	RangeResponse,
	ResponseHeader,
	StatusResponse,
	TxnRequest,
	TxnResponse,
	WatchCreateRequest,
	WatchResponse
} from '../api/types';
import type { AuthMethod } from './requests';
import type { CallOptions, EtcdServer, ServerWatchStream } from './server';

export type { CallOptions } from './server';
export type { AuthMethod } from './requests';

export type AuthCallResult = Record<string, unknown> & { header: ResponseHeader };

export interface MemberApi {
	range(req: RangeRequest, o?: CallOptions): Promise<RangeResponse>;
	put(req: PutRequest, o?: CallOptions): Promise<PutResponse>;
	deleteRange(req: DeleteRangeRequest, o?: CallOptions): Promise<DeleteRangeResponse>;
	txn(req: TxnRequest, o?: CallOptions): Promise<TxnResponse>;
	compact(req: CompactionRequest, o?: CallOptions): Promise<CompactionResponse>;
	/** Creates a watch; responses (the created one first) go to onResponse. Returns a handle. */
	watch(
		req: WatchCreateRequest,
		onResponse: (r: WatchResponse) => void,
		o?: CallOptions
	): Promise<number>;
	watchCancel(handle: number): Promise<void>;
	watchProgress(handle: number): Promise<void>;
	leaseGrant(ttl: number, id: bigint, o?: CallOptions): Promise<LeaseGrantResponse>;
	leaseRevoke(id: bigint, o?: CallOptions): Promise<LeaseRevokeResponse>;
	leaseKeepAlive(id: bigint, o?: CallOptions): Promise<LeaseKeepAliveResponse>;
	leaseTimeToLive(id: bigint, keys: boolean, o?: CallOptions): Promise<LeaseTimeToLiveResponse>;
	leaseLeases(o?: CallOptions): Promise<LeaseLeasesResponse>;
	memberList(linearizable: boolean, o?: CallOptions): Promise<MemberListResponse>;
	memberAdd(peerURLs: string[], isLearner: boolean, o?: CallOptions): Promise<MemberAddResponse>;
	memberRemove(id: bigint, o?: CallOptions): Promise<MemberRemoveResponse>;
	memberUpdate(id: bigint, peerURLs: string[], o?: CallOptions): Promise<MemberUpdateResponse>;
	memberPromote(id: bigint, o?: CallOptions): Promise<MemberPromoteResponse>;
	status(o?: CallOptions): Promise<StatusResponse>;
	hash(o?: CallOptions): Promise<HashResponse>;
	hashKV(revision: number, o?: CallOptions): Promise<HashKVResponse>;
	defragment(o?: CallOptions): Promise<DefragmentResponse>;
	alarmList(o?: CallOptions): Promise<AlarmResponse>;
	alarmDisarm(memberID: bigint, alarm: AlarmType, o?: CallOptions): Promise<AlarmResponse>;
	snapshot(o?: CallOptions): Promise<Uint8Array>;
	moveLeader(target: bigint, o?: CallOptions): Promise<MoveLeaderResponse>;
	authenticate(name: string, password: string): Promise<{ header: ResponseHeader; token: string }>;
	authCall(method: AuthMethod, args: unknown[], o?: CallOptions): Promise<AuthCallResult>;
}

/** Serves a member's API from an EtcdServer in the same thread. */
export function serveMember(server: () => EtcdServer): MemberApi {
	const streams = new Map<number, { stream: ServerWatchStream; watchId: number }>();
	let nextHandle = 1;
	const s = () => server();
	return {
		range: async (req, o) => s().range(req, o),
		put: async (req, o) => s().put(req, o),
		deleteRange: async (req, o) => s().deleteRange(req, o),
		txn: async (req, o) => s().txn(req, o),
		compact: async (req, o) => s().compact(req, o),
		watch: async (req, onResponse, o) => {
			const handle = nextHandle++;
			const stream = s().openWatchStream((r) => onResponse(r), o);
			const watchId = stream.watch(req);
			streams.set(handle, { stream, watchId });
			return handle;
		},
		watchCancel: async (handle) => {
			const w = streams.get(handle);
			if (!w) return;
			streams.delete(handle);
			w.stream.cancel(w.watchId);
			w.stream.close();
		},
		watchProgress: async (handle) => {
			streams.get(handle)?.stream.requestProgress();
		},
		leaseGrant: async (ttl, id, o) => s().leaseGrant(ttl, id, o),
		leaseRevoke: async (id, o) => s().leaseRevoke(id, o),
		leaseKeepAlive: async (id, o) => s().leaseKeepAlive(id, o),
		leaseTimeToLive: async (id, keys, o) => s().leaseTimeToLive(id, keys, o),
		leaseLeases: async (o) => s().leaseLeases(o),
		memberList: async (lin, o) => s().memberList(lin, o),
		memberAdd: async (urls, learner, o) => s().memberAdd(urls, learner, o),
		memberRemove: async (id, o) => s().memberRemove(id, o),
		memberUpdate: async (id, urls, o) => s().memberUpdate(id, urls, o),
		memberPromote: async (id, o) => s().memberPromote(id, o),
		status: async (o) => s().status(o),
		hash: async (o) => s().hash(o),
		hashKV: async (rev, o) => s().hashKV(rev, o),
		defragment: async (o) => s().defragment(o),
		alarmList: async (o) => s().alarmList(o),
		alarmDisarm: async (id, alarm, o) => s().alarmDisarm(id, alarm, o),
		snapshot: async (o) => s().snapshot(o),
		moveLeader: async (target, o) => s().moveLeader(target, o),
		authenticate: async (name, pw) => s().authenticate(name, pw),
		authCall: async (method, args, o) => s().authCall(method, args as never, o)
	};
}
