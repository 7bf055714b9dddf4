import { describe, expect, it } from 'vitest';
import type { Permission } from '../../../src/lib/engine/api/types';
import { EtcdError } from '../../../src/lib/engine/api/errors';
import {
	AuthStore,
	MergedPermissions,
	isOpenEnded,
	isValidPermissionRange,
	type AuthInfo
} from '../../../src/lib/engine/auth';
import { prefixEnd, utf8 } from '../../../src/lib/engine/util/bytes';

const b = utf8;
const FROM_KEY = new Uint8Array([0]);

function perm(
	permType: Permission['permType'],
	key: string,
	end?: string | Uint8Array
): Permission {
	const p: Permission = { permType, key: b(key) };
	if (end !== undefined) p.range_end = typeof end === 'string' ? b(end) : end;
	return p;
}

describe('permission ranges', () => {
	it('validates granted ranges as etcd does', () => {
		expect(isValidPermissionRange(b('a'), undefined)).toBe(true);
		expect(isValidPermissionRange(b('a'), new Uint8Array(0))).toBe(true);
		expect(isValidPermissionRange(b('a'), b('b'))).toBe(true);
		expect(isValidPermissionRange(b('a'), FROM_KEY)).toBe(true);
		expect(isValidPermissionRange(b('\0'), FROM_KEY)).toBe(true);
		expect(isValidPermissionRange(new Uint8Array(0), undefined)).toBe(false);
		expect(isValidPermissionRange(b('b'), b('a'))).toBe(false);
		expect(isValidPermissionRange(b('a'), b('a'))).toBe(false);
		expect(isOpenEnded(FROM_KEY)).toBe(true);
		expect(isOpenEnded(b('\0\0'))).toBe(false);
		expect(isOpenEnded(undefined)).toBe(false);
	});

	it('a single-key permission allows that key only', () => {
		const m = new MergedPermissions([perm('READ', 'foo')]);
		expect(m.allows('READ', b('foo'))).toBe(true);
		expect(m.allows('READ', b('foo\0'))).toBe(false);
		expect(m.allows('READ', b('fo'))).toBe(false);
		expect(m.allows('READ', b('foo'), b('foo\0'))).toBe(true);
		expect(m.allows('READ', b('foo'), b('fop'))).toBe(false);
		expect(m.allows('WRITE', b('foo'))).toBe(false);
	});

	it('a range permission allows keys and sub-ranges inside it', () => {
		const m = new MergedPermissions([perm('WRITE', 'a', 'c')]);
		expect(m.allows('WRITE', b('a'))).toBe(true);
		expect(m.allows('WRITE', b('bzzz'))).toBe(true);
		expect(m.allows('WRITE', b('c'))).toBe(false);
		expect(m.allows('WRITE', b('a'), b('c'))).toBe(true);
		expect(m.allows('WRITE', b('b'), b('c'))).toBe(true);
		expect(m.allows('WRITE', b('a'), b('c\0'))).toBe(false);
		expect(m.allows('WRITE', b('a'), FROM_KEY)).toBe(false);
		expect(m.allows('READ', b('b'))).toBe(false);
	});

	it('a prefix permission covers prefix requests and nothing beyond', () => {
		const m = new MergedPermissions([perm('READ', 'app/', prefixEnd(b('app/')))]);
		expect(m.allows('READ', b('app/'), prefixEnd(b('app/')))).toBe(true);
		expect(m.allows('READ', b('app/x/'), prefixEnd(b('app/x/')))).toBe(true);
		expect(m.allows('READ', b('app/\xff'))).toBe(true);
		expect(m.allows('READ', b('app0'))).toBe(false);
		expect(m.allows('READ', b('app'), prefixEnd(b('app')))).toBe(false);
	});

	it('a from-key permission reaches every key above its start', () => {
		const m = new MergedPermissions([perm('READWRITE', 'm', FROM_KEY)]);
		expect(m.allows('READ', b('zzzzzz'))).toBe(true);
		expect(m.allows('WRITE', b('m'))).toBe(true);
		expect(m.allows('READ', b('l'))).toBe(false);
		expect(m.allows('READ', b('m'), FROM_KEY)).toBe(true);
		expect(m.allows('READ', b('n'), FROM_KEY)).toBe(true);
		expect(m.allows('READ', b('a'), FROM_KEY)).toBe(false);
		expect(m.allows('READ', b('n'), b('p'))).toBe(true);
	});

	it('a permission on every key (\\0 to \\0) allows any request', () => {
		const m = new MergedPermissions([perm('READ', '\0', FROM_KEY)]);
		expect(m.allows('READ', b('\0'), FROM_KEY)).toBe(true);
		expect(m.allows('READ', b('anything'))).toBe(true);
		expect(m.allows('READ', b('\0'), b('\xff'))).toBe(true);
	});

	it('merges adjacent and overlapping intervals across permissions', () => {
		const m = new MergedPermissions([
			perm('READ', 'c', 'e'),
			perm('READ', 'a', 'c'),
			perm('READ', 'd', 'g')
		]);
		expect(m.allows('READ', b('a'), b('g'))).toBe(true);
		expect(m.allows('READ', b('b'), b('f'))).toBe(true);
		expect(m.allows('READ', b('a'), b('g\0'))).toBe(false);
	});

	it('a gap between intervals denies the range that spans it', () => {
		const m = new MergedPermissions([perm('READ', 'a', 'c'), perm('READ', 'd', 'f')]);
		expect(m.allows('READ', b('a'), b('c'))).toBe(true);
		expect(m.allows('READ', b('d'), b('f'))).toBe(true);
		expect(m.allows('READ', b('a'), b('f'))).toBe(false);
		expect(m.allows('READ', b('c'))).toBe(false);
	});

	it('single keys join up into a range that covers exactly them', () => {
		// [a, a\0) and [a\0, a\0\0) are adjacent, so they cover the range [a, a\0\0).
		const m = new MergedPermissions([perm('READ', 'a'), perm('READ', 'a\0')]);
		expect(m.allows('READ', b('a'), b('a\0\0'))).toBe(true);
		expect(m.allows('READ', b('a'), b('a\0\x01'))).toBe(false);
	});

	it('READWRITE counts for both kinds; READ and WRITE only for their own', () => {
		const m = new MergedPermissions([
			perm('READ', 'r'),
			perm('WRITE', 'w'),
			perm('READWRITE', 'x')
		]);
		expect([m.allows('READ', b('r')), m.allows('WRITE', b('r'))]).toEqual([true, false]);
		expect([m.allows('READ', b('w')), m.allows('WRITE', b('w'))]).toEqual([false, true]);
		expect([m.allows('READ', b('x')), m.allows('WRITE', b('x'))]).toEqual([true, true]);
	});

	it('no permissions allow nothing', () => {
		const m = new MergedPermissions([]);
		expect(m.allows('READ', b('a'))).toBe(false);
		expect(m.allows('READ', b('a'), FROM_KEY)).toBe(false);
	});
});

describe('store permission checks', () => {
	function setup() {
		const s = new AuthStore();
		s.userAdd('root', 'h');
		s.userGrantRole('root', 'root');
		s.userAdd('alice', 'h');
		s.userAdd('bob', 'h');
		s.roleAdd('ra');
		s.roleAdd('rb');
		s.roleGrantPermission('ra', perm('READ', 'a/', prefixEnd(b('a/'))));
		s.roleGrantPermission('rb', perm('READWRITE', 'a/x', 'a/y'));
		s.userGrantRole('alice', 'ra');
		s.userGrantRole('alice', 'rb');
		s.authEnable();
		const ai = (username: string): AuthInfo => ({ username, revision: s.revision });
		return { s, ai };
	}

	function message(fn: () => void): string | undefined {
		try {
			fn();
			return undefined;
		} catch (e) {
			if (e instanceof EtcdError) return e.message;
			throw e;
		}
	}

	it('permits everything while auth is disabled', () => {
		const s = new AuthStore();
		expect(message(() => s.isRangePermitted(undefined, b('a')))).toBeUndefined();
		expect(message(() => s.isPutPermitted(undefined, b('a')))).toBeUndefined();
		expect(message(() => s.isDeleteRangePermitted(undefined, b('a'), FROM_KEY))).toBeUndefined();
		expect(message(() => s.isAdminPermitted(undefined))).toBeUndefined();
	});

	it("merges permissions over all of a user's roles", () => {
		const { s, ai } = setup();
		expect(
			message(() => s.isRangePermitted(ai('alice'), b('a/'), prefixEnd(b('a/'))))
		).toBeUndefined();
		expect(message(() => s.isPutPermitted(ai('alice'), b('a/xyz')))).toBeUndefined();
		expect(message(() => s.isPutPermitted(ai('alice'), b('a/z')))).toBe(
			'etcdserver: permission denied'
		);
		expect(
			message(() => s.isDeleteRangePermitted(ai('alice'), b('a/x'), b('a/y')))
		).toBeUndefined();
		expect(message(() => s.isDeleteRangePermitted(ai('alice'), b('a/'), b('a/y')))).toBe(
			'etcdserver: permission denied'
		);
	});

	it('denies a user without roles, and an unknown user', () => {
		const { s, ai } = setup();
		expect(message(() => s.isRangePermitted(ai('bob'), b('a/')))).toBe(
			'etcdserver: permission denied'
		);
		expect(message(() => s.isRangePermitted(ai('nobody'), b('a/')))).toBe(
			'etcdserver: permission denied'
		);
	});

	it('lets the root role do anything', () => {
		const { s, ai } = setup();
		expect(message(() => s.isPutPermitted(ai('root'), b('zzz')))).toBeUndefined();
		expect(message(() => s.isDeleteRangePermitted(ai('root'), b('\0'), FROM_KEY))).toBeUndefined();
		s.userGrantRole('bob', 'root');
		expect(message(() => s.isPutPermitted(ai('bob'), b('zzz')))).toBeUndefined();
	});

	it('without a user: user name is empty', () => {
		const { s } = setup();
		expect(message(() => s.isRangePermitted(undefined, b('a/')))).toBe(
			'etcdserver: user name is empty'
		);
		expect(message(() => s.isRangePermitted({ username: '', revision: 0 }, b('a/')))).toBe(
			'etcdserver: user name is empty'
		);
	});

	it('a request from before the last auth change is stale', () => {
		const { s, ai } = setup();
		const before = ai('alice');
		s.roleAdd('other');
		expect(message(() => s.isRangePermitted(before, b('a/')))).toBe(
			'etcdserver: revision of auth store is old'
		);
		expect(message(() => s.isRangePermitted(ai('alice'), b('a/')))).toBeUndefined();
	});

	it('sees permission changes immediately', () => {
		const { s, ai } = setup();
		expect(message(() => s.isPutPermitted(ai('bob'), b('k')))).toBe(
			'etcdserver: permission denied'
		);
		s.roleGrantPermission('rb', perm('WRITE', 'k'));
		s.userGrantRole('bob', 'rb');
		expect(message(() => s.isPutPermitted(ai('bob'), b('k')))).toBeUndefined();
		s.roleRevokePermission('rb', b('k'));
		expect(message(() => s.isPutPermitted(ai('bob'), b('k')))).toBe(
			'etcdserver: permission denied'
		);
		s.roleGrantPermission('rb', perm('WRITE', 'k'));
		s.roleDelete('rb');
		expect(message(() => s.isPutPermitted(ai('bob'), b('k')))).toBe(
			'etcdserver: permission denied'
		);
	});

	it('admin checks: empty user, unknown user, non-root, root', () => {
		const { s, ai } = setup();
		expect(message(() => s.isAdminPermitted(undefined))).toBe('etcdserver: user name is empty');
		expect(message(() => s.isAdminPermitted(ai('ghost')))).toBe('etcdserver: user name not found');
		expect(message(() => s.isAdminPermitted(ai('alice')))).toBe('etcdserver: permission denied');
		expect(message(() => s.isAdminPermitted(ai('root')))).toBeUndefined();
		// etcd does not look at the auth revision for admin checks.
		expect(message(() => s.isAdminPermitted({ username: 'root', revision: 1 }))).toBeUndefined();
	});
});
