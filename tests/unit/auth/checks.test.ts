import { describe, expect, it } from 'vitest';
import type { Bytes, Permission, RequestOp, TxnRequest } from '../../../src/lib/engine/api/types';
import { EtcdError } from '../../../src/lib/engine/api/errors';
import {
	ADMIN_REQUESTS,
	AuthStore,
	checkDeleteRange,
	checkLeaseKeysReadable,
	checkLeaseRenew,
	checkLeaseRevoke,
	checkPut,
	checkRange,
	checkRevisionUnchanged,
	checkRoleGet,
	checkTxn,
	checkUserGet,
	requireAuthInfo,
	type AuthInfo,
	type LeaseKeys
} from '../../../src/lib/engine/auth';
import { utf8 } from '../../../src/lib/engine/util/bytes';

const b = utf8;
const DENIED = 'etcdserver: permission denied';

function perm(permType: Permission['permType'], key: string, end?: string): Permission {
	return end === undefined
		? { permType, key: b(key) }
		: { permType, key: b(key), range_end: b(end) };
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

/**
 * alice: read [r, s), write [w, x) (so she can read r* and write w*); root: everything.
 * Lease 1 holds w1 and w2, lease 2 holds w1 and z (which alice cannot write).
 */
function setup() {
	const s = new AuthStore();
	s.userAdd('root', 'h');
	s.userGrantRole('root', 'root');
	s.userAdd('alice', 'h');
	s.roleAdd('reader');
	s.roleAdd('writer');
	s.roleGrantPermission('reader', perm('READ', 'r', 's'));
	s.roleGrantPermission('writer', perm('WRITE', 'w', 'x'));
	s.userGrantRole('alice', 'reader');
	s.userGrantRole('alice', 'writer');
	s.authEnable();
	const alice: AuthInfo = { username: 'alice', revision: s.revision };
	const root: AuthInfo = { username: 'root', revision: s.revision };
	const leases = new Map<bigint, Bytes[]>([
		[1n, [b('w1'), b('w2')]],
		[2n, [b('w1'), b('z')]]
	]);
	const leaseKeys: LeaseKeys = (id) => leases.get(id);
	return { s, alice, root, leaseKeys };
}

function txn(
	compare: TxnRequest['compare'],
	success: RequestOp[],
	failure: RequestOp[] = []
): TxnRequest {
	return { compare, success, failure };
}

const get = (key: string, end?: string): RequestOp => ({
	request_range: end === undefined ? { key: b(key) } : { key: b(key), range_end: b(end) }
});
const put = (key: string, extra: { lease?: bigint; prev_kv?: boolean } = {}): RequestOp => ({
	request_put: { key: b(key), value: b('v'), ...extra }
});
const del = (key: string, prev_kv = false): RequestOp => ({
	request_delete_range: { key: b(key), prev_kv }
});
const cmp = (key: string): TxnRequest['compare'][number] => ({
	result: 'EQUAL',
	target: 'VERSION',
	key: b(key),
	version: 0
});

describe('single requests', () => {
	it('range needs read', () => {
		const { s, alice } = setup();
		expect(message(() => checkRange(s, alice, { key: b('r1') }))).toBeUndefined();
		expect(message(() => checkRange(s, alice, { key: b('r'), range_end: b('s') }))).toBeUndefined();
		expect(message(() => checkRange(s, alice, { key: b('w1') }))).toBe(DENIED);
	});

	it('put needs write, and read too when it asks for the previous value', () => {
		const { s, alice, leaseKeys } = setup();
		expect(
			message(() => checkPut(s, alice, { key: b('w1'), value: b('v') }, leaseKeys))
		).toBeUndefined();
		expect(message(() => checkPut(s, alice, { key: b('r1'), value: b('v') }, leaseKeys))).toBe(
			DENIED
		);
		expect(
			message(() => checkPut(s, alice, { key: b('w1'), value: b('v'), prev_kv: true }, leaseKeys))
		).toBe(DENIED);
	});

	it('put with a lease needs write on every key already on the lease', () => {
		const { s, alice, root, leaseKeys } = setup();
		expect(
			message(() => checkPut(s, alice, { key: b('w3'), value: b(''), lease: 1n }, leaseKeys))
		).toBeUndefined();
		expect(
			message(() => checkPut(s, alice, { key: b('w3'), value: b(''), lease: 2n }, leaseKeys))
		).toBe(DENIED);
		// An unknown lease is left for the lessor to reject.
		expect(
			message(() => checkPut(s, alice, { key: b('w3'), value: b(''), lease: 9n }, leaseKeys))
		).toBeUndefined();
		expect(
			message(() => checkPut(s, root, { key: b('w3'), value: b(''), lease: 2n }, leaseKeys))
		).toBeUndefined();
	});

	it('delete needs write over the whole range, and read for prev_kv', () => {
		const { s, alice } = setup();
		expect(
			message(() => checkDeleteRange(s, alice, { key: b('w'), range_end: b('x') }))
		).toBeUndefined();
		expect(message(() => checkDeleteRange(s, alice, { key: b('w'), range_end: b('y') }))).toBe(
			DENIED
		);
		expect(message(() => checkDeleteRange(s, alice, { key: b('w1'), prev_kv: true }))).toBe(DENIED);
	});

	it('lease revoke needs write on every attached key unless admin', () => {
		const { s, alice, root, leaseKeys } = setup();
		expect(message(() => checkLeaseRevoke(s, alice, 1n, leaseKeys))).toBeUndefined();
		expect(message(() => checkLeaseRevoke(s, alice, 2n, leaseKeys))).toBe(DENIED);
		expect(message(() => checkLeaseRevoke(s, root, 2n, leaseKeys))).toBeUndefined();
		expect(message(() => checkLeaseRevoke(s, alice, 7n, leaseKeys))).toBeUndefined();
		expect(message(() => checkLeaseRevoke(s, undefined, 1n, leaseKeys))).toBe(
			'etcdserver: user name is empty'
		);
	});

	it('lease renew needs a user and write on attached keys', () => {
		const { s, alice, leaseKeys } = setup();
		expect(message(() => checkLeaseRenew(s, undefined, 7n, leaseKeys))).toBe(
			'etcdserver: user name is empty'
		);
		expect(message(() => checkLeaseRenew(s, alice, 1n, leaseKeys))).toBeUndefined();
		expect(message(() => checkLeaseRenew(s, alice, 2n, leaseKeys))).toBe(DENIED);
	});

	it('lease keys listing needs a user and read on every key', () => {
		const { s, alice, root } = setup();
		expect(message(() => checkLeaseKeysReadable(s, undefined, []))).toBe(
			'etcdserver: user name is empty'
		);
		expect(message(() => checkLeaseKeysReadable(s, alice, [[b('r1')], [b('r2')]]))).toBeUndefined();
		expect(message(() => checkLeaseKeysReadable(s, alice, [[b('r1')], [b('w1')]]))).toBe(DENIED);
		expect(message(() => checkLeaseKeysReadable(s, root, [[b('w1')]]))).toBeUndefined();
	});

	it('nothing is checked while auth is disabled', () => {
		const s = new AuthStore();
		const leaseKeys: LeaseKeys = () => [b('z')];
		expect(
			message(() =>
				checkPut(s, undefined, { key: b('a'), value: b(''), lease: 1n, prev_kv: true }, leaseKeys)
			)
		).toBeUndefined();
		expect(message(() => checkLeaseRevoke(s, undefined, 1n, leaseKeys))).toBeUndefined();
		expect(message(() => checkLeaseRenew(s, undefined, 1n, leaseKeys))).toBeUndefined();
		expect(message(() => checkLeaseKeysReadable(s, undefined, [[b('z')]]))).toBeUndefined();
		expect(
			message(() => checkTxn(s, undefined, txn([cmp('z')], [put('z')]), leaseKeys))
		).toBeUndefined();
	});
});

describe('txn', () => {
	it('allows a txn whose every part is allowed', () => {
		const { s, alice, leaseKeys } = setup();
		const t = txn([cmp('r1')], [get('r1'), put('w1'), del('w2')], [get('r', 's')]);
		expect(message(() => checkTxn(s, alice, t, leaseKeys))).toBeUndefined();
	});

	it('compares need read', () => {
		const { s, alice, leaseKeys } = setup();
		expect(message(() => checkTxn(s, alice, txn([cmp('w1')], []), leaseKeys))).toBe(DENIED);
		const ranged = { ...cmp('r'), range_end: b('t') };
		expect(message(() => checkTxn(s, alice, txn([ranged], []), leaseKeys))).toBe(DENIED);
	});

	it('checks both branches, whichever would run', () => {
		const { s, alice, leaseKeys } = setup();
		expect(message(() => checkTxn(s, alice, txn([], [put('w1')], [put('r1')]), leaseKeys))).toBe(
			DENIED
		);
		expect(message(() => checkTxn(s, alice, txn([], [get('w1')], []), leaseKeys))).toBe(DENIED);
		expect(message(() => checkTxn(s, alice, txn([], [], [del('r1')]), leaseKeys))).toBe(DENIED);
		expect(message(() => checkTxn(s, alice, txn([], [], [del('w1', true)]), leaseKeys))).toBe(
			DENIED
		);
		expect(
			message(() => checkTxn(s, alice, txn([], [put('w1', { prev_kv: true })]), leaseKeys))
		).toBe(DENIED);
		expect(message(() => checkTxn(s, alice, txn([], [put('w1', { lease: 2n })]), leaseKeys))).toBe(
			DENIED
		);
	});

	it('checks nested txns at any depth', () => {
		const { s, alice, root, leaseKeys } = setup();
		const inner = (op: RequestOp): RequestOp => ({ request_txn: txn([], [], [op]) });
		expect(
			message(() => checkTxn(s, alice, txn([], [inner(inner(put('w1')))]), leaseKeys))
		).toBeUndefined();
		expect(message(() => checkTxn(s, alice, txn([], [inner(inner(put('r1')))]), leaseKeys))).toBe(
			DENIED
		);
		const nestedCmp: RequestOp = { request_txn: txn([cmp('w1')], []) };
		expect(message(() => checkTxn(s, alice, txn([], [], [nestedCmp]), leaseKeys))).toBe(DENIED);
		expect(
			message(() => checkTxn(s, root, txn([], [inner(inner(put('r1')))]), leaseKeys))
		).toBeUndefined();
	});

	it('an empty txn checks nothing; its parts bring the user and revision checks', () => {
		const { s, leaseKeys } = setup();
		// etcd checks nothing for a txn with no compares and no ops.
		expect(message(() => checkTxn(s, undefined, txn([], []), leaseKeys))).toBeUndefined();
		expect(message(() => checkTxn(s, undefined, txn([cmp('r1')], []), leaseKeys))).toBe(
			'etcdserver: user name is empty'
		);
		const stale = { username: 'alice', revision: s.revision - 1 };
		expect(message(() => checkTxn(s, stale, txn([], [get('r1')]), leaseKeys))).toBe(
			'etcdserver: revision of auth store is old'
		);
	});
});

describe('auth management requests', () => {
	it('lists the admin-only requests as etcd does', () => {
		expect([...ADMIN_REQUESTS].sort()).toEqual(
			[
				'authDisable',
				'authEnable',
				'authStatus',
				'roleAdd',
				'roleDelete',
				'roleGrantPermission',
				'roleList',
				'roleRevokePermission',
				'userAdd',
				'userChangePassword',
				'userDelete',
				'userGrantRole',
				'userList',
				'userRevokeRole'
			].sort()
		);
		expect(ADMIN_REQUESTS.has('userGet')).toBe(false);
		expect(ADMIN_REQUESTS.has('roleGet')).toBe(false);
	});

	it('user get: self or admin', () => {
		const { s, alice, root } = setup();
		expect(message(() => checkUserGet(s, alice, 'alice'))).toBeUndefined();
		expect(message(() => checkUserGet(s, alice, 'root'))).toBe(DENIED);
		expect(message(() => checkUserGet(s, root, 'alice'))).toBeUndefined();
		expect(message(() => checkUserGet(s, undefined, 'alice'))).toBe(
			'etcdserver: user name is empty'
		);
	});

	it('role get: a role one holds, or admin', () => {
		const { s, alice, root } = setup();
		expect(message(() => checkRoleGet(s, alice, 'reader'))).toBeUndefined();
		s.roleAdd('other');
		const fresh = { username: 'alice', revision: s.revision };
		expect(message(() => checkRoleGet(s, fresh, 'other'))).toBe(DENIED);
		expect(message(() => checkRoleGet(s, root, 'other'))).toBeUndefined();
		expect(message(() => checkRoleGet(s, undefined, 'reader'))).toBe(
			'etcdserver: user name is empty'
		);
	});
});

describe('serializable reads', () => {
	it('fail when the auth store moved on during the read', () => {
		const { s, alice } = setup();
		expect(message(() => checkRevisionUnchanged(s, alice))).toBeUndefined();
		expect(message(() => checkRevisionUnchanged(s, undefined))).toBeUndefined();
		s.roleAdd('x');
		expect(message(() => checkRevisionUnchanged(s, alice))).toBe(
			'etcdserver: revision of auth store is old'
		);
	});
});

describe('requests open to any authenticated user', () => {
	it('refuse only a missing user, and only while auth is on', () => {
		const { s, alice } = setup();
		expect(message(() => requireAuthInfo(s, alice))).toBeUndefined();
		expect(message(() => requireAuthInfo(s, undefined))).toBe('etcdserver: user name is empty');
		expect(message(() => requireAuthInfo(new AuthStore(), undefined))).toBeUndefined();
	});
});
