/**
 * etcd's auth store (server/auth/store.go): users, roles, key permissions, the enabled flag
 * and the auth revision, plus each member's simple tokens.
 *
 * Replicated state changes only through the mutating methods, which the server calls when it
 * applies a raft entry; each either throws the EtcdError etcd returns or returns the response
 * body without its header (the caller adds the header). Given the same entries in the same
 * order every member ends in the same state. Tokens are per member (see tokens.ts).
 *
 * The auth revision starts at 1 and goes up by one on every change to users, roles or
 * permissions and on `auth disable`; `auth enable` and no-op grants leave it alone, as in etcd.
 * A request carries the revision its member saw when it resolved the token; a request that
 * arrives at apply time with an older revision fails with "revision of auth store is old".
 */
import type { Bytes, Permission } from '../api/types';
import { EtcdError, Errors } from '../api/errors';
import { bytesEqual, compareBytes, utf8 } from '../util/bytes';
import { checkPassword as passwordMatches } from './password';
import { isValidPermissionRange, MergedPermissions } from './ranges';
import { SimpleTokens } from './tokens';

export const ROOT_USER = 'root';
export const ROOT_ROLE = 'root';

/** Who sent a request: the token's user and the auth revision when the token was resolved. */
export interface AuthInfo {
	username: string;
	revision: number;
}

export interface AuthUser {
	name: string;
	/** The hash from hashPassword; empty for a user added with --no-password. */
	password: string;
	/** Sorted by byte order, as etcd keeps them. */
	roles: string[];
	noPassword: boolean;
}

export interface AuthRole {
	name: string;
	/** Sorted by key, as etcd keeps them; not merged (merging happens when checking). */
	keyPermission: Permission[];
}

/** The whole replicated auth state; structured-clonable (Uint8Array keys, no classes). */
export interface AuthSnapshot {
	enabled: boolean;
	revision: number;
	users: AuthUser[];
	roles: AuthRole[];
}

/** Go's string order (byte-wise over UTF-8), which etcd uses for names and role lists. */
export function compareNames(a: string, b: string): number {
	return compareBytes(utf8(a), utf8(b));
}

function copyPermission(p: Permission): Permission {
	const out: Permission = { permType: p.permType, key: p.key.slice() };
	if (p.range_end !== undefined && p.range_end.length > 0) out.range_end = p.range_end.slice();
	return out;
}

const EMPTY_END = new Uint8Array(0);

export interface AuthStoreOptions {
	/** Simple-token TTL; etcd's default is five minutes. */
	tokenTtlMs?: number;
}

export class AuthStore {
	private enabledFlag = false;
	private rev = 1;
	private users = new Map<string, AuthUser>();
	private roles = new Map<string, AuthRole>();
	/** Merged permissions per user, rebuilt lazily after any change. */
	private permCache = new Map<string, MergedPermissions>();
	readonly tokens: SimpleTokens;

	constructor(options: AuthStoreOptions = {}) {
		this.tokens = new SimpleTokens(options.tokenTtlMs);
	}

	get enabled(): boolean {
		return this.enabledFlag;
	}

	/** The auth revision (etcd's authRevision). */
	get revision(): number {
		return this.rev;
	}

	private commit(): void {
		this.rev++;
		this.permCache.clear();
	}

	// ---- apply-time operations (replicated) ----

	/** Turns auth on; needs user root with role root. Enabling twice is a no-op. */
	authEnable(): Record<string, never> {
		if (this.enabledFlag) return {};
		const root = this.users.get(ROOT_USER);
		if (!root) throw Errors.RootUserNotExist();
		if (!root.roles.includes(ROOT_ROLE)) throw Errors.RootRoleNotExist();
		this.enabledFlag = true;
		this.tokens.enable();
		this.permCache.clear();
		return {};
	}

	/** Turns auth off and forgets every token. Disabling twice is a no-op. */
	authDisable(): Record<string, never> {
		if (!this.enabledFlag) return {};
		this.enabledFlag = false;
		this.commit();
		this.tokens.disable();
		return {};
	}

	authStatus(): { enabled: boolean; authRevision: number } {
		return { enabled: this.enabledFlag, authRevision: this.rev };
	}

	/**
	 * Adds a user. `hashedPassword` comes from hashPassword on the proposing member and is
	 * ignored for a no-password user.
	 */
	userAdd(name: string, hashedPassword: string, noPassword = false): Record<string, never> {
		if (name.length === 0) throw Errors.UserEmpty();
		if (this.users.has(name)) throw Errors.UserAlreadyExist();
		this.users.set(name, {
			name,
			password: noPassword ? '' : hashedPassword,
			roles: [],
			noPassword
		});
		this.commit();
		return {};
	}

	/** Deletes a user and its tokens; root cannot be deleted while auth is enabled. */
	userDelete(name: string): Record<string, never> {
		if (this.enabledFlag && name === ROOT_USER) throw Errors.InvalidAuthMgmt();
		if (!this.users.has(name)) throw Errors.UserNotFound();
		this.users.delete(name);
		this.commit();
		this.tokens.invalidateUser(name);
		return {};
	}

	/**
	 * Replaces a user's password hash and drops its tokens. A no-password user keeps having no
	 * password (etcd accepts the request and still bumps the revision).
	 */
	userChangePassword(name: string, hashedPassword: string): Record<string, never> {
		const user = this.users.get(name);
		if (!user) throw Errors.UserNotFound();
		user.password = user.noPassword ? '' : hashedPassword;
		this.commit();
		this.tokens.invalidateUser(name);
		return {};
	}

	/**
	 * Grants a role. The root role need not exist as a role; any other must. Granting a role
	 * the user already has succeeds without changing anything.
	 */
	userGrantRole(user: string, role: string): Record<string, never> {
		const u = this.users.get(user);
		if (!u) throw Errors.UserNotFound();
		if (role !== ROOT_ROLE && !this.roles.has(role)) throw Errors.RoleNotFound();
		if (u.roles.includes(role)) return {};
		u.roles = [...u.roles, role].sort(compareNames);
		this.commit();
		return {};
	}

	/** Revokes a role; root's root role cannot be revoked while auth is enabled. */
	userRevokeRole(name: string, role: string): Record<string, never> {
		if (this.enabledFlag && name === ROOT_USER && role === ROOT_ROLE) {
			throw Errors.InvalidAuthMgmt();
		}
		const u = this.users.get(name);
		if (!u) throw Errors.UserNotFound();
		const kept = u.roles.filter((r) => r !== role);
		if (kept.length === u.roles.length) throw Errors.RoleNotGranted();
		u.roles = kept;
		this.commit();
		return {};
	}

	userGet(name: string): { roles: string[] } {
		const u = this.users.get(name);
		if (!u) throw Errors.UserNotFound();
		return { roles: [...u.roles] };
	}

	userList(): { names: string[] } {
		return { names: [...this.users.keys()].sort(compareNames) };
	}

	roleAdd(name: string): Record<string, never> {
		if (name.length === 0) throw Errors.RoleEmpty();
		if (this.roles.has(name)) throw Errors.RoleAlreadyExist();
		this.roles.set(name, { name, keyPermission: [] });
		this.commit();
		return {};
	}

	/** Deletes a role and takes it from every user; root cannot go while auth is enabled. */
	roleDelete(name: string): Record<string, never> {
		if (this.enabledFlag && name === ROOT_ROLE) throw Errors.InvalidAuthMgmt();
		if (!this.roles.has(name)) throw Errors.RoleNotFound();
		this.roles.delete(name);
		for (const u of this.users.values()) {
			if (u.roles.includes(name)) u.roles = u.roles.filter((r) => r !== name);
		}
		this.commit();
		return {};
	}

	/** The role's permissions as stored (etcd 3.5 shows root's stored ones too). */
	roleGet(name: string): { perm: Permission[] } {
		const role = this.roles.get(name);
		if (!role) throw Errors.RoleNotFound();
		return { perm: role.keyPermission.map(copyPermission) };
	}

	roleList(): { names: string[] } {
		return { names: [...this.roles.keys()].sort(compareNames) };
	}

	/**
	 * Grants a permission. The same key and range end again replaces the type; otherwise the
	 * permission is added and the list re-sorted by key.
	 */
	roleGrantPermission(name: string, perm: Permission | undefined): Record<string, never> {
		if (!perm) throw Errors.PermissionNotGiven();
		if (!isValidPermissionRange(perm.key, perm.range_end)) throw Errors.InvalidAuthMgmt();
		const role = this.roles.get(name);
		if (!role) throw Errors.RoleNotFound();
		const perms = role.keyPermission;
		const end = perm.range_end ?? EMPTY_END;
		// Like etcd, look only at the first permission whose key is not below the new one.
		const idx = perms.findIndex((p) => compareBytes(p.key, perm.key) >= 0);
		const at = idx < 0 ? undefined : perms[idx];
		if (at && bytesEqual(at.key, perm.key) && bytesEqual(at.range_end ?? EMPTY_END, end)) {
			at.permType = perm.permType;
		} else {
			perms.push(copyPermission(perm));
			// Array.prototype.sort is stable, as Go's sort is for the short lists roles have.
			perms.sort((a, b) => compareBytes(a.key, b.key));
		}
		this.commit();
		return {};
	}

	/** Revokes every permission of the role with exactly this key and range end. */
	roleRevokePermission(name: string, key: Bytes, rangeEnd?: Bytes): Record<string, never> {
		const role = this.roles.get(name);
		if (!role) throw Errors.RoleNotFound();
		const end = rangeEnd ?? EMPTY_END;
		const kept = role.keyPermission.filter(
			(p) => !bytesEqual(p.key, key) || !bytesEqual(p.range_end ?? EMPTY_END, end)
		);
		if (kept.length === role.keyPermission.length) throw Errors.PermissionNotGranted();
		role.keyPermission = kept;
		this.commit();
		return {};
	}

	/**
	 * Applies an Authenticate entry: records `<simpleTokenPrefix>.<index>` for the user on
	 * this member. `index` is the raft index of the entry. The password was checked before
	 * the proposal (checkPassword) and is not in the entry.
	 */
	authenticate(name: string, simpleTokenPrefix: string, index: number): { token: string } {
		if (!this.enabledFlag) throw Errors.AuthNotEnabled();
		const user = this.users.get(name);
		if (!user || user.noPassword) throw Errors.AuthFailed();
		return { token: this.tokens.assign(name, simpleTokenPrefix, index) };
	}

	// ---- proposal-time and request-time checks (local, not replicated) ----

	/**
	 * Checks a password before an Authenticate proposal; returns the auth revision it was
	 * checked at. If the revision has moved on by the time the entry applies, etcd checks
	 * again and proposes again.
	 */
	checkPassword(name: string, password: string): number {
		if (!this.enabledFlag) throw Errors.AuthNotEnabled();
		const user = this.users.get(name);
		if (!user) throw Errors.AuthFailed();
		if (user.noPassword) throw Errors.NoPasswordUser();
		if (!passwordMatches(user.password, password)) throw Errors.AuthFailed();
		return this.rev;
	}

	/** Moves this member's token clock forward, expiring tokens unused for the TTL. */
	advance(nowMs: number): void {
		this.tokens.advance(nowMs);
	}

	/**
	 * Who a request's token stands for. Undefined when auth is disabled (tokens are then
	 * ignored) or no token was sent; throws "invalid auth token" for an unknown, expired or
	 * malformed token. The revision is the store's current one, as etcd stamps it.
	 */
	resolveToken(token: string | undefined): AuthInfo | undefined {
		if (!this.enabledFlag || token === undefined) return undefined;
		const username = this.tokens.use(token);
		if (username === undefined) throw Errors.InvalidAuthToken();
		return { username, revision: this.rev };
	}

	/** Auth info for requests the server makes itself (lease expiry): root, current revision. */
	rootAuthInfo(): AuthInfo {
		return { username: ROOT_USER, revision: this.rev };
	}

	hasRole(user: string, role: string): boolean {
		return this.users.get(user)?.roles.includes(role) ?? false;
	}

	/** Throws unless the user may read [key, rangeEnd) (one key when rangeEnd is empty). */
	isRangePermitted(ai: AuthInfo | undefined, key: Bytes, rangeEnd?: Bytes): void {
		this.checkOp(ai, key, rangeEnd, 'READ');
	}

	/** Throws unless the user may write `key`. */
	isPutPermitted(ai: AuthInfo | undefined, key: Bytes): void {
		this.checkOp(ai, key, undefined, 'WRITE');
	}

	/** Throws unless the user may delete [key, rangeEnd). */
	isDeleteRangePermitted(ai: AuthInfo | undefined, key: Bytes, rangeEnd?: Bytes): void {
		this.checkOp(ai, key, rangeEnd, 'WRITE');
	}

	/**
	 * Throws unless the user has the root role. Unlike key checks, etcd does not look at the
	 * request's auth revision here, and an unknown user is "user name not found".
	 */
	isAdminPermitted(ai: AuthInfo | undefined): void {
		if (!this.enabledFlag) return;
		if (!ai || ai.username === '') throw Errors.UserEmpty();
		const user = this.users.get(ai.username);
		if (!user) throw Errors.UserNotFound();
		if (!user.roles.includes(ROOT_ROLE)) throw Errors.PermissionDenied();
	}

	/** True when isAdminPermitted would not throw. */
	isAdmin(ai: AuthInfo | undefined): boolean {
		try {
			this.isAdminPermitted(ai);
			return true;
		} catch (e) {
			if (e instanceof EtcdError) return false;
			throw e;
		}
	}

	private checkOp(
		ai: AuthInfo | undefined,
		key: Bytes,
		rangeEnd: Bytes | undefined,
		kind: 'READ' | 'WRITE'
	): void {
		if (!this.enabledFlag) return;
		// A request without a token reaches here with revision 0.
		if (!ai || ai.revision === 0) throw Errors.UserEmpty();
		if (ai.revision < this.rev) throw Errors.AuthOldRevision();
		const user = this.users.get(ai.username);
		if (!user) throw Errors.PermissionDenied();
		if (user.roles.includes(ROOT_ROLE)) return;
		if (!this.mergedPermissions(user).allows(kind, key, rangeEnd)) {
			throw Errors.PermissionDenied();
		}
	}

	private mergedPermissions(user: AuthUser): MergedPermissions {
		let merged = this.permCache.get(user.name);
		if (!merged) {
			const perms: Permission[] = [];
			for (const roleName of user.roles) {
				const role = this.roles.get(roleName);
				if (role) perms.push(...role.keyPermission);
			}
			merged = new MergedPermissions(perms);
			this.permCache.set(user.name, merged);
		}
		return merged;
	}

	// ---- persistence ----

	/** The replicated state, deep-copied; tokens are not part of it. */
	snapshot(): AuthSnapshot {
		const users = [...this.users.values()]
			.sort((a, b) => compareNames(a.name, b.name))
			.map((u) => ({ ...u, roles: [...u.roles] }));
		const roles = [...this.roles.values()]
			.sort((a, b) => compareNames(a.name, b.name))
			.map((r) => ({ name: r.name, keyPermission: r.keyPermission.map(copyPermission) }));
		return { enabled: this.enabledFlag, revision: this.rev, users, roles };
	}

	/**
	 * Replaces the replicated state with a snapshot's (etcd's Recover). Tokens survive while
	 * auth stays enabled, as in etcd; restoring a disabled state forgets them.
	 */
	restore(state: AuthSnapshot): void {
		this.enabledFlag = state.enabled;
		this.rev = state.revision;
		this.users = new Map(state.users.map((u) => [u.name, { ...u, roles: [...u.roles] }]));
		this.roles = new Map(
			state.roles.map((r) => [
				r.name,
				{ name: r.name, keyPermission: r.keyPermission.map(copyPermission) }
			])
		);
		this.permCache.clear();
		if (state.enabled) this.tokens.enable();
		else this.tokens.disable();
	}
}
