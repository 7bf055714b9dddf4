/**
 * Random lines (shell-ish tokens, stray quotes, heredoc openers, `&`, control characters) never
 * throw out of the session, never hang past their Ctrl-C, and leave the shell usable: a variable
 * set before the storm is still there afterwards and commands still run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClientFactory } from '../../../src/lib/client/types';
import type { EtcdctlRunner } from '../../../src/lib/shell/etcdctl-io';
import { ShellSession } from '../../../src/lib/shell/session';

const TOKENS = [
	'echo',
	'etcdctl',
	'playground',
	'sudo',
	'kubectl',
	'cat',
	'jq',
	'awk',
	'sed',
	'grep',
	'wc',
	'head',
	'sort',
	'cut',
	'sleep',
	'for',
	'in',
	'do',
	'done',
	'if',
	'then',
	'fi',
	'while',
	'true',
	'false',
	'exit',
	'export',
	'cd',
	'X=1',
	'$X',
	'$(',
	')',
	'$((',
	'))',
	'`',
	'"',
	"'",
	'|',
	'||',
	'&&',
	'&',
	';',
	'>',
	'>>',
	'<',
	'2>&1',
	'<<EOF',
	'EOF',
	'{',
	'}',
	'(',
	')',
	'[',
	']',
	'\\',
	'#',
	'*',
	'~',
	'-n',
	'--prefix',
	'.kvs[]',
	'@base64d',
	'/tmp/x',
	'history',
	'clear',
	'watch',
	'keep-alive',
	'printf',
	"'\\xff\\0'",
	'read',
	'-r',
	'--line-buffered',
	'-u',
	'tr',
	'3',
	'\n',
	'\t'
];

/** Commands a watch may be piped into (some stream, some do not), with odd arguments. */
const FILTERS = [
	'grep k',
	'grep -c k',
	'grep --line-buffered -v PUT',
	'head -n 2',
	'head -1',
	'head',
	"sed 's/k/K/'",
	'sed -n 2p',
	"awk '{print $1}'",
	"awk 'END{print NR}'",
	'cut -c1-2',
	'tr a-z A-Z',
	'jq .',
	'cat',
	'wc -l',
	'sort',
	'while read -r l; do echo "[$l]"; done',
	'while read l; do etcdctl get "$l"; done'
];

const line = fc.oneof(
	fc.array(fc.constantFrom(...TOKENS), { maxLength: 12 }).map((t) => t.join(' ')),
	fc
		.tuple(
			fc.constantFrom('etcdctl watch k', 'etcdctl lease keep-alive 1', 'X=$(etcdctl watch k'),
			fc.array(fc.constantFrom(...FILTERS, ...TOKENS), { maxLength: 4 })
		)
		.map(([head, rest]) => [head, ...rest].join(' | ') + (head.startsWith('X=') ? ')' : '')),
	fc.string({ maxLength: 40 }),
	fc.string({ unit: 'binary', maxLength: 20 })
);

const FUZZ_PLAYGROUND = async () => 2;
/** Prints a few events (as a watch would) then fails, reading its stdin first. */
const FUZZ_ETCDCTL: EtcdctlRunner = async (io) => {
	await io.stdin();
	for (let i = 0; i < 3 && !io.signal.aborted; i++) {
		io.stdout(`PUT\nk${i}\nv\n`);
		await new Promise((r) => setTimeout(r, 5));
	}
	io.stderr('Error: fuzz\n');
	return 1;
};
const FUZZ_CLIENTS: ClientFactory = { connect: () => Promise.reject(new Error('unused')) };

describe('fuzzed lines', () => {
	it('never throw, hang or break the session', { timeout: 60_000 }, async () => {
		let out = '';
		const session = await ShellSession.create({
			write: (t) => (out += t),
			control: FUZZ_PLAYGROUND,
			etcdctl: FUZZ_ETCDCTL,
			clients: FUZZ_CLIENTS
		});
		await session.run('KEEP=kept');
		await fc.assert(
			fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 5 }), async (lines) => {
				for (const l of lines) {
					if (/\bKEEP\b/.test(l)) continue;
					const ctl = new AbortController();
					const timer = setTimeout(() => ctl.abort(), 200);
					const started = Date.now();
					const code = await session.run(l, { signal: ctl.signal });
					clearTimeout(timer);
					expect(Number.isInteger(code)).toBe(true);
					expect(Date.now() - started).toBeLessThan(5000);
					expect(typeof session.isComplete(l)).toBe('boolean');
				}
				await session.stopJobs();
			}),
			{ numRuns: 150, seed: 20261122 }
		);
		await session.stopJobs();
		out = '';
		expect(await session.run('echo "$KEEP" && echo still fine')).toBe(0);
		expect(out).toBe('kept\nstill fine\n');
	});
});
