/**
 * The printer contract: one method per etcdctl display call, each returning the text the real
 * etcdctl prints to stdout for that response (or throwing the unsupported-format error).
 */
import type {
	AlarmResponse,
	AuthListResponse,
	AuthRoleGetResponse,
	AuthUserGetResponse,
	DeleteRangeResponse,
	HashKVResponse,
	HeaderOnlyResponse,
	LeaseGrantResponse,
	LeaseKeepAliveResponse,
	LeaseLeasesResponse,
	LeaseRevokeResponse,
	LeaseTimeToLiveResponse,
	MemberAddResponse,
	MemberListResponse,
	MoveLeaderResponse,
	PutResponse,
	RangeResponse,
	ResponseHeader,
	StatusResponse,
	TxnResponse,
	WatchResponse,
	Member
} from '../../engine/api/types';
import { ExitError, ExitCode } from '../exit';

export type OutputFormat = 'simple' | 'json' | 'fields' | 'table' | 'protobuf';

export interface EpHealth {
	ep: string;
	health: boolean;
	took: string;
	error: string;
}
export interface EpStatus {
	ep: string;
	resp: StatusResponse;
}
export interface EpHashKV {
	ep: string;
	resp: HashKVResponse;
}
export interface DBStatus {
	hash: number;
	revision: number;
	totalKey: number;
	totalSize: number;
}

export interface Printer {
	readonly format: OutputFormat;
	del(r: DeleteRangeResponse): string;
	get(r: RangeResponse): string;
	put(r: PutResponse): string;
	txn(r: TxnResponse): string;
	watch(r: WatchResponse): string;
	grant(r: LeaseGrantResponse): string;
	revoke(id: bigint, r: LeaseRevokeResponse): string;
	keepAlive(r: LeaseKeepAliveResponse): string;
	timeToLive(r: LeaseTimeToLiveResponse, keys: boolean): string;
	leases(r: LeaseLeasesResponse): string;
	memberAdd(r: MemberAddResponse): string;
	memberRemove(id: bigint, r: { header: ResponseHeader; members: Member[] }): string;
	memberUpdate(id: bigint, r: { header: ResponseHeader; members: Member[] }): string;
	memberPromote(id: bigint, r: { header: ResponseHeader; members: Member[] }): string;
	memberList(r: MemberListResponse): string;
	endpointHealth(h: EpHealth[]): string;
	endpointStatus(s: EpStatus[]): string;
	endpointHashKV(h: EpHashKV[]): string;
	moveLeader(leader: bigint, target: bigint, r: MoveLeaderResponse): string;
	alarm(r: AlarmResponse): string;
	dbStatus(s: DBStatus): string;
	roleAdd(role: string, r: HeaderOnlyResponse): string;
	roleGet(role: string, r: AuthRoleGetResponse): string;
	roleDelete(role: string, r: HeaderOnlyResponse): string;
	roleList(r: AuthListResponse): string;
	roleGrantPermission(role: string, r: HeaderOnlyResponse): string;
	roleRevokePermission(role: string, key: string, end: string, r: HeaderOnlyResponse): string;
	userAdd(user: string, r: HeaderOnlyResponse): string;
	userGet(user: string, r: AuthUserGetResponse): string;
	userList(r: AuthListResponse): string;
	userChangePassword(r: HeaderOnlyResponse): string;
	userGrantRole(user: string, role: string, r: HeaderOnlyResponse): string;
	userRevokeRole(user: string, role: string, r: HeaderOnlyResponse): string;
	userDelete(user: string, r: HeaderOnlyResponse): string;
}

/** Every method throws `<name> not supported as output format` (exit 4), as etcdctl does. */
export function unsupported(name: string, format: OutputFormat): Printer {
	const fail = (): never => {
		throw new ExitError(ExitCode.BadFeature, `${name} not supported as output format`);
	};
	return new Proxy({ format } as Printer, {
		get(target, prop) {
			if (prop === 'format') return format;
			if (prop in target) return (target as unknown as Record<string | symbol, unknown>)[prop];
			return fail;
		}
	});
}

/** A Go runtime panic of the real etcdctl, reproduced: `panic: <message>`, a trace, exit 2. */
export class GoPanic extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'GoPanic';
	}
}
