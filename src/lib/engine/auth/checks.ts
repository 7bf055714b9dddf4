/**
 * Per-request permission checks, in the order etcd's auth applier makes them
 * (server/etcdserver/apply_auth.go and the lease checks in v3_server.go). Each throws the
 * first EtcdError it meets; with auth disabled none of them throws.
 *
 * Lease-aware checks take a lookup from lease ID to the keys attached to it, undefined when
 * the lease does not exist (lease 0 never exists).
 */
import type {
	Bytes,
	DeleteRangeRequest,
	PutRequest,
	RangeRequest,
	RequestOp,
	TxnRequest
} from '../api/types';
import { Errors } from '../api/errors';
import type { AuthInfo, AuthStore } from './store';

/** Keys attached to a lease, or undefined when there is no such lease. */
export type LeaseKeys = (id: bigint) => Iterable<Bytes> | undefined;

/**
 * Requests that only a root-role user may make once auth is enabled (etcd checks these
 * before applying the entry). User get and role get have their own rules below.
 */
export const ADMIN_REQUESTS: ReadonlySet<string> = new Set([
	'authEnable',
	'authDisable',
	'authStatus',
	'userAdd',
	'userDelete',
	'userChangePassword',
	'userGrantRole',
	'userRevokeRole',
	'roleAdd',
	'roleGrantPermission',
	'roleRevokePermission',
	'roleDelete',
	'userList',
	'roleList'
]);

export function checkRange(store: AuthStore, ai: AuthInfo | undefined, r: RangeRequest): void {
	store.isRangePermitted(ai, r.key, r.range_end);
}

/**
 * Writing with a lease, or revoking it, is allowed only to whoever may write every key
 * already attached to it (otherwise revoking would delete keys the user cannot write).
 */
export function checkLeaseWrite(
	store: AuthStore,
	ai: AuthInfo | undefined,
	keys: Iterable<Bytes> | undefined
): void {
	if (keys === undefined || store.isAdmin(ai)) return;
	for (const key of keys) store.isPutPermitted(ai, key);
}

export function checkPut(
	store: AuthStore,
	ai: AuthInfo | undefined,
	r: PutRequest,
	leaseKeys: LeaseKeys
): void {
	store.isPutPermitted(ai, r.key);
	checkLeaseWrite(store, ai, leaseKeys(r.lease ?? 0n));
	if (r.prev_kv) store.isRangePermitted(ai, r.key);
}

export function checkDeleteRange(
	store: AuthStore,
	ai: AuthInfo | undefined,
	r: DeleteRangeRequest
): void {
	store.isDeleteRangePermitted(ai, r.key, r.range_end);
	if (r.prev_kv) store.isRangePermitted(ai, r.key, r.range_end);
}

function checkOps(
	store: AuthStore,
	ai: AuthInfo | undefined,
	ops: RequestOp[],
	leaseKeys: LeaseKeys
): void {
	for (const op of ops) {
		if ('request_range' in op) {
			checkRange(store, ai, op.request_range);
		} else if ('request_put' in op) {
			checkPut(store, ai, op.request_put, leaseKeys);
		} else if ('request_delete_range' in op) {
			// Inside a txn etcd checks prev_kv's read before the delete itself.
			const d = op.request_delete_range;
			if (d.prev_kv) store.isRangePermitted(ai, d.key, d.range_end);
			store.isDeleteRangePermitted(ai, d.key, d.range_end);
		} else {
			checkTxn(store, ai, op.request_txn, leaseKeys);
		}
	}
}

/**
 * A txn needs read access to every compared range and the rights of every operation in both
 * branches (whichever runs), nested txns included.
 */
export function checkTxn(
	store: AuthStore,
	ai: AuthInfo | undefined,
	t: TxnRequest,
	leaseKeys: LeaseKeys
): void {
	for (const c of t.compare) store.isRangePermitted(ai, c.key, c.range_end);
	checkOps(store, ai, t.success, leaseKeys);
	checkOps(store, ai, t.failure, leaseKeys);
}

export function checkLeaseRevoke(
	store: AuthStore,
	ai: AuthInfo | undefined,
	id: bigint,
	leaseKeys: LeaseKeys
): void {
	checkLeaseWrite(store, ai, leaseKeys(id));
}

/**
 * Lease keep-alive (renew) in etcd 3.5: a user must be given, and unless admin must be able
 * to write every key attached to the lease.
 */
export function checkLeaseRenew(
	store: AuthStore,
	ai: AuthInfo | undefined,
	id: bigint,
	leaseKeys: LeaseKeys
): void {
	if (!store.enabled) return;
	if (!ai) throw Errors.UserEmpty();
	checkLeaseWrite(store, ai, leaseKeys(id));
}

/**
 * Lease time-to-live with --keys, and lease list: a user must be given, and unless admin must
 * be able to read every key attached to the leases concerned.
 */
export function checkLeaseKeysReadable(
	store: AuthStore,
	ai: AuthInfo | undefined,
	keyLists: Iterable<Iterable<Bytes>>
): void {
	if (!store.enabled) return;
	if (!ai) throw Errors.UserEmpty();
	if (store.isAdmin(ai)) return;
	for (const keys of keyLists) for (const key of keys) store.isRangePermitted(ai, key);
}

/**
 * Requests etcd serves to any authenticated user once auth is on (member list, status, alarm
 * list, lease grant): only a missing user is refused.
 */
export function requireAuthInfo(store: AuthStore, ai: AuthInfo | undefined): void {
	if (store.enabled && !ai) throw Errors.UserEmpty();
}

/** `user get`: admins may read any user, everyone else only themselves. */
export function checkUserGet(store: AuthStore, ai: AuthInfo | undefined, name: string): void {
	// etcd compares against the empty name when no user was given.
	if (store.isAdmin(ai) || (ai?.username ?? '') === name) return;
	store.isAdminPermitted(ai);
}

/** `role get`: admins may read any role, everyone else only roles they hold. */
export function checkRoleGet(store: AuthStore, ai: AuthInfo | undefined, role: string): void {
	if (store.isAdmin(ai) || store.hasRole(ai?.username ?? '', role)) return;
	store.isAdminPermitted(ai);
}

/**
 * Serializable reads run without raft in etcd: check, read, then fail with "revision of auth
 * store is old" if the auth store changed under the read. Call after the read.
 */
export function checkRevisionUnchanged(store: AuthStore, ai: AuthInfo | undefined): void {
	if (ai && ai.revision !== 0 && ai.revision !== store.revision) throw Errors.AuthOldRevision();
}
