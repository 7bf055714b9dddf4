/**
 * Walks every lesson as a learner would: a fresh cluster of the lesson's size and preset, each
 * step's command pasted into its terminal (a long-running one left running), then the step's
 * check against the cluster. Each check must fail before its command ran and pass after, so a
 * check that is always satisfied cannot hide here.
 */
import { describe, expect, it } from 'vitest';
import { runEtcdctl } from '../../../src/lib/etcdctl';
import { LESSONS, type Lesson } from '../../../src/lib/lessons';
import { openVerifyContext, type OpenVerifyContext } from '../../../src/lib/lessons/context';
import { parseStatus } from '../../../src/lib/lessons/status';
import { createNodeCluster } from '../../../src/lib/node-cluster';
import { findPreset } from '../../../src/lib/presets';
import { withTlsFiles } from '../../../src/lib/presets/tls';
import type { ClusterHost } from '../../../src/lib/scenario/host';
import { ShellSession } from '../../../src/lib/shell/session';
import { etcdctlFs } from '../../../src/lib/shell/vfs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function terminal(host: ClusterHost, log: string[]): Promise<ShellSession> {
	const session = await ShellSession.create({
		write: (t) => void log.push(t),
		etcdctl: runEtcdctl,
		terminalInput: false
	});
	for (const [path, content] of Object.entries(host.files ?? {})) {
		session.fs.mkdirSync(path.slice(0, path.lastIndexOf('/')), { recursive: true });
		session.fs.writeFileSync(path, content);
	}
	const read = (p: string) => {
		const b = etcdctlFs(session.fs, session.cwd).readFile(p);
		return b === null ? null : new TextDecoder().decode(b);
	};
	session.attach(withTlsFiles(host.clients, read), (args, out, io) => host.control(args, out, io));
	return session;
}

/** Polls a check until it passes or `ms` runs out; returns its last answer. */
async function settle(check: () => Promise<string | null>, ms: number): Promise<string | null> {
	const until = Date.now() + ms;
	for (;;) {
		let answer: string | null;
		try {
			answer = await check();
		} catch (e) {
			answer = `check threw: ${(e as Error).message}`;
		}
		if (answer === null || Date.now() > until) return answer;
		await sleep(200);
	}
}

async function walk(lesson: Lesson): Promise<void> {
	const host = await createNodeCluster({ size: lesson.clusterSize, preset: lesson.preset });
	const terminals = new Map<number, ShellSession>();
	const log: string[] = [];
	const contexts: OpenVerifyContext[] = [];
	try {
		await host.waitForLeader(10_000);
		const first = await terminal(host, log);
		terminals.set(1, first);
		const ctx = await openVerifyContext({
			clients: host.clients,
			members: () => host.members(),
			status: async () => {
				let text = '';
				await host.control(['status'], (t) => (text += t));
				return parseStatus(text);
			},
			readFile: (p) => etcdctlFs(first.fs, first.cwd).readFile(p),
			variable: (n) => first.variable(n),
			preset: findPreset(lesson.preset)
		});
		contexts.push(ctx);
		for (const [i, step] of lesson.steps.entries()) {
			const where = `${lesson.id} step ${i + 1} (${step.title})`;
			const before = await step.verify(ctx).catch((e: Error) => `check threw: ${e.message}`);
			expect(before, `${where} is done before its command ran`).not.toBeNull();
			const n = step.terminal ?? 1;
			if (!terminals.has(n)) terminals.set(n, await terminal(host, log));
			const session = terminals.get(n)!;
			log.length = 0;
			if (n === 1) {
				const stop = new AbortController();
				const timer = setTimeout(() => stop.abort(), 30_000);
				await session.run(step.command, { signal: stop.signal });
				clearTimeout(timer);
			} else {
				// It keeps running (a watch, a held lock) while the learner goes on.
				void session.run(step.command);
				await sleep(500);
			}
			expect(await settle(() => step.verify(ctx), 8_000), `${where}\n${log.join('')}`).toBeNull();
		}
	} finally {
		for (const c of contexts) c.close();
		for (const t of terminals.values()) {
			t.interrupt();
			await t.stopJobs();
		}
		await host.close();
	}
}

describe.concurrent('lesson walk-throughs', () => {
	for (const lesson of LESSONS) {
		it(lesson.id, () => walk(lesson), 120_000);
	}
});
