/**
 * Random argv never makes runEtcdctl throw or hang, and every failure says `Error: ...` (or is
 * a Go panic the real etcdctl also dies with) while the cluster is unreachable: every client
 * call rejects with a ClientError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClientError } from '../../../src/lib/client/types';
import { COMMANDS, GLOBAL_FLAGS } from '../../../src/lib/etcdctl';
import { run } from './recordings';

const words = [
	...COMMANDS.flatMap((c) => [c.name, ...(c.children ?? []).map((k) => k.name)]),
	...GLOBAL_FLAGS.flatMap((f) => [`--${f.name}`, ...(f.short ? [`-${f.short}`] : [])]),
	...COMMANDS.flatMap((c) => c.flags.map((f) => `--${f.name}`)),
	'--',
	'-',
	'--prefix=maybe',
	'-w',
	'json',
	'table',
	'fields',
	'x',
	'0',
	'-1',
	'99999999999999999999',
	'ffffffffffffffff',
	'value("k") = "v"',
	''
];

/** A client whose every method rejects, as if the cluster went away after dialing. */
const rejecting = {
	connect: async () =>
		new Proxy(
			{ endpoints: ['127.0.0.1:2379'], close: () => undefined },
			{
				get(target, prop) {
					if (prop in target) return (target as Record<string | symbol, unknown>)[prop];
					if (prop === 'then') return undefined;
					return () => {
						const err = new ClientError('unavailable', 'etcdserver: no leader');
						// watch/keepAlive return handles; everything else a promise.
						if (prop === 'watch' || prop === 'keepAlive') throw err;
						return Promise.reject(err);
					};
				}
			}
		) as never
};

describe('random argv', () => {
	it('never throws or hangs; failures print Error: lines', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 6 })), {
					maxLength: 8
				}),
				fc.boolean(),
				async (args, dial) => {
					const ac = new AbortController();
					const timer = setTimeout(() => ac.abort(), 500);
					try {
						const r = await run(args, {
							signal: ac.signal,
							stdin: async () => new TextEncoder().encode('value("k") = "v"\n\nput k v\n\n\n'),
							...(dial ? { clients: rejecting } : {})
						});
						expect(Number.isInteger(r.exit)).toBe(true);
						if (r.exit !== 0 && r.exit !== 130 && !ac.signal.aborted) {
							expect(r.stderr).toMatch(
								/(^|\n)(Error: |panic: |unsupported API version|Failed to |\{"level")/
							);
						}
					} finally {
						clearTimeout(timer);
					}
				}
			),
			{ numRuns: 400 }
		);
	});
});
