/**
 * cobra as etcdctl uses it: find the command (unique prefixes allowed), parse its flags, show
 * help, report flag and unknown-command errors with etcdctl's text and exit codes, then hand a
 * Context to the command. Global flags, ETCDCTL_* variables and the client are reached through
 * the Context, which applies them in the order the real etcdctl does.
 */
import { checkKeyPair } from '../client/keypair';
import { ClientError, type ClientOptions, type EtcdClient } from '../client/types';
import { EtcdError } from '../engine/api/errors';
import { Exit, ExitCode, ExitError, SIGINT_STATUS } from './exit';
import { FlagError, FlagSet, parseFlags } from './flags';
import { goQuote } from './go';
import { helpFlag, inheritedFlags, usage, type CommandPath } from './help';
import { stdinText, type EtcdctlIO } from './io';
import { newPrinter, type Printer } from './printers';
import { ROOT, type CommandSpec, type FlagSpec } from './spec';

/** The order etcdctl registers its top-level commands (cobra keeps it for suggestions). */
const REGISTRATION_ORDER = [
	'get',
	'put',
	'del',
	'txn',
	'compaction',
	'alarm',
	'defrag',
	'endpoint',
	'move-leader',
	'watch',
	'version',
	'lease',
	'member',
	'snapshot',
	'make-mirror',
	'migrate',
	'lock',
	'elect',
	'auth',
	'user',
	'role',
	'check',
	'help',
	'completion'
];

function childrenInOrder(cmd: CommandSpec): CommandSpec[] {
	const kids = cmd.children ?? [];
	if (cmd !== ROOT) return kids;
	return [...kids].sort(
		(a, b) => REGISTRATION_ORDER.indexOf(a.name) - REGISTRATION_ORDER.indexOf(b.name)
	);
}

/** All flags a command accepts, help excluded (cobra adds that one only once it runs). */
function commandFlags(path: CommandPath): FlagSpec[] {
	return [...path[path.length - 1].flags, ...inheritedFlags(path)];
}

/** cobra's stripFlags: the non-flag words, skipping values of flags that take one. */
function stripFlags(args: string[], flags: FlagSpec[]): string[] {
	const takesNoValue = (name: string) => flags.find((f) => f.name === name)?.type === 'bool';
	const shortNoValue = (c: string) => flags.find((f) => f.short === c)?.type === 'bool';
	const out: string[] = [];
	let rest = args;
	while (rest.length > 0) {
		const s = rest[0];
		rest = rest.slice(1);
		if (s === '--') break;
		const longWithValue = s.startsWith('--') && !s.includes('=') && !takesNoValue(s.slice(2));
		const shortWithValue =
			s.startsWith('-') && !s.includes('=') && s.length === 2 && !shortNoValue(s.slice(1));
		if (longWithValue || shortWithValue) {
			if (rest.length <= 1) break;
			rest = rest.slice(1);
			continue;
		}
		if (s !== '' && !s.startsWith('-')) out.push(s);
	}
	return out;
}

function findNext(cmd: CommandSpec, next: string): CommandSpec | undefined {
	const kids = childrenInOrder(cmd);
	const exact = kids.find((c) => c.name === next);
	if (exact) return exact;
	const matches = kids.filter((c) => c.name.startsWith(next));
	return matches.length === 1 ? matches[0] : undefined;
}

function levenshtein(a: string, b: string): number {
	const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
	for (let j = 1; j <= b.length; j++) d[0][j] = j;
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
		}
	}
	return d[a.length][b.length];
}

function suggestions(typed: string): string {
	const t = typed.toLowerCase();
	const names = childrenInOrder(ROOT)
		.filter((c) => c.name !== 'help')
		.filter((c) => levenshtein(t, c.name.toLowerCase()) <= 2 || c.name.toLowerCase().startsWith(t))
		.map((c) => c.name);
	if (names.length === 0) return '';
	return '\n\nDid you mean this?\n' + names.map((n) => `\t${n}\n`).join('');
}

export interface Found {
	path: CommandPath;
	args: string[];
	/** cobra's "unknown command" error, if the words did not name a command. */
	error?: string;
}

/** cobra's Find. */
export function findCommand(argv: string[]): Found {
	const path: CommandPath = [ROOT];
	let args = argv;
	for (;;) {
		const cmd = path[path.length - 1];
		const words = stripFlags(args, commandFlags(path));
		if (words.length === 0 || !cmd.children) break;
		const next = findNext(cmd, words[0]);
		if (!next) break;
		path.push(next);
		const at = args.indexOf(words[0]);
		args = [...args.slice(0, at), ...args.slice(at + 1)];
	}
	if (path.length === 1) {
		const words = stripFlags(args, commandFlags(path));
		if (words.length > 0) {
			return {
				path,
				args,
				error: `unknown command ${goQuote(words[0])} for "etcdctl"${suggestions(words[0])}`
			};
		}
	}
	return { path, args };
}

/** capnslog's line prefix: `2006-01-02 15:04:05.000000 W | `. */
function capnslogTime(ms: number): string {
	const d = new Date(ms);
	const p = (n: number, w = 2) => String(n).padStart(w, '0');
	return (
		`${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ` +
		`${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}000`
	);
}

const GRPC_CODE_NAMES: Record<string, string> = {
	'deadline-exceeded': 'DeadlineExceeded',
	unavailable: 'Unavailable',
	canceled: 'Canceled',
	'invalid-endpoint': 'Unavailable'
};

function uuid(): string {
	const c = globalThis.crypto as Crypto | undefined;
	if (c?.randomUUID) return c.randomUUID();
	return '00000000-0000-4000-8000-000000000000';
}

/** What a command gets: its arguments and flags, the terminal, the printer and the client. */
export class Context {
	private envApplied = false;
	private printerCache: Printer | undefined;
	private clientCache: Promise<EtcdClient> | undefined;
	private clientOpts: ClientOptions | undefined;
	private readonly clientId = uuid();
	/**
	 * When false, Ctrl-C does not cancel the client's calls: lock and elect catch the signal
	 * (as etcdctl's signal.Notify does) and still release their key afterwards.
	 */
	cancelCallsOnInterrupt = true;

	constructor(
		readonly io: EtcdctlIO,
		readonly path: CommandPath,
		readonly flags: FlagSet,
		readonly args: string[],
		readonly dashAt: number
	) {}

	get cmd(): CommandSpec {
		return this.path[this.path.length - 1];
	}

	out(text: string): void {
		this.io.stdout(text);
	}

	err(text: string): void {
		this.io.stderr(text);
	}

	/** flags.SetPflagsFromEnv over the inherited flags, with its conflict checks. */
	applyEnv(extraNames: string[] = []): void {
		if (this.envApplied) return;
		this.envApplied = true;
		const inherited = inheritedFlags(this.path);
		const key = (name: string) => 'ETCDCTL_' + name.toUpperCase().replace(/-/g, '_');
		const alreadySet = new Set<string>();
		const used = new Set<string>();
		for (const f of inherited) {
			const k = key(f.name);
			if (this.flags.changed.has(f.name)) {
				alreadySet.add(k);
				continue;
			}
			const v = this.io.env[k];
			if (v !== undefined && v !== '') {
				used.add(k);
				// etcdctl ignores the error of a bad value: the flag keeps its default.
				this.flags.set(f, v);
			}
		}
		for (const n of extraNames) used.add(key(n));
		for (const [k, v] of Object.entries(this.io.env)) {
			if (used.has(k)) continue;
			if (alreadySet.has(k)) {
				this.err(
					`${capnslogTime(this.io.now())} C | pkg/flags: conflicting environment variable ${goQuote(k)} is shadowed by corresponding command-line flag (either unset environment variable or disable flag)\n`
				);
				throw new Exit(ExitCode.Error);
			}
			if (k.startsWith('ETCDCTL_')) {
				this.err(
					`${capnslogTime(this.io.now())} W | pkg/flags: unrecognized environment variable ${k}=${v}\n`
				);
			}
		}
	}

	/** initDisplayFromCmd. */
	display(): Printer {
		if (this.printerCache) return this.printerCache;
		const p = newPrinter(this.flags.string('write-out'), this.flags.bool('hex'));
		if (!p) throw new ExitError(ExitCode.BadFeature, 'unsupported output format');
		this.printerCache = p;
		return p;
	}

	/** A client endpoint as grpc names its connection in warnings. */
	clientTarget(ep: string): string {
		return `endpoint://client-${this.clientId}/${ep.replace(/^[a-z]+:\/\//, '')}`;
	}

	endpoints(): string[] {
		return this.flags.strings('endpoints');
	}

	/** clientConfigFromCmd: environment, TLS and auth checks, then the printer. */
	clientOptions(extraEnv: string[] = []): ClientOptions {
		this.applyEnv(extraEnv);
		const tls: NonNullable<ClientOptions['tls']> = {};
		for (const name of ['cert', 'key', 'cacert'] as const) {
			const v = this.flags.string(name);
			if (v === '' && this.flags.changed.has(name)) {
				throw new ExitError(ExitCode.BadArgs, `empty string is passed to --${name} option`);
			}
			if (v !== '') tls[name] = v;
		}
		if (this.flags.bool('insecure-skip-tls-verify')) tls.insecureSkipVerify = true;
		// etcdctl sets up an empty TLS configuration when plain transport is turned off.
		if (!this.flags.bool('insecure-transport')) tls.secure = true;
		const opts: ClientOptions = {
			endpoints: this.endpoints(),
			dialTimeoutMs: this.flags.number('dial-timeout') / 1e6,
			commandTimeoutMs: this.flags.number('command-timeout') / 1e6
		};
		if (this.cancelCallsOnInterrupt) opts.signal = this.io.signal;
		if (Object.keys(tls).length > 0) opts.tls = tls;
		const user = this.flags.string('user');
		const password = this.flags.string('password');
		if (user !== '') {
			if (password === '') {
				const at = user.indexOf(':');
				if (at < 0) {
					opts.user = user;
					opts.password = ''; // filled by askPassword() when the command connects
				} else {
					opts.user = user.slice(0, at);
					opts.password = user.slice(at + 1);
				}
			} else {
				opts.user = user;
				opts.password = password;
			}
		}
		this.display();
		return opts;
	}

	/** The TLS files must exist, as crypto/tls would read them when dialing. */
	private checkTLSFiles(opts: ClientOptions): void {
		const t = opts.tls;
		if (!t) return;
		if ((t.cert && !t.key) || (!t.cert && t.key)) {
			throw new ExitError(
				ExitCode.BadArgs,
				`KeyFile and CertFile must both be present[key: ${t.key ?? ''}, cert: ${t.cert ?? ''}]`
			);
		}
		for (const f of [t.cert, t.key, t.cacert]) {
			if (f && !this.io.fs.exists(f)) {
				throw new ExitError(ExitCode.BadArgs, `open ${f}: no such file or directory`);
			}
		}
		// tls.LoadX509KeyPair runs while etcdctl builds its client, whatever the server is.
		if (t.cert && t.key) {
			const text = (f: string) =>
				new TextDecoder().decode(this.io.fs.readFile(f) ?? new Uint8Array());
			const bad = checkKeyPair(text(t.cert), text(t.key));
			if (bad) throw new ExitError(ExitCode.BadArgs, bad);
		}
	}

	/** mustClientFromCmd, connecting lazily; connection failures surface at the first call. */
	async client(extraEnv: string[] = []): Promise<EtcdClient> {
		if (this.clientCache) return this.clientCache;
		const opts = this.clientOptions(extraEnv);
		return this.connect(opts);
	}

	async connect(opts: ClientOptions): Promise<EtcdClient> {
		this.checkTLSFiles(opts);
		if (
			opts.user !== undefined &&
			opts.password === '' &&
			!this.flags.string('user').includes(':')
		) {
			const pw = await this.askSecret('Password: ');
			opts.password = pw;
		}
		this.clientOpts = opts;
		this.clientCache = this.dial(opts);
		return this.clientCache;
	}

	/**
	 * One more client like the first, on a connection of its own: check perf dials one per
	 * worker (cc.mustClient() in a loop). The caller closes it. `signal` (aborted when etcdctl's
	 * is) replaces etcdctl's own, so that hundreds of clients do not all listen on one signal.
	 */
	async extraClient(signal?: AbortSignal): Promise<EtcdClient> {
		await this.client();
		const opts = { ...this.clientOpts! };
		if (signal && opts.signal) opts.signal = signal;
		return this.dial(opts);
	}

	/**
	 * clientv3.New: logging in happens while connecting. A failed login ends etcdctl with exit 2
	 * (bad connection); `authentication is not enabled` is only warned about, as etcd 3.4 does.
	 */
	private async dial(opts: ClientOptions): Promise<EtcdClient> {
		try {
			return await this.io.clients.connect(opts);
		} catch (e) {
			if (!(e instanceof EtcdError) || opts.user === undefined) throw e;
			this.warnRpc(e);
			if (e.message !== 'etcdserver: authentication is not enabled') {
				throw new ExitError(ExitCode.BadConnection, e.message);
			}
			const rest = { ...opts };
			delete rest.user;
			delete rest.password;
			return this.io.clients.connect(rest);
		}
	}

	async askSecret(prompt: string): Promise<string> {
		if (this.io.readLine) {
			const line = await this.io.readLine(prompt);
			if (line === null) throw new ExitError(ExitCode.Error, 'EOF');
			return line;
		}
		const text = await stdinText(this.io);
		if (text === null || text === '') throw new ExitError(ExitCode.Error, 'EOF');
		return text.split('\n')[0];
	}

	/**
	 * The grpc retry interceptor's warning, printed when a unary call fails. `target` is the
	 * connection's: the client's first endpoint, or `passthrough:///<ep>` for the maintenance
	 * calls etcdctl sends to one endpoint over a connection of their own.
	 */
	warnRpc(e: unknown, target?: string): void {
		const ep = (this.endpoints()[0] ?? '').replace(/^[a-z]+:\/\//, '');
		let code: string;
		let desc: string;
		if (e instanceof EtcdError) {
			code = e.code;
			desc = e.message;
		} else if (e instanceof ClientError) {
			code = GRPC_CODE_NAMES[e.kind] ?? 'Unknown';
			desc =
				e.kind === 'deadline-exceeded' && e.message === 'context deadline exceeded'
					? 'latest balancer error: all SubConns are in TransientFailure'
					: e.message;
		} else return;
		const ts = new Date(this.io.now()).toISOString();
		this.err(
			`{"level":"warn","ts":"${ts}","caller":"clientv3/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"${target ?? `endpoint://client-${this.clientId}/${ep}`}","attempt":0,"error":"rpc error: code = ${code} desc = ${desc.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"}\n`
		);
	}

	/**
	 * One unary call: connects, runs it, and on failure prints the warning then exits with
	 * `code` and the message (optionally wrapped, e.g. `failed to grant lease (%v)`).
	 */
	async call<T>(
		fn: (c: EtcdClient) => Promise<T>,
		code: number = ExitCode.Error,
		wrap: (m: string) => string = (m) => m,
		warn: boolean | string = true
	): Promise<T> {
		try {
			const c = await this.client();
			return await fn(c);
		} catch (e) {
			if (e instanceof ExitError || e instanceof Exit) throw e;
			if (this.io.signal.aborted && this.cancelCallsOnInterrupt) throw new Exit(SIGINT_STATUS);
			if (warn) this.warnRpc(e, typeof warn === 'string' ? warn : undefined);
			throw new ExitError(code, wrap(errorMessage(e)));
		}
	}
}

export function errorMessage(e: unknown): string {
	if (e instanceof Error) return e.message;
	return String(e);
}

/** What the command table provides for each runnable command. */
export type Handler = (ctx: Context) => Promise<number | void>;

/** Flag errors: the error, the usage on stdout, a blank line, the error again (exit 1). */
function flagError(io: EtcdctlIO, path: CommandPath, message: string): number {
	io.stderr(`Error: ${message}\n`);
	io.stdout(usage(path));
	io.stderr('\n');
	io.stderr(`Error: ${message}\n`);
	return ExitCode.Error;
}

export async function execute(io: EtcdctlIO, handlers: Map<string, Handler>): Promise<number> {
	const found = findCommand(io.args);
	if (found.error) {
		io.stderr(`Error: ${found.error}\nRun 'etcdctl --help' for usage.\n`);
		io.stderr(`Error: ${found.error}\n`);
		return ExitCode.Error;
	}
	const { path } = found;
	const cmd = path[path.length - 1];
	const fs = new FlagSet([...cmd.flags, ...inheritedFlags(path), helpFlag(cmd)]);
	let parsed: { args: string[]; dashAt: number };
	try {
		parsed = parseFlags(fs, found.args);
	} catch (e) {
		if (e instanceof FlagError) return flagError(io, path, e.message);
		throw e;
	}
	const key = path
		.slice(1)
		.map((c) => c.name)
		.join(' ');
	const handler = handlers.get(key);
	if (fs.bool('help') || !handler) {
		io.stdout(usage(path));
		return ExitCode.Success;
	}
	const ctx = new Context(io, path, fs, parsed.args, parsed.dashAt);
	const code = await handler(ctx);
	return code ?? ExitCode.Success;
}
