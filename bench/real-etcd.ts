/**
 * A real 3-member etcd (Debian's etcd 3.4.23) on loopback, as scripts/record-etcd.ts starts one:
 * members etcd-1..3 on 127.0.0.11..13 with names from /etc/hosts, token `playground`. The bench
 * uses ports 22379/22380 so it never collides with a recorder run on 2379/2380. Every process
 * is killed by PID and the data directory removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdGrpc } from './grpc';

export const ETCD = '/usr/bin/etcd';
export const ETCDCTL = '/usr/bin/etcdctl';
const CLIENT_PORT = 22379;
const PEER_PORT = 22380;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function etcdInstalled(): boolean {
	return existsSync(ETCD) && existsSync(ETCDCTL);
}

export function hostsReady(): boolean {
	try {
		const hosts = readFileSync('/etc/hosts', 'utf8');
		for (let i = 1; i <= 3; i++) {
			if (!new RegExp(`^127\\.0\\.0\\.1${i}\\s+etcd-${i}\\b`, 'm').test(hosts)) {
				appendFileSync('/etc/hosts', `127.0.0.1${i} etcd-${i}\n`);
			}
		}
		return true;
	} catch {
		return false;
	}
}

export const clientUrl = (i: number) => `http://127.0.0.1${i}:${CLIENT_PORT}`;

/** Every etcd process the bench started, for the last-resort cleanup. */
export const allProcs = new Set<ChildProcess>();

export class RealCluster {
	readonly dir = mkdtempSync(join(tmpdir(), 'etcd-bench-'));
	readonly procs: (ChildProcess | null)[] = [null, null, null];
	startedAt = 0;

	private args(i: number): string[] {
		const ip = `127.0.0.1${i}`;
		const initial = [1, 2, 3].map((n) => `etcd-${n}=http://etcd-${n}:${PEER_PORT}`).join(',');
		return [
			'--name',
			`etcd-${i}`,
			'--data-dir',
			join(this.dir, `etcd-${i}`),
			'--listen-peer-urls',
			`http://${ip}:${PEER_PORT}`,
			'--initial-advertise-peer-urls',
			`http://etcd-${i}:${PEER_PORT}`,
			'--listen-client-urls',
			`http://${ip}:${CLIENT_PORT}`,
			'--advertise-client-urls',
			`http://etcd-${i}:${CLIENT_PORT}`,
			'--initial-cluster',
			initial,
			'--initial-cluster-token',
			'playground',
			'--initial-cluster-state',
			'new'
		];
	}

	spawnMember(i: number): void {
		const p = spawn(ETCD, this.args(i), {
			stdio: ['ignore', 'ignore', 'pipe'],
			env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }
		});
		const log = join(this.dir, `etcd-${i}.log`);
		p.stderr?.on('data', (d: Buffer) => appendFileSync(log, d));
		allProcs.add(p);
		p.on('exit', () => allProcs.delete(p));
		this.procs[i - 1] = p;
	}

	start(): void {
		this.startedAt = performance.now();
		for (let i = 1; i <= 3; i++) this.spawnMember(i);
	}

	/** Milliseconds from start() to the first acknowledged put. */
	async firstPut(timeoutMs = 30_000): Promise<number> {
		const until = performance.now() + timeoutMs;
		for (;;) {
			const c = new EtcdGrpc(clientUrl(1));
			try {
				await c.put(Buffer.from('/bench/first'), Buffer.from('v'));
				return performance.now() - this.startedAt;
			} catch {
				if (performance.now() > until) throw new Error('real etcd: no committed put');
				await sleep(5);
			} finally {
				c.close();
			}
		}
	}

	/** SIGKILLs member i and waits for it to be gone. */
	async kill(i: number): Promise<void> {
		const p = this.procs[i - 1];
		if (!p || p.exitCode !== null || p.signalCode) return;
		const gone = new Promise((r) => p.once('exit', r));
		p.kill('SIGKILL');
		await gone;
	}

	/** Kills member i, restarts it, and times until it serves a linearizable read. */
	async restart(i: number): Promise<number> {
		await this.kill(i);
		await sleep(300);
		const st = performance.now();
		this.spawnMember(i);
		for (;;) {
			const c = new EtcdGrpc(clientUrl(i));
			try {
				await c.range({ key: Buffer.from('/bench/get') });
				return performance.now() - st;
			} catch {
				if (performance.now() - st > 120_000)
					throw new Error('real etcd: member did not come back');
				await sleep(5);
			} finally {
				c.close();
			}
		}
	}

	/** Resident memory (VmRSS) of each member, in bytes. */
	rss(): number[] {
		return this.procs.map((p) => {
			if (!p?.pid) return 0;
			const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'));
			return m ? Number(m[1]) * 1024 : 0;
		});
	}

	async stop(): Promise<void> {
		for (const p of this.procs) if (p && p.exitCode === null && !p.signalCode) p.kill('SIGTERM');
		const until = Date.now() + 5000;
		while (
			Date.now() < until &&
			this.procs.some((p) => p && p.exitCode === null && !p.signalCode)
		) {
			await sleep(50);
		}
		for (const p of this.procs) if (p && p.exitCode === null && !p.signalCode) p.kill('SIGKILL');
		rmSync(this.dir, { recursive: true, force: true });
	}
}

export function killAll(): void {
	for (const p of allProcs) if (p.exitCode === null && !p.signalCode) p.kill('SIGKILL');
}

export interface PerfResult {
	writesPerS: number;
	slowestMs: number;
	stddevMs: number;
	pass: boolean;
	output: string;
	/** Everything etcdctl printed (stdout and stderr). */
	raw: string;
}

/** Runs the real `etcdctl check perf --load=<load>` against etcd-1 and reads its verdict. */
export function etcdctlCheckPerf(load: string): Promise<PerfResult> {
	return new Promise((resolve, reject) => {
		const p = spawn(ETCDCTL, ['--endpoints', clientUrl(1), 'check', 'perf', `--load=${load}`], {
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ETCDCTL_API: '3' }
		});
		let out = '';
		p.stdout.on('data', (d: Buffer) => (out += d.toString()));
		p.stderr.on('data', (d: Buffer) => (out += d.toString()));
		p.on('error', reject);
		p.on('close', () => {
			const num = (re: RegExp) => {
				const m = re.exec(out);
				return m ? Number(m[1]) : NaN;
			};
			resolve({
				writesPerS: num(/Throughput (?:is|too low:) (\d+) writes\/s/),
				slowestMs: num(/(?:Slowest request took|took too long:) ([\d.]+)s/) * 1000,
				stddevMs: num(/Stddev (?:is|too high:) ([\d.]+)s/) * 1000,
				pass: /\nPASS\s*$/.test(out),
				raw: out,
				output: out
					.split(/[\r\n]+/)
					.filter((l) => /PASS|FAIL|Slowest|Stddev/.test(l))
					.join('\n')
			});
		});
	});
}
