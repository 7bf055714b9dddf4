/**
 * Everything etcdctl decides before talking to a cluster, compared byte for byte with what the
 * real etcdctl 3.4.23 printed in the recordings: help and usage text, unknown commands and
 * flags, bad flag values, argument errors (exit 128), output-format errors.
 */
import { describe, expect, it } from 'vitest';
import { argv, recordedSteps, run, type RecordedStep } from './recordings';

/** Steps whose real output shows the command never reached the server. */
function offline(s: RecordedStep): boolean {
	if (!s.command.startsWith('etcdctl') || /[|$<>]/.test(s.command)) return false;
	if (/(^| )(--help|-h|help)( |$)/.test(s.command) || s.command === 'etcdctl') return true;
	if (s.output.includes('"level":"warn"')) return false;
	if (s.exit === 128) return !s.output.startsWith('Error: print-value-only');
	// txn input errors and the Go panics of its compare parser come before any request.
	if (s.exit === 3 || (s.exit === 2 && s.output.startsWith('panic: ')))
		return s.command.includes('txn');
	return /^Error: (unknown (command|flag|shorthand)|invalid argument|flag needs|bad flag syntax|unsupported output format|bad sort|unknown consistency|KeyFile|empty string|open )/.test(
		s.output
	);
}

const SCENARIOS = [
	'help',
	'errors',
	'kv',
	'txn',
	'lease',
	'member',
	'maintenance',
	'auth',
	'lock-elect',
	'watch',
	'snapshot'
];

describe.each(SCENARIOS)('%s: offline steps match real etcdctl', (name) => {
	const steps = recordedSteps(name).filter(offline);
	it('has offline steps', () => expect(steps.length).toBeGreaterThan(0));
	it.each(steps.map((s) => [s.command, s] as const))('%s', async (_cmd, step) => {
		const args = argv(step.command).slice(1);
		const stdin = step.stdin;
		const r = await run(args, { stdin: async () => new TextEncoder().encode(stdin ?? '') });
		if (step.output.startsWith('panic: ')) {
			// The goroutine dump is the Go runtime's; the panic line and status are etcdctl's.
			expect(r.output.split('\n')[0]).toBe(step.output.split('\n')[0]);
		} else expect(r.output).toBe(step.output);
		expect(r.exit).toBe(step.exit);
	});
});
