/** get, put, del. */
import type { Context } from '../cli';
import { ExitCode, ExitError } from '../exit';
import { simplePrinter } from '../printers/simple';
import { delOp, getOp, putOp } from './ops';

export async function get(ctx: Context): Promise<void> {
	const req = getOp(ctx.args, ctx.flags);
	const resp = await ctx.call((c) => c.range(req));
	let display = ctx.display();
	if (ctx.flags.bool('print-value-only')) {
		if (display.format !== 'simple') {
			throw new ExitError(ExitCode.BadArgs, 'print-value-only is only for `--write-out=simple`');
		}
		display = simplePrinter(ctx.flags.bool('hex'), true);
	}
	ctx.out(display.get(resp));
}

export async function put(ctx: Context): Promise<void> {
	let stdin: Uint8Array | null = null;
	if (ctx.args.length === 1 && !ctx.flags.bool('ignore-value')) stdin = await readAllStdin(ctx);
	const req = putOp(ctx.args, ctx.flags, () => stdin);
	const resp = await ctx.call((c) => c.put(req));
	ctx.out(ctx.display().put(resp));
}

export async function del(ctx: Context): Promise<void> {
	const req = delOp(ctx.args, ctx.flags);
	const resp = await ctx.call((c) => c.deleteRange(req));
	ctx.out(ctx.display().del(resp));
}

/** ioutil.ReadAll(os.Stdin), bytes as they are; on a terminal, lines until Ctrl-D. */
export async function readAllStdin(ctx: Context): Promise<Uint8Array | null> {
	const bytes = await ctx.io.stdin();
	if (bytes !== null) return bytes;
	if (!ctx.io.readLine) return null;
	let all = '';
	for (;;) {
		const line = await ctx.io.readLine('');
		if (line === null) return new TextEncoder().encode(all);
		all += line + '\n';
	}
}
