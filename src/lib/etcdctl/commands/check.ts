/**
 * check perf: puts 256-byte keys with 1 KiB values under a prefix at the load's rate for
 * 60 s from many concurrent workers, then judges throughput (> 90% of the target), the slowest
 * request (< 500 ms) and the standard deviation (< 100 ms), as etcdctl 3.4's check perf does.
 */
import type { EtcdClient } from '../../client/types';
import { prefixEnd, utf8 } from '../../engine/util/bytes';
import { errorMessage, type Context } from '../cli';
import { Exit, ExitCode, ExitError, SIGINT_STATUS } from '../exit';
import { goQuote } from '../go';

const LOADS: Record<string, { limit: number; clients: number; duration: number }> = {
	s: { limit: 150, clients: 50, duration: 60 },
	m: { limit: 1000, clients: 200, duration: 60 },
	l: { limit: 8000, clients: 500, duration: 60 },
	xl: { limit: 15000, clients: 1000, duration: 60 }
};
const ALIASES: Record<string, string> = {
	s: 's',
	small: 's',
	m: 'm',
	medium: 'm',
	l: 'l',
	large: 'l',
	xl: 'xl',
	xLarge: 'xl'
};

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		if (signal.aborted) return resolve();
		const onAbort = () => {
			clearTimeout(t);
			resolve();
		};
		const t = setTimeout(() => {
			signal.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal.addEventListener('abort', onAbort, { once: true });
	});
}

/** The progress bar (cheggaaa/pb with etcdctl's "Bom !" format), redrawn with \r. */
function bar(done: number, total: number, elapsedS: number): string {
	const width = 60;
	const fill = Math.round((done / total) * width);
	const body =
		'o'.repeat(Math.max(fill - 1, 0)) +
		(fill > 0 && fill < width ? 'm' : fill >= width ? 'o' : '') +
		' '.repeat(width - fill);
	const mins = Math.floor(elapsedS / 60);
	const secs = Math.floor(elapsedS % 60);
	return `\r ${done} / ${total} B${body}! ${((done / total) * 100).toFixed(2)}% ${mins > 0 ? `${mins}m${secs}s` : `${secs}s`}`;
}

export async function checkPerf(ctx: Context): Promise<void> {
	const model = ALIASES[ctx.flags.string('load')];
	if (!model)
		throw new ExitError(ExitCode.BadFeature, `unknown load option ${ctx.flags.string('load')}`);
	const cfg = LOADS[model];
	const prefix = ctx.flags.string('prefix');
	const signal = ctx.io.signal;
	const c = await ctx.call(async (cl) => cl);
	const pfx = utf8(prefix);
	const existing = await ctx.call((cl) =>
		cl.range({ key: pfx, range_end: prefixEnd(pfx), limit: 1 })
	);
	if (existing.kvs.length > 0) {
		throw new ExitError(
			ExitCode.InvalidInput,
			`prefix ${goQuote(prefix)} has keys. Delete with etcdctl del --prefix ${prefix} first`
		);
	}
	const value = new Uint8Array(1024);
	const lats: number[] = [];
	const errors = new Map<string, number>();
	const start = ctx.io.now();
	const end = start + cfg.duration * 1000;
	let issued = 0;
	ctx.out(bar(0, cfg.duration, 0));
	let shown = 0;
	const put = async (cl: EtcdClient) => {
		const key = new Uint8Array(pfx.length + 256);
		key.set(pfx);
		for (let i = pfx.length; i < pfx.length + 8; i++) key[i] = Math.floor(Math.random() * 256);
		const st = ctx.io.now();
		try {
			await cl.put({ key, value });
		} catch (e) {
			const m = errorMessage(e);
			errors.set(m, (errors.get(m) ?? 0) + 1);
		}
		lats.push((ctx.io.now() - st) / 1000);
	};
	// The rate limiter hands out cfg.limit tokens a second; `clients` workers spend them.
	const worker = async () => {
		for (;;) {
			if (signal.aborted) return;
			const now = ctx.io.now();
			if (now >= end) return;
			const allowed = Math.floor(((now - start) / 1000) * cfg.limit) + 1;
			if (issued < allowed) {
				issued++;
				await put(c);
				continue;
			}
			await sleep(Math.max(1, 1000 / cfg.limit), signal);
		}
	};
	const ticker = (async () => {
		while (!signal.aborted && ctx.io.now() < end) {
			await sleep(1000, signal);
			const s = Math.min(cfg.duration, Math.floor((ctx.io.now() - start) / 1000));
			if (s !== shown) {
				shown = s;
				ctx.out(bar(s, cfg.duration, s));
			}
		}
	})();
	await Promise.all([...Array.from({ length: cfg.clients }, worker), ticker]);
	if (signal.aborted) throw new Exit(SIGINT_STATUS);
	ctx.out(bar(cfg.duration, cfg.duration, cfg.duration) + '\n');
	const totalS = (ctx.io.now() - start) / 1000;
	const dresp = await ctx.call((cl) => cl.deleteRange({ key: pfx, range_end: prefixEnd(pfx) }));
	if (ctx.flags.bool('auto-compact')) {
		const rev = dresp.header.revision;
		ctx.out(`Compacting with revision ${rev}\n`);
		await ctx.call((cl) => cl.compact({ revision: rev, physical: true }));
		ctx.out(`Compacted with revision ${rev}\n`);
	}
	if (ctx.flags.bool('auto-defrag')) {
		for (const ep of ctx.endpoints()) {
			ctx.out(`Defragmenting ${goQuote(ep)}\n`);
			await ctx.call((cl) => cl.defragment(ep));
			ctx.out(`Defragmented ${goQuote(ep)}\n`);
		}
	}
	let ok = true;
	if (errors.size !== 0) {
		ctx.out('FAIL: too many errors\n');
		for (const [k, v] of errors) ctx.out(`FAIL: ERROR(${k}) -> ${v}\n`);
		ok = false;
	}
	const rps = lats.length / totalS;
	const mean = lats.reduce((a, b) => a + b, 0) / Math.max(lats.length, 1);
	const stddev = Math.sqrt(
		lats.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(lats.length, 1)
	);
	const slowest = lats.reduce((a, b) => Math.max(a, b), 0);
	if (rps / cfg.limit <= 0.9) {
		ctx.out(`FAIL: Throughput too low: ${Math.floor(rps) + 1} writes/s\n`);
		ok = false;
	} else ctx.out(`PASS: Throughput is ${Math.floor(rps) + 1} writes/s\n`);
	if (slowest > 0.5) {
		ctx.out(`Slowest request took too long: ${slowest.toFixed(6)}s\n`);
		ok = false;
	} else ctx.out(`PASS: Slowest request took ${slowest.toFixed(6)}s\n`);
	if (stddev > 0.1) {
		ctx.out(`Stddev too high: ${stddev.toFixed(6)}s\n`);
		ok = false;
	} else ctx.out(`PASS: Stddev is ${stddev.toFixed(6)}s\n`);
	if (ok) ctx.out('PASS\n');
	else {
		ctx.out('FAIL\n');
		throw new Exit(ExitCode.Error);
	}
}
