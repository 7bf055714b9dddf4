/** auth enable/disable, user and role management. */
import type { Permission } from '../../engine/api/types';
import { EtcdError } from '../../engine/api/errors';
import { prefixEnd, utf8 } from '../../engine/util/bytes';
import type { Context } from '../cli';
import { ExitCode, ExitError } from '../exit';
import { readAllStdin } from './kv';

export async function authEnable(ctx: Context): Promise<void> {
	if (ctx.args.length !== 0)
		throw new ExitError(ExitCode.BadArgs, 'auth enable command does not accept any arguments');
	await ctx.call(async (c) => {
		for (;;) {
			try {
				await c.authEnable();
				return;
			} catch (e) {
				if (
					!(e instanceof EtcdError) ||
					e.message !== 'etcdserver: root user does not have root role'
				)
					throw e;
				ctx.warnRpc(e);
				await c.roleAdd('root');
				await c.userGrantRole('root', 'root');
			}
		}
	});
	ctx.out('Authentication Enabled\n');
}

export async function authDisable(ctx: Context): Promise<void> {
	if (ctx.args.length !== 0)
		throw new ExitError(ExitCode.BadArgs, 'auth disable command does not accept any arguments');
	await ctx.call((c) => c.authDisable());
	ctx.out('Authentication Disabled\n');
}

/** speakeasy.Ask twice (terminal), or fmt.Scanf("%s") from stdin with --interactive=false. */
async function readPassword(ctx: Context, name: string): Promise<string> {
	if (!ctx.flags.bool('interactive')) {
		const text = new TextDecoder().decode((await readAllStdin(ctx)) ?? new Uint8Array());
		return text.trim().split(/\s+/)[0] ?? '';
	}
	const ask = async (prompt: string) => {
		if (!ctx.io.readLine)
			throw new ExitError(
				ExitCode.BadArgs,
				'failed to ask password: inappropriate ioctl for device'
			);
		const l = await ctx.io.readLine(prompt);
		ctx.out('\n');
		if (l === null) throw new ExitError(ExitCode.BadArgs, 'failed to ask password: EOF');
		return l;
	};
	const p1 = await ask(`Password of ${name}: `);
	if (p1.length === 0) throw new ExitError(ExitCode.BadArgs, 'empty password');
	const p2 = await ask(`Type password of ${name} again for confirmation: `);
	if (p1 !== p2) throw new ExitError(ExitCode.BadArgs, 'given passwords are different');
	return p1;
}

export async function userAdd(ctx: Context): Promise<void> {
	if (ctx.args.length !== 1)
		throw new ExitError(ExitCode.BadArgs, 'user add command requires user name as its argument');
	let user = ctx.args[0];
	let password = '';
	const noPassword = ctx.flags.bool('no-password');
	if (!noPassword) {
		const fromFlag = ctx.flags.string('new-user-password');
		if (fromFlag !== '') password = fromFlag;
		else {
			const at = user.indexOf(':');
			if (at < 0) password = await readPassword(ctx, user);
			else {
				password = user.slice(at + 1);
				user = user.slice(0, at);
				if (user.length === 0)
					throw new ExitError(ExitCode.BadArgs, 'empty user name is not allowed');
			}
		}
	}
	const resp = await ctx.call((c) => c.userAdd(user, password, noPassword));
	ctx.out(ctx.display().userAdd(user, resp));
}

function oneName(ctx: Context, what: string): string {
	if (ctx.args.length !== 1)
		throw new ExitError(
			ExitCode.BadArgs,
			`${what} command requires ${what.split(' ')[0]} name as its argument`
		);
	return ctx.args[0];
}

export async function userDelete(ctx: Context): Promise<void> {
	const name = oneName(ctx, 'user delete');
	const resp = await ctx.call((c) => c.userDelete(name));
	ctx.out(ctx.display().userDelete(name, resp));
}

export async function userGet(ctx: Context): Promise<void> {
	const name = oneName(ctx, 'user get');
	const c = await ctx.client();
	const resp = await ctx.call(() => c.userGet(name));
	if (ctx.flags.bool('detail')) {
		ctx.out(`User: ${name}\n`);
		for (const role of resp.roles) {
			ctx.out('\n');
			const r = await ctx.call(() => c.roleGet(role));
			ctx.out(ctx.display().roleGet(role, r));
		}
	} else ctx.out(ctx.display().userGet(name, resp));
}

export async function userList(ctx: Context): Promise<void> {
	if (ctx.args.length !== 0)
		throw new ExitError(ExitCode.BadArgs, 'user list command requires no arguments');
	const resp = await ctx.call((c) => c.userList());
	ctx.out(ctx.display().userList(resp));
}

export async function userPasswd(ctx: Context): Promise<void> {
	const name = oneName(ctx, 'user passwd');
	const password = await readPassword(ctx, name);
	const resp = await ctx.call((c) => c.userChangePassword(name, password));
	ctx.out(ctx.display().userChangePassword(resp));
}

export async function userGrantRole(ctx: Context): Promise<void> {
	if (ctx.args.length !== 2) {
		throw new ExitError(
			ExitCode.BadArgs,
			'user grant command requires user name and role name as its argument'
		);
	}
	const [u, r] = ctx.args;
	const resp = await ctx.call((c) => c.userGrantRole(u, r));
	ctx.out(ctx.display().userGrantRole(u, r, resp));
}

export async function userRevokeRole(ctx: Context): Promise<void> {
	if (ctx.args.length !== 2) {
		throw new ExitError(
			ExitCode.BadArgs,
			'user revoke-role requires user name and role name as its argument'
		);
	}
	const [u, r] = ctx.args;
	const resp = await ctx.call((c) => c.userRevokeRole(u, r));
	ctx.out(ctx.display().userRevokeRole(u, r, resp));
}

export async function roleAdd(ctx: Context): Promise<void> {
	const name = oneName(ctx, 'role add');
	const resp = await ctx.call((c) => c.roleAdd(name));
	ctx.out(ctx.display().roleAdd(name, resp));
}

export async function roleDelete(ctx: Context): Promise<void> {
	const name = oneName(ctx, 'role delete');
	const resp = await ctx.call((c) => c.roleDelete(name));
	ctx.out(ctx.display().roleDelete(name, resp));
}

export async function roleGet(ctx: Context): Promise<void> {
	const name = oneName(ctx, 'role get');
	const resp = await ctx.call((c) => c.roleGet(name));
	ctx.out(ctx.display().roleGet(name, resp));
}

export async function roleList(ctx: Context): Promise<void> {
	if (ctx.args.length !== 0)
		throw new ExitError(ExitCode.BadArgs, 'role list command requires no arguments');
	const resp = await ctx.call((c) => c.roleList());
	ctx.out(ctx.display().roleList(resp));
}

/** permRange: the key and range end from the arguments and --prefix/--from-key. */
function permRange(ctx: Context, args: string[]): [string, string] {
	const prefix = ctx.flags.bool('prefix');
	const fromKey = ctx.flags.bool('from-key');
	let key = args[0];
	let end = '';
	if (key.length === 0) {
		if (prefix && fromKey)
			throw new ExitError(ExitCode.BadArgs, '--from-key and --prefix flags are mutually exclusive');
		key = '\x00';
		if (prefix || fromKey) end = '\x00';
		return [key, end];
	}
	if (args.length === 1) {
		if (prefix) {
			if (fromKey)
				throw new ExitError(
					ExitCode.BadArgs,
					'--from-key and --prefix flags are mutually exclusive'
				);
			return [key, new TextDecoder().decode(prefixEnd(utf8(key)))];
		}
		if (fromKey) return [key, '\x00'];
		return [key, ''];
	}
	if (prefix)
		throw new ExitError(ExitCode.BadArgs, 'unexpected endkey argument with --prefix flag');
	if (fromKey)
		throw new ExitError(ExitCode.BadArgs, 'unexpected endkey argument with --from-key flag');
	return [key, args[1]];
}

const PERM_TYPES: Record<string, Permission['permType']> = {
	READ: 'READ',
	WRITE: 'WRITE',
	READWRITE: 'READWRITE'
};

export async function roleGrantPermission(ctx: Context): Promise<void> {
	if (ctx.args.length < 3) {
		throw new ExitError(
			ExitCode.BadArgs,
			'role grant command requires role name, permission type, and key [endkey] as its argument'
		);
	}
	const permType = PERM_TYPES[ctx.args[1].toUpperCase()];
	if (!permType) throw new ExitError(ExitCode.BadArgs, `invalid permission type: ${ctx.args[1]}`);
	const [key, end] = permRange(ctx, ctx.args.slice(2));
	const role = ctx.args[0];
	const perm: Permission = {
		permType,
		key: utf8(key),
		...(end !== '' ? { range_end: utf8(end) } : {})
	};
	const resp = await ctx.call((c) => c.roleGrantPermission(role, perm));
	ctx.out(ctx.display().roleGrantPermission(role, resp));
}

export async function roleRevokePermission(ctx: Context): Promise<void> {
	if (ctx.args.length < 2) {
		throw new ExitError(
			ExitCode.BadArgs,
			'role revoke-permission command requires role name and key [endkey] as its argument'
		);
	}
	const [key, end] = permRange(ctx, ctx.args.slice(1));
	const role = ctx.args[0];
	const resp = await ctx.call((c) =>
		c.roleRevokePermission(role, utf8(key), end !== '' ? utf8(end) : undefined)
	);
	ctx.out(ctx.display().roleRevokePermission(role, ctx.args[1], end, resp));
}
