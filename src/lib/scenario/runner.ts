/**
 * Replays a scenario against a fresh cluster and returns its transcript (./transcript.ts). It
 * runs wherever the cluster host does: in Node (`npm run scenario`, tests) and in the browser
 * (share links), so it uses nothing but timers and the interfaces it is given.
 */
import { ShellSession } from '../shell/session';
import type { EtcdctlRunner } from '../shell/etcdctl-io';
import type { ClusterHostFactory } from './host';
import { parseScenario } from './parser';
import { ensureNewline, stepTranscript } from './transcript';

export interface RunScenarioOptions {
	/** Seeds the cluster's random choices. */
	seed?: number;
	/**
	 * After each command, background jobs are given until they have printed nothing for this
	 * long (default 300 ms) to show what the command caused, at most `quietMs * 10`.
	 */
	quietMs?: number;
	/** A foreground command still running after this long is interrupted like Ctrl-C (90 s). */
	commandTimeoutMs?: number;
	/** How long to wait for the first leader (default 10 s). */
	leaderTimeoutMs?: number;
	/** Starting state of the cluster (host-defined preset name). */
	preset?: string;
	etcdctl?: EtcdctlRunner;
	loadEtcdctl?: () => Promise<EtcdctlRunner>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runScenario(
	text: string,
	hostFactory: ClusterHostFactory,
	opts: RunScenarioOptions = {}
): Promise<string> {
	const quietMs = opts.quietMs ?? 300;
	let foreground = '';
	let background = '';
	const session = await ShellSession.create({
		write: (t, from) => {
			if (from.job === undefined) foreground += t;
			else background += t;
		},
		etcdctl: opts.etcdctl,
		loadEtcdctl: opts.loadEtcdctl,
		// The recorder runs each command with </dev/null.
		terminalInput: false
	});
	const scenario = parseScenario(text, (t) => session.isComplete(t));
	const host = await hostFactory({
		size: scenario.clusterSize,
		seed: opts.seed,
		preset: opts.preset
	});
	try {
		await host.waitForLeader(opts.leaderTimeoutMs ?? 10_000);
		session.attach(host.clients, (args, out) => host.control(args, out));
		let transcript = '';
		for (const step of scenario.steps) {
			foreground = '';
			background = '';
			const status = await runStep(session, step.text, opts.commandTimeoutMs ?? 90_000);
			await settle(session, quietMs);
			transcript += stepTranscript(step, foreground, background, step.background ? 0 : status);
		}
		background = '';
		await session.stopJobs();
		return transcript + ensureNewline(background);
	} finally {
		await session.stopJobs();
		await host.close();
	}
}

async function runStep(session: ShellSession, text: string, timeoutMs: number): Promise<number> {
	const interrupt = new AbortController();
	const timer = setTimeout(() => interrupt.abort(), timeoutMs);
	try {
		return await session.run(text, { signal: interrupt.signal });
	} finally {
		clearTimeout(timer);
	}
}

/** Waits until running background jobs have been quiet for `quietMs` (bounded). */
async function settle(session: ShellSession, quietMs: number): Promise<void> {
	// Let promise chains of jobs that just ended deliver their output.
	await sleep(0);
	if (session.runningJobs().length === 0) return;
	const start = Date.now();
	const tick = Math.max(5, Math.min(50, quietMs / 4));
	for (;;) {
		await sleep(tick);
		const now = Date.now();
		if (now - Math.max(start, session.lastOutputAt) >= quietMs) return;
		if (now - start >= quietMs * 10 || session.runningJobs().length === 0) return;
	}
}
