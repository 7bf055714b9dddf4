/**
 * Records conformance transcripts from a real etcd cluster (etcd 3.4.23 as Debian ships it).
 *
 *   npm run record:etcd                     # every tests/conformance/*.sh
 *   npm run record:etcd -- kv watch         # only kv.sh and watch.sh
 *
 * Per scenario: a fresh cluster of N members (`# cluster: N`, default 3) named etcd-1..N on
 * 127.0.0.11..1N, peer URLs http://etcd-N:2380, token `playground`, etcd-1 also listening on
 * 127.0.0.1:2379. The scenario's lines then run in ONE bash session (variables and exports carry
 * over, heredocs feed stdin, `cmd &` starts a background job) and the transcript is written to
 * tests/conformance/<name>.etcd.txt. Transcript format (tests/conformance/README.md):
 *   $ COMMAND            (heredoc body lines and the terminator follow, as typed)
 *   ...output...         (stdout and stderr as the terminal interleaves them)
 *   ...background output produced while the command ran...
 *   [exit N]             (only when N != 0)
 * The cluster is always stopped (by PID) and its data removed, also on errors and Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseScenario, type ScenarioStep } from '../tests/conformance/scenario';

const ROOT = resolve(import.meta.dirname, '..');
const CONFORMANCE = join(ROOT, 'tests/conformance');
const TOKEN = 'playground';
/** A command that has not finished after this long is interrupted (SIGINT) and recorded so. */
const COMMAND_LIMIT_MS = 30_000;
/** Time given to background jobs to print what the command just caused. */
const SETTLE_MS = 700;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ensureHosts(n: number): void {
	const hosts = readFileSync('/etc/hosts', 'utf8');
	const missing: string[] = [];
	for (let i = 1; i <= n; i++) {
		if (!new RegExp(`^127\\.0\\.0\\.1${i}\\s+etcd-${i}\\b`, 'm').test(hosts)) {
			missing.push(`127.0.0.1${i} etcd-${i}`);
		}
	}
	if (missing.length) appendFileSync('/etc/hosts', missing.join('\n') + '\n');
}

interface Cluster {
	procs: ChildProcess[];
	dir: string;
}

function startCluster(n: number): Cluster {
	ensureHosts(Math.max(n, 3));
	const dir = mkdtempSync(join(tmpdir(), 'etcd-record-'));
	const initial = Array.from({ length: n }, (_, i) => `etcd-${i + 1}=http://etcd-${i + 1}:2380`);
	const procs: ChildProcess[] = [];
	for (let i = 1; i <= n; i++) {
		const ip = `127.0.0.1${i}`;
		const listen = i === 1 ? `http://${ip}:2379,http://127.0.0.1:2379` : `http://${ip}:2379`;
		const args = [
			'--name',
			`etcd-${i}`,
			'--data-dir',
			join(dir, `etcd-${i}`),
			'--listen-peer-urls',
			`http://${ip}:2380`,
			'--initial-advertise-peer-urls',
			`http://etcd-${i}:2380`,
			'--listen-client-urls',
			listen,
			'--advertise-client-urls',
			`http://etcd-${i}:2379`,
			'--initial-cluster',
			initial.join(','),
			'--initial-cluster-token',
			TOKEN,
			'--initial-cluster-state',
			'new'
		];
		const p = spawn('/usr/bin/etcd', args, {
			stdio: ['ignore', 'ignore', 'pipe'],
			env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ETCD_UNSUPPORTED_ARCH: '' }
		});
		const log = join(dir, `etcd-${i}.log`);
		p.stderr?.on('data', (d: Buffer) => appendFileSync(log, d));
		procs.push(p);
	}
	return { procs, dir };
}

async function stopCluster(c: Cluster): Promise<void> {
	for (const p of c.procs) if (p.exitCode === null && p.pid) p.kill('SIGTERM');
	const deadline = Date.now() + 5000;
	while (Date.now() < deadline && c.procs.some((p) => p.exitCode === null && !p.signalCode)) {
		await sleep(50);
	}
	for (const p of c.procs) if (p.exitCode === null && !p.signalCode && p.pid) p.kill('SIGKILL');
	rmSync(c.dir, { recursive: true, force: true });
}

async function waitHealthy(n: number): Promise<void> {
	const deadline = Date.now() + 30_000;
	for (;;) {
		let ok = 0;
		for (let i = 1; i <= n; i++) {
			try {
				const r = await fetch(`http://127.0.0.1${i}:2379/health`, {
					signal: AbortSignal.timeout(1000)
				});
				const body = (await r.json()) as { health?: string };
				if (body.health === 'true') ok++;
			} catch {
				// not up yet
			}
		}
		if (ok === n) return;
		if (Date.now() > deadline) throw new Error(`cluster of ${n} not healthy after 30s`);
		await sleep(100);
	}
}

const ETCD1_ID = 'ac50589ee05989df';

function etcdctl(args: string[]): Promise<string> {
	return new Promise((res, rej) => {
		const p = spawn('/usr/bin/etcdctl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		p.stdout.on('data', (d: Buffer) => (out += d.toString()));
		p.stderr.on('data', (d: Buffer) => (out += d.toString()));
		p.on('close', (code) => (code === 0 ? res(out) : rej(new Error(out))));
	});
}

/**
 * Which member wins the first election is chance; scenarios print leader-dependent text
 * (endpoint status, member_id of forwarded requests), so every scenario starts with etcd-1 as
 * leader, as the playground's cluster does.
 */
async function makeFirstMemberLeader(n: number): Promise<void> {
	const eps = Array.from({ length: n }, (_, i) => `http://127.0.0.1${i + 1}:2379`).join(',');
	for (let attempt = 0; attempt < 10; attempt++) {
		const table = await etcdctl(['--endpoints', eps, 'endpoint', 'status']);
		const leaderRow = table.split('\n').find((l) => l.split(', ')[4] === 'true');
		if (!leaderRow) {
			await sleep(200);
			continue;
		}
		const [leaderEp, leaderId] = leaderRow.split(', ');
		if (leaderId === ETCD1_ID) return;
		await etcdctl(['--endpoints', leaderEp, 'move-leader', ETCD1_ID]);
		await sleep(300);
	}
	throw new Error('could not make etcd-1 the leader');
}

/** One bash process reading commands from a pipe; stderr merged into stdout. */
class Session {
	private bash: ChildProcess;
	private out = '';
	private seq = 0;
	private exited: string | undefined;
	readonly bgFiles: { file: string; read: number; pgid: number }[] = [];

	constructor(private dir: string) {
		this.bash = spawn('/bin/bash', ['--noprofile', '--norc'], {
			cwd: dir,
			stdio: ['pipe', 'pipe', 'pipe'],
			env: {
				PATH: '/usr/local/bin:/usr/bin:/bin',
				HOME: dir,
				LANG: 'C.UTF-8',
				TERM: 'dumb'
			}
		});
		this.bash.stdout?.on('data', (d: Buffer) => (this.out += d.toString('utf8')));
		this.bash.stderr?.on('data', (d: Buffer) => (this.out += d.toString('utf8')));
		this.bash.on('exit', (code, sig) => (this.exited = `bash exited (${code ?? sig})`));
		this.send("exec 2>&1\nset -m\ntrap 'true' INT\n");
	}

	private send(text: string): void {
		this.bash.stdin?.write(text);
	}

	/** Runs one step and returns what the terminal showed plus the exit status. */
	async run(step: ScenarioStep): Promise<{ output: string; status: number }> {
		const n = ++this.seq;
		const marker = `\x1e${n}:`;
		if (step.background) {
			const file = join(this.dir, `bg-${n}.out`);
			this.send(`{ ${step.text}\n} >${file} 2>&1 </dev/null &\nprintf '${marker}%d\\x1e' $!\n`);
			const { body, tail } = await this.until(marker);
			const pgid = Number(tail);
			this.bgFiles.push({ file, read: 0, pgid });
			await sleep(SETTLE_MS);
			return { output: body + this.drainBackground(), status: 0 };
		}
		this.send(`{ ${step.text}\n} </dev/null\nprintf '${marker}%d\\x1e' $?\n`);
		const { body, tail } = await this.until(marker);
		let output = body;
		if (this.bgFiles.length) {
			await sleep(SETTLE_MS);
			output = ensureNewline(output) + this.drainBackground();
		}
		return { output, status: Number(tail) };
	}

	drainBackground(): string {
		let text = '';
		for (const bg of this.bgFiles) {
			if (!existsSync(bg.file)) continue;
			const all = readFileSync(bg.file);
			text += all.subarray(bg.read).toString('utf8');
			bg.read = all.length;
		}
		return text;
	}

	private async until(marker: string): Promise<{ body: string; tail: string }> {
		const deadline = Date.now() + COMMAND_LIMIT_MS;
		let interrupted = false;
		for (;;) {
			const at = this.out.indexOf(marker);
			if (at >= 0) {
				const end = this.out.indexOf('\x1e', at + marker.length);
				if (end >= 0) {
					const body = this.out.slice(0, at);
					const tail = this.out.slice(at + marker.length, end);
					this.out = this.out.slice(end + 1);
					return { body, tail };
				}
			}
			if (this.exited) throw new Error(`${this.exited}; output so far: ${this.out}`);
			if (!interrupted && Date.now() > deadline) {
				// A foreground command that never ends (watch without &): interrupt it like Ctrl-C.
				interrupted = true;
				spawn('/usr/bin/pkill', ['-INT', '-P', String(this.bash.pid)]);
			}
			await sleep(20);
		}
	}

	/** Ctrl-C to every background job, then collect what they printed while stopping. */
	async stopBackground(): Promise<string> {
		for (const bg of this.bgFiles) {
			try {
				process.kill(-bg.pgid, 'SIGINT');
			} catch {
				// already gone
			}
		}
		await sleep(SETTLE_MS);
		for (const bg of this.bgFiles) {
			try {
				process.kill(-bg.pgid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
		return this.drainBackground();
	}

	/** Ends the session: background job groups and bash itself, by their process IDs. */
	close(): void {
		for (const bg of this.bgFiles) {
			try {
				process.kill(-bg.pgid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
		this.bash.stdin?.end();
		if (this.bash.exitCode === null) this.bash.kill('SIGKILL');
	}
}

function ensureNewline(s: string): string {
	return s === '' || s.endsWith('\n') ? s : s + '\n';
}

export async function recordScenario(file: string): Promise<string> {
	const scenario = parseScenario(readFileSync(file, 'utf8'));
	const cluster = startCluster(scenario.clusterSize);
	const work = mkdtempSync(join(tmpdir(), 'etcd-session-'));
	let session: Session | undefined;
	const stop = async () => {
		session?.close();
		await stopCluster(cluster);
		rmSync(work, { recursive: true, force: true });
	};
	live.add(stop);
	try {
		await waitHealthy(scenario.clusterSize);
		await makeFirstMemberLeader(scenario.clusterSize);
		session = new Session(work);
		let transcript = '';
		for (const step of scenario.steps) {
			transcript +=
				`$ ${step.echo[0]}\n` +
				step.echo
					.slice(1)
					.map((l) => l + '\n')
					.join('');
			if (process.env.RECORD_VERBOSE) console.error('>', step.echo[0]);
			const { output, status } = await session.run(step);
			transcript += ensureNewline(output);
			if (status !== 0) transcript += `[exit ${status}]\n`;
		}
		transcript += ensureNewline(await session.stopBackground());
		return transcript;
	} finally {
		session?.close();
		live.delete(stop);
		await stopCluster(cluster);
		rmSync(work, { recursive: true, force: true });
	}
}

async function main(): Promise<void> {
	const only = process.argv.slice(2);
	const files = readdirSync(CONFORMANCE)
		.filter((f) => f.endsWith('.sh'))
		.filter((f) => only.length === 0 || only.includes(basename(f, '.sh')))
		.sort();
	for (const f of files) {
		const started = Date.now();
		const transcript = await recordScenario(join(CONFORMANCE, f));
		writeFileSync(join(CONFORMANCE, basename(f, '.sh') + '.etcd.txt'), transcript);
		console.log(`recorded ${f} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
	}
}

const live = new Set<() => Promise<void>>();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
	process.on(sig, () => {
		void Promise.all([...live].map((stop) => stop())).finally(() => process.exit(130));
	});
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
	main().catch((e) => {
		console.error(e);
		process.exit(1);
	});
}
