import { beforeAll, describe, expect, it } from 'vitest';
import { EtcdError } from '../../../src/lib/engine/api/errors';
import {
	AuthStore,
	checkPassword,
	genTokenPrefix,
	hashPassword,
	type AuthInfo,
	type AuthSnapshot
} from '../../../src/lib/engine/auth';
import { decode, encode } from '../../../src/lib/engine/server/codec';
import { utf8 } from '../../../src/lib/engine/util/bytes';
import { SeededRng } from '../../../src/lib/engine/util/rand';

/** Runs `fn` and returns the EtcdError it threw (fails the test if it did not throw one). */
function etcdError(fn: () => unknown): EtcdError {
	try {
		fn();
	} catch (e) {
		if (e instanceof EtcdError) return e;
		throw e;
	}
	throw new Error('expected an EtcdError');
}

function expectError(fn: () => unknown, message: string, code?: string): void {
	const e = etcdError(fn);
	expect(e.message).toBe(message);
	if (code) expect(e.code).toBe(code);
}

let rootHash: string;
let aliceHash: string;
beforeAll(() => {
	const rng = new SeededRng(7);
	rootHash = hashPassword('rootpw', rng, 1000);
	aliceHash = hashPassword('alicepw', rng, 1000);
});

/** root with role root, auth still disabled. */
function withRoot(): AuthStore {
	const s = new AuthStore();
	s.userAdd('root', rootHash);
	s.userGrantRole('root', 'root');
	return s;
}

describe('passwords', () => {
	it('hashes with a salt from the rng and checks the password', () => {
		const h1 = hashPassword('secret', new SeededRng(1), 1000);
		const h2 = hashPassword('secret', new SeededRng(2), 1000);
		expect(h1).not.toBe(h2);
		expect(hashPassword('secret', new SeededRng(1), 1000)).toBe(h1);
		expect(checkPassword(h1, 'secret')).toBe(true);
		expect(checkPassword(h2, 'secret')).toBe(true);
		expect(checkPassword(h1, 'Secret')).toBe(false);
		expect(checkPassword(h1, '')).toBe(false);
	});

	it('never matches an empty or malformed hash', () => {
		expect(checkPassword('', '')).toBe(false);
		expect(checkPassword('pbkdf2-sha256$x$AA==$AA==', '')).toBe(false);
		expect(checkPassword('bcrypt$10$AA==$AA==', '')).toBe(false);
	});

	it('uses the default iteration count when none is given', () => {
		const h = hashPassword('p', new SeededRng(3));
		expect(h.split('$')[1]).toBe('10000');
		expect(checkPassword(h, 'p')).toBe(true);
	});
});

describe('auth enable, disable and status', () => {
	it('starts disabled at auth revision 1', () => {
		expect(new AuthStore().authStatus()).toEqual({ enabled: false, authRevision: 1 });
	});

	it('needs a root user', () => {
		expectError(
			() => new AuthStore().authEnable(),
			'etcdserver: root user does not exist',
			'FailedPrecondition'
		);
	});

	it('needs root to hold the root role', () => {
		const s = new AuthStore();
		s.userAdd('root', rootHash);
		expectError(() => s.authEnable(), 'etcdserver: root user does not have root role');
	});

	it('enables without bumping the revision and is idempotent', () => {
		const s = withRoot();
		const rev = s.revision;
		s.authEnable();
		expect(s.authStatus()).toEqual({ enabled: true, authRevision: rev });
		s.authEnable();
		expect(s.revision).toBe(rev);
	});

	it('disable bumps the revision once; disabling again is a no-op', () => {
		const s = withRoot();
		s.authEnable();
		const rev = s.revision;
		s.authDisable();
		expect(s.authStatus()).toEqual({ enabled: false, authRevision: rev + 1 });
		s.authDisable();
		expect(s.revision).toBe(rev + 1);
	});
});

describe('users', () => {
	it('adds users, bumping the revision', () => {
		const s = new AuthStore();
		s.userAdd('alice', aliceHash);
		expect(s.revision).toBe(2);
		expect(s.userGet('alice')).toEqual({ roles: [] });
	});

	it('rejects an empty name and a duplicate', () => {
		const s = new AuthStore();
		expectError(
			() => s.userAdd('', aliceHash),
			'etcdserver: user name is empty',
			'InvalidArgument'
		);
		s.userAdd('alice', aliceHash);
		expectError(
			() => s.userAdd('alice', aliceHash),
			'etcdserver: user name already exists',
			'FailedPrecondition'
		);
		expect(s.revision).toBe(2);
	});

	it('lists users in byte order', () => {
		const s = new AuthStore();
		for (const n of ['bob', 'Zed', 'alice', 'é', 'z']) s.userAdd(n, aliceHash);
		expect(s.userList()).toEqual({ names: ['Zed', 'alice', 'bob', 'z', 'é'] });
	});

	it('reports unknown users', () => {
		const s = new AuthStore();
		const msg = 'etcdserver: user name not found';
		expectError(() => s.userGet('x'), msg, 'FailedPrecondition');
		expectError(() => s.userDelete('x'), msg);
		expectError(() => s.userChangePassword('x', aliceHash), msg);
		expectError(() => s.userGrantRole('x', 'r'), msg);
		expectError(() => s.userRevokeRole('x', 'r'), msg);
	});

	it('deletes users; root only while auth is disabled', () => {
		const s = withRoot();
		s.userAdd('alice', aliceHash);
		s.userDelete('alice');
		expect(s.userList().names).toEqual(['root']);
		s.authEnable();
		const rev = s.revision;
		expectError(
			() => s.userDelete('root'),
			'etcdserver: invalid auth management',
			'InvalidArgument'
		);
		expect(s.revision).toBe(rev);
		s.authDisable();
		s.userDelete('root');
		expect(s.userList().names).toEqual([]);
	});

	it('changes a password, bumping the revision', () => {
		const s = withRoot();
		s.authEnable();
		s.userAdd('alice', aliceHash);
		const rev = s.revision;
		const newHash = hashPassword('new', new SeededRng(9), 1000);
		s.userChangePassword('alice', newHash);
		expect(s.revision).toBe(rev + 1);
		expectError(
			() => s.checkPassword('alice', 'alicepw'),
			'etcdserver: authentication failed, invalid user ID or password'
		);
		expect(s.checkPassword('alice', 'new')).toBe(rev + 1);
	});

	it('grants roles sorted, ignores a repeat grant and needs the role to exist', () => {
		const s = new AuthStore();
		s.userAdd('alice', aliceHash);
		for (const r of ['writer', 'admin', 'reader']) s.roleAdd(r);
		s.userGrantRole('alice', 'writer');
		s.userGrantRole('alice', 'admin');
		s.userGrantRole('alice', 'reader');
		expect(s.userGet('alice').roles).toEqual(['admin', 'reader', 'writer']);
		const rev = s.revision;
		s.userGrantRole('alice', 'admin');
		expect(s.revision).toBe(rev);
		expectError(
			() => s.userGrantRole('alice', 'nope'),
			'etcdserver: role name not found',
			'FailedPrecondition'
		);
	});

	it('grants the root role even when no role named root exists', () => {
		const s = new AuthStore();
		s.userAdd('root', rootHash);
		s.userGrantRole('root', 'root');
		expect(s.userGet('root').roles).toEqual(['root']);
		expect(s.roleList().names).toEqual([]);
		expectError(() => s.roleGet('root'), 'etcdserver: role name not found');
	});

	it('revokes roles; not root from root while enabled', () => {
		const s = withRoot();
		s.roleAdd('r');
		s.userGrantRole('root', 'r');
		s.authEnable();
		expectError(() => s.userRevokeRole('root', 'root'), 'etcdserver: invalid auth management');
		s.userRevokeRole('root', 'r');
		expect(s.userGet('root').roles).toEqual(['root']);
		expectError(
			() => s.userRevokeRole('root', 'r'),
			'etcdserver: role is not granted to the user',
			'FailedPrecondition'
		);
		s.authDisable();
		s.userRevokeRole('root', 'root');
		expect(s.userGet('root').roles).toEqual([]);
	});

	it('keeps a no-password user without a password, even after a change', () => {
		const s = withRoot();
		s.userAdd('svc', 'ignored', true);
		s.authEnable();
		expectError(
			() => s.checkPassword('svc', ''),
			'auth: authentication failed, password was given for no password user',
			'Unknown'
		);
		const rev = s.revision;
		s.userChangePassword('svc', hashPassword('x', new SeededRng(1), 1000));
		expect(s.revision).toBe(rev + 1);
		expectError(
			() => s.checkPassword('svc', 'x'),
			'auth: authentication failed, password was given for no password user'
		);
		expect(s.snapshot().users.find((u) => u.name === 'svc')?.password).toBe('');
	});
});

describe('roles', () => {
	it('adds, lists, gets and deletes roles', () => {
		const s = new AuthStore();
		expectError(() => s.roleAdd(''), 'etcdserver: role name is empty', 'InvalidArgument');
		s.roleAdd('b');
		s.roleAdd('a');
		expectError(() => s.roleAdd('a'), 'etcdserver: role name already exists', 'FailedPrecondition');
		expect(s.roleList()).toEqual({ names: ['a', 'b'] });
		expect(s.roleGet('a')).toEqual({ perm: [] });
		s.roleDelete('a');
		expect(s.roleList().names).toEqual(['b']);
		expectError(() => s.roleDelete('a'), 'etcdserver: role name not found');
		expectError(() => s.roleGet('a'), 'etcdserver: role name not found');
	});

	it('deleting a role takes it from every user', () => {
		const s = new AuthStore();
		s.roleAdd('r');
		s.roleAdd('q');
		s.userAdd('u1', aliceHash);
		s.userAdd('u2', aliceHash);
		s.userGrantRole('u1', 'r');
		s.userGrantRole('u1', 'q');
		s.userGrantRole('u2', 'r');
		const rev = s.revision;
		s.roleDelete('r');
		expect(s.revision).toBe(rev + 1);
		expect(s.userGet('u1').roles).toEqual(['q']);
		expect(s.userGet('u2').roles).toEqual([]);
	});

	it('cannot delete the root role while auth is enabled', () => {
		const s = withRoot();
		s.roleAdd('root');
		s.authEnable();
		expectError(() => s.roleDelete('root'), 'etcdserver: invalid auth management');
		s.authDisable();
		s.roleDelete('root');
		// The user keeps nothing named root any more.
		expect(s.userGet('root').roles).toEqual([]);
	});

	it('grants permissions sorted by key and replaces the type of the same range', () => {
		const s = new AuthStore();
		s.roleAdd('r');
		s.roleGrantPermission('r', { permType: 'READ', key: utf8('m'), range_end: utf8('n') });
		s.roleGrantPermission('r', { permType: 'WRITE', key: utf8('a') });
		s.roleGrantPermission('r', { permType: 'READWRITE', key: utf8('z'), range_end: utf8('\0') });
		const rev = s.revision;
		s.roleGrantPermission('r', { permType: 'READWRITE', key: utf8('m'), range_end: utf8('n') });
		expect(s.revision).toBe(rev + 1);
		expect(s.roleGet('r').perm).toEqual([
			{ permType: 'WRITE', key: utf8('a') },
			{ permType: 'READWRITE', key: utf8('m'), range_end: utf8('n') },
			{ permType: 'READWRITE', key: utf8('z'), range_end: utf8('\0') }
		]);
	});

	it('keeps two permissions on one key with different ends', () => {
		const s = new AuthStore();
		s.roleAdd('r');
		s.roleGrantPermission('r', { permType: 'READ', key: utf8('a'), range_end: utf8('c') });
		s.roleGrantPermission('r', { permType: 'WRITE', key: utf8('a') });
		expect(s.roleGet('r').perm).toEqual([
			{ permType: 'READ', key: utf8('a'), range_end: utf8('c') },
			{ permType: 'WRITE', key: utf8('a') }
		]);
	});

	it('rejects a missing permission, a bad range and an unknown role', () => {
		const s = new AuthStore();
		s.roleAdd('r');
		expectError(
			() => s.roleGrantPermission('r', undefined),
			'etcdserver: permission not given',
			'InvalidArgument'
		);
		expectError(
			() => s.roleGrantPermission('r', { permType: 'READ', key: new Uint8Array(0) }),
			'etcdserver: invalid auth management'
		);
		expectError(
			() => s.roleGrantPermission('r', { permType: 'READ', key: utf8('b'), range_end: utf8('a') }),
			'etcdserver: invalid auth management'
		);
		expectError(
			() => s.roleGrantPermission('r', { permType: 'READ', key: utf8('b'), range_end: utf8('b') }),
			'etcdserver: invalid auth management'
		);
		// The range check comes before the role lookup, as in etcd.
		expectError(
			() => s.roleGrantPermission('x', { permType: 'READ', key: new Uint8Array(0) }),
			'etcdserver: invalid auth management'
		);
		expectError(
			() => s.roleGrantPermission('x', { permType: 'READ', key: utf8('a') }),
			'etcdserver: role name not found'
		);
		expect(s.roleGet('r').perm).toEqual([]);
	});

	it('revokes a permission only by its exact key and range end', () => {
		const s = new AuthStore();
		s.roleAdd('r');
		s.roleGrantPermission('r', { permType: 'READ', key: utf8('a'), range_end: utf8('c') });
		s.roleGrantPermission('r', { permType: 'READ', key: utf8('k') });
		expectError(
			() => s.roleRevokePermission('r', utf8('a')),
			'etcdserver: permission is not granted to the role',
			'FailedPrecondition'
		);
		expectError(
			() => s.roleRevokePermission('r', utf8('a'), utf8('b')),
			'etcdserver: permission is not granted to the role'
		);
		s.roleRevokePermission('r', utf8('a'), utf8('c'));
		s.roleRevokePermission('r', utf8('k'), new Uint8Array(0));
		expect(s.roleGet('r').perm).toEqual([]);
		expectError(() => s.roleRevokePermission('x', utf8('a')), 'etcdserver: role name not found');
	});

	it('returns copies, so callers cannot change the store', () => {
		const s = new AuthStore();
		s.roleAdd('r');
		s.roleGrantPermission('r', { permType: 'READ', key: utf8('a') });
		s.roleGet('r').perm[0].key[0] = 0x7a;
		s.userAdd('u', aliceHash);
		s.userGrantRole('u', 'r');
		s.userGet('u').roles.push('x');
		expect(s.roleGet('r').perm[0].key).toEqual(utf8('a'));
		expect(s.userGet('u').roles).toEqual(['r']);
	});
});

describe('authentication and tokens', () => {
	function enabled(): AuthStore {
		const s = withRoot();
		s.userAdd('alice', aliceHash);
		s.authEnable();
		return s;
	}

	it('checks passwords only while auth is enabled', () => {
		const s = withRoot();
		expectError(
			() => s.checkPassword('root', 'rootpw'),
			'etcdserver: authentication is not enabled',
			'FailedPrecondition'
		);
		expectError(
			() => s.authenticate('root', 'abc', 5),
			'etcdserver: authentication is not enabled'
		);
	});

	it('rejects unknown users and wrong passwords with one message', () => {
		const s = enabled();
		const msg = 'etcdserver: authentication failed, invalid user ID or password';
		expectError(() => s.checkPassword('bob', 'alicepw'), msg, 'InvalidArgument');
		expectError(() => s.checkPassword('alice', 'wrong'), msg);
		expect(s.checkPassword('alice', 'alicepw')).toBe(s.revision);
		expectError(() => s.authenticate('bob', 'abc', 5), msg);
	});

	it('issues prefix.index tokens that resolve to the user at the current revision', () => {
		const s = enabled();
		const { token } = s.authenticate('alice', 'AbCdEfGhIjKlMnOp', 42);
		expect(token).toBe('AbCdEfGhIjKlMnOp.42');
		expect(s.resolveToken(token)).toEqual<AuthInfo>({ username: 'alice', revision: s.revision });
		s.roleAdd('r');
		expect(s.resolveToken(token)?.revision).toBe(s.revision);
	});

	it('refuses tokens for no-password users', () => {
		const s = enabled();
		s.userAdd('svc', '', true);
		expectError(
			() => s.authenticate('svc', 'abc', 9),
			'etcdserver: authentication failed, invalid user ID or password'
		);
	});

	it('ignores tokens while auth is disabled and rejects unknown ones while enabled', () => {
		const s = enabled();
		expect(s.resolveToken(undefined)).toBeUndefined();
		expectError(
			() => s.resolveToken('nope.1'),
			'etcdserver: invalid auth token',
			'Unauthenticated'
		);
		expectError(() => s.resolveToken('garbage'), 'etcdserver: invalid auth token');
		const { token } = s.authenticate('alice', 'p', 3);
		s.authDisable();
		expect(s.resolveToken(token)).toBeUndefined();
		s.authEnable();
		// Disabling forgot every token.
		expectError(() => s.resolveToken(token), 'etcdserver: invalid auth token');
	});

	it("drops a user's tokens when the password changes or the user goes", () => {
		const s = enabled();
		const a1 = s.authenticate('alice', 'a', 10).token;
		const a2 = s.authenticate('alice', 'b', 11).token;
		const r1 = s.authenticate('root', 'c', 12).token;
		s.userChangePassword('alice', aliceHash);
		expectError(() => s.resolveToken(a1), 'etcdserver: invalid auth token');
		expectError(() => s.resolveToken(a2), 'etcdserver: invalid auth token');
		expect(s.resolveToken(r1)?.username).toBe('root');
		const a3 = s.authenticate('alice', 'd', 13).token;
		s.userDelete('alice');
		expectError(() => s.resolveToken(a3), 'etcdserver: invalid auth token');
	});

	it('expires tokens five minutes after their last use', () => {
		const s = enabled();
		s.advance(1_000);
		const t = s.authenticate('alice', 'x', 1).token;
		const u = s.authenticate('root', 'y', 2).token;
		s.advance(1_000 + 299_000);
		expect(s.resolveToken(t)?.username).toBe('alice'); // use restarts the TTL
		s.advance(1_000 + 300_001);
		expectError(() => s.resolveToken(u), 'etcdserver: invalid auth token');
		s.advance(1_000 + 299_000 + 300_000);
		expect(s.resolveToken(t)?.username).toBe('alice');
		s.advance(1_000 + 299_000 + 300_000 + 300_001);
		expect(s.tokens.size).toBe(0);
		expectError(() => s.resolveToken(t), 'etcdserver: invalid auth token');
	});

	it('honours a custom TTL', () => {
		const s = new AuthStore({ tokenTtlMs: 10 });
		s.userAdd('root', rootHash);
		s.userGrantRole('root', 'root');
		s.authEnable();
		const t = s.authenticate('root', 'x', 1).token;
		s.advance(11);
		expectError(() => s.resolveToken(t), 'etcdserver: invalid auth token');
	});
});

describe('snapshot and restore', () => {
	it('round-trips the replicated state through structuredClone', () => {
		const s = withRoot();
		s.roleAdd('r');
		s.roleGrantPermission('r', { permType: 'READ', key: utf8('a'), range_end: utf8('\0') });
		s.userAdd('alice', aliceHash);
		s.userAdd('svc', '', true);
		s.userGrantRole('alice', 'r');
		s.authEnable();
		const snap = structuredClone(s.snapshot());
		const t = new AuthStore();
		t.restore(snap);
		expect(t.snapshot()).toEqual(s.snapshot());
		expect(t.authStatus()).toEqual(s.authStatus());
		expect(t.checkPassword('alice', 'alicepw')).toBe(s.revision);
		const ai = { username: 'alice', revision: t.revision };
		expect(() => t.isRangePermitted(ai, utf8('b'))).not.toThrow();
		expectError(() => t.isPutPermitted(ai, utf8('b')), 'etcdserver: permission denied');
	});

	it('is a deep copy in both directions', () => {
		const s = new AuthStore();
		s.roleAdd('r');
		s.roleGrantPermission('r', { permType: 'READ', key: utf8('a') });
		const snap = s.snapshot();
		snap.roles[0].keyPermission[0].key[0] = 0x7a;
		expect(s.roleGet('r').perm[0].key).toEqual(utf8('a'));
		const t = new AuthStore();
		t.restore(snap);
		snap.roles[0].name = 'changed';
		snap.roles[0].keyPermission.length = 0;
		expect(t.roleGet('r').perm).toHaveLength(1);
	});

	it('keeps tokens across a restore that stays enabled and drops them otherwise', () => {
		const s = withRoot();
		s.authEnable();
		const tok = s.authenticate('root', 'x', 1).token;
		s.restore(s.snapshot());
		expect(s.resolveToken(tok)?.username).toBe('root');
		const off = withRoot().snapshot();
		s.restore(off);
		s.restore({ ...off, enabled: true });
		expectError(() => s.resolveToken(tok), 'etcdserver: invalid auth token');
	});

	it('two stores fed the same operations end equal', () => {
		const run = (s: AuthStore) => {
			s.userAdd('root', rootHash);
			s.userGrantRole('root', 'root');
			s.roleAdd('r');
			s.roleGrantPermission('r', { permType: 'WRITE', key: utf8('x') });
			s.userAdd('b', aliceHash);
			s.userGrantRole('b', 'r');
			s.authEnable();
			return s.snapshot();
		};
		expect(run(new AuthStore())).toEqual(run(new AuthStore()));
	});
});

describe('the flow the server runs', () => {
	it('propose with a hash, apply, log in, resolve the token, check a request', () => {
		const rng = new SeededRng(11);
		const members = [new AuthStore(), new AuthStore(), new AuthStore()];
		// Proposal time on one member: hash once, so every member applies the same hash.
		const entries: ((s: AuthStore) => unknown)[] = [];
		const rootPw = hashPassword('pw', rng, 1000);
		const alicePw = hashPassword('apw', rng, 1000);
		entries.push((s) => s.userAdd('root', rootPw));
		entries.push((s) => s.userGrantRole('root', 'root'));
		entries.push((s) => s.userAdd('alice', alicePw));
		entries.push((s) => s.roleAdd('app'));
		entries.push((s) =>
			s.roleGrantPermission('app', {
				permType: 'READWRITE',
				key: utf8('app/'),
				range_end: utf8('app0')
			})
		);
		entries.push((s) => s.userGrantRole('alice', 'app'));
		entries.push((s) => s.authEnable());
		for (const m of members) for (const apply of entries) apply(m);
		expect(members[1].snapshot()).toEqual(members[0].snapshot());

		// Authenticate: check on the receiving member, then every member applies entry 8.
		const checkedAt = members[0].checkPassword('alice', 'apw');
		const prefix = genTokenPrefix(rng);
		const tokens = members.map((m) => m.authenticate('alice', prefix, 8).token);
		expect(new Set(tokens).size).toBe(1);
		expect(members[0].revision).toBe(checkedAt);

		// Any member resolves the token; the request is checked at apply time everywhere.
		const ai = members[2].resolveToken(tokens[0]);
		for (const m of members) {
			expect(() => m.isPutPermitted(ai, utf8('app/x'))).not.toThrow();
			expectError(() => m.isPutPermitted(ai, utf8('other')), 'etcdserver: permission denied');
		}
	});

	it('the snapshot survives the engine codec', () => {
		const s = withRoot();
		s.roleAdd('r');
		s.roleGrantPermission('r', { permType: 'READ', key: utf8('a'), range_end: utf8('\0') });
		s.roleGrantPermission('r', { permType: 'WRITE', key: utf8('\xff') });
		s.authEnable();
		const t = new AuthStore();
		t.restore(decode<AuthSnapshot>(encode(s.snapshot())));
		expect(t.snapshot()).toEqual(s.snapshot());
	});
});
