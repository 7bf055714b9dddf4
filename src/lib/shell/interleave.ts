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
import type { CommandNode, ScriptNode, SimpleCommandNode, StatementNode } from 'just-bash';

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

const LIVE_COMMANDS = new Set([
	'etcdctl',
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

class Router {
	/** Inside `$(...)`: how deep. */
	private substituting = 0;

	constructor(private readonly tty: string) {}

	statements(list: StatementNode[] | null | undefined, route: Route): void {
		for (const stmt of list ?? []) {
			for (const p of stmt.pipelines) {
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
export function routeToTerminal(ast: ScriptNode, tty: string): ScriptNode {
	new Router(tty).statements(ast.statements, { out: true, err: true, in: true });
	return ast;
}
