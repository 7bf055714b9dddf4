/**
 * Scenario files: shell lines as a user types them (the format of tests/conformance/*.sh).
 *
 *   # cluster: 5                  cluster size (default 3)
 *   # preset: kubernetes          starting state (src/lib/presets/); other `#` lines are comments
 *   etcdctl put foo bar           one command per line...
 *   etcdctl watch foo &           ...a trailing `&` starts a background job
 *   etcdctl txn <<EOF             ...a heredoc takes the lines up to its terminator as stdin
 *   put a 1
 *
 *   EOF
 *   for k in a b; do              ...and a command that is not complete yet (open loop, quote,
 *     etcdctl get $k              `\` continuation, trailing `|`) takes the next lines too,
 *   done                          as bash's `> ` prompt would.
 */

export interface ScenarioStep {
	/** The lines as typed: the transcript shows the first after `$ `, the rest as they are. */
	echo: string[];
	/** The command to run (all its lines joined by newlines). */
	text: string;
	/** Ends in a top-level `&` (a background job). */
	background: boolean;
}

export interface Scenario {
	clusterSize: number;
	/** The `# preset: NAME` line's name, when there is one. */
	preset?: string;
	steps: ScenarioStep[];
}

export const DEFAULT_CLUSTER_SIZE = 3;

const HEREDOC = /<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

/**
 * Whether the text is a whole command. The default only knows `\` continuations; the runner
 * passes the shell's own parser (ShellSession.isComplete) for loops, quotes and pipes.
 */
export type CompletenessCheck = (text: string) => boolean;

const endsWithContinuation: CompletenessCheck = (text) => !/(^|[^\\])(\\\\)*\\$/.test(text);

export function parseScenario(
	source: string,
	isComplete: CompletenessCheck = endsWithContinuation
): Scenario {
	const lines = source.replace(/\r\n/g, '\n').split('\n');
	if (lines.at(-1) === '') lines.pop();
	let clusterSize = DEFAULT_CLUSTER_SIZE;
	let preset: string | undefined;
	const steps: ScenarioStep[] = [];
	for (let i = 0; i < lines.length; i++) {
		const trimmed = lines[i].trim();
		const size = /^#\s*cluster:\s*(\d+)\s*$/.exec(trimmed);
		if (size) {
			clusterSize = Math.max(1, Number(size[1]));
			continue;
		}
		const named = /^#\s*preset:\s*(\S+)\s*$/.exec(trimmed);
		if (named) {
			preset = named[1];
			continue;
		}
		if (trimmed === '' || trimmed.startsWith('#')) continue;
		const echo: string[] = [];
		for (; i < lines.length; i++) {
			const line = lines[i];
			echo.push(line);
			i = takeHeredocs(line, lines, i, echo);
			if (i + 1 >= lines.length || isComplete(echo.join('\n'))) break;
		}
		const text = echo.join('\n');
		const last = echo.at(-1) ?? '';
		const background = !/<</.test(text) && /(^|[^&|>])&\s*$/.test(last);
		steps.push({ echo, text, background });
	}
	return preset === undefined ? { clusterSize, steps } : { clusterSize, preset, steps };
}

/** Appends the bodies of the heredocs that `line` opens; returns the index of the last line used. */
function takeHeredocs(line: string, lines: string[], i: number, echo: string[]): number {
	for (const doc of line.matchAll(HEREDOC)) {
		const stripTabs = doc[1] === '-';
		const terminator = doc[3];
		for (i++; i < lines.length; i++) {
			echo.push(lines[i]);
			const body = stripTabs ? lines[i].replace(/^\t+/, '') : lines[i];
			if (body === terminator) break;
		}
	}
	return i;
}
