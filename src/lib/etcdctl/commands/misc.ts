/** help, snapshot, make-mirror, migrate, completion and check: commands outside the KV core. */
import type { Context } from '../cli';
import { findCommand as cobraFind } from '../cli';
import { Exit, ExitCode, ExitError } from '../exit';
import { goQuote, humanizeBytes } from '../go';
import { usage } from '../help';
import { ROOT } from '../spec';

function goBackquote(s: string): string {
	const control = [...s].some((ch) => {
		const c = ch.charCodeAt(0);
		return (c < 0x20 && c !== 0x09) || c === 0x7f;
	});
	return control || s.includes('`') ? goQuote(s) : '`' + s + '`';
}

export async function help(ctx: Context): Promise<void> {
	const found = cobraFind(ctx.args);
	if (found.error) {
		ctx.err(`Unknown help topic [${ctx.args.map(goBackquote).join(' ')}]\n`);
		ctx.out(usage([ROOT], false));
		return;
	}
	ctx.out(usage(found.path));
}

/** zap's production JSON line (the logger snapshot save and restore use). */
function zapInfo(
	ctx: Context,
	caller: string,
	msg: string,
	fields: [string, string | number][]
): void {
	const ts = (ctx.io.now() / 1000).toFixed(7).replace(/0+$/, '');
	const extra = fields
		.map(([k, v]) => `,"${k}":${typeof v === 'number' ? v : JSON.stringify(v)}`)
		.join('');
	ctx.err(`{"level":"info","ts":${ts},"caller":"${caller}","msg":"${msg}"${extra}}\n`);
}

export async function snapshotSave(ctx: Context): Promise<void> {
	if (ctx.args.length !== 1)
		throw new ExitError(ExitCode.BadArgs, 'snapshot save expects one argument');
	const opts = ctx.clientOptions();
	if (opts.endpoints.length !== 1) {
		throw new ExitError(
			ExitCode.Interrupted,
			`snapshot must be requested to one selected node, not multiple [${opts.endpoints.join(' ')}]`
		);
	}
	const path = ctx.args[0];
	const part = path + '.part';
	const dir = part.includes('/') ? part.slice(0, part.lastIndexOf('/')) : '';
	if (dir !== '' && !ctx.io.fs.exists(dir)) {
		throw new ExitError(
			ExitCode.Interrupted,
			`could not open ${part} (open ${part}: no such file or directory)`
		);
	}
	zapInfo(ctx, 'snapshot/v3_snapshot.go:119', 'created temporary db file', [['path', part]]);
	const ep = opts.endpoints[0];
	const start = ctx.io.now();
	const c = await ctx.connect(opts);
	ctx.err(
		`{"level":"info","ts":"${new Date(ctx.io.now()).toISOString().replace(/\.(\d{3})\d*Z$/, '.$1Z')}","caller":"clientv3/maintenance.go:200","msg":"opened snapshot stream; downloading"}\n`
	);
	zapInfo(ctx, 'snapshot/v3_snapshot.go:127', 'fetching snapshot', [['endpoint', ep]]);
	let data: Uint8Array;
	try {
		data = await c.snapshot(ep);
	} catch (e) {
		throw new ExitError(ExitCode.Interrupted, e instanceof Error ? e.message : String(e));
	}
	ctx.err(
		`{"level":"info","ts":"${new Date(ctx.io.now()).toISOString()}","caller":"clientv3/maintenance.go:208","msg":"completed snapshot read; closing"}\n`
	);
	ctx.io.fs.writeFile(path, data);
	zapInfo(ctx, 'snapshot/v3_snapshot.go:142', 'fetched snapshot', [
		['endpoint', ep],
		['size', humanizeBytes(data.length)],
		['took', (ctx.io.now() - start) / 1000]
	]);
	zapInfo(ctx, 'snapshot/v3_snapshot.go:152', 'saved', [['path', path]]);
	ctx.out(`Snapshot saved at ${path}\n`);
}

export async function snapshotStatus(ctx: Context): Promise<void> {
	if (ctx.args.length !== 1)
		throw new ExitError(ExitCode.BadArgs, 'snapshot status requires exactly one argument');
	ctx.display();
	const path = ctx.args[0];
	if (!ctx.io.fs.exists(path))
		throw new ExitError(ExitCode.Error, `stat ${path}: no such file or directory`);
	// Reading a bolt database file is not implemented in the playground's etcdctl.
	throw new ExitError(ExitCode.BadFeature, 'snapshot status is not supported in the playground');
}

export async function snapshotRestore(ctx: Context): Promise<void> {
	if (ctx.args.length !== 1)
		throw new ExitError(ExitCode.BadArgs, 'snapshot restore requires exactly one argument');
	const dataDir = ctx.flags.string('data-dir') || ctx.flags.string('name') + '.etcd';
	if (ctx.io.fs.exists(dataDir))
		throw new ExitError(ExitCode.Error, `data-dir ${goQuote(dataDir)} exists`);
	const path = ctx.args[0];
	if (!ctx.io.fs.exists(path))
		throw new ExitError(ExitCode.Error, `stat ${path}: no such file or directory`);
	throw new ExitError(ExitCode.BadFeature, 'snapshot restore is not supported in the playground');
}

export async function makeMirror(ctx: Context): Promise<void> {
	if (ctx.args.length !== 1)
		throw new ExitError(ExitCode.BadArgs, 'make-mirror takes one destination argument');
	throw new ExitError(ExitCode.BadFeature, 'make-mirror is not supported in the playground');
}

export async function migrate(ctx: Context): Promise<void> {
	ctx.out('using default transformer\n');
	throw new ExitError(ExitCode.Error, 'open member/snap: no such file or directory');
}

export async function completion(ctx: Context): Promise<void> {
	ctx.err('completion scripts are for a real shell; the playground terminal completes with Tab\n');
	throw new Exit(ExitCode.Error);
}

const LOADS: Record<string, { clients: number; rate: number }> = {
	s: { clients: 50, rate: 150 },
	m: { clients: 200, rate: 1000 },
	l: { clients: 500, rate: 8000 },
	xl: { clients: 1000, rate: 15000 }
};

export async function checkPerf(ctx: Context): Promise<void> {
	const load = ctx.flags.string('load');
	if (!(load in LOADS)) throw new ExitError(ExitCode.BadFeature, `unknown load option ${load}`);
	throw new ExitError(ExitCode.BadFeature, 'check perf is not supported in the playground');
}

export async function checkDatascale(ctx: Context): Promise<void> {
	const load = ctx.flags.string('load');
	if (!(load in LOADS)) throw new ExitError(ExitCode.BadFeature, `unknown load option ${load}`);
	throw new ExitError(ExitCode.BadFeature, 'check datascale is not supported in the playground');
}
