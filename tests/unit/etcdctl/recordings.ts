/**
 * Recorded real-etcd transcripts (tests/conformance/*.etcd.txt) split into steps, and a host
 * for runEtcdctl with no cluster behind it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClientError, type ClientFactory } from '../../../src/lib/client/types';
import type { EtcdctlIO } from '../../../src/lib/etcdctl';
import { parseScenario } from '../../conformance/scenario';

export const CONFORMANCE = join(import.meta.dirname, '../../conformance');

export interface RecordedStep {
	command: string;
	/** A heredoc's body, fed as stdin. */
	stdin: string | null;
	output: string;
	exit: number;
}

/** The steps of `<name>.sh` with what real etcd printed for each. */
export function recordedSteps(name: string): RecordedStep[] {
	const scenario = parseScenario(readFileSync(join(CONFORMANCE, `${name}.sh`), 'utf8'));
	const lines = readFileSync(join(CONFORMANCE, `${name}.etcd.txt`), 'utf8').split('\n');
	const steps: RecordedStep[] = [];
	let i = 0;
	for (const [n, step] of scenario.steps.entries()) {
		if (lines[i] !== `$ ${step.echo[0]}`)
			throw new Error(`${name}: expected "$ ${step.echo[0]}" at line ${i + 1}`);
		i += step.echo.length;
		const next = scenario.steps[n + 1];
		const out: string[] = [];
		while (i < lines.length && !(next && lines[i] === `$ ${next.echo[0]}`)) out.push(lines[i++]);
		let exit = 0;
		// the file's final newline leaves one empty string after the last line
		if (!next && out.length && out[out.length - 1] === '') out.pop();
		const last = out[out.length - 1];
		const m = last !== undefined ? /^\[exit (\d+)\]$/.exec(last) : null;
		if (m) {
			exit = Number(m[1]);
			out.pop();
		}
		const stdin =
			step.echo.length > 1
				? step.echo
						.slice(1, -1)
						.map((l) => l + '\n')
						.join('')
				: null;
		const command =
			step.echo.length > 1 ? step.echo[0].replace(/\s*<<-?\s*['"]?EOF['"]?\s*$/, '') : step.text;
		steps.push({ command, stdin, output: out.length ? out.join('\n') + '\n' : '', exit });
	}
	return steps;
}

/** Splits `etcdctl a 'b c' "d"` into argv (the quoting the scenarios use). */
export function argv(command: string): string[] {
	const out: string[] = [];
	const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g;
	for (const m of command.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]);
	return out;
}

/** A client factory for a cluster that is not there. */
export const unreachable: ClientFactory = {
	connect: async () => {
		throw new ClientError('deadline-exceeded', 'context deadline exceeded');
	}
};

export async function run(
	args: string[],
	opts: Partial<EtcdctlIO> = {}
): Promise<{ output: string; stdout: string; stderr: string; exit: number }> {
	const { runEtcdctl } = await import('../../../src/lib/etcdctl');
	let output = '';
	let stdout = '';
	let stderr = '';
	const exit = await runEtcdctl({
		args,
		env: {},
		stdin: async () => null,
		stdout: (t) => {
			output += t;
			stdout += t;
		},
		stderr: (t) => {
			output += t;
			stderr += t;
		},
		signal: new AbortController().signal,
		fs: { readFile: () => null, writeFile: () => undefined, exists: () => false },
		clients: unreachable,
		now: () => 0,
		...opts
	});
	return { output, stdout, stderr, exit };
}
