/* eslint-disable @typescript-eslint/no-explicit-any -- CDP payloads are untyped */
/**
 * Where check perf's CPU goes (a tool for working on throughput, not part of `npm run bench`):
 * serves a built site, runs `etcdctl check perf --load=l`'s work on the engine-only page (or
 * the full page with --full) while the V8 sampling profiler runs in the page and in every
 * member worker, then prints each target's functions by self time and writes the
 * .cpuprofile files (open them in Chromium's DevTools, Performance panel).
 *
 *   npx tsx bench/profile.ts [--site build] [--seconds 8] [--full] [--top 25] [--out DIR]
 *
 * Build the site with `npx vite build --minify false` first to read function names.
 */
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { serveStatic } from './serve';
import { engineHtml } from './engine-page';

const ROOT = resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const opt = (n: string, d: string) => {
	const i = argv.indexOf(`--${n}`);
	return i >= 0 ? argv[i + 1] : d;
};
const SITE = resolve(ROOT, opt('site', 'build'));
const SECONDS = Number(opt('seconds', '8'));
const TOP = Number(opt('top', '25'));
const OUT = resolve(ROOT, opt('out', 'bench/out/profile'));
const FULL = argv.includes('--full');

interface Node {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
	children?: number[];
}

/** Self time per function (name, file, line) in ms, from a CDP Profiler.Profile. */
function selfTimes(p: { nodes: Node[]; samples: number[]; timeDeltas: number[] }) {
	const byId = new Map(p.nodes.map((n) => [n.id, n]));
	const self = new Map<string, number>();
	let total = 0;
	for (let i = 0; i < p.samples.length; i++) {
		const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
		const f = byId.get(p.samples[i])!.callFrame;
		const file = f.url.split('/').pop() ?? '';
		const key = `${f.functionName || '(anonymous)'}  ${file}:${f.lineNumber + 1}`;
		self.set(key, (self.get(key) ?? 0) + dt);
		total += dt;
	}
	return { total, rows: [...self].sort((a, b) => b[1] - a[1]) };
}

async function main(): Promise<void> {
	const server = await serveStatic(SITE, 0, {
		'/__bench/engine.html': { type: 'text/html', body: engineHtml(SITE) }
	});
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
		headless: true
	});
	try {
		const ctx = await browser.newContext();
		const page = await ctx.newPage();
		page.on('pageerror', (e) => console.log('page error:', e.message));
		if (FULL) {
			await page.goto(server.url + '/');
			await page
				.getByTestId('cluster-state')
				.filter({ hasText: 'Cluster ready' })
				.waitFor({ timeout: 60_000 });
		} else {
			await page.goto(server.url + '/__bench/engine.html');
			await page.waitForFunction(() => document.title === 'ready', null, { timeout: 60_000 });
		}
		await page.evaluate(readFileSync(join(ROOT, 'bench/page-bench.js'), 'utf8'));

		const s = await ctx.newCDPSession(page);
		const targets: { sessionId: string; title: string }[] = [];
		s.on('Target.attachedToTarget', (e: any) => {
			if (e.targetInfo.type === 'worker')
				targets.push({ sessionId: e.sessionId, title: e.targetInfo.title || e.targetInfo.url });
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
		await new Promise((r) => setTimeout(r, 500));
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
		for (const t of targets) {
			await send(t.sessionId, 'Profiler.enable');
			await send(t.sessionId, 'Profiler.setSamplingInterval', { interval: 200 });
		}
		await s.send('Profiler.enable');
		await s.send('Profiler.setSamplingInterval', { interval: 200 });
		const load0 = loadavg()[0];
		for (const t of targets) await send(t.sessionId, 'Profiler.start');
		await s.send('Profiler.start');
		const r = await page.evaluate(([d]) => (window as any).__bench.checkPerf(500, 8000, d), [
			SECONDS * 1000
		] as const);
		const profiles: { title: string; profile: any }[] = [];
		profiles.push({ title: 'page', profile: (await s.send('Profiler.stop')).profile });
		for (const t of targets)
			profiles.push({
				title: t.title,
				profile: (await send(t.sessionId, 'Profiler.stop')).result.profile
			});
		console.log(
			`check perf l for ${SECONDS} s: ${Math.round(r.rps)} writes/s, p50 ${r.p50Ms.toFixed(1)} ms, ` +
				`p99 ${r.p99Ms.toFixed(1)} ms (load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)})`
		);
		mkdirSync(OUT, { recursive: true });
		profiles.forEach(({ title, profile }, i) => {
			const { total, rows } = selfTimes(profile);
			const idle = rows.find(([k]) => k.startsWith('(idle)'))?.[1] ?? 0;
			const busy = total - idle;
			console.log(
				`\n== ${title}: ${total.toFixed(0)} ms sampled, ${busy.toFixed(0)} ms busy, ` +
					`${((1000 * busy) / Math.max(1, r.count)).toFixed(0)} µs busy per write`
			);
			for (const [k, ms] of rows.slice(0, TOP))
				console.log(
					`${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${k}`
				);
			writeFileSync(
				join(OUT, `${i}-${title.replace(/[^\w.-]+/g, '_')}.cpuprofile`),
				JSON.stringify(profile)
			);
		});
		console.log(`\nprofiles in ${OUT}`);
	} finally {
		await browser.close();
		await server.close();
	}
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
