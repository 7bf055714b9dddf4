import { describe, expect, it } from 'vitest';
import {
	PLAYGROUND_HELP,
	runPlayground,
	type ClusterControl
} from '../../../src/lib/playground/control';
import { ETCD_HELP } from '../../../src/lib/playground/etcd';

/** A cluster control that has no cluster behind it: help must not need one. */
const none = new Proxy({} as ClusterControl, {
	get: (_t, prop) => {
		if (prop === 'names') return () => ['etcd-1'];
		if (prop === 'then') return undefined;
		return () => {
			throw new Error(`help called control.${String(prop)}`);
		};
	}
});

async function run(args: string[]): Promise<{ code: number; out: string }> {
	let out = '';
	const code = await runPlayground(none, args, (t) => (out += t));
	return { code, out };
}

describe('playground help', () => {
	it('lists `etcd --data-dir DIR`, the command that runs a member on a restored backup', async () => {
		const { code, out } = await run(['help']);
		expect(code).toBe(0);
		expect(out).toBe(PLAYGROUND_HELP);
		expect(out).toMatch(/^ {2}etcd --data-dir DIR \[--name NAME\] +start a member on a data dir/m);
		// What it shows is etcd's own usage line, without the flags it leaves to `etcd --help`.
		expect(ETCD_HELP).toContain('etcd --data-dir DIR [--name NAME] ');
	});

	it('every `playground` command the help lists is one the command knows', async () => {
		const words = [...PLAYGROUND_HELP.matchAll(/^ {2}playground (\S+)/gm)].map((m) => m[1]);
		expect(words).toContain('reset');
		for (const w of words) {
			const { out } = await run([w, '--no-such-flag-for-a-test']).catch((e: Error) => ({
				out: `threw ${e.message}`
			}));
			expect(out, w).not.toMatch(/unknown command/);
		}
	});

	it('`etcd --help` (the shell runs `playground etcd`) prints etcd’s usage', async () => {
		const { code, out } = await run(['etcd', '--help']);
		expect(code).toBe(0);
		expect(out).toBe(ETCD_HELP);
	});
});
