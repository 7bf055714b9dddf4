/**
 * The transcript format shared with the real-etcd recorder (scripts/record-etcd.ts):
 *
 *   $ COMMAND        the command as typed; heredoc bodies and continuation lines follow as typed
 *   ...output...     what the terminal showed while it ran (stdout and stderr together)
 *   ...background... what background jobs printed while it ran, job by job in start order
 *   [exit N]         only when the status N is not 0
 *
 * and at the end what the background jobs printed while being stopped.
 */
import type { ScenarioStep } from './parser';

export function ensureNewline(text: string): string {
	return text === '' || text.endsWith('\n') ? text : text + '\n';
}

export function commandLines(step: ScenarioStep): string {
	const [first, ...rest] = step.echo;
	return `$ ${first}\n` + rest.map((l) => l + '\n').join('');
}

/** One step: its command lines, foreground then background output, and a non-zero status. */
export function stepTranscript(
	step: ScenarioStep,
	foreground: string,
	background: string,
	status: number
): string {
	const output = background === '' ? foreground : ensureNewline(foreground) + background;
	return commandLines(step) + ensureNewline(output) + (status !== 0 ? `[exit ${status}]\n` : '');
}
