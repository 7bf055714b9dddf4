/** etcd's auth store: users, roles, permissions, tokens and the per-request checks. */
export { AuthStore, ROOT_ROLE, ROOT_USER, compareNames } from './store';
export type { AuthInfo, AuthRole, AuthSnapshot, AuthStoreOptions, AuthUser } from './store';
export { DEFAULT_ITERATIONS, checkPassword, hashPassword } from './password';
export { SIMPLE_TOKEN_TTL_MS, SimpleTokens, genTokenPrefix, tokenIndex } from './tokens';
export { MergedPermissions, isOpenEnded, isValidPermissionRange } from './ranges';
export {
	ADMIN_REQUESTS,
	checkDeleteRange,
	checkLeaseKeysReadable,
	checkLeaseRenew,
	checkLeaseRevoke,
	checkLeaseWrite,
	checkPut,
	checkRange,
	checkRevisionUnchanged,
	checkRoleGet,
	checkTxn,
	checkUserGet,
	requireAuthInfo
} from './checks';
export type { LeaseKeys } from './checks';
