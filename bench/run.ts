/* eslint-disable @typescript-eslint/no-explicit-any -- page globals and CDP payloads are untyped */
/**
 * The playground's benchmark (never a test): `npm run bench`.
 *
 * Builds the site, serves a copy of it on a free port, drives headless Chromium through the
 * page's own typed client (window.etcdPlayground) and, when etcd 3.4.23 is installed, runs the
 * same work against a real 3-member etcd on loopback. Prints one table and writes
 * bench/results.json: [{ name, unit, playground, etcd, ratio }], ratio > 1 = playground ahead.
 *
 *   npm run bench                       # the full run (about 15 minutes)
 *   npm run bench -- --quick            # short loads and small sizes, for working on the harness
 *   options: --no-build  --no-etcd  --no-playground  --no-engine-only  --etcd-perf  --runs N
 *            --perf-seconds S  --keys N  --out FILE  --site DIR (an already built site: no build)
 *            --terminal-perf (the terminal's own 60 s check perf in a quick run too)
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { execSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { serveStatic, type StaticServer } from './serve';
import { engineHtml } from './engine-page';
import { EtcdGrpc, headerRevision } from './grpc';
import {
	RealCluster,
	clientUrl,
	etcdInstalled,
	etcdctlCheckPerf,
	hostsReady,
	killAll
} from './real-etcd';

const ROOT = resolve(import.meta.dirname, '..');

// ---- options ----
const argv = process.argv.slice(2);
const flag = (n: string) => argv.includes(`--${n}`);
const opt = (n: string, d: number) => {
	const i = argv.indexOf(`--${n}`);
	return i >= 0 ? Number(argv[i + 1]) : d;
};
const optS = (n: string, d: string) => {
	const i = argv.indexOf(`--${n}`);
	return i >= 0 ? argv[i + 1] : d;
};
const QUICK = flag('quick');
const RUNS = opt('runs', QUICK ? 2 : 3);
const PERF_S = opt('perf-seconds', QUICK ? 3 : 60);
const KEYS = opt('keys', QUICK ? 5000 : 100_000);
const SMALL = Math.min(10_000, Math.floor(KEYS / 10));
const WATCH_EVENTS = QUICK ? 1000 : 10_000;
const GETS = QUICK ? 200 : 1000;
const OUT = resolve(
	ROOT,
	optS('out', QUICK ? 'bench/out/results.quick.json' : 'bench/results.json')
);
const LOADS: Record<string, { clients: number; rate: number }> = {
	s: { clients: 50, rate: 150 },
	m: { clients: 200, rate: 1000 },
	l: { clients: 500, rate: 8000 }
};
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
	const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
	if (!s.length) return NaN;
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const kname = (n: number) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));
function log(...a: unknown[]) {
	console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
}

// ---- results ----
type Better = 'lower' | 'higher';
interface Row {
	name: string;
	unit: string;
	playground: number | null;
	etcd: number | null;
	ratio: number | null;
}
const figures = new Map<string, { unit: string; better: Better; pg: number[]; etcd: number[] }>();
function record(
	name: string,
	unit: string,
	better: Better,
	side: 'pg' | 'etcd',
	v: number | number[]
) {
	let f = figures.get(name);
	if (!f) figures.set(name, (f = { unit, better, pg: [], etcd: [] }));
	f[side].push(...(Array.isArray(v) ? v : [v]));
}
function rows(): Row[] {
	const round = (x: number) =>
		Math.abs(x) >= 100
			? Math.round(x)
			: Math.abs(x) >= 1
				? Math.round(x * 100) / 100
				: Math.round(x * 1000) / 1000;
	return [...figures].map(([name, f]) => {
		const pg = f.pg.length ? median(f.pg) : NaN;
		const et = f.etcd.length ? median(f.etcd) : NaN;
		const ok = (x: number) => Number.isFinite(x);
		let ratio: number | null = null;
		if (ok(pg) && ok(et) && pg > 0 && et > 0) ratio = f.better === 'higher' ? pg / et : et / pg;
		return {
			name,
			unit: f.unit,
			playground: ok(pg) ? round(pg) : null,
			etcd: ok(et) ? round(et) : null,
			ratio: ratio === null ? null : Math.round(ratio * 100) / 100
		};
	});
}
function table(rs: Row[]): string {
	const head = ['name', 'unit', 'playground', 'etcd 3.4.23', 'ratio'];
	const body = rs.map((r) => [
		r.name,
		r.unit,
		String(r.playground ?? '–'),
		String(r.etcd ?? '–'),
		r.ratio === null ? '–' : `${r.ratio}×`
	]);
	const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
	const line = (c: string[]) =>
		'| ' + c.map((x, i) => (i >= 2 ? x.padStart(w[i]) : x.padEnd(w[i]))).join(' | ') + ' |';
	return [
		line(head),
		'|' + w.map((n, i) => (i >= 2 ? '-'.repeat(n + 1) + ':' : '-'.repeat(n + 2))).join('|') + '|',
		...body.map(line)
	].join('\n');
}

// ---- the playground ----

const FIRST_WRITE = `(() => {
	window.__firstWrite = null;
	const enc = new TextEncoder();
	(async () => {
		while (!window.etcdPlayground) await new Promise((r) => setTimeout(r, 2));
		for (;;) {
			try {
				const c = await window.etcdPlayground.clients.connect({ endpoints: ['127.0.0.1:2379'], dialTimeoutMs: 5000, commandTimeoutMs: 1000 });
				await c.put({ key: enc.encode('/bench/first'), value: enc.encode('v') });
				window.__firstWrite = performance.now();
				return;
			} catch (e) {
				window.__firstWriteError = String(e && e.message);
				await new Promise((r) => setTimeout(r, 5));
			}
		}
	})();
	(function poll() {
		const rows = document.querySelector('[data-testid=terminal] .xterm-rows');
		if (rows && rows.textContent.includes('root@etcd-1:~#')) { window.__promptSeen = performance.now(); return; }
		setTimeout(poll, 5);
	})();
})();`;

async function bootRun(browser: Browser, server: StaticServer): Promise<void> {
	const ctx = await browser.newContext();
	try {
		const page = await ctx.newPage();
		await page.addInitScript(FIRST_WRITE);
		const from = server.log.length;
		await page.goto(server.url + '/');
		await page.waitForFunction(
			() => (window as any).__firstWrite && (window as any).__promptSeen,
			null,
			{ timeout: 60_000 }
		);
		const t = await page.evaluate(() => {
			const mark = performance.getEntriesByName('etcd-playground:first-prompt')[0];
			return {
				origin: performance.timeOrigin,
				prompt: mark ? mark.startTime : (window as any).__promptSeen,
				firstWrite: (window as any).__firstWrite
			};
		});
		const until = t.origin + t.prompt;
		const before = server.log.slice(from).filter((s) => s.at <= until + 1);
		const kb = (exts: string[]) =>
			before.filter((s) => exts.includes(s.ext)).reduce((n, s) => n + s.bytes, 0) / 1024;
		record('boot-to-prompt-ms', 'ms', 'lower', 'pg', t.prompt);
		record('boot-to-first-write-ms', 'ms', 'lower', 'pg', t.firstWrite);
		record('first-load-js-kb', 'KB gzip', 'lower', 'pg', kb(['.js', '.mjs']));
		record('first-load-css-kb', 'KB gzip', 'lower', 'pg', kb(['.css']));
		log(
			`boot: prompt ${t.prompt.toFixed(0)} ms, first write ${t.firstWrite.toFixed(0)} ms, JS ${kb(['.js', '.mjs']).toFixed(1)} KB`
		);
	} finally {
		await ctx.close();
	}
}

/** JS heap of each member worker after a GC, through a CDP session on the page. */
async function workerHeaps(page: Page): Promise<Record<string, number>> {
	const s = await page.context().newCDPSession(page);
	const targets: { sessionId: string; title: string; url: string }[] = [];
	s.on('Target.attachedToTarget', (e: any) => {
		if (e.targetInfo.type === 'worker')
			targets.push({ sessionId: e.sessionId, title: e.targetInfo.title, url: e.targetInfo.url });
	});
	const pending = new Map<string, (m: any) => void>();
	s.on('Target.receivedMessageFromTarget', (e: any) => {
		const m = JSON.parse(e.message);
		if (m.id !== undefined) pending.get(`${e.sessionId}:${m.id}`)?.(m);
	});
	await s.send('Target.setAutoAttach', {
		autoAttach: true,
		waitForDebuggerOnStart: false,
		flatten: false
	});
	await sleep(500);
	let id = 0;
	const send = (sessionId: string, method: string, params = {}) =>
		new Promise<any>((r) => {
			const i = ++id;
			pending.set(`${sessionId}:${i}`, r);
			void s.send('Target.sendMessageToTarget', {
				sessionId,
				message: JSON.stringify({ id: i, method, params })
			});
		});
	const out: Record<string, number> = {};
	for (const t of targets) {
		await send(t.sessionId, 'HeapProfiler.collectGarbage');
		const r = await send(t.sessionId, 'Runtime.getHeapUsage');
		out[t.title || t.url] = r.result?.usedSize ?? NaN;
	}
	await s.detach();
	return out;
}

async function playground(browser: Browser, server: StaticServer): Promise<void> {
	for (let r = 0; r < RUNS; r++) await bootRun(browser, server);

	const ctx = await browser.newContext();
	try {
		const page = await ctx.newPage();
		page.on('pageerror', (e) => log('page error:', e.message));
		await page.goto(server.url + '/');
		await page
			.getByTestId('cluster-state')
			.filter({ hasText: 'Cluster ready' })
			.waitFor({ timeout: 60_000 });
		await page.evaluate(readFileSync(join(ROOT, 'bench/page-bench.js'), 'utf8'));
		const bench = <T>(fn: string, ...a: unknown[]) =>
			page.evaluate(([f, args]) => (window as any).__bench[f as string](...(args as unknown[])), [
				fn,
				a
			] as const) as Promise<T>;

		for (const [load, { clients, rate }] of Object.entries(LOADS)) {
			log(`playground check perf --load=${load} (${clients} clients, ${rate}/s, ${PERF_S} s)`);
			const p = await bench<any>('checkPerf', clients, rate, PERF_S * 1000);
			log(
				`  ${Math.round(p.rps)} writes/s, slowest ${p.slowestMs.toFixed(1)} ms, stddev ${p.stddevMs.toFixed(1)} ms, p50 ${p.p50Ms.toFixed(1)}, p99 ${p.p99Ms.toFixed(1)}, errors ${JSON.stringify(p.errors)}`
			);
			perfRows(load, 'pg', {
				writesPerS: p.rps,
				slowestMs: p.slowestMs,
				stddevMs: p.stddevMs,
				p50Ms: p.p50Ms,
				p99Ms: p.p99Ms
			});
		}

		if (!QUICK || flag('terminal-perf')) await terminalCheckPerf(page);

		for (const ser of [false, true]) {
			const g = await bench<any>('getLatency', GETS, ser);
			const kind = ser ? 'serializable' : 'linearizable';
			record(`get-${kind}-p50-ms`, 'ms', 'lower', 'pg', g.p50Ms);
			record(`get-${kind}-p99-ms`, 'ms', 'lower', 'pg', g.p99Ms);
			log(`get ${kind}: p50 ${g.p50Ms.toFixed(2)} ms p99 ${g.p99Ms.toFixed(2)} ms`);
		}
	} finally {
		await ctx.close();
	}
}

/**
 * The playground's own `etcdctl check perf --load=l`, typed into the page's terminal as a
 * learner would; its verdict's throughput, slowest and stddev are the "terminal" rows (its
 * duration is etcdctl's fixed 60 s, so quick runs leave it out unless --terminal-perf).
 */
async function terminalCheckPerf(page: Page): Promise<void> {
	log('playground terminal: etcdctl check perf --load=l (60 s)');
	const term = page.locator('[data-testid=terminal][data-host=etcd-1]').first();
	await term.click();
	await page.keyboard.type('etcdctl check perf --load=l');
	await page.keyboard.press('Enter');
	const rows = term.locator('.xterm-rows');
	const verdict = /(?:PASS|FAIL): Throughput[^\n]*\n[\s\S]*\n(?:PASS|FAIL)\s*\n/;
	const started = Date.now();
	let text = '';
	while (Date.now() - started < 180_000) {
		text = await rows.innerText();
		if (verdict.test(text + '\n')) break;
		await sleep(1000);
	}
	const num = (re: RegExp) => {
		const m = re.exec(text);
		return m ? Number(m[1]) : NaN;
	};
	const writesPerS = num(/Throughput (?:is|too low:) (\d+) writes\/s/);
	const slowestMs = num(/Slowest request took(?: too long:)? ([\d.]+)s/) * 1000;
	const stddevMs = num(/Stddev (?:is|too high:) ([\d.]+)s/) * 1000;
	if (!Number.isFinite(writesPerS)) {
		log('  the terminal printed no verdict:\n' + text.split('\n').slice(-12).join('\n'));
		return;
	}
	log(
		`  ${writesPerS} writes/s, slowest ${slowestMs.toFixed(1)} ms, stddev ${stddevMs.toFixed(1)} ms`
	);
	perfRows('l-terminal', 'pg', { writesPerS, slowestMs, stddevMs });
}

function perfRows(
	load: string,
	side: 'pg' | 'etcd',
	p: { writesPerS: number; slowestMs: number; stddevMs: number; p50Ms?: number; p99Ms?: number }
) {
	record(`check-perf-${load}-writes-per-s`, 'writes/s', 'higher', side, p.writesPerS);
	record(`check-perf-${load}-slowest-ms`, 'ms', 'lower', side, p.slowestMs);
	record(`check-perf-${load}-stddev-ms`, 'ms', 'lower', side, p.stddevMs);
	if (p.p50Ms !== undefined) record(`check-perf-${load}-p50-ms`, 'ms', 'lower', side, p.p50Ms);
	if (p.p99Ms !== undefined) record(`check-perf-${load}-p99-ms`, 'ms', 'lower', side, p.p99Ms);
}

/** check perf l and the engine figures on the engine-only page (bench/engine-page.ts). */
async function engineOnly(browser: Browser, server: StaticServer): Promise<void> {
	const ctx = await browser.newContext();
	try {
		const page = await ctx.newPage();
		page.on('pageerror', (e) => log('engine page error:', e.message));
		await page.goto(server.url + '/__bench/engine.html');
		await page.waitForFunction(() => document.title === 'ready', null, { timeout: 60_000 });
		await page.evaluate(readFileSync(join(ROOT, 'bench/page-bench.js'), 'utf8'));
		const { clients, rate } = LOADS.l;
		log(`engine-only page: check perf --load=l (${clients} clients, ${rate}/s, ${PERF_S} s)`);
		const p = await page.evaluate(([c, r, d]) => (window as any).__bench.checkPerf(c, r, d), [
			clients,
			rate,
			PERF_S * 1000
		] as const);
		log(
			`  ${Math.round(p.rps)} writes/s, slowest ${p.slowestMs.toFixed(1)} ms, p50 ${p.p50Ms.toFixed(1)}, p99 ${p.p99Ms.toFixed(1)}`
		);
		perfRows('l-engine-only', 'pg', {
			writesPerS: p.rps,
			slowestMs: p.slowestMs,
			stddevMs: p.stddevMs,
			p50Ms: p.p50Ms,
			p99Ms: p.p99Ms
		});
		const bench = <T>(fn: string, ...a: unknown[]) =>
			page.evaluate(([f, args]) => (window as any).__bench[f as string](...(args as unknown[])), [
				fn,
				a
			] as const) as Promise<T>;
		log(`loading ${KEYS} keys`);
		let st = performance.now();
		await bench('loadKeys', 0, KEYS);
		record(`load-${kname(KEYS)}-keys-ms`, 'ms', 'lower', 'pg', performance.now() - st);
		log(`  loaded in ${((performance.now() - st) / 1000).toFixed(1)} s`);
		for (let r = 0; r < RUNS; r++) {
			for (const n of [SMALL, KEYS]) {
				record(
					`range-${kname(n)}-keys-only-ms`,
					'ms',
					'lower',
					'pg',
					await bench<number>('range', n, true)
				);
				record(
					`range-${kname(n)}-keys-ms`,
					'ms',
					'lower',
					'pg',
					await bench<number>('range', n, false)
				);
			}
		}
		log(
			`range ${kname(SMALL)}: ${median(figures.get(`range-${kname(SMALL)}-keys-ms`)!.pg).toFixed(1)} ms`
		);

		for (let r = 0; r < RUNS; r++) {
			const first = await bench<number>('watchPrepare', WATCH_EVENTS, `r${r}`);
			record(
				`watch-${kname(WATCH_EVENTS)}-events-ms`,
				'ms',
				'lower',
				'pg',
				await bench<number>('watch', WATCH_EVENTS, `r${r}`, first)
			);
		}

		const heaps = await workerHeaps(page);
		log('worker heaps', heaps);
		for (const [name, bytes] of Object.entries(heaps)) {
			record(`memory-${name}-${kname(KEYS)}-keys-mb`, 'MB', 'lower', 'pg', bytes / 2 ** 20);
		}

		st = performance.now();
		for (let r = 0; r < Math.max(3, RUNS); r++) {
			const x = await bench<any>('restart', 'etcd-2');
			record(`restart-${kname(KEYS)}-keys-ms`, 'ms', 'lower', 'pg', x.ms);
			log(
				`restart etcd-2: serving after ${x.ms.toFixed(0)} ms (worker started in ${x.spawnedMs.toFixed(0)} ms)`
			);
		}
		log('status', JSON.stringify(await bench<any[]>('status')));
	} finally {
		await ctx.close();
	}
}

// ---- real etcd ----

const rkey = (i: number) => Buffer.from(`/bench/range/${String(i).padStart(6, '0')}`);

async function realEtcd(): Promise<void> {
	for (let r = 0; r < RUNS; r++) {
		const c = new RealCluster();
		try {
			c.start();
			const ms = await c.firstPut();
			record('boot-to-first-write-ms', 'ms', 'lower', 'etcd', ms);
			log(`etcd boot: first put after ${ms.toFixed(0)} ms`);
		} finally {
			await c.stop();
		}
	}

	const c = new RealCluster();
	const g = new EtcdGrpc(clientUrl(1));
	try {
		c.start();
		await c.firstPut();
		if (PERF_S === 60 || flag('etcd-perf')) {
			for (const load of Object.keys(LOADS)) {
				log(`etcd: etcdctl check perf --load=${load}`);
				let p = await etcdctlCheckPerf(load);
				if (!Number.isFinite(p.writesPerS)) {
					// etcdctl gave no figures (an error on a loaded machine): say what, try once more.
					log(`  no figures; etcdctl said: ${p.raw.slice(-400).replace(/\s+/g, ' ')}`);
					log(`etcd: etcdctl check perf --load=${load}, second try`);
					p = await etcdctlCheckPerf(load);
				}
				log(`  ${p.output.replace(/\n/g, ' / ')}`);
				perfRows(load, 'etcd', p);
				for (const row of ['l-engine-only', 'l-terminal'])
					if (load === 'l' && figures.has(`check-perf-${row}-writes-per-s`))
						perfRows(row, 'etcd', p);
			}
		} else {
			log(
				`etcd: check perf skipped (etcdctl's duration is fixed at 60 s; this run uses ${PERF_S} s)`
			);
		}

		await g.put(Buffer.from('/bench/get'), Buffer.from('v'));
		for (const ser of [false, true]) {
			const lat: number[] = [];
			for (let i = 0; i < GETS + 20; i++) {
				const st = performance.now();
				await g.range({ key: Buffer.from('/bench/get'), serializable: ser });
				if (i >= 20) lat.push(performance.now() - st);
			}
			lat.sort((a, b) => a - b);
			const kind = ser ? 'serializable' : 'linearizable';
			record(`get-${kind}-p50-ms`, 'ms', 'lower', 'etcd', lat[Math.floor(lat.length * 0.5)]);
			record(`get-${kind}-p99-ms`, 'ms', 'lower', 'etcd', lat[Math.floor(lat.length * 0.99)]);
		}

		log(`etcd: loading ${KEYS} keys`);
		const loadStart = performance.now();
		const value = Buffer.alloc(100, 120);
		const batches: number[] = [];
		for (let i = 0; i < KEYS; i += 128) batches.push(i);
		let next = 0;
		await Promise.all(
			Array.from({ length: 8 }, async () => {
				while (next < batches.length) {
					const b = batches[next++];
					const puts: [Buffer, Buffer][] = [];
					for (let i = b; i < Math.min(KEYS, b + 128); i++) puts.push([rkey(i), value]);
					await g.txnPuts(puts);
				}
			})
		);
		record(`load-${kname(KEYS)}-keys-ms`, 'ms', 'lower', 'etcd', performance.now() - loadStart);
		for (let r = 0; r < RUNS; r++) {
			for (const n of [SMALL, KEYS]) {
				for (const keysOnly of [true, false]) {
					const st = performance.now();
					await g.range({ key: rkey(0), rangeEnd: rkey(n), keysOnly });
					record(
						`range-${kname(n)}-keys${keysOnly ? '-only' : ''}-ms`,
						'ms',
						'lower',
						'etcd',
						performance.now() - st
					);
				}
			}
		}

		for (let r = 0; r < RUNS; r++) {
			const first = headerRevision(await g.range({ key: Buffer.from('/bench/none') })) + 1;
			const v = Buffer.alloc(100, 119);
			for (let b = 0; b < WATCH_EVENTS; b += 100) {
				const puts: [Buffer, Buffer][] = [];
				for (let i = b; i < Math.min(WATCH_EVENTS, b + 100); i++)
					puts.push([Buffer.from(`/bench/watch/r${r}/${i}`), v]);
				await g.txnPuts(puts);
			}
			const ms = await g.watchCount(
				Buffer.from(`/bench/watch/r${r}/`),
				Buffer.from(`/bench/watch/r${r}0`),
				first,
				WATCH_EVENTS
			);
			record(`watch-${kname(WATCH_EVENTS)}-events-ms`, 'ms', 'lower', 'etcd', ms);
		}

		const rss = c.rss();
		rss.forEach((b, i) =>
			record(`memory-etcd-${i + 1}-${kname(KEYS)}-keys-mb`, 'MB', 'lower', 'etcd', b / 2 ** 20)
		);
		log(
			'etcd rss MB',
			rss.map((b) => (b / 2 ** 20).toFixed(1))
		);

		for (let r = 0; r < Math.max(3, RUNS); r++) {
			const ms = await c.restart(2);
			record(`restart-${kname(KEYS)}-keys-ms`, 'ms', 'lower', 'etcd', ms);
			log(`etcd restart etcd-2: serving after ${ms.toFixed(0)} ms`);
		}
	} finally {
		g.close();
		await c.stop();
	}
}

// ---- main ----

async function main(): Promise<void> {
	const started = new Date();
	const load0 = loadavg();
	const SITE = optS('site', '');
	if (!flag('no-build') && !SITE) {
		log('building the site (vite build)');
		execSync('npx vite build', { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
	}
	const site = mkdtempSync(join(tmpdir(), 'playground-bench-site-'));
	cpSync(SITE ? resolve(SITE) : join(ROOT, 'build'), site, { recursive: true });
	const server = await serveStatic(site, 0, {
		'/__bench/engine.html': { type: 'text/html', body: engineHtml(site) }
	});
	log(`serving ${site} at ${server.url}`);
	let browser: Browser | null = null;
	const cleanup = () => killAll();
	process.on('exit', cleanup);
	for (const sig of ['SIGINT', 'SIGTERM'] as const) {
		process.on(sig, () => {
			cleanup();
			process.exit(130);
		});
	}
	let etcdRan = false;
	try {
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: CHROMIUM_ARGS,
			headless: true
		});
		if (!flag('no-playground')) await playground(browser, server);
		if (!flag('no-engine-only')) await engineOnly(browser, server);
		await browser.close();
		browser = null;
		const loadMid = loadavg();
		if (!flag('no-etcd') && etcdInstalled() && hostsReady()) {
			etcdRan = true;
			await realEtcd();
		} else {
			log('real etcd not run (not installed, /etc/hosts not writable, or --no-etcd)');
		}
		const rs = rows();
		console.log(table(rs));
		mkdirSync(dirname(OUT), { recursive: true });
		writeFileSync(OUT, JSON.stringify(rs, null, '\t') + '\n');
		const meta = {
			started: started.toISOString(),
			finished: new Date().toISOString(),
			quick: QUICK,
			runs: RUNS,
			perfSeconds: PERF_S,
			keys: KEYS,
			etcd: etcdRan,
			loadavg: { start: load0, afterPlayground: loadMid, end: loadavg() }
		};
		mkdirSync(join(ROOT, 'bench/out'), { recursive: true });
		writeFileSync(join(ROOT, 'bench/out/meta.json'), JSON.stringify(meta, null, '\t') + '\n');
		console.log(
			`\nload average (1/5/15 min): start ${load0.map((x) => x.toFixed(1)).join('/')}, end ${loadavg()
				.map((x) => x.toFixed(1))
				.join('/')}`
		);
		console.log(`wrote ${OUT}`);
	} finally {
		if (browser) await browser.close().catch(() => undefined);
		killAll();
		await server.close();
		rmSync(site, { recursive: true, force: true });
	}
}

main().catch((e) => {
	killAll();
	console.error(e);
	process.exit(1);
});
