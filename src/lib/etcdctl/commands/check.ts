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

/** checkPerfCfgMap: requests a second, clients (each its own connection) and seconds. */
export const PERF_LOADS: Record<string, { limit: number; clients: number; duration: number }> = {
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

/** The width pb draws in on a terminal (it asks the tty; the playground's is taken as 80). */
const TERMINAL_WIDTH = 80;

/** pb's U_DURATION: 00m59s. */
function timeLeft(seconds: number): string {
	const m = Math.floor(seconds / 60);
	const s = seconds % 60;
	return m >= 60
		? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m${String(s).padStart(2, '0')}s`
		: `${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`;
}

/** Go's time.Duration String for whole seconds: 1m0s, 59s. */
function goSeconds(seconds: number): string {
	const h = Math.floor(seconds / 3600);
	const m = Math.floor((seconds % 3600) / 60);
	const s = seconds % 60;
	if (h > 0) return `${h}h${m}m${s}s`;
	if (m > 0) return `${m}m${s}s`;
	return `${s}s`;
}

/**
 * One redraw of check perf's progress bar (cheggaaa/pb v1, format "Bom !"): ` 3 / 60 ` and,
 * on a terminal, the bar filling its width, then the percentage and the time left (once
 * finished, the time taken). Without a terminal (width 0) there is no bar, as in a pipe.
 */
export function perfBar(
	done: number,
	total: number,
	width: number,
	finishedAfterS?: number
): string {
	const percent = ` ${((done / total) * 100).toFixed(2).padStart(6)}%`;
	const counters = ` ${done} / ${total} `;
	let left = '';
	if (finishedAfterS !== undefined) left = ` ${goSeconds(Math.floor(finishedAfterS))}`;
	else if (done > 0 && total - done > 0) left = ` ${timeLeft(total - done)}`;
	let bar = '';
	const size = width - (counters.length + 2 + percent.length + left.length);
	if (size > 0) {
		const cur = Math.min(Math.ceil((done / total) * size), size);
		const empty = Math.max(size - cur, 0);
		bar = 'B';
		if (empty <= 0) bar += 'o'.repeat(cur);
		else if (cur > 0) bar += 'o'.repeat(cur - 1) + 'm';
		bar += ' '.repeat(empty) + '!';
	}
	const out = counters + bar + percent + left;
	return '\r' + out + ' '.repeat(Math.max(width - out.length, 0));
}

/** binary.PutVarint(k, rand.Int63n(math.MaxInt64)) into the first bytes of a 256-byte key. */
function randomKey(prefix: Uint8Array): Uint8Array {
	const key = new Uint8Array(prefix.length + 256);
	key.set(prefix);
	const hi = BigInt(Math.floor(Math.random() * 2 ** 31));
	const lo = BigInt(Math.floor(Math.random() * 2 ** 32));
	let x = ((hi << 32n) | lo) << 1n; // zig-zag of a non-negative number
	let i = prefix.length;
	while (x >= 0x80n) {
		key[i++] = Number(x & 0x7fn) | 0x80;
		x >>= 7n;
	}
	key[i] = Number(x);
	return key;
}

export async function checkPerf(ctx: Context): Promise<void> {
	const model = ALIASES[ctx.flags.string('load')];
	if (!model)
		throw new ExitError(ExitCode.BadFeature, `unknown load option ${ctx.flags.string('load')}`);
	const cfg = PERF_LOADS[model];
	const prefix = ctx.flags.string('prefix');
	const signal = ctx.io.signal;
	const width = ctx.io.stdoutIsTerminal ? TERMINAL_WIDTH : 0;
	// cfg.clients clients, each dialed as etcdctl dials (its own connection); the first also
	// checks the prefix and deletes the keys afterwards.
	const first = await ctx.call(async (cl) => cl);
	// Each client's calls listen on a signal of its own; one listener on etcdctl's aborts them.
	const signals = Array.from({ length: cfg.clients - 1 }, () => new AbortController());
	const abortAll = () => signals.forEach((s) => s.abort());
	signal.addEventListener('abort', abortAll, { once: true });
	const dialed = await Promise.allSettled(signals.map((s) => ctx.extraClient(s.signal)));
	const extra = dialed.flatMap((d) => (d.status === 'fulfilled' ? [d.value] : []));
	const failed = dialed.find((d) => d.status === 'rejected');
	if (failed) {
		for (const c of extra) c.close();
		signal.removeEventListener('abort', abortAll);
		await ctx.call(() => Promise.reject(failed.reason));
	}
	// Each worker waits on its client's signal (dialed only when all dials succeeded).
	const clients = [
		{ client: first, signal },
		...extra.map((client, i) => ({ client, signal: signals[i].signal }))
	];
	try {
		return await perfRun(ctx, cfg, clients, prefix, signal, width);
	} finally {
		for (const c of extra) c.close();
		signal.removeEventListener('abort', abortAll);
	}
}

/** A worker's client, and the signal its calls and waits listen on. */
interface PerfClient {
	client: EtcdClient;
	signal: AbortSignal;
}

async function perfRun(
	ctx: Context,
	cfg: { limit: number; clients: number; duration: number },
	clients: PerfClient[],
	prefix: string,
	signal: AbortSignal,
	width: number
): Promise<void> {
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
	/** Seconds each successful put took (report.Stats counts errors apart). */
	const lats: number[] = [];
	const errors = new Map<string, number>();
	const start = ctx.io.now();
	const end = start + cfg.duration * 1000;
	let issued = 0;
	ctx.out(perfBar(0, cfg.duration, width));
	const put = async (cl: EtcdClient) => {
		const st = ctx.io.now();
		try {
			await cl.put({ key: randomKey(pfx), value });
			lats.push((ctx.io.now() - st) / 1000);
		} catch (e) {
			const m = errorMessage(e);
			errors.set(m, (errors.get(m) ?? 0) + 1);
		}
	};
	// The rate limiter hands out cfg.limit tokens a second; each client's worker spends them.
	const worker = async ({ client: cl, signal: own }: PerfClient) => {
		for (;;) {
			if (signal.aborted) return;
			const now = ctx.io.now();
			if (now >= end) return;
			const allowed = Math.floor(((now - start) / 1000) * cfg.limit) + 1;
			if (issued < allowed) {
				issued++;
				await put(cl);
				continue;
			}
			await sleep(Math.max(1, 1000 / cfg.limit), own);
		}
	};
	// The bar advances once a second for cfg.duration seconds, then finishes on its own line.
	const ticker = (async () => {
		for (let s = 1; s <= cfg.duration && !signal.aborted; s++) {
			await sleep(Math.max(0, start + s * 1000 - ctx.io.now()), signal);
			if (signal.aborted) return;
			if (s < cfg.duration) ctx.out(perfBar(s, cfg.duration, width));
		}
		ctx.out(perfBar(cfg.duration, cfg.duration, width, (ctx.io.now() - start) / 1000) + '\n');
	})();
	await Promise.all([...clients.map(worker), ticker]);
	if (signal.aborted) throw new Exit(SIGINT_STATUS);
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
	const verdict = perfVerdict(cfg.limit, lats, totalS, errors);
	ctx.out(verdict.text);
	if (!verdict.ok) throw new Exit(ExitCode.Error);
}

/**
 * The verdict lines (report.Stats: RPS counts successful requests over the run's time;
 * stddev and slowest are over their latencies): PASS when the throughput is above 90% of the
 * load's rate, the slowest request under 500 ms and the deviation under 100 ms.
 */
export function perfVerdict(
	limit: number,
	lats: readonly number[],
	totalS: number,
	errors: ReadonlyMap<string, number>
): { text: string; ok: boolean } {
	let text = '';
	let ok = true;
	if (errors.size !== 0) {
		text += 'FAIL: too many errors\n';
		for (const [k, v] of errors) text += `FAIL: ERROR(${k}) -> ${v}\n`;
		ok = false;
	}
	const rps = totalS > 0 ? lats.length / totalS : 0;
	const mean = lats.reduce((a, b) => a + b, 0) / Math.max(lats.length, 1);
	const stddev = Math.sqrt(
		lats.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(lats.length, 1)
	);
	const slowest = lats.reduce((a, b) => Math.max(a, b), 0);
	if (rps / limit <= 0.9) {
		text += `FAIL: Throughput too low: ${Math.floor(rps) + 1} writes/s\n`;
		ok = false;
	} else text += `PASS: Throughput is ${Math.floor(rps) + 1} writes/s\n`;
	if (slowest > 0.5) {
		text += `Slowest request took too long: ${slowest.toFixed(6)}s\n`;
		ok = false;
	} else text += `PASS: Slowest request took ${slowest.toFixed(6)}s\n`;
	if (stddev > 0.1) {
		text += `Stddev too high: ${stddev.toFixed(6)}s\n`;
		ok = false;
	} else text += `PASS: Stddev is ${stddev.toFixed(6)}s\n`;
	text += ok ? 'PASS\n' : 'FAIL\n';
	return { text, ok };
}
