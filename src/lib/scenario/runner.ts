/**
 * Replays a scenario against a fresh cluster and returns its transcript (./transcript.ts). It
 * runs wherever the cluster host does: in Node (`npm run scenario`, tests) and in the browser
 * (share links), so it uses nothing but timers and the interfaces it is given.
 */
import { withTlsFiles } from '../presets/tls';
import { ShellSession } from '../shell/session';
import { etcdctlFs } from '../shell/vfs';
import type { EtcdctlRunner } from '../shell/etcdctl-io';
import type { ClusterHost, ClusterHostFactory } from './host';
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
	/** Starting state of the cluster (a preset name); overrides the scenario's `# preset:` line. */
	preset?: string;
	/** etcdctl to run (default: src/lib/etcdctl, loaded on first use). */
	etcdctl?: EtcdctlRunner;
	loadEtcdctl?: () => Promise<EtcdctlRunner>;
}

const loadEtcdctl = () => import('../etcdctl/index').then((m) => m.runEtcdctl);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runScenario(
	text: string,
	hostFactory: ClusterHostFactory,
	opts: RunScenarioOptions = {}
): Promise<string> {
	const quietMs = opts.quietMs ?? 300;
	let foreground = '';
	// Per job: the recorder shows each job's output in turn, in the order the jobs started.
	const background = new Map<number, string>();
	const drain = () => {
		const text = [...background.keys()]
			.sort((a, b) => a - b)
			.map((job) => background.get(job))
			.join('');
		background.clear();
		return text;
	};
	const session = await ShellSession.create({
		write: (t, from) => {
			if (from.job === undefined) foreground += t;
			else background.set(from.job, (background.get(from.job) ?? '') + t);
		},
		etcdctl: opts.etcdctl,
		loadEtcdctl: opts.loadEtcdctl ?? loadEtcdctl,
		// The recorder runs each command with </dev/null.
		terminalInput: false
	});
	const scenario = parseScenario(text, (t) => session.isComplete(t));
	const host = await hostFactory({
		size: scenario.clusterSize,
		seed: opts.seed,
		preset: opts.preset ?? scenario.preset
	});
	try {
		await host.waitForLeader(opts.leaderTimeoutMs ?? 10_000);
		await leaderToFirstMember(host, opts.leaderTimeoutMs ?? 10_000);
		for (const [path, content] of Object.entries(host.files ?? {})) {
			session.fs.mkdirSync(path.slice(0, path.lastIndexOf('/')) || '/', { recursive: true });
			session.fs.writeFileSync(path, content);
		}
		const clients = withTlsFiles(host.clients, (path) => {
			const bytes = etcdctlFs(session.fs, session.cwd).readFile(path);
			return bytes === null ? null : new TextDecoder().decode(bytes);
		});
		session.attach(clients, (args, out, io) => host.control(args, out, io));
		let transcript = '';
		for (const step of scenario.steps) {
			foreground = '';
			drain();
			const status = await runStep(session, step.text, opts.commandTimeoutMs ?? 90_000);
			await settle(session, quietMs);
			transcript += stepTranscript(step, foreground, drain(), step.background ? 0 : status);
		}
		drain();
		await session.stopJobs();
		return transcript + ensureNewline(drain());
	} finally {
		await session.stopJobs();
		await host.close();
	}
}

/**
 * Like the recorder (tests/conformance/README.md), start with etcd-1 as the leader, so that
 * leader-dependent output (endpoint status, move-leader) does not depend on who won the first
 * election. Best effort: a cluster that cannot move its leader runs the scenario as it is.
 */
async function leaderToFirstMember(host: ClusterHost, timeoutMs: number): Promise<void> {
	if (host.members().length < 2) return;
	const endpoint = '127.0.0.1:2379';
	let client;
	try {
		client = await host.clients.connect({
			endpoints: [endpoint],
			dialTimeoutMs: 2000,
			commandTimeoutMs: 5000
		});
		const first = await client.status(endpoint);
		const self = first.header.member_id;
		if (first.leader === self) return;
		const { members } = await client.memberList();
		const leader = members.find((m) => m.ID === first.leader);
		if (!leader?.clientURLs[0]) return;
		await client.moveLeader(leader.clientURLs[0], self);
		const until = Date.now() + timeoutMs;
		while ((await client.status(endpoint)).leader !== self && Date.now() < until) await sleep(20);
	} catch {
		// the scenario runs with whichever leader there is
	} finally {
		client?.close();
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
