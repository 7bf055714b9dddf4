/** member add/remove/update/list/promote. */
import type { Context } from '../cli';
import { ExitCode, ExitError } from '../exit';
import { parseGoInt } from '../flags';
import { goQuote } from '../go';

function memberID(arg: string): bigint {
	const id = parseGoInt(arg, 16, 'ParseUint');
	if (typeof id === 'string')
		throw new ExitError(ExitCode.BadArgs, `bad member ID arg (${id}), expecting ID in Hex`);
	return id;
}

export async function add(ctx: Context): Promise<void> {
	const args = ctx.args;
	if (args.length < 1) throw new ExitError(ExitCode.BadArgs, 'member name not provided');
	if (args.length > 1) {
		let ev = 'too many arguments';
		for (const s of args)
			if (s.toLowerCase().startsWith('http')) ev += `, did you mean --peer-urls=${s}`;
		throw new ExitError(ExitCode.BadArgs, ev);
	}
	const name = args[0];
	const peerURLs = ctx.flags.string('peer-urls');
	if (peerURLs.length === 0) throw new ExitError(ExitCode.BadArgs, 'member peer urls not provided');
	const urls = peerURLs.split(',');
	const learner = ctx.flags.bool('learner');
	const resp = await ctx.call((c) => c.memberAdd(urls, learner));
	const display = ctx.display();
	ctx.out(display.memberAdd(resp));
	if (display.format === 'simple') {
		const conf: string[] = [];
		for (const m of resp.members) {
			for (const u of m.peerURLs) conf.push(`${m.ID === resp.member.ID ? name : m.name}=${u}`);
		}
		ctx.out(
			`\nETCD_NAME=${goQuote(name)}\nETCD_INITIAL_CLUSTER=${goQuote(conf.join(','))}\n` +
				`ETCD_INITIAL_ADVERTISE_PEER_URLS=${goQuote(peerURLs)}\nETCD_INITIAL_CLUSTER_STATE="existing"\n`
		);
	}
}

export async function remove(ctx: Context): Promise<void> {
	if (ctx.args.length !== 1) throw new ExitError(ExitCode.BadArgs, 'member ID is not provided');
	const id = memberID(ctx.args[0]);
	const resp = await ctx.call((c) => c.memberRemove(id));
	ctx.out(ctx.display().memberRemove(id, resp));
}

export async function update(ctx: Context): Promise<void> {
	if (ctx.args.length !== 1) throw new ExitError(ExitCode.BadArgs, 'member ID is not provided');
	const id = memberID(ctx.args[0]);
	const peerURLs = ctx.flags.string('peer-urls');
	if (peerURLs.length === 0) throw new ExitError(ExitCode.BadArgs, 'member peer urls not provided');
	const resp = await ctx.call((c) => c.memberUpdate(id, peerURLs.split(',')));
	ctx.out(ctx.display().memberUpdate(id, resp));
}

export async function list(ctx: Context): Promise<void> {
	const resp = await ctx.call((c) => c.memberList());
	ctx.out(ctx.display().memberList(resp));
}

export async function promote(ctx: Context): Promise<void> {
	if (ctx.args.length !== 1) throw new ExitError(ExitCode.BadArgs, 'member ID is not provided');
	const id = memberID(ctx.args[0]);
	const resp = await ctx.call((c) => c.memberPromote(id));
	ctx.out(ctx.display().memberPromote(id, resp));
}
