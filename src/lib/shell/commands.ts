/**
 * The commands the playground adds to just-bash: etcdctl, playground, sudo, sleep (which must
 * stop on Ctrl-C), history, and friendly answers for the tools the guides use around etcd
 * (kubectl, podman, systemctl, ...), which do not exist in a browser.
 */
import type { Command, CommandContext, ExecResult, InMemoryFs } from 'just-bash';
import type { ClientFactory } from '../client/types';
import type { EtcdctlRunner } from './etcdctl-io';
import { STREAM_COMMAND, TTY_ERR_VAR, TTY_IN_VAR, TTY_VAR, TTY_VARS } from './interleave';
import { shellJoin } from './quote';
import type { ShellIo } from '../playground/etcd';
import { syncEtcdStaticPod } from '../playground/kubelet';
import { etcdctlFs, shellFiles } from './vfs';

/** Where a command's output goes when it may print straight to the terminal. */
export type Sink = (text: string, stream: 'stdout' | 'stderr') => void;

/** What the commands need from the session, shared by the shell and its background jobs. */
export interface CommandHost {
	readonly fs: InMemoryFs;
	clients(): ClientFactory | null;
	etcdctl(): Promise<EtcdctlRunner | null>;
	control():
		((args: string[], out: (text: string) => void, io?: ShellIo) => Promise<number>) | null;
	readonly now: () => number;
	readonly readLine?: (prompt: string) => Promise<string | null>;
	/** False when stdin is not a terminal (the scenario runner's `</dev/null`). */
	readonly terminalInput: boolean;
	history(): readonly string[];
	clearHistory(): void;
	/** Background jobs, oldest first. */
	jobs(): readonly JobView[];
	/** The terminal behind a tty path (see interleave.ts), for printing as a command goes. */
	terminal(tty: string | undefined): Sink | null;
}

/** What job-control commands see of a background job. */
export interface JobView {
	readonly id: number;
	readonly pid: number;
	readonly command: string;
	readonly running: boolean;
	readonly done: Promise<number>;
	stop(): void;
}

/** One running shell (the foreground shell, or one background job): its abort signal. */
export interface Invocation {
	signal(): AbortSignal;
}

const ok = (stdout = '', stderr = '', exitCode = 0): ExecResult => ({ stdout, stderr, exitCode });

/** The environment a child process would get (without the session's tty markers). */
function exportedEnv(ctx: CommandContext): Record<string, string> {
	const env = ctx.exportedEnv ? { ...ctx.exportedEnv } : Object.fromEntries(ctx.env);
	for (const v of TTY_VARS) delete env[v];
	return env;
}

/** Where this command's stdout/stderr go when they are the terminal, and whether stdin is. */
function ttyOf(host: CommandHost, ctx: CommandContext) {
	const env = ctx.exportedEnv ?? {};
	return {
		out: host.terminal(env[TTY_VAR]),
		err: host.terminal(env[TTY_ERR_VAR]),
		in: env[TTY_IN_VAR] === '1' && host.terminalInput
	};
}

/** The tty markers as `VAR=value ` prefixes, to pass on to a command run through ctx.exec. */
function ttyPrefix(ctx: CommandContext): string {
	const env = ctx.exportedEnv ?? {};
	return TTY_VARS.filter((v) => env[v] !== undefined)
		.map((v) => `${v}=${shellJoin([env[v]])} `)
		.join('');
}

/**
 * The invocation's signal (Ctrl-C, job stop) combined with just-bash's own (timeouts), for one
 * command: `dispose()` detaches it again, so a long session does not pile up listeners.
 */
function linkedSignal(...signals: (AbortSignal | undefined)[]) {
	const controller = new AbortController();
	const abort = () => controller.abort();
	const sources = signals.filter((s): s is AbortSignal => s !== undefined);
	for (const s of sources) {
		if (s.aborted) controller.abort();
		else s.addEventListener('abort', abort, { once: true });
	}
	return {
		signal: controller.signal,
		dispose: () => sources.forEach((s) => s.removeEventListener('abort', abort))
	};
}

/** Where one etcdctl run prints instead of its tty (a streaming pipe), and what else stops it. */
interface EtcdctlSinks {
	stdout?: (text: string) => void;
	/** Stops it as Ctrl-C would (head has its lines). */
	stop?: AbortSignal;
}

/** Runs etcdctl as the command `etcdctl ARGS` in ctx: live where its streams are the tty. */
async function runEtcdctl(
	host: CommandHost,
	inv: Invocation,
	args: string[],
	ctx: CommandContext,
	sinks: EtcdctlSinks = {}
): Promise<ExecResult> {
	const run = await host.etcdctl();
	const clients = host.clients();
	if (!run) return ok('', 'etcdctl: not available in this terminal\n', 1);
	if (!clients) return ok('', 'etcdctl: no cluster is attached to this terminal\n', 1);
	const tty = ttyOf(host, ctx);
	const link = linkedSignal(inv.signal(), ctx.signal, sinks.stop);
	let out = '';
	let err = '';
	const print = (t: string) =>
		sinks.stdout ? sinks.stdout(t) : tty.out ? tty.out(t, 'stdout') : (out += t);
	const stdin = latin1Bytes(latin1(ctx));
	const code = await run({
		args,
		env: exportedEnv(ctx),
		stdin: async () => (tty.in ? null : stdin),
		readLine: tty.in ? host.readLine : undefined,
		stdout: print,
		stderr: (t) => (tty.err ? tty.err(t, 'stderr') : (err += t)),
		signal: link.signal,
		fs: etcdctlFs(host.fs, ctx.cwd),
		clients,
		// A scenario run is bash with pipes for stdin and stdout, as the recorder runs it.
		stdoutIsTerminal: !sinks.stdout && tty.out !== null && host.terminalInput,
		exec: ctx.exec
			? async (argv, env) => {
					// `watch -- cmd`, `lock name cmd`: cmd sees the variables etcdctl adds
					// (ETCD_WATCH_*) exported, and prints where etcdctl prints.
					const current = exportedEnv(ctx);
					const assign = Object.entries(env)
						.filter(([k, v]) => current[k] !== v && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
						.map(([k, v]) => `${k}=${shellJoin([v])} `)
						.join('');
					const r = await ctx.exec!(assign + shellJoin(argv), { cwd: ctx.cwd });
					print(r.stdout);
					if (tty.err) tty.err(r.stderr, 'stderr');
					else err += r.stderr;
					return r.exitCode;
				}
			: undefined,
		now: host.now
	}).finally(link.dispose);
	return ok(out, err, code);
}

function etcdctlCommand(host: CommandHost, inv: Invocation): Command {
	return {
		name: 'etcdctl',
		trusted: true,
		execute: (args, ctx) => runEtcdctl(host, inv, args, ctx)
	};
}

/**
 * `etcdctl watch ... | grep ... | head -n 3` as interleave.ts rewrites it: STREAM_COMMAND SCRIPT
 * LIMIT ARGS... runs `etcdctl ARGS` and hands what it prints to SCRIPT (the line filters that
 * followed it in the pipe) as it comes, a batch of whole lines at a time, so the filters' output
 * shows while the watch runs. LIMIT (when not empty) is the count of the `head` that ended the
 * filters: once that many lines are out, etcdctl stops, as SIGPIPE would stop it, and the status
 * is head's 0. Ctrl-C gives 130; otherwise the filters' status (0 if any batch gave 0).
 */
function streamCommand(host: CommandHost, inv: Invocation): Command {
	return {
		name: STREAM_COMMAND,
		trusted: true,
		async execute(args, ctx) {
			const [script = '', limitArg = '', ...etcdctlArgs] = args;
			const limit = limitArg === '' ? Infinity : Number(limitArg);
			const tty = ttyOf(host, ctx);
			const stop = new AbortController();
			let out = '';
			let err = '';
			let shown = 0;
			let status: number | null = null;
			let ranFilters = false;
			const emit = (text: string) => {
				if (shown >= limit || text === '') return;
				let end = text.length;
				if (limit !== Infinity) {
					// head counts whole lines; it prints a last partial one as it is.
					end = 0;
					while (end < text.length && shown < limit) {
						const nl = text.indexOf('\n', end);
						end = nl < 0 ? text.length : nl + 1;
						if (nl >= 0) shown++;
					}
				}
				const part = text.slice(0, end);
				if (tty.out) tty.out(part, 'stdout');
				else out += part;
				if (shown >= limit) stop.abort();
			};
			const filter = async (text: string) => {
				if (shown >= limit) return;
				if (script === '') return emit(text);
				ranFilters = true;
				const r = await ctx.exec!(script, {
					cwd: ctx.cwd,
					stdin: text,
					// ctx.exec starts from the state the line started with: the variables the
					// line has set since then are passed on, the tty markers blanked (what the
					// filters run prints back to us).
					env: { ...Object.fromEntries(ctx.env), ...blankTty }
				});
				emit(r.stdout);
				if (tty.err) tty.err(r.stderr, 'stderr');
				else err += r.stderr;
				status = status === 0 ? 0 : r.exitCode;
			};
			if (script !== '' && !ctx.exec) return ok('', 'playground: cannot run a pipe here\n', 1);
			const blankTty = Object.fromEntries(TTY_VARS.map((v) => [v, '']));
			if (limit === 0) stop.abort();
			let pending = '';
			let chain = Promise.resolve();
			const r = await runEtcdctl(host, inv, etcdctlArgs, ctx, {
				stop: stop.signal,
				stdout: (t) => {
					pending += t;
					const cut = pending.lastIndexOf('\n') + 1;
					if (cut === 0) return;
					const lines = pending.slice(0, cut);
					pending = pending.slice(cut);
					chain = chain.then(() => filter(lines));
				}
			});
			await chain;
			const headDone = shown >= limit;
			if (!headDone && (pending !== '' || !ranFilters)) await filter(pending);
			// etcdctl's own errors come first, as the filters print after what it wrote.
			const errors = (headDone ? '' : r.stderr) + err;
			const interrupted = inv.signal().aborted || ctx.signal?.aborted;
			const code = headDone ? 0 : interrupted ? 130 : script === '' ? 0 : (status ?? 0);
			return ok(out, errors, code);
		}
	};
}

/** just-bash's stdin is an opaque ByteString: at run time a latin1 string, one char a byte. */
function latin1(ctx: CommandContext): string {
	return ctx.stdin as unknown as string;
}

function latin1Bytes(s: string): Uint8Array {
	const bytes = new Uint8Array(s.length);
	for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i) & 0xff;
	return bytes;
}

/** Stands for the byte `code - BYTE_MARK` in printf's output (a lone surrogate: never text). */
const BYTE_MARK = 0xdc00;

/** printf's format with each `\xHH` / `\NNN` escape of a byte >= 0x80 replaced by its mark. */
function markByteEscapes(format: string): string {
	let out = '';
	for (let i = 0; i < format.length; i++) {
		if (format[i] !== '\\') {
			out += format[i];
			continue;
		}
		const next = format[i + 1];
		const m =
			next === 'x'
				? /^[0-9a-fA-F]{1,2}/.exec(format.slice(i + 2))
				: /^[0-7]{1,3}/.exec(format.slice(i + 1));
		if (!m) {
			out += format.slice(i, i + 2);
			i++;
			continue;
		}
		const end = i + (next === 'x' ? 2 : 1) + m[0].length;
		const value = parseInt(m[0], next === 'x' ? 16 : 8) & 0xff;
		out += value >= 0x80 ? String.fromCharCode(BYTE_MARK + value) : format.slice(i, end);
		i = end - 1;
	}
	return out;
}

/** Text with byte marks -> a latin1 byte string: marks become their byte, the rest UTF-8. */
function markedToBytes(text: string): string {
	let out = '';
	for (const ch of text) {
		const code = ch.codePointAt(0)!;
		if (ch.length === 1 && code >= BYTE_MARK + 0x80 && code <= BYTE_MARK + 0xff) {
			out += String.fromCharCode(code - BYTE_MARK);
			continue;
		}
		for (const b of new TextEncoder().encode(ch)) out += String.fromCharCode(b);
	}
	return out;
}

/**
 * printf as bash's: `\xff` and `\377` in the format print the byte. just-bash's printf turns a
 * byte that is not part of UTF-8 into the character U+00FF, which a pipe then carries as two
 * bytes (c3 bf), so `printf '\xff\x00' | etcdctl put bin` would store the wrong value. Those
 * escapes go in as marks, and the output goes out as bytes.
 */
function printfCommand(): Command {
	return {
		name: 'printf',
		trusted: true,
		async execute(args, ctx) {
			if (!ctx.origCommand) return ok('', 'printf: not available\n', 1);
			const at = args[0] === '--' ? 1 : 0;
			if (args[at] === undefined || args[at].startsWith('-v')) return ctx.origCommand(args);
			const format = markByteEscapes(args[at]);
			if (format === args[at]) return ctx.origCommand(args);
			const r = await ctx.origCommand([...args.slice(0, at), format, ...args.slice(at + 1)]);
			return { ...r, stdout: markedToBytes(r.stdout), stdoutKind: 'bytes' };
		}
	};
}

/**
 * `etcd --data-dir DIR ...`: starts a member on a data dir `etcdctl snapshot restore` wrote
 * (src/lib/playground/etcd.ts), through the host's cluster control.
 */
function etcdCommand(host: CommandHost): Command {
	return {
		name: 'etcd',
		trusted: true,
		async execute(args, ctx) {
			const control = host.control();
			if (!control) return ok('', 'etcd: no cluster is attached to this terminal\n', 1);
			let out = '';
			const files = shellFiles(host.fs, ctx.cwd);
			const code = await control(['etcd', ...args], (t) => (out += t), { files });
			return code === 0 ? ok('', out, 0) : ok('', out, code);
		}
	};
}

/**
 * Options that only change how often output is flushed, which just-bash's grep, sed and jq do
 * not know (every command's output is whole when it ends). Guides pipe `etcdctl watch` through
 * them (`| grep --line-buffered PUT`): they are accepted and do nothing.
 */
const FLUSH_OPTIONS: Record<string, readonly string[]> = {
	grep: ['--line-buffered'],
	egrep: ['--line-buffered'],
	fgrep: ['--line-buffered'],
	sed: ['-u', '--unbuffered', '--line-length=0'],
	jq: ['--unbuffered']
};

function flushOptionsCommand(name: string): Command {
	const drop = new Set(FLUSH_OPTIONS[name]);
	return {
		name,
		trusted: true,
		async execute(args, ctx) {
			if (!ctx.origCommand) return ok('', `${name}: not available\n`, 127);
			const end = args.indexOf('--');
			const kept = args.filter((a, i) => !(drop.has(a) && (end < 0 || i < end)));
			return ctx.origCommand(kept);
		}
	};
}

/**
 * `command`, after the kubelet had its look at the etcd static pod's manifest: a learner who
 * pointed /etc/kubernetes/manifests/etcd.yaml at a restored data dir finds etcd restarted
 * there when they next reach the cluster (src/lib/playground/kubelet.ts).
 */
function afterKubelet(host: CommandHost, command: Command): Command {
	return {
		...command,
		async execute(args, ctx) {
			const control = host.control();
			const note = control
				? await syncEtcdStaticPod(host.fs, shellFiles(host.fs, ctx.cwd), control)
				: '';
			const tty = ttyOf(host, ctx);
			if (note !== '' && tty.err) tty.err(note, 'stderr');
			const r = await command.execute(args, ctx);
			return note !== '' && !tty.err ? { ...r, stderr: note + r.stderr } : r;
		}
	};
}

function playgroundCommand(host: CommandHost): Command {
	return {
		name: 'playground',
		trusted: true,
		async execute(args) {
			const control = host.control();
			if (!control) return ok('', 'playground: no cluster is attached to this terminal\n', 1);
			let out = '';
			const code = await control(args, (t) => (out += t));
			return ok(out, '', code);
		}
	};
}

/** sudo options that take a value (`-u root`). */
const SUDO_VALUE_OPTS = new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T']);

/** `sudo [options] [VAR=value...] command...` runs the command: everyone is root here. */
function sudoCommand(): Command {
	return {
		name: 'sudo',
		trusted: true,
		async execute(args, ctx) {
			let i = 0;
			while (i < args.length && args[i].startsWith('-') && args[i] !== '--') {
				i += SUDO_VALUE_OPTS.has(args[i]) ? 2 : 1;
			}
			if (args[i] === '--') i++;
			const env: Record<string, string> = {};
			for (; i < args.length; i++) {
				const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(args[i]);
				if (!m) break;
				env[m[1]] = m[2];
			}
			const rest = args.slice(i);
			if (rest.length === 0) {
				return ok('', 'usage: sudo [-u user] [VAR=value] command [arg ...]\n', 1);
			}
			if (!ctx.exec) return ok('', 'sudo: cannot run commands here\n', 1);
			const assign = Object.entries(env).map(([k, v]) => `${k}=${shellJoin([v])} `);
			const r = await ctx.exec(ttyPrefix(ctx) + assign.join('') + shellJoin(rest), {
				cwd: ctx.cwd,
				stdin: latin1(ctx),
				stdinKind: 'bytes'
			});
			return ok(r.stdout, r.stderr, r.exitCode);
		}
	};
}

/** GNU sleep's NUMBER[smhd] arguments, summed. */
function sleepMs(args: string[]): number | string {
	if (args.length === 0) return 'sleep: missing operand\n';
	let total = 0;
	for (const a of args) {
		const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
		if (!m) return `sleep: invalid time interval '${a}'\n`;
		const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2]] ?? 1;
		total += Number(m[1]) * unit * 1000;
	}
	return total;
}

function sleepCommand(inv: Invocation): Command {
	return {
		name: 'sleep',
		trusted: true,
		async execute(args, ctx) {
			const ms = sleepMs(args);
			if (typeof ms === 'string') {
				return ok('', `${ms}Try 'sleep --help' for more information.\n`, 1);
			}
			const link = linkedSignal(inv.signal(), ctx.signal);
			const signal = link.signal;
			if (signal.aborted) {
				link.dispose();
				return ok('', '', 130);
			}
			const aborted = await new Promise<boolean>((resolve) => {
				const timer = setTimeout(() => {
					signal.removeEventListener('abort', onAbort);
					resolve(false);
				}, ms);
				const onAbort = () => {
					clearTimeout(timer);
					resolve(true);
				};
				signal.addEventListener('abort', onAbort, { once: true });
			}).finally(link.dispose);
			return ok('', '', aborted ? 130 : 0);
		}
	};
}

/** bash's `history`: numbered, `-c` clears, a number shows the last N. */
function historyCommand(host: CommandHost): Command {
	return {
		name: 'history',
		trusted: true,
		async execute(args) {
			if (args[0] === '-c') {
				host.clearHistory();
				return ok();
			}
			const all = host.history();
			let from = 0;
			if (args[0] !== undefined) {
				if (!/^\d+$/.test(args[0])) {
					return ok('', `bash: history: ${args[0]}: numeric argument required\n`, 1);
				}
				from = Math.max(0, all.length - Number(args[0]));
			}
			let text = '';
			for (let i = from; i < all.length; i++) {
				const [first, ...more] = all[i].split('\n');
				text += `${String(i + 1).padStart(5)}  ${[first, ...more].join('\n')}\n`;
			}
			return ok(text);
		}
	};
}

/** `%N`, `%%`/`%+` (the latest job) or a job's PID. */
function findJob(host: CommandHost, spec: string | undefined): JobView | undefined {
	const jobs = host.jobs();
	if (spec === undefined || spec === '%%' || spec === '%+' || spec === '%') {
		return [...jobs].reverse().find((j) => j.running);
	}
	if (/^%\d+$/.test(spec)) return jobs.find((j) => j.id === Number(spec.slice(1)));
	if (/^\d+$/.test(spec)) return jobs.find((j) => j.pid === Number(spec));
	return undefined;
}

/** bash's `jobs`: `[2]+  Running                 cmd &`, + the latest job, - the one before. */
function jobsCommand(host: CommandHost): Command {
	return {
		name: 'jobs',
		trusted: true,
		async execute(args) {
			const running = host.jobs().filter((j) => j.running);
			const pids = args.includes('-p');
			let text = '';
			running.forEach((j, i) => {
				const mark = i === running.length - 1 ? '+' : i === running.length - 2 ? '-' : ' ';
				text += pids ? `${j.pid}\n` : `[${j.id}]${mark}  ${'Running'.padEnd(24)}${j.command} &\n`;
			});
			return ok(text);
		}
	};
}

/** `kill [-SIGNAL] %N|PID...`: any signal stops a job (as SIGTERM/SIGINT/SIGKILL would). */
function killCommand(host: CommandHost): Command {
	return {
		name: 'kill',
		trusted: true,
		async execute(args) {
			const specs = args.filter((a) => !a.startsWith('-'));
			if (specs.length === 0) {
				return ok(
					'',
					'kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n',
					2
				);
			}
			let err = '';
			const stopped: Promise<number>[] = [];
			for (const spec of specs) {
				const job = findJob(host, spec);
				if (!job || !job.running) {
					err += spec.startsWith('%')
						? `bash: kill: ${spec}: no such job\n`
						: /^\d+$/.test(spec)
							? `bash: kill: (${spec}) - No such process\n`
							: `bash: kill: ${spec}: arguments must be process or job IDs\n`;
					continue;
				}
				job.stop();
				stopped.push(job.done);
			}
			await Promise.all(stopped);
			return ok('', err, err ? 1 : 0);
		}
	};
}

/**
 * `wait` is a just-bash builtin (which knows nothing of our jobs), and builtins come before
 * registered commands, so the session renames `wait` in each parsed line to this command.
 */
export const WAIT_COMMAND = 'playground-wait';

/** `wait [%N|PID]`: until the jobs end (Ctrl-C stops waiting); the last one's status. */
function waitCommand(host: CommandHost, inv: Invocation): Command {
	return {
		name: WAIT_COMMAND,
		trusted: true,
		async execute(args, ctx) {
			const jobs = args.length
				? args.map((a) => findJob(host, a))
				: host.jobs().filter((j) => j.running);
			const link = linkedSignal(inv.signal(), ctx.signal);
			const aborted = new Promise<'aborted'>((resolve) => {
				if (link.signal.aborted) resolve('aborted');
				link.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
			});
			try {
				let status = 0;
				for (const job of jobs) {
					if (!job) {
						status = 127;
						continue;
					}
					const r = await Promise.race([job.done, aborted]);
					if (r === 'aborted') return ok('', '', 130);
					status = r;
				}
				return ok('', '', status);
			} finally {
				link.dispose();
			}
		}
	};
}

/** `fg [%N]`: the job's command is shown, then waited for; Ctrl-C stops the job itself. */
function fgCommand(host: CommandHost, inv: Invocation): Command {
	return {
		name: 'fg',
		trusted: true,
		async execute(args, ctx) {
			const job = findJob(host, args[0]);
			if (!job || !job.running) {
				return ok('', `bash: fg: ${args[0] ?? 'current'}: no such job\n`, 1);
			}
			const live = ttyOf(host, ctx).out;
			if (live) live(`${job.command}\n`, 'stdout');
			const link = linkedSignal(inv.signal(), ctx.signal);
			const onAbort = () => job.stop();
			link.signal.addEventListener('abort', onAbort, { once: true });
			if (link.signal.aborted) job.stop();
			try {
				const code = await job.done;
				return ok(live ? '' : `${job.command}\n`, '', code);
			} finally {
				link.signal.removeEventListener('abort', onAbort);
				link.dispose();
			}
		}
	};
}

const NO_KUBERNETES =
	'there is no Kubernetes in this playground, only its etcd cluster.\n' +
	'Run etcdctl here directly: the ETCDCTL_* variables and certificate flags from the guides work as they are.\n';

/** The command after `kubectl exec POD [-it] [-n NS] -- CMD...`, or after `podman exec [-it] NAME`. */
function execTarget(tool: string, args: string[]): string[] | null {
	if (args[0] !== 'exec') return null;
	if (tool === 'kubectl' || tool === 'oc') {
		const dash = args.indexOf('--');
		return dash >= 0 ? args.slice(dash + 1) : null;
	}
	// podman/docker/crictl exec [options] CONTAINER COMMAND...
	let i = 1;
	const valueOpts = new Set(['-e', '--env', '-u', '--user', '-w', '--workdir', '--env-file']);
	while (i < args.length && args[i].startsWith('-')) i += valueOpts.has(args[i]) ? 2 : 1;
	return args.length > i + 1 ? args.slice(i + 1) : null;
}

/**
 * kubectl, podman and friends: the guides use them to get to etcdctl (`kubectl exec ... --
 * etcdctl ...`, `podman exec -it NODE bash`). Commands aimed at the etcd container run here;
 * anything else gets an explanation instead of "command not found".
 */
function elsewhereCommand(name: string): Command {
	return {
		name,
		trusted: true,
		async execute(args, ctx) {
			const target = execTarget(name, args);
			if (target && target.length > 0 && ctx.exec) {
				const shell = /^(?:\/bin\/|\/usr\/bin\/)?(?:ba)?sh$/.test(target[0]);
				if (shell && target[1] !== '-c') {
					return ok('', `${name}: you are already in the etcd container's shell here.\n`, 0);
				}
				// A script's output comes back to us; a single command may print as it goes.
				const script = shell ? (target[2] ?? '') : ttyPrefix(ctx) + shellJoin(target);
				const r = await ctx.exec(script, {
					cwd: ctx.cwd,
					stdin: latin1(ctx),
					stdinKind: 'bytes'
				});
				return ok(r.stdout, r.stderr, r.exitCode);
			}
			// Installing etcdctl "succeeds": it is there. The rest did not run.
			const status = INSTALLERS.has(name) ? 0 : 127;
			return ok('', `${name}: ${MESSAGES[name] ?? NO_KUBERNETES}`, status);
		}
	};
}

const MESSAGES: Record<string, string> = {
	systemctl:
		'etcd members here are browser workers, not system services.\n' +
		'Use `playground status`, `playground kill etcd-2` or `playground restart etcd-2` instead.\n',
	journalctl:
		'etcd members here log nothing to a journal; `playground status` shows how they are.\n',
	ssh: 'there is no other machine to log in to: this terminal already reaches every etcd member.\n',
	apt: 'etcdctl is already installed in this terminal.\n',
	'apt-get': 'etcdctl is already installed in this terminal.\n',
	yum: 'etcdctl is already installed in this terminal.\n',
	wget: 'this terminal has no internet access, and needs none: etcd is already running here.\n',
	curl: 'this terminal has no internet access; etcd answers etcdctl here (try `etcdctl endpoint health`).\n'
};

const INSTALLERS = new Set(['apt', 'apt-get', 'yum']);

const ELSEWHERE = [
	'kubectl',
	'oc',
	'kind',
	'minikube',
	'kubeadm',
	'podman',
	'docker',
	'crictl',
	'systemctl',
	'journalctl',
	'ssh',
	'apt',
	'apt-get',
	'yum',
	'wget',
	'curl'
];

export function playgroundCommands(host: CommandHost, inv: Invocation): Command[] {
	return [
		afterKubelet(host, etcdctlCommand(host, inv)),
		streamCommand(host, inv),
		afterKubelet(host, playgroundCommand(host)),
		etcdCommand(host),
		printfCommand(),
		...Object.keys(FLUSH_OPTIONS).map(flushOptionsCommand),
		sudoCommand(),
		sleepCommand(inv),
		historyCommand(host),
		jobsCommand(host),
		killCommand(host),
		waitCommand(host, inv),
		fgCommand(host, inv),
		envCommand('env'),
		envCommand('printenv'),
		...ELSEWHERE.map(elsewhereCommand)
	];
}

/** `env [-i] [-u NAME] [NAME=VALUE]... [COMMAND [ARG]...]`, the command seeing NAME exported. */
async function runWithEnv(
	args: string[],
	ctx: CommandContext,
	exported: Record<string, string>
): Promise<ExecResult> {
	let i = 0;
	let clear = false;
	const unset: string[] = [];
	for (; i < args.length && args[i].startsWith('-') && args[i] !== '-'; i++) {
		if (args[i] === '--') {
			i++;
			break;
		}
		if (args[i] === '-i' || args[i] === '--ignore-environment') clear = true;
		else if (args[i] === '-u' || args[i] === '--unset') unset.push(args[++i] ?? '');
		else return ok('', `env: invalid option -- '${args[i].replace(/^-+/, '')}'\n`, 125);
	}
	if (args[i] === '-') {
		clear = true;
		i++;
	}
	const assigned: Record<string, string> = {};
	for (; i < args.length; i++) {
		const m = /^([^=]+)=(.*)$/s.exec(args[i]);
		if (!m) break;
		assigned[m[1]] = m[2];
	}
	const command = args.slice(i);
	if (command.length === 0) {
		const env: Record<string, string> = { ...(clear ? {} : exported), ...assigned };
		for (const u of unset) delete env[u];
		return ok(
			Object.entries(env)
				.map(([k, v]) => `${k}=${v}\n`)
				.join('')
		);
	}
	if (!ctx.exec) return ok('', 'env: cannot run commands here\n', 126);
	const prefix = Object.entries(assigned)
		.filter(([k]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
		.map(([k, v]) => `${k}=${shellJoin([v])} `)
		.join('');
	const unsets = unset.length ? `unset ${shellJoin(unset)}; ` : '';
	const r = await ctx.exec(`${unsets}${ttyPrefix(ctx)}${prefix}${shellJoin(command)}`, {
		cwd: ctx.cwd,
		stdin: latin1(ctx),
		stdinKind: 'bytes',
		...(clear ? { replaceEnv: true, env: {} } : {})
	});
	return ok(r.stdout, r.stderr, r.exitCode);
}

/**
 * `env` and `printenv` list exported variables only, as a child process sees them (just-bash's
 * list every shell variable); `env VAR=x cmd` exports VAR to cmd, which just-bash's does not.
 */
function envCommand(name: 'env' | 'printenv'): Command {
	return {
		name,
		trusted: true,
		async execute(args, ctx) {
			const exported = exportedEnv(ctx);
			if (name === 'env' && args.length > 0) return runWithEnv(args, ctx, exported);
			if (args.length === 0) {
				return ok(
					Object.entries(exported)
						.map(([k, v]) => `${k}=${v}\n`)
						.join('')
				);
			}
			let out = '';
			let missing = false;
			for (const a of args) {
				if (Object.hasOwn(exported, a)) out += `${exported[a]}\n`;
				else missing = true;
			}
			return ok(out, '', missing ? 1 : 0);
		}
	};
}

/** Commands the session adds, for completion and help. */
export const PLAYGROUND_COMMAND_NAMES = [
	'etcd',
	'etcdctl',
	'playground',
	'sudo',
	'sleep',
	'history',
	...ELSEWHERE
];
