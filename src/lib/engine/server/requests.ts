/**
 * What travels inside a raft entry: etcd's InternalRaftRequest, one variant per operation that
 * changes replicated state. Reads never go through the log (ReadIndex serves them).
 */
import type { AuthInfo } from '../auth';
import type {
	AlarmType,
	CompactionRequest,
	DeleteRangeRequest,
	Permission,
	PutRequest,
	TxnRequest
} from '../api/types';
import type { MemberRecord } from './membership';

export type AuthMethod =
	| 'authEnable'
	| 'authDisable'
	| 'authStatus'
	| 'userAdd'
	| 'userDelete'
	| 'userChangePassword'
	| 'userGrantRole'
	| 'userRevokeRole'
	| 'userGet'
	| 'userList'
	| 'roleAdd'
	| 'roleDelete'
	| 'roleGet'
	| 'roleList'
	| 'roleGrantPermission'
	| 'roleRevokePermission';

export type InternalRequestBody =
	| { op: 'put'; req: PutRequest }
	| { op: 'deleteRange'; req: DeleteRangeRequest }
	| { op: 'txn'; req: TxnRequest }
	| { op: 'compaction'; req: CompactionRequest }
	| { op: 'leaseGrant'; leaseId: bigint; ttl: number }
	| { op: 'leaseRevoke'; leaseId: bigint }
	| { op: 'alarm'; action: 'ACTIVATE' | 'DEACTIVATE'; memberID: bigint; alarm: AlarmType }
	| { op: 'memberAttr'; memberId: bigint; name: string; clientURLs: string[] }
	| { op: 'clusterVersion'; version: string }
	| { op: 'authenticate'; name: string; prefix: string }
	| {
			op: 'auth';
			method: AuthMethod;
			args: (string | boolean | Uint8Array | Permission | undefined)[];
	  };

export type InternalRequest = InternalRequestBody & {
	/** Unique per proposal; the proposing member waits on it. */
	id: bigint;
	/** The caller's identity when auth is enabled (checked again at apply time). */
	auth?: AuthInfo;
};

/** The context of a conf-change entry: the member it concerns and the waiting request. */
export interface ConfChangeContext {
	id: bigint;
	member: MemberRecord;
}

/** Requests that only the MVCC store and lessor persist (skipped when replayed after restart). */
export function isStoreOp(op: InternalRequestBody['op']): boolean {
	return (
		op === 'put' ||
		op === 'deleteRange' ||
		op === 'txn' ||
		op === 'compaction' ||
		op === 'leaseGrant' ||
		op === 'leaseRevoke'
	);
}
