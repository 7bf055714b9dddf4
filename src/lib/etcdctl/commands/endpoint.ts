/** endpoint health/status/hashkv, and the --cluster endpoint list they share with defrag. */
import { EtcdError } from '../../engine/api/errors';
import { utf8 } from '../../engine/util/bytes';
import type { EtcdClient } from '../../client/types';
import { errorMessage, type Context } from '../cli';
import { Exit, ExitCode, ExitError } from '../exit';
import { goDuration } from '../go';
import type { EpHashKV, EpHealth, EpStatus } from '../printers';

/** endpointsFromCluster: --endpoints, or every member's client URLs with --cluster. */
export async function endpointsFromCluster(ctx: Context): Promise<string[]> {
	if (!ctx.flags.bool('cluster')) return ctx.endpoints();
	const opts = { ...ctx.clientOptions() };
	delete opts.user;
	delete opts.password;
	try {
		const c = await ctx.io.clients.connect(opts);
		try {
			const resp = await c.memberList();
			return resp.members.flatMap((m) => m.clientURLs);
		} finally {
			c.close();
		}
	} catch (e) {
		throw new ExitError(
			ExitCode.Error,
			`failed to fetch endpoints from etcd cluster member list: ${errorMessage(e)}`
		);
	}
}

export async function health(ctx: Context): Promise<void> {
	const base = ctx.clientOptions();
	const display = ctx.display();
	const eps = await endpointsFromCluster(ctx);
	const results = await Promise.all(
		eps.map(async (ep): Promise<EpHealth> => {
			const start = ctx.io.now();
			try {
				const c = await ctx.io.clients.connect({ ...base, endpoints: [ep] });
				try {
					await c.range({ key: utf8('health') });
				} finally {
					c.close();
				}
				return { ep, health: true, took: goDuration((ctx.io.now() - start) * 1e6), error: '' };
			} catch (e) {
				const took = goDuration((ctx.io.now() - start) * 1e6);
				if (e instanceof EtcdError && e.message === 'etcdserver: permission denied') {
					return { ep, health: true, took, error: '' };
				}
				ctx.warnRpc(e, ctx.clientTarget(ep));
				return { ep, health: false, took, error: errorMessage(e) };
			}
		})
	);
	const text = display.endpointHealth(results);
	// The simple printer writes health lines to stderr.
	if (display.format === 'simple') ctx.err(text);
	else ctx.out(text);
	if (results.some((h) => h.error !== '')) throw new ExitError(ExitCode.Error, 'unhealthy cluster');
}

/** Each maintenance call dials its endpoint: a failed dial is that endpoint's failure. */
export async function perEndpoint<T>(
	ctx: Context,
	_ep: string,
	fn: (c: EtcdClient) => Promise<T>
): Promise<T> {
	const c = await ctx.client();
	return fn(c);
}

export async function status(ctx: Context): Promise<void> {
	ctx.clientOptions();
	const list: EpStatus[] = [];
	let failed = false;
	for (const ep of await endpointsFromCluster(ctx)) {
		try {
			list.push({ ep, resp: await perEndpoint(ctx, ep, (c) => c.status(ep)) });
		} catch (e) {
			if (e instanceof ExitError || e instanceof Exit) throw e;
			failed = true;
			ctx.warnRpc(e, `passthrough:///${ep}`);
			ctx.err(`Failed to get the status of endpoint ${ep} (${errorMessage(e)})\n`);
		}
	}
	ctx.out(ctx.display().endpointStatus(list));
	if (failed) throw new Exit(ExitCode.Error);
}

export async function hashkv(ctx: Context): Promise<void> {
	ctx.clientOptions();
	const rev = ctx.flags.number('rev');
	const list: EpHashKV[] = [];
	let err: unknown;
	for (const ep of await endpointsFromCluster(ctx)) {
		try {
			list.push({ ep, resp: await perEndpoint(ctx, ep, (c) => c.hashKV(ep, rev)) });
		} catch (e) {
			if (e instanceof ExitError || e instanceof Exit) throw e;
			err = e;
			ctx.warnRpc(e, `passthrough:///${ep}`);
			ctx.err(`Failed to get the hash of endpoint ${ep} (${errorMessage(e)})\n`);
		}
	}
	ctx.out(ctx.display().endpointHashKV(list));
	if (err !== undefined) throw new ExitError(ExitCode.Error, errorMessage(err));
}
