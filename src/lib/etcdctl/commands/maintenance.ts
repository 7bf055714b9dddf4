/** compaction, defrag, alarm list/disarm, move-leader, version. */
import type { Context } from '../cli';
import { errorMessage } from '../cli';
import { Exit, ExitCode, ExitError } from '../exit';
import { parseGoInt } from '../flags';
import { API_VERSION, VERSION } from '../help';
import { endpointsFromCluster, perEndpoint } from './endpoint';

export async function compaction(ctx: Context): Promise<void> {
	if (ctx.args.length !== 1)
		throw new ExitError(ExitCode.BadArgs, 'compaction command needs 1 argument');
	const rev = parseGoInt(ctx.args[0], 10);
	if (typeof rev === 'string') throw new ExitError(ExitCode.Error, rev);
	const physical = ctx.flags.bool('physical');
	await ctx.call((c) => c.compact({ revision: Number(rev), ...(physical ? { physical } : {}) }));
	ctx.out(`compacted revision ${rev}\n`);
}

export async function defrag(ctx: Context): Promise<void> {
	if (ctx.flags.string('data-dir') !== '') {
		const dir = ctx.flags.string('data-dir');
		ctx.err(
			`Failed to defragment etcd data[${dir}] (open ${dir}/member/snap/db: no such file or directory)\n`
		);
		throw new Exit(ExitCode.Error);
	}
	ctx.clientOptions();
	let failures = 0;
	for (const ep of await endpointsFromCluster(ctx)) {
		try {
			await perEndpoint(ctx, ep, (c) => c.defragment(ep));
			ctx.out(`Finished defragmenting etcd member[${ep}]\n`);
		} catch (e) {
			if (e instanceof ExitError || e instanceof Exit) throw e;
			ctx.warnRpc(e, `passthrough:///${ep}`);
			ctx.err(`Failed to defragment etcd member[${ep}] (${errorMessage(e)})\n`);
			failures++;
		}
	}
	if (failures !== 0) throw new Exit(ExitCode.Error);
}

export async function alarmList(ctx: Context): Promise<void> {
	if (ctx.args.length !== 0)
		throw new ExitError(ExitCode.BadArgs, 'alarm list command accepts no arguments');
	const resp = await ctx.call((c) => c.alarmList());
	ctx.out(ctx.display().alarm(resp));
}

export async function alarmDisarm(ctx: Context): Promise<void> {
	if (ctx.args.length !== 0)
		throw new ExitError(ExitCode.BadArgs, 'alarm disarm command accepts no arguments');
	const resp = await ctx.call((c) => c.alarmDisarm(0n, 'NONE'));
	ctx.out(ctx.display().alarm(resp));
}

export async function moveLeader(ctx: Context): Promise<void> {
	if (ctx.args.length !== 1)
		throw new ExitError(ExitCode.BadArgs, 'move-leader command needs 1 argument');
	const target = parseGoInt(ctx.args[0], 16, 'ParseUint');
	if (typeof target === 'string') throw new ExitError(ExitCode.BadArgs, target);
	const c = await ctx.client();
	const eps = ctx.endpoints();
	let leaderEp: string | undefined;
	let leaderID = 0n;
	for (const ep of eps) {
		const resp = await ctx.call(() => c.status(ep));
		if (resp.header.member_id === resp.leader) {
			leaderEp = ep;
			leaderID = resp.leader;
			break;
		}
	}
	if (leaderEp === undefined) {
		throw new ExitError(ExitCode.BadArgs, `no leader endpoint given at [${eps.join(' ')}]`);
	}
	const ep = leaderEp;
	const resp = await ctx.call(
		(cl) => cl.moveLeader(ep, target),
		ExitCode.Error,
		undefined,
		ctx.clientTarget(ep)
	);
	ctx.out(ctx.display().moveLeader(leaderID, target, resp));
}

export async function version(ctx: Context): Promise<void> {
	ctx.out(`etcdctl version: ${VERSION}\nAPI version: ${API_VERSION}\n`);
}
