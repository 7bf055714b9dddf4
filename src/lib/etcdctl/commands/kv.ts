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
	let stdinText: string | null = null;
	if (ctx.args.length === 1 && !ctx.flags.bool('ignore-value')) stdinText = await readAllStdin(ctx);
	const req = putOp(ctx.args, ctx.flags, () => stdinText);
	const resp = await ctx.call((c) => c.put(req));
	ctx.out(ctx.display().put(resp));
}

export async function del(ctx: Context): Promise<void> {
	const req = delOp(ctx.args, ctx.flags);
	const resp = await ctx.call((c) => c.deleteRange(req));
	ctx.out(ctx.display().del(resp));
}

/** ioutil.ReadAll(os.Stdin); on a terminal, lines until Ctrl-D. */
export async function readAllStdin(ctx: Context): Promise<string | null> {
	const text = await ctx.io.stdin();
	if (text !== null) return text;
	if (!ctx.io.readLine) return null;
	let all = '';
	for (;;) {
		const line = await ctx.io.readLine('');
		if (line === null) return all;
		all += line + '\n';
	}
}
