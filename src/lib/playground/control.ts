/**
 * The `playground` command: cluster control for the terminal and for scenarios. It parses the
 * grammar (documented in src/lib/shell/README.md) and drives any cluster that implements
 * ClusterControl: the in-process Node cluster or the page's Web Worker cluster.
 */
import { runEtcd, type RestoredBootControl, type ShellFiles } from './etcd';

export interface MemberState {
	name: string;
	/** Leader, Follower, Candidate, PreCandidate, Learner, or Down. */
	state: string;
	term: number;
	revision: number;
	commit: number;
	applied: number;
	/** Why a Down member stopped itself (a storage failure), when known. */
	failure?: string;
}

export interface ClusterControl {
	names(): string[];
	kill(name: string): Promise<void>;
	restart(name: string): Promise<void>;
	partition(groups: string[][]): void;
	heal(): void;
	latency(ms: number, member?: string): void;
	drop(rate: number): void;
	addMember(learner: boolean): Promise<string>;
	removeMember(name: string): Promise<void>;
	status(): Promise<MemberState[]>;
	/** `etcd --data-dir DIR`: start a member on a restored data dir (./etcd.ts). */
	bootRestored?: RestoredBootControl['bootRestored'];
	/**
	 * Wipes the cluster and starts it fresh (revision 1, the initial members); the page also
	 * wipes terminal history and lesson progress, and reloads. Hosts without it refuse reset.
	 */
	reset?(): Promise<void>;
}

/** What `playground` may ask the learner (a terminal has it; a replayed scenario does not). */
export interface PlaygroundIo {
	/** Shows `prompt` and reads one line; null on Ctrl-C or end of input. */
	readLine?(prompt: string): Promise<string | null>;
	/** The shell's files, for `etcd --data-dir DIR` (the shell's `etcd` runs `playground etcd`). */
	files?: ShellFiles;
}

export const PLAYGROUND_HELP = `Usage: playground COMMAND

Control the playground cluster (not part of etcd):
  playground status                             members, their state, leader, term
  playground kill etcd-2                        crash a member (its data stays on its disk)
  playground restart etcd-2                     start it again from its data
  playground partition etcd-1 etcd-2 / etcd-3   cut the network between groups
  playground isolate etcd-1                     cut one member off from the rest
  playground heal                               remove partitions, latency and message loss
  playground latency 50ms [etcd-N]              delay messages (all, or one member's)
  playground drop 0.2                           lose each message with probability 0.2
  playground member add [--learner]             add a member etcd-N and start it
  playground member remove etcd-3               remove a member and stop it
  playground reset [--yes]                      wipe everything, start a fresh cluster (asks first)
  playground help                               this text

Run etcd itself on a restored backup ('etcd --help'):
  etcd --data-dir DIR [--name NAME]             start a member on a data dir that
                                                'etcdctl snapshot restore' wrote
`;

/** `control` with the host's own `reset` (a class such as the page's ClusterManager stays whole). */
export function withReset(control: ClusterControl, reset: () => Promise<void>): ClusterControl {
	return new Proxy(control, {
		get: (target, prop) => {
			if (prop === 'reset') return reset;
			const value: unknown = Reflect.get(target, prop, target);
			return typeof value === 'function' ? value.bind(target) : value;
		}
	});
}

export const RESET_QUESTION = 'Wipe the cluster, terminal history and lesson progress? [y/N] ';

function parseDuration(s: string): number | null {
	const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(s);
	if (!m) return null;
	const n = Number(m[1]);
	return m[2] === 's' ? n * 1000 : n;
}

function pad(s: string, n: number): string {
	return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function formatStatus(states: MemberState[]): string {
	const rows = [['NAME', 'STATE', 'TERM', 'REVISION', 'COMMIT', 'APPLIED']];
	for (const m of states) {
		rows.push([
			m.name,
			m.state,
			String(m.term),
			String(m.revision),
			String(m.commit),
			String(m.applied)
		]);
	}
	const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
	const failures = states
		.filter((m) => m.failure)
		.map((m) => `${m.name} stopped itself: ${m.failure}\n`);
	return (
		rows
			.map((r) =>
				r
					.map((c, i) => pad(c, widths[i]))
					.join('  ')
					.trimEnd()
			)
			.join('\n') +
		'\n' +
		failures.join('')
	);
}

/** Runs `playground ARGS`; returns the exit status (0 ok, 1 failed, 2 usage). */
export async function runPlayground(
	control: ClusterControl,
	args: string[],
	out: (text: string) => void,
	io: PlaygroundIo = {}
): Promise<number> {
	const usage = (msg: string) => {
		out(`playground: ${msg}\nRun 'playground help' for usage.\n`);
		return 2;
	};
	const known = (name: string | undefined): name is string =>
		!!name && control.names().includes(name);
	const [cmd, ...rest] = args;
	try {
		switch (cmd) {
			case undefined:
			case 'help':
			case '--help':
			case '-h':
				out(PLAYGROUND_HELP);
				return 0;
			case 'status':
				out(formatStatus(await control.status()));
				return 0;
			case 'etcd':
				return await runEtcd(control, rest, out, io.files);
			case 'kill':
			case 'restart': {
				if (rest.length !== 1) return usage(`${cmd} takes one member name`);
				if (!known(rest[0])) return usage(`no member named ${rest[0]}`);
				if (cmd === 'kill') await control.kill(rest[0]);
				else await control.restart(rest[0]);
				out(`${cmd === 'kill' ? 'killed' : 'restarted'} ${rest[0]}\n`);
				return 0;
			}
			case 'partition': {
				const groups: string[][] = [[]];
				for (const a of rest) {
					if (a === '/') groups.push([]);
					else
						for (const part of a.split('/')) {
							if (part === '') groups.push([]);
							else groups[groups.length - 1].push(part);
						}
				}
				const clean = groups.filter((g) => g.length > 0);
				if (clean.length === 0) return usage('partition needs member names, groups separated by /');
				for (const g of clean)
					for (const n of g) if (!known(n)) return usage(`no member named ${n}`);
				control.partition(clean);
				out(`partitioned: ${clean.map((g) => g.join(' ')).join(' / ')}\n`);
				return 0;
			}
			case 'isolate': {
				if (rest.length !== 1 || !known(rest[0])) return usage('isolate takes one member name');
				control.partition([[rest[0]]]);
				out(`isolated ${rest[0]}\n`);
				return 0;
			}
			case 'heal':
				control.heal();
				out('network healed\n');
				return 0;
			case 'latency': {
				const ms = rest[0] !== undefined ? parseDuration(rest[0]) : null;
				if (ms === null) return usage('latency takes a duration such as 50ms');
				if (rest[1] !== undefined && !known(rest[1])) return usage(`no member named ${rest[1]}`);
				control.latency(ms, rest[1]);
				out(`latency ${ms}ms${rest[1] ? ` on ${rest[1]}` : ''}\n`);
				return 0;
			}
			case 'drop': {
				const rate = Number(rest[0]);
				if (rest.length !== 1 || !Number.isFinite(rate) || rate < 0 || rate > 1) {
					return usage('drop takes a probability between 0 and 1');
				}
				control.drop(rate);
				out(`dropping ${rate * 100}% of messages\n`);
				return 0;
			}
			case 'member': {
				if (rest[0] === 'add') {
					const learner = rest.slice(1).includes('--learner');
					const name = await control.addMember(learner);
					out(`added ${name}${learner ? ' as a learner' : ''}\n`);
					return 0;
				}
				if (rest[0] === 'remove') {
					if (!known(rest[1])) return usage('member remove takes a member name');
					await control.removeMember(rest[1]);
					out(`removed ${rest[1]}\n`);
					return 0;
				}
				return usage('member takes add or remove');
			}
			case 'reset': {
				const yes = rest.length === 1 && (rest[0] === '--yes' || rest[0] === '-y');
				if (rest.length > 0 && !yes) return usage('reset takes only --yes (or -y)');
				if (!control.reset) {
					out('playground: reset is not available here\n');
					return 1;
				}
				if (!yes) {
					if (!io.readLine) {
						out('playground: reset needs confirmation: run playground reset --yes\n');
						return 1;
					}
					const answer = await io.readLine(RESET_QUESTION);
					if (!/^y(es)?$/i.test(answer?.trim() ?? '')) {
						out('reset cancelled\n');
						return 1;
					}
				}
				await control.reset();
				out('reset: a fresh cluster is starting\n');
				return 0;
			}
			default:
				return usage(`unknown command "${cmd}"`);
		}
	} catch (e) {
		out(`playground: ${e instanceof Error ? e.message : String(e)}\n`);
		return 1;
	}
}
