/**
 * just-bash collects a line's stdout and stderr in two buffers and hands them over when the
 * whole line ends: `for k in a b; do etcdctl get $k; sleep 1; done` would show nothing until the
 * loop is over (nothing at all after Ctrl-C), then every result, then every error.
 *
 * So before a line runs, every command whose output would reach the terminal gets redirections
 * to TTY, a file whose writes the session forwards to the terminal at once:
 *
 *   - stdout and stderr (`>>TTY 2>&1`) when the command is last in its pipeline, in a loop, if,
 *     group or line whose output is the terminal;
 *   - stderr only (`2>>TTY`) on the left of a pipe and inside `$(...)`.
 *
 * They are put first, so the command's own redirections still apply after them
 * (`cmd >file` keeps stderr on the terminal, `cmd 2>/dev/null` silences it). A compound command
 * with its own redirection of stdout or stderr keeps that stream for all it contains, and
 * function bodies are left alone (a call may redirect them). Each command's output then
 * appears when it ends, stdout and stderr in the order bash shows them. etcdctl learns through
 * TTY_VAR that its stdout is the terminal, and prints there as it goes.
 */
import type {
	CommandNode,
	PipelineNode,
	ScriptNode,
	SimpleCommandNode,
	StatementNode,
	WordNode
} from 'just-bash';

type RedirectionNode = SimpleCommandNode['redirections'][number];

/** Where a command's streams go if it does not redirect them: the terminal or not. */
interface Route {
	out: boolean;
	err: boolean;
	/** stdin is the terminal (no pipe or `<` feeds it). */
	in: boolean;
}

/**
 * Set, for one command, to the tty its stdout goes to, so that etcdctl (and fg, and what sudo,
 * env, kubectl exec... run) can print as it goes instead of when it ends: `etcdctl watch`.
 */
export const TTY_VAR = 'PLAYGROUND_TTY';
/** Set, for one command, to the tty its stderr goes to. */
export const TTY_ERR_VAR = 'PLAYGROUND_TTY_ERR';
/** Set, for one command, when its stdin is the terminal rather than a pipe or a file. */
export const TTY_IN_VAR = 'PLAYGROUND_TTY_IN';
export const TTY_VARS: readonly string[] = [TTY_VAR, TTY_ERR_VAR, TTY_IN_VAR];

/**
 * The command a streaming pipe becomes (see `Router.stream` and commands.ts):
 * `etcdctl watch k | grep PUT | head -n 2` runs as `playground-stream 'grep PUT' 2 watch k`.
 */
export const STREAM_COMMAND = 'playground-stream';

const LIVE_COMMANDS = new Set([
	'etcdctl',
	STREAM_COMMAND,
	'fg',
	'sudo',
	'env',
	'kubectl',
	'oc',
	'podman',
	'docker',
	'crictl'
]);

function literal(w: SimpleCommandNode['name']): string | undefined {
	const [part] = w?.parts ?? [];
	return w?.parts.length === 1 && part.type === 'Literal' ? part.value : undefined;
}

function takesInput(redirections: RedirectionNode[]): boolean {
	return redirections.some(
		(r) => ['<', '<<', '<<-', '<<<', '<&', '<>'].includes(r.operator) && (r.fd ?? 0) === 0
	);
}

const word = (value: string) => ({
	type: 'Word' as const,
	parts: [{ type: 'Literal' as const, value }]
});

/** A word with no globbing or splitting of its text: 'value'. */
const quoted = (value: string): WordNode => ({
	type: 'Word',
	parts: [{ type: 'SingleQuoted', value }]
});

/** Which of stdout and stderr a list of redirections takes over. */
function taken(redirections: RedirectionNode[]): { out: boolean; err: boolean } {
	let out = false;
	let err = false;
	for (const r of redirections) {
		if (r.operator === '&>' || r.operator === '&>>') out = err = true;
		const output = ['>', '>>', '>&', '>|', '<>', '<&'].includes(r.operator);
		if (!output) continue;
		const fd = r.fd ?? (r.operator === '<&' || r.operator === '<>' ? 0 : 1);
		if (fd === 1) out = true;
		if (fd === 2) err = true;
	}
	return { out, err };
}

function terminal(route: Route, tty: string): RedirectionNode[] {
	const r: RedirectionNode[] = [];
	// `>>`, not `>`: `set -o noclobber` must not keep output from the terminal.
	if (route.out) r.push({ type: 'Redirection', fd: null, operator: '>>', target: word(tty) });
	if (route.out && route.err) {
		r.push({ type: 'Redirection', fd: 2, operator: '>&', target: word('1') });
	} else if (route.err) {
		r.push({ type: 'Redirection', fd: 2, operator: '>>', target: word(tty) });
	}
	return r;
}

function assignment(name: string, value: string) {
	return { type: 'Assignment' as const, name, value: word(value), append: false, array: null };
}

/** A word's text when it has no expansions (quotes and escapes resolved), else undefined. */
function staticText(w: WordNode | null | undefined): string | undefined {
	if (!w) return undefined;
	let text = '';
	for (const part of w.parts) {
		if (part.type === 'Literal' || part.type === 'SingleQuoted' || part.type === 'Escaped') {
			text += part.value;
		} else if (part.type === 'DoubleQuoted') {
			const inner = staticText({ type: 'Word', parts: part.parts });
			if (inner === undefined) return undefined;
			text += inner;
		} else return undefined;
	}
	return text;
}

/** etcdctl commands that print as they go and run until stopped. */
const LONG_RUNNING = new Set(['watch', 'keep-alive', 'lock', 'elect']);

/** `etcdctl ... watch ...` (and keep-alive, lock, elect) printing into the pipe. */
function streamingEtcdctl(c: CommandNode): SimpleCommandNode | null {
	if (c.type !== 'SimpleCommand' || taken(c.redirections).out) return null;
	const cmd = literal(c.name) === 'sudo' ? unsudo(c) : c;
	if (!cmd || literal(cmd.name) !== 'etcdctl') return null;
	return cmd.args.some((a) => LONG_RUNNING.has(staticText(a) ?? '')) ? cmd : null;
}

/** sudo options that take a value (as commands.ts's sudo reads them). */
const SUDO_VALUE_OPTS = new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T']);

/** `sudo [-E...] [VAR=value...] cmd args` as `VAR=value cmd args` (sudo is a no-op here). */
function unsudo(c: SimpleCommandNode): SimpleCommandNode | null {
	const args = c.args.map(staticText);
	let i = 0;
	while (i < args.length && args[i]?.startsWith('-') && args[i] !== '--') {
		i += SUDO_VALUE_OPTS.has(args[i]!) ? 2 : 1;
	}
	if (args[i] === '--') i++;
	const assignments = [...c.assignments];
	for (; i < args.length; i++) {
		const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(args[i] ?? '');
		if (!m) break;
		assignments.push(assignment(m[1], m[2]));
	}
	if (i >= c.args.length || args[i] === undefined) return null;
	return { ...c, assignments, name: c.args[i], args: c.args.slice(i + 1) };
}

/** head's line count (`head`, `-n N`, `-nN`, `-N`, `--lines=N`, `--lines N`), else null. */
function headCount(args: WordNode[]): number | null {
	const a = args.map(staticText);
	if (a.some((x) => x === undefined)) return null;
	const [first, second] = a as string[];
	let n: string | undefined;
	if (a.length === 0) n = '10';
	else if (a.length === 1) n = /^(?:-n|--lines=|-)(\d+)$/.exec(first)?.[1];
	else if (a.length === 2 && (first === '-n' || first === '--lines')) n = second;
	return n !== undefined && /^\d+$/.test(n) ? Number(n) : null;
}

/**
 * A command that works on each line by itself, so that running it on each batch of lines gives
 * what running it once on them all would: 'line'; `head -n N`: its count; anything else: null.
 */
function lineFilter(c: CommandNode): 'line' | number | null {
	if (c.type === 'While') {
		const [stmt, ...more] = c.condition;
		const [pipe] = stmt?.pipelines ?? [];
		const [cmd] = pipe?.commands ?? [];
		const reads =
			more.length === 0 &&
			stmt.pipelines.length === 1 &&
			pipe.commands.length === 1 &&
			cmd.type === 'SimpleCommand' &&
			literal(cmd.name) === 'read';
		return reads && c.redirections.length === 0 ? 'line' : null;
	}
	if (c.type !== 'SimpleCommand' || c.redirections.length > 0) return null;
	const name = literal(c.name);
	const args = c.args.map(staticText);
	const has = (re: RegExp) => args.some((a) => a !== undefined && re.test(a));
	switch (name) {
		case 'head':
			return headCount(c.args);
		case 'grep':
		case 'egrep':
		case 'fgrep':
			// counting, listing, quiet and max-count greps need all the input at once
			return has(/^-[^-]*[cLlqm]|^--(count|files-with|quiet|silent|max-count)/) ? null : 'line';
		case 'sed':
			// in-place edits, and line-number or last-line addresses, count over all the input
			return has(/^-[^-]*[isz]|^--(in-place|separate|null-data)/) || has(/(^|[;{}\n]\s*)(\d|\$)/)
				? null
				: 'line';
		case 'awk':
			return args.every((a) => a !== undefined) && !has(/\b(END|NR|FNR|getline)\b/) ? 'line' : null;
		case 'jq':
			return has(/^-[^-]*[sn]|^--(slurp|null-input)/) ? null : 'line';
		case 'cut':
		case 'tr':
			return 'line';
		case 'cat':
			return args.every((a) => a?.startsWith('-')) ? 'line' : null;
		default:
			return null;
	}
}

class Router {
	/** Inside `$(...)`: how deep. */
	private substituting = 0;

	constructor(
		private readonly tty: string,
		private readonly serialize?: (script: ScriptNode) => string
	) {}

	/**
	 * just-bash hands a command's output down a pipe when it ends, so `etcdctl watch k | grep
	 * PUT` would show nothing until Ctrl-C (and nothing at all then). When a long-running etcdctl
	 * is followed by line filters (grep, sed, awk, cut, tr, jq, cat, `while read`), up to and
	 * including a `head`, those commands become one STREAM_COMMAND that feeds the filters as
	 * etcdctl prints (commands.ts). What follows them in the pipe gets their output as usual.
	 */
	private stream(p: PipelineNode): void {
		const pipesStderr = p.pipeStderr ?? [];
		const first = p.commands[0] && streamingEtcdctl(p.commands[0]);
		if (!this.serialize || !first || pipesStderr[0]) return;
		const filters: CommandNode[] = [];
		let limit: number | null = null;
		for (let i = 1; i < p.commands.length && limit === null; i++) {
			if (pipesStderr[i - 1]) break;
			const kind = lineFilter(p.commands[i]);
			if (kind === null) break;
			if (kind === 'line') filters.push(p.commands[i]);
			else limit = kind;
		}
		const taken = filters.length + (limit === null ? 0 : 1);
		if (taken === 0) return;
		const script = filters.length
			? this.serialize({
					type: 'Script',
					statements: [
						{
							type: 'Statement',
							pipelines: [
								{
									type: 'Pipeline',
									commands: filters,
									negated: false,
									pipeStderr: filters.slice(1).map(() => false)
								}
							],
							operators: [],
							background: false
						}
					]
				})
			: '';
		const stream: SimpleCommandNode = {
			type: 'SimpleCommand',
			assignments: first.assignments,
			name: word(STREAM_COMMAND),
			args: [quoted(script), quoted(limit === null ? '' : String(limit)), ...first.args],
			redirections: first.redirections
		};
		p.commands.splice(0, taken + 1, stream);
		if (p.pipeStderr) p.pipeStderr.splice(0, taken);
	}

	statements(list: StatementNode[] | null | undefined, route: Route): void {
		for (const stmt of list ?? []) {
			for (const p of stmt.pipelines) {
				this.stream(p);
				const pipesStderr = (p as { pipeStderr?: boolean[] }).pipeStderr ?? [];
				p.commands.forEach((c, i) => {
					const last = i === p.commands.length - 1;
					this.command(c, {
						out: route.out && last,
						err: route.err && !pipesStderr[i],
						in: route.in && i === 0
					});
				});
			}
		}
	}

	private command(c: CommandNode, route: Route): void {
		if (c.type === 'FunctionDef') return;
		if (c.type === 'SimpleCommand') {
			this.substitutions([c.name, c.args, c.assignments, c.redirections], route.err);
			if (!c.name) return;
			const own = taken(c.redirections);
			if (LIVE_COMMANDS.has(literal(c.name) ?? '')) {
				// Always set, empty when the stream is not the terminal: just-bash expands a
				// command's words with its prefix assignments in place, so without an empty value
				// here `etcdctl put k "$(etcdctl get k2)"` would have the inner etcdctl see the
				// outer one's tty and print there instead of into the argument.
				const out = route.out && !own.out;
				const err = route.err && !own.err;
				const input = route.in && !takesInput(c.redirections);
				c.assignments.push(assignment(TTY_VAR, out ? this.tty : ''));
				c.assignments.push(assignment(TTY_ERR_VAR, err ? this.tty : ''));
				c.assignments.push(assignment(TTY_IN_VAR, input ? '1' : ''));
			} else if (this.substituting > 0) {
				// A function run inside `$(...)` in an etcdctl's words would see that etcdctl's
				// markers (above) through the environment: blank them for what it runs.
				for (const v of TTY_VARS) c.assignments.push(assignment(v, ''));
			}
			c.redirections.unshift(...terminal(route, this.tty));
			return;
		}
		const own = taken(c.redirections);
		const inner = {
			out: route.out && !own.out,
			err: route.err && !own.err,
			in: route.in && !takesInput(c.redirections)
		};
		switch (c.type) {
			case 'If':
				for (const clause of c.clauses) {
					this.statements(clause.condition, inner);
					this.statements(clause.body, inner);
				}
				this.statements(c.elseBody, inner);
				return;
			case 'While':
			case 'Until':
				this.statements(c.condition, inner);
				this.statements(c.body, inner);
				return;
			case 'For':
				this.substitutions(c.words, inner.err);
				this.statements(c.body, inner);
				return;
			case 'CStyleFor':
			case 'Group':
			case 'Subshell':
				this.statements(c.body, inner);
				return;
			case 'Case':
				this.substitutions(c.word, inner.err);
				for (const item of c.items) this.statements(item.body, inner);
				return;
			default:
				return;
		}
	}

	/** Commands inside `$(...)` in these words: their stdout is the value, stderr the terminal's. */
	private substitutions(node: unknown, err: boolean): void {
		if (!node || typeof node !== 'object') return;
		if (Array.isArray(node)) {
			for (const n of node) this.substitutions(n, err);
			return;
		}
		const n = node as { type?: string; body?: ScriptNode };
		if (n.type === 'Statement') return;
		if (n.type === 'CommandSubstitution' && n.body) {
			this.substituting++;
			try {
				this.statements(n.body.statements, { out: false, err, in: false });
			} finally {
				this.substituting--;
			}
			return;
		}
		for (const v of Object.values(node)) this.substitutions(v, err);
	}
}

/** Sends terminal-bound output through `tty` (see above); mutates and returns the script. */
export function routeToTerminal(
	ast: ScriptNode,
	tty: string,
	serialize?: (script: ScriptNode) => string
): ScriptNode {
	new Router(tty, serialize).statements(ast.statements, { out: true, err: true, in: true });
	return ast;
}
