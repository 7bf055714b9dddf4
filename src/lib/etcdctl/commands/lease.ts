/** lease grant/revoke/timetolive/list/keep-alive. */
import type { Context } from '../cli';
import { Exit, ExitCode, ExitError, SIGINT_STATUS } from '../exit';
import { parseGoInt } from '../flags';
import { hex16 } from '../go';
import type { LeaseKeepAliveResponse } from '../../engine/api/types';

function leaseFromArgs(arg: string): bigint {
	const id = parseGoInt(arg, 16);
	if (typeof id === 'string') {
		throw new ExitError(ExitCode.BadArgs, `bad lease ID arg (${id}), expecting ID in Hex`);
	}
	return id;
}

export async function grant(ctx: Context): Promise<void> {
	if (ctx.args.length !== 1)
		throw new ExitError(ExitCode.BadArgs, 'lease grant command needs TTL argument');
	const ttl = parseGoInt(ctx.args[0], 10);
	if (typeof ttl === 'string') throw new ExitError(ExitCode.BadArgs, `bad TTL (${ttl})`);
	const resp = await ctx.call(
		(c) => c.grant(Number(ttl)),
		ExitCode.Error,
		(m) => `failed to grant lease (${m})`
	);
	ctx.out(ctx.display().grant(resp));
}

export async function revoke(ctx: Context): Promise<void> {
	if (ctx.args.length !== 1)
		throw new ExitError(ExitCode.BadArgs, 'lease revoke command needs 1 argument');
	const id = leaseFromArgs(ctx.args[0]);
	const resp = await ctx.call(
		(c) => c.revoke(id),
		ExitCode.Error,
		(m) => `failed to revoke lease (${m})`
	);
	ctx.out(ctx.display().revoke(id, resp));
}

export async function timetolive(ctx: Context): Promise<void> {
	if (ctx.args.length !== 1) {
		throw new ExitError(ExitCode.BadArgs, 'lease timetolive command needs lease ID as argument');
	}
	const keys = ctx.flags.bool('keys');
	ctx.clientOptions();
	const id = leaseFromArgs(ctx.args[0]);
	const resp = await ctx.call((c) => c.timeToLive(id, keys), ExitCode.BadConnection);
	ctx.out(ctx.display().timeToLive(resp, keys));
}

export async function list(ctx: Context): Promise<void> {
	const resp = await ctx.call((c) => c.leases(), ExitCode.BadConnection);
	ctx.out(ctx.display().leases(resp));
}

export async function keepAlive(ctx: Context): Promise<number | void> {
	if (ctx.args.length !== 1) {
		throw new ExitError(ExitCode.BadArgs, 'lease keep-alive command needs lease ID as argument');
	}
	const id = leaseFromArgs(ctx.args[0]);
	if (ctx.flags.bool('once')) {
		// A keep-alive is a stream: no unary retry warning.
		const resp = await ctx.call(
			(c) => c.keepAliveOnce(id),
			ExitCode.BadConnection,
			undefined,
			false
		);
		ctx.out(ctx.display().keepAlive(resp));
		return;
	}
	const c = await ctx.call(async (cl) => cl);
	const display = ctx.display();
	await new Promise<void>((resolve, reject) => {
		const onAbort = () => {
			handle.cancel();
			reject(new Exit(SIGINT_STATUS));
		};
		const handle = c.keepAlive(
			id,
			(r: LeaseKeepAliveResponse) => {
				if (r.TTL <= 0) {
					handle.cancel();
					ctx.io.signal.removeEventListener('abort', onAbort);
					resolve();
					return;
				}
				try {
					ctx.out(display.keepAlive(r));
				} catch (e) {
					// e.g. `-w table`: the printer's error ends the command, not the client.
					handle.cancel();
					ctx.io.signal.removeEventListener('abort', onAbort);
					reject(e);
				}
			},
			() => {
				ctx.io.signal.removeEventListener('abort', onAbort);
				resolve();
			}
		);
		if (ctx.io.signal.aborted) onAbort();
		else ctx.io.signal.addEventListener('abort', onAbort, { once: true });
	});
	if (display.format === 'simple') ctx.out(`lease ${hex16(id)} expired or revoked.\n`);
}
