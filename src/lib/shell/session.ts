/**
 * One terminal's shell: bash as just-bash emulates it (pipes, redirection, variables, `$(...)`,
 * `$((...))`, loops, heredocs, and jq, awk, sed, grep, head, wc... as pure TypeScript), plus the
 * playground's commands (./commands.ts) and the parts just-bash leaves to its host:
 *
 * - State that lasts from line to line. just-bash resets variables, functions and the working
 *   directory on every exec(); a terminal runs one exec per line, so after each line the final
 *   environment (all variables, `cd`, `set -o`, aliases), export marks and top-level function
 *   definitions are carried into the next one. Arrays do not carry over (documented in README).
 * - `&` background jobs that really run concurrently (just-bash runs `cmd &` to completion
 *   first), each in its own copy of the shell state, stopped through its own AbortSignal. Like a
 *   non-interactive bash, starting and finishing a job prints nothing unless `interactive`.
 * - Live output for a lone etcdctl command (watch, lease keep-alive): just-bash hands a command's
 *   output over when it returns, so such a command writes to the terminal directly instead.
 *
 * just-bash is imported lazily (its browser build is pure JavaScript: no WebAssembly; the
 * runtimes that need it, python3, sqlite3 and js-exec, are Node-only and never enabled).
 */
import type { Bash, BashExecResult, InMemoryFs, ScriptNode } from 'just-bash';
import type { ClientFactory } from '../client/types';
import { playgroundCommands, WAIT_COMMAND, type CommandHost, type Invocation } from './commands';
import type { ShellIo } from '../playground/etcd';
import type { EtcdctlRunner } from './etcdctl-io';
import { routeToTerminal } from './interleave';
import { initialFiles } from './layout';

type JustBash = typeof import('just-bash');

let loading: Promise<JustBash> | null = null;

/** Loads just-bash once (a separate chunk in the browser build). */
export function loadJustBash(): Promise<JustBash> {
	loading ??= import('just-bash');
	return loading;
}

/** Where output goes: `job` is the background job's number, absent for the foreground. */
export type ShellWriter = (
	text: string,
	from: { stream: 'stdout' | 'stderr'; job?: number }
) => void;

export interface ShellOptions {
	/** Everything the terminal shows. Text uses `\n`; the terminal layer converts for xterm. */
	write: ShellWriter;
	/** Opens etcd clients for etcdctl (127.0.0.1:2379 is the default endpoint). */
	clients?: ClientFactory;
	/** `playground <args>`: the host's cluster control (src/lib/scenario/host.ts). */
	control?: (args: string[], out: (text: string) => void, io?: ShellIo) => Promise<number>;
	/** etcdctl's entry point... */
	etcdctl?: EtcdctlRunner;
	/** ...or a loader for it, called on first use (so it can be a lazy chunk too). */
	loadEtcdctl?: () => Promise<EtcdctlRunner>;
	/** Extra environment on top of HOME=/root, USER=root. */
	env?: Record<string, string>;
	/** Initial files of the virtual file system, on top of ./layout.ts (kubeadm's etcd PKI). */
	files?: Record<string, string | Uint8Array>;
	/** Working directory to start in (default /root). */
	cwd?: string;
	now?: () => number;
	/** Reads a line from the terminal for etcdctl's interactive prompts. */
	readLine?: (prompt: string) => Promise<string | null>;
	/**
	 * Whether a lone etcdctl reads the terminal (stdin null, prompts via readLine) or, as in a
	 * scenario run with `</dev/null`, an empty stdin; false also tells etcdctl its stdout is
	 * not a terminal (check perf then draws no bar, as in the recorder's pipe). Default true.
	 */
	terminalInput?: boolean;
	/**
	 * Behave as an interactive bash (a terminal): keep a history, print `[1] 4243` when a job
	 * starts and queue `[1]+  Done ...` when it ends. Off for scenarios, which replay a
	 * non-interactive bash.
	 */
	interactive?: boolean;
}

export interface Job {
	readonly id: number;
	readonly pid: number;
	readonly command: string;
	/** Resolves to the job's exit status once it has ended and its output is written. */
	readonly done: Promise<number>;
	readonly running: boolean;
	stop(): void;
}

/** The fields of just-bash's interpreter state that carry from one line to the next. */
interface BashState {
	env: Map<string, string>;
	cwd: string;
	previousDir: string;
	lastExitCode: number;
	/** `$!` */
	lastBackgroundPid: number;
	functions: Map<string, unknown>;
	arrays?: Map<string, unknown>;
	exportedVars: Set<string>;
	readonlyVars: Set<string>;
	options: Record<string, boolean>;
	shoptOptions: Record<string, boolean>;
}

function stateOf(bash: Bash): BashState {
	return (bash as unknown as { state: BashState }).state;
}

/** The invocation of one shell (foreground or a job): its abort signal. */
class ShellInvocation implements Invocation {
	controller = new AbortController();
	/** Set just before exec(): the next script parsed is the line, not a nested ctx.exec. */
	topLevel = false;
	signal(): AbortSignal {
		return this.controller.signal;
	}
}

const JOB_PID_BASE = 4242;

/** Where the terminal's device files live: /dev/pts/0 for the shell, /dev/pts/N for job N. */
const TTY_DIR = '/dev/pts';

/** Text written to a tty file: just-bash passes text, or bytes as a latin1 string ('binary'). */
function ttyText(content: string | Uint8Array, options: unknown): string {
	const encoding =
		typeof options === 'string' ? options : (options as { encoding?: string })?.encoding;
	if (typeof content !== 'string') return new TextDecoder().decode(content);
	if (encoding !== 'binary' && encoding !== 'latin1') return content;
	const bytes = new Uint8Array(content.length);
	for (let i = 0; i < content.length; i++) bytes[i] = content.charCodeAt(i) & 0xff;
	return new TextDecoder().decode(bytes);
}

/** True while the session parses a line for itself: the rewriting plugins then stay out. */
let parsingOnly = false;
/** Set while `serialize` runs: the script the plugin hands back instead of the parsed one. */
let replacement: ScriptNode | null = null;

/** A script's text, as just-bash writes an AST back out (Bash.transform's `script`). */
function serialize(bash: Bash, script: ScriptNode): string {
	replacement = script;
	parsingOnly = true;
	try {
		return bash.transform(':').script;
	} finally {
		replacement = null;
		parsingOnly = false;
	}
}

/** just-bash's parse of `text` (Bash.transform: the browser bundle does not export parse). */
function parse(bash: Bash, text: string): ScriptNode {
	parsingOnly = true;
	try {
		return bash.transform(text).ast;
	} finally {
		parsingOnly = false;
	}
}

export class ShellSession {
	readonly fs: InMemoryFs;
	/** Set when `exit` ran: a terminal may close or start over. */
	exited = false;
	/** Time of the last output (any source), for settling on quiet background jobs. */
	lastOutputAt = 0;
	private readonly jb: JustBash;
	private readonly opts: ShellOptions;
	private readonly host: CommandHost;
	private readonly fg = new ShellInvocation();
	private readonly bash: Bash;
	private readonly lines: string[] = [];
	private readonly jobList: JobImpl[] = [];
	private readonly notices: string[] = [];
	/** tty file path -> 0 for the foreground, or the job number. */
	private readonly ttys = new Map<string, number>();
	private etcdctlRunner: Promise<EtcdctlRunner | null> | null = null;
	private clients: ClientFactory | null;
	private control: ShellOptions['control'] | null;

	static async create(opts: ShellOptions): Promise<ShellSession> {
		return new ShellSession(await loadJustBash(), opts);
	}

	private constructor(jb: JustBash, opts: ShellOptions) {
		this.jb = jb;
		this.opts = opts;
		this.clients = opts.clients ?? null;
		this.control = opts.control ?? null;
		this.fs = new jb.InMemoryFs();
		for (const [path, content] of Object.entries({ ...initialFiles(), ...opts.files })) {
			this.fs.writeFileSync(path, content);
		}
		this.fs.mkdirSync('/tmp', { recursive: true });
		const now = opts.now ?? (() => Date.now());
		this.host = {
			fs: this.fs,
			clients: () => this.clients,
			etcdctl: () => this.loadEtcdctl(),
			control: () => this.control ?? null,
			now,
			readLine: opts.readLine,
			terminalInput: opts.terminalInput ?? true,
			history: () => this.lines,
			clearHistory: () => void this.lines.splice(0),
			jobs: () => this.jobList,
			terminal: (tty) => {
				const job = tty === undefined ? undefined : this.ttys.get(tty);
				if (job === undefined) return null;
				return (t, stream) => this.write(t, stream, job === 0 ? undefined : job);
			}
		};
		this.hookTtys();
		this.bash = this.makeBash(this.fg);
	}

	/** Attaches (or replaces) the cluster this terminal talks to. */
	attach(clients: ClientFactory, control?: ShellOptions['control']): void {
		this.clients = clients;
		if (control) this.control = control;
	}

	/** Lines run so far, as `history` lists them. */
	get history(): readonly string[] {
		return this.lines;
	}

	get cwd(): string {
		return stateOf(this.bash).cwd;
	}

	/** The shell's variables (exported or not), as `$NAME` would expand them. */
	variable(name: string): string | undefined {
		return stateOf(this.bash).env.get(name);
	}

	jobs(): readonly Job[] {
		return this.jobList;
	}

	runningJobs(): readonly Job[] {
		return this.jobList.filter((j) => j.running);
	}

	/** `[1]+  Done ...` lines of jobs that ended since the last call (interactive mode). */
	takeNotices(): string[] {
		return this.notices.splice(0);
	}

	/**
	 * Whether `text` is a whole command, or the terminal should prompt for more (`> `): an open
	 * quote, heredoc, `for`/`if`/`{`, or a line ending in `\`, `|`, `&&` or `||`.
	 */
	isComplete(text: string): boolean {
		if (/(^|[^\\])(\\\\)*\\$/.test(text)) return false;
		try {
			const ast = parse(this.bash, text);
			const last = ast.statements.at(-1)?.sourceText?.trimEnd() ?? '';
			return !/(\||&&)$/.test(last) || /\\(\||&)$/.test(last);
		} catch (e) {
			const msg = e instanceof Error ? e.message : String(e);
			if (/EOF|end of file|unterminated|here-document/i.test(msg)) return false;
			// `if true; then` fails on the `fi` it is missing: an error where the input ends.
			const at = /at (\d+):(\d+)/.exec(msg);
			if (!at) return true;
			const lines = text.split('\n');
			return !(Number(at[1]) >= lines.length && Number(at[2]) > lines.at(-1)!.trimEnd().length);
		}
	}

	/** Ctrl-C: stops the foreground command (not background jobs). */
	interrupt(): void {
		this.fg.controller.abort();
	}

	/**
	 * Runs one complete command (several lines for heredocs, loops and `\` continuations) and
	 * resolves to its exit status once the foreground part has ended. `signal` works like Ctrl-C.
	 */
	async run(text: string, opts: { signal?: AbortSignal } = {}): Promise<number> {
		// Like bash, only an interactive shell keeps a history.
		if (this.opts.interactive && text.trim() !== '') this.lines.push(text.replace(/\n+$/, ''));
		let ast: ScriptNode | null = null;
		try {
			ast = parse(this.bash, text);
		} catch {
			// A syntax error: exec() below reports it as bash does.
		}
		const split = ast && ast.statements.some((s) => s.background) && !text.includes('<<');
		if (!ast || !split) return this.foreground(text, ast, opts.signal);
		let status = 0;
		for (const stmt of ast.statements) {
			const source = stmt.sourceText ?? '';
			if (stmt.background) {
				this.startJob(source.replace(/&\s*$/, ''));
				status = 0;
			} else {
				status = await this.foreground(source, { type: 'Script', statements: [stmt] }, opts.signal);
			}
		}
		return status;
	}

	/** Stops every background job (as Ctrl-C would) and waits until their output is written. */
	async stopJobs(): Promise<void> {
		const running = this.runningJobs();
		for (const j of running) j.stop();
		await Promise.all(running.map((j) => j.done));
	}

	private write(text: string, stream: 'stdout' | 'stderr', job?: number): void {
		if (text === '') return;
		this.lastOutputAt = Date.now();
		this.opts.write(text, job === undefined ? { stream } : { stream, job });
	}

	private loadEtcdctl(): Promise<EtcdctlRunner | null> {
		const { etcdctl, loadEtcdctl } = this.opts;
		this.etcdctlRunner ??= etcdctl
			? Promise.resolve(etcdctl)
			: loadEtcdctl
				? loadEtcdctl()
				: Promise.resolve(null);
		return this.etcdctlRunner;
	}

	/** A terminal device file for the foreground (job 0) or a job: what is written there shows. */
	private tty(job: number): string {
		const path = `${TTY_DIR}/${job}`;
		this.ttys.set(path, job);
		// (Re)created each time: `rm -rf /dev` must not cut the terminal off.
		this.fs.writeFileSync(path, '');
		return path;
	}

	/** Forwards writes to the tty files to the terminal; every other path is the file system's. */
	private hookTtys(): void {
		const fs = this.fs;
		for (const method of ['writeFile', 'appendFile'] as const) {
			const original = fs[method].bind(fs);
			fs[method] = async (path, content, options) => {
				const job = this.ttys.get(path);
				if (job === undefined) return original(path, content, options);
				this.write(ttyText(content, options), 'stdout', job === 0 ? undefined : job);
			};
		}
	}

	private makeBash(inv: ShellInvocation, job = 0): Bash {
		const tty = this.tty(job);
		const bash = new this.jb.Bash({
			fs: this.fs,
			cwd: this.opts.cwd ?? '/root',
			env: { HOME: '/root', USER: 'root', LOGNAME: 'root', ...this.opts.env },
			customCommands: playgroundCommands(this.host, inv)
		});
		bash.registerTransformPlugin({
			name: 'playground',
			transform: ({ ast }) => {
				if (replacement) return { ast: replacement };
				if (parsingOnly) return { ast };
				renameWait(ast);
				// Only the line itself: what sudo, env, sh -c... run through ctx.exec returns its
				// output to them.
				if (!inv.topLevel) return { ast };
				inv.topLevel = false;
				return { ast: routeToTerminal(ast, tty, (script) => serialize(bash, script)) };
			}
		});
		return bash;
	}

	private async foreground(
		text: string,
		ast: ScriptNode | null,
		signal: AbortSignal | undefined
	): Promise<number> {
		// A controller per line: what a line's commands attach to it goes with it.
		this.fg.controller = new AbortController();
		this.tty(0);
		const controller = this.fg.controller;
		const onAbort = () => controller.abort();
		signal?.addEventListener('abort', onAbort, { once: true });
		if (signal?.aborted) controller.abort();
		let result: BashExecResult;
		try {
			this.fg.topLevel = true;
			result = await this.bash.exec(text, { signal: controller.signal });
		} catch (e) {
			// just-bash reports script errors as results; anything thrown is its own failure.
			this.write(`bash: ${e instanceof Error ? e.message : String(e)}\n`, 'stderr');
			return 1;
		} finally {
			this.fg.topLevel = false;
			signal?.removeEventListener('abort', onAbort);
		}
		const aborted = controller.signal.aborted;
		// What is left on stderr was written before the output it precedes (./interleave.ts).
		this.write(aborted ? quietAbort(result.stderr) : result.stderr, 'stderr');
		this.write(result.stdout, 'stdout');
		// just-bash reports an aborted exec as a timeout (124); bash reports Ctrl-C as 130.
		if (aborted && result.exitCode === 124) result.exitCode = 130;
		if (isExit(ast)) this.exited = true;
		else this.carry(result, ast);
		return result.exitCode;
	}

	/** Makes the state a line ended with the starting state of the next line. */
	private carry(result: BashExecResult, ast: ScriptNode | null): void {
		const st = stateOf(this.bash);
		const env = new Map(Object.entries(result.env));
		env.set('?', String(result.exitCode));
		st.env = env;
		st.cwd = env.get('PWD') ?? st.cwd;
		st.previousDir = env.get('OLDPWD') ?? st.previousDir;
		st.lastExitCode = result.exitCode;
		const on = new Set((env.get('SHELLOPTS') ?? '').split(':'));
		for (const name of Object.keys(st.options)) st.options[name] = on.has(name);
		for (const def of ast ? functionDefs(ast) : []) st.functions.set(def.name, def);
	}

	private startJob(text: string): void {
		const inv = new ShellInvocation();
		const id = this.jobList.length + 1;
		const bash = this.makeBash(inv, id);
		copyState(stateOf(this.bash), stateOf(bash));
		const pid = JOB_PID_BASE + id;
		const job = new JobImpl(id, pid, text.trim(), () => inv.controller.abort());
		inv.topLevel = true;
		job.done = bash.exec(text, { signal: inv.controller.signal }).then(
			(r) => {
				const aborted = inv.controller.signal.aborted;
				this.write(aborted ? quietAbort(r.stderr) : r.stderr, 'stderr', id);
				this.write(r.stdout, 'stdout', id);
				return aborted && r.exitCode === 124 ? 130 : r.exitCode;
			},
			(e: unknown) => {
				this.write(`bash: ${e instanceof Error ? e.message : String(e)}\n`, 'stderr', id);
				return 1;
			}
		);
		void job.done.then((code) => {
			job.running = false;
			if (this.opts.interactive) {
				const state = code === 0 ? 'Done' : `Exit ${code}`;
				this.notices.push(`[${id}]+  ${state.padEnd(24)}${job.command}`);
			}
		});
		this.jobList.push(job);
		stateOf(this.bash).lastBackgroundPid = pid;
		if (this.opts.interactive) this.write(`[${id}] ${pid}\n`, 'stdout');
	}
}

/** bash prints nothing of its own when Ctrl-C stops a command; just-bash says it aborted. */
function quietAbort(stderr: string): string {
	return stderr.replace(/bash: execution aborted\n?$/, '');
}

class JobImpl implements Job {
	running = true;
	done: Promise<number> = Promise.resolve(0);
	constructor(
		readonly id: number,
		readonly pid: number,
		readonly command: string,
		readonly stop: () => void
	) {}
}

/** A background job starts as a copy of the shell (a subshell): changes do not flow back. */
function copyState(from: BashState, to: BashState): void {
	to.env = new Map(from.env);
	to.cwd = from.cwd;
	to.previousDir = from.previousDir;
	to.lastExitCode = from.lastExitCode;
	to.functions = new Map(from.functions);
	to.exportedVars = new Set(from.exportedVars);
	to.readonlyVars = new Set(from.readonlyVars);
	to.options = { ...from.options };
	to.shoptOptions = { ...from.shoptOptions };
}

/** Points every `wait` command at WAIT_COMMAND (see commands.ts). */
function renameWait<T>(node: T): T {
	const seen = new Set<unknown>();
	const visit = (n: unknown): void => {
		if (!n || typeof n !== 'object' || seen.has(n)) return;
		seen.add(n);
		const cmd = n as { type?: string; name?: { parts?: { type: string; value?: string }[] } };
		const part = cmd.type === 'SimpleCommand' ? cmd.name?.parts : undefined;
		if (part?.length === 1 && part[0].type === 'Literal' && part[0].value === 'wait') {
			part[0].value = WAIT_COMMAND;
		}
		for (const v of Object.values(n)) visit(v);
	};
	visit(node);
	return node;
}

function isExit(ast: ScriptNode | null): boolean {
	if (!ast) return false;
	return ast.statements.some((s) =>
		s.pipelines.some((p) =>
			p.commands.some((c) => {
				if (c.type !== 'SimpleCommand' || !c.name) return false;
				const [part] = c.name.parts;
				return c.name.parts.length === 1 && part.type === 'Literal' && part.value === 'exit';
			})
		)
	);
}

interface FunctionDef {
	type: 'FunctionDef';
	name: string;
}

/** Functions the line defined at top level, to be known on the following lines. */
function functionDefs(ast: ScriptNode): FunctionDef[] {
	const defs: FunctionDef[] = [];
	for (const stmt of ast.statements) {
		for (const p of stmt.pipelines) {
			for (const c of p.commands) if (c.type === 'FunctionDef') defs.push(c as FunctionDef);
		}
	}
	return defs;
}
