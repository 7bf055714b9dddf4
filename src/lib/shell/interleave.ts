/**
 * just-bash collects a command's stdout and stderr in two buffers and hands them over when the
 * command ends, so `for k in a b; do etcdctl get $k; done` would show every result first and
 * every error after. A terminal shows them in the order they were written.
 *
 * For commands whose stdout is the terminal anyway (last in their pipeline, no output
 * redirection, inside a loop/if/group whose output is the terminal too) adding `2>&1` changes
 * nothing a user can see except that order, which it restores. What is left on stderr after
 * that comes from commands that ran before the terminal output they precede (the left side of a
 * pipe, a `$(...)`), so the session prints it first.
 */
import type { CommandNode, ScriptNode, SimpleCommandNode, StatementNode } from 'just-bash';

type RedirectionNode = SimpleCommandNode['redirections'][number];

const OUTPUT_OPERATORS = new Set(['>', '>>', '>&', '&>', '&>>', '>|', '<>']);

function redirectsOutput(r: RedirectionNode): boolean {
	return OUTPUT_OPERATORS.has(r.operator) || (r.operator === '<&' && (r.fd === 1 || r.fd === 2));
}

const STDERR_TO_STDOUT: RedirectionNode = {
	type: 'Redirection',
	fd: 2,
	operator: '>&',
	target: { type: 'Word', parts: [{ type: 'Literal', value: '1' }] }
};

function statements(list: StatementNode[] | null | undefined): void {
	for (const stmt of list ?? []) {
		for (const p of stmt.pipelines) {
			const last = p.commands.at(-1);
			if (last) command(last);
		}
	}
}

function command(c: CommandNode): void {
	if (c.type === 'FunctionDef') return;
	if (c.redirections.some(redirectsOutput)) return;
	switch (c.type) {
		case 'SimpleCommand':
			if (c.name) c.redirections.push({ ...STDERR_TO_STDOUT });
			return;
		case 'If':
			for (const clause of c.clauses) {
				statements(clause.condition);
				statements(clause.body);
			}
			statements(c.elseBody);
			return;
		case 'While':
		case 'Until':
			statements(c.condition);
			statements(c.body);
			return;
		case 'For':
		case 'CStyleFor':
		case 'Group':
		case 'Subshell':
			statements(c.body);
			return;
		case 'Case':
			for (const item of c.items) statements(item.body);
			return;
		default:
			return;
	}
}

/** Adds `2>&1` where it only restores the order of output (see above); mutates and returns. */
export function interleaveStderr(ast: ScriptNode): ScriptNode {
	statements(ast.statements);
	return ast;
}
