/**
 * Every etcdctl line of the seed guides (shared/seeds/*.txt), with the shell lines it depends on
 * and the kubectl/podman lines around it, replayed guide by guide as a scenario on the
 * `kubernetes` preset through the Node runner, as a learner would paste them in order.
 *
 * What each line must give:
 * - never "command not found": kubectl and podman explain themselves, or run the etcdctl they
 *   are asked to run in the etcd container;
 * - an etcdctl line that presents no certificates (no ETCDCTL_CACERT/CERT/KEY exported, no
 *   --cacert/--cert/--key) is refused as kubeadm's etcd refuses it: context deadline exceeded
 *   (the guides show this failure on purpose before setting up the certificates);
 * - with certificates, no `Error:` and no client warning, except the errors real etcd gives
 *   for what the guide asks of a young cluster: a literal revision (--rev=5000, compact 5000)
 *   beyond this cluster's few dozen revisions is a future revision, and once the guide has
 *   compacted, reads below that revision are compacted;
 * - a watch in the foreground runs until interrupted (Ctrl-C after a few seconds here).
 *
 * Test-only changes to the guides' text: placeholders (<node-name>, <key>...) are filled with
 * names from the preset (./extract.ts) and `sleep 60` sleeps 1 second.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runEtcdctl } from '../../../src/lib/etcdctl';
import { createNodeCluster } from '../../../src/lib/node-cluster';
import { parseScenario } from '../../../src/lib/scenario/parser';
import { runScenario } from '../../../src/lib/scenario/runner';
import { commandLines } from '../../../src/lib/scenario/transcript';
import { ShellSession } from '../../../src/lib/shell/session';
import { SEEDS_DIR, seedCommands, seedFiles, type SeedCommand } from './extract';

/**
 * A foreground command still running after this long is interrupted (watches). Longer than
 * etcdctl's 5 s command timeout, after which a command without certificates fails.
 */
const INTERRUPT_MS = 6_000;

interface Outcome {
	command: SeedCommand;
	output: string;
	status: number;
}

async function replay(file: string): Promise<Outcome[]> {
	const session = await ShellSession.create({ write: () => undefined });
	const isComplete = (t: string) => session.isComplete(t);
	const commands = seedCommands(file, isComplete).map((c) => ({
		...c,
		text: c.text.replace(/^(\s*)sleep\s+\d+\s*$/, '$1sleep 1')
	}));
	const text = '# preset: kubernetes\n' + commands.map((c) => c.text + '\n').join('');
	const steps = parseScenario(text, isComplete).steps;
	expect(steps.length).toBe(commands.length);
	const transcript = await runScenario(text, createNodeCluster, {
		etcdctl: runEtcdctl,
		commandTimeoutMs: INTERRUPT_MS,
		quietMs: 100
	});
	// Split the transcript at each step's echoed command lines, in order.
	const starts: number[] = [];
	let from = 0;
	for (const step of steps) {
		const at = transcript.indexOf(commandLines(step), from);
		expect(at, `transcript shows ${step.echo[0]}`).toBeGreaterThanOrEqual(0);
		starts.push(at);
		from = at + commandLines(step).length;
	}
	return steps.map((step, i) => {
		const body = transcript.slice(starts[i] + commandLines(step).length, starts[i + 1]);
		const exit = /\[exit (\d+)\]\n$/.exec(body);
		return {
			command: commands[i],
			output: exit ? body.slice(0, exit.index) : body,
			status: exit ? Number(exit[1]) : 0
		};
	});
}

const FRIENDLY = /there is no Kubernetes in this playground|already in the etcd container's shell/;
const TLS_FLAGS = (t: string) => /--cacert/.test(t) && /--cert[= ]/.test(t) && /--key[= ]/.test(t);
/** etcdctl commands that never connect to a member. */
const OFFLINE = /etcdctl (version|snapshot status)\b/;

/**
 * Lines whose faithful result is an error, because real etcdctl 3.4/3.5 gives the same: the
 * guide's `etcdctl delete` (the command is `del`; cobra has no such alias).
 */
const FAITHFUL_ERRORS: [RegExp, RegExp][] = [
	[/^etcdctl delete /, /Error: unknown command "delete" for "etcdctl"/]
];

/** Drops the lines of an error (and its client warning) that `line` may give. */
function without(output: string, error: string): string {
	return output
		.split('\n')
		.filter((l) => !l.includes(error))
		.join('\n');
}

function check(outcomes: Outcome[]): string[] {
	const problems: string[] = [];
	const exported = new Set<string>();
	let compacted = false;
	for (const { command, output, status } of outcomes) {
		const say = (what: string) =>
			problems.push(
				`${command.file}: ${command.text.split('\n')[0]}\n  ${what}\n  got: ${output.trim().slice(0, 300)}`
			);
		for (const m of command.text.matchAll(/export (ETCDCTL_[A-Z_]+)=/g)) exported.add(m[1]);
		if (/command not found/.test(output)) say('"command not found"');
		if (command.kind === 'elsewhere') {
			const exec = /\bexec\b/.test(command.text);
			const quiet = /2>\/dev\/null/.test(command.text);
			if (!exec && !quiet && !FRIENDLY.test(output)) say('no explanation for a Kubernetes tool');
			continue;
		}
		if (command.kind !== 'etcdctl') continue;
		const known = FAITHFUL_ERRORS.find(([line]) => line.test(command.text));
		if (known) {
			if (!known[1].test(output)) say(`expected ${known[1].source}`);
			continue;
		}
		if (/^alias /.test(command.text)) {
			// Defining it prints nothing; a non-interactive shell (a scenario) does not expand it.
			if (status !== 0 || output !== '') say('alias failed');
			continue;
		}
		// A flag given while its ETCDCTL_ variable is exported: etcdctl refuses the mix.
		const shadowed = [...exported].some((v) =>
			new RegExp(`--${v.slice('ETCDCTL_'.length).toLowerCase().replace(/_/g, '-')}[= ]`).test(
				command.text
			)
		);
		if (shadowed) {
			if (!/conflicting environment variable "ETCDCTL_[A-Z]+" is shadowed/.test(output)) {
				say('expected the flag/environment conflict');
			}
			continue;
		}
		const certs =
			TLS_FLAGS(command.text) ||
			['ETCDCTL_CACERT', 'ETCDCTL_CERT', 'ETCDCTL_KEY'].every((k) => exported.has(k));
		const watch = /etcdctl watch\b/.test(command.text) && !/&\s*$/.test(command.text);
		if (!certs && !OFFLINE.test(command.text)) {
			if (!/context deadline exceeded/.test(output)) say('expected the TLS refusal');
			continue;
		}
		let rest = output;
		if (/--rev=\d+|compact \d+/.test(command.text)) {
			rest = without(rest, 'required revision is a future revision');
		}
		if (compacted && /--rev=/.test(command.text)) {
			rest = without(rest, 'required revision has been compacted');
		}
		const allowed = rest !== output;
		const grepMissed = /\|\s*grep\b[^|]*$/.test(command.text) && status === 1 && output === '';
		if (/Error:|"level":"warn"/.test(rest)) say('unexpected error');
		else if (status !== 0 && !(watch && status === 130) && !allowed && !grepMissed) {
			say(`exit status ${status}`);
		}
		if (/^compacted revision \d+/m.test(output)) compacted = true;
	}
	return problems;
}

// The guides live in the steering repo's shared/seeds/, beside this checkout (as CI has it).
const haveSeeds = existsSync(SEEDS_DIR);

(haveSeeds ? describe.concurrent : describe.skip)(
	haveSeeds
		? 'seed guide lines on the kubernetes preset'
		: `seed guide lines: skipped, ${SEEDS_DIR} is not beside this checkout`,
	() => {
		for (const file of seedFiles()) {
			it(
				file,
				async () => {
					const outcomes = await replay(file);
					expect(outcomes.filter((o) => o.command.kind === 'etcdctl').length).toBeGreaterThan(0);
					expect(check(outcomes)).toEqual([]);
				},
				120_000
			);
		}
	}
);
