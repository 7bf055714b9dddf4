/**
 * A ClusterHost test double for the runner's plumbing: `playground` calls are recorded and
 * answered, and etcdctl is a double that keeps keys in a Map and streams `watch` events. It
 * fakes no etcd behaviour worth testing; real clusters come from src/lib/node-cluster.
 */
import type { ClientFactory } from '../../../src/lib/client/types';
import type { ClusterHost, ClusterHostFactory } from '../../../src/lib/scenario/host';
import type { EtcdctlIO } from '../../../src/lib/shell/etcdctl-io';

export interface TestHost extends ClusterHost {
	calls: string[][];
	closed: boolean;
	size: number;
}

export function testHostFactory(made: TestHost[]): ClusterHostFactory {
	return async ({ size }) => {
		const host: TestHost = {
			calls: [],
			closed: false,
			size,
			clients: { connect: () => Promise.reject(new Error('unused')) } as ClientFactory,
			members: () => Array.from({ length: size }, (_, i) => `etcd-${i + 1}`),
			async control(args, out) {
				host.calls.push(args);
				if (args[0] === 'kill') {
					out(`killed ${args[1]}\n`);
					return 0;
				}
				out(`playground: unknown command "${args[0]}"\n`);
				return 2;
			},
			waitForLeader: async () => {},
			async close() {
				host.closed = true;
			}
		};
		made.push(host);
		return host;
	};
}

/** etcdctl double: `put K V` (prints OK), `watch K` (prints PUT/K/V per put, until stopped). */
export function kvDouble() {
	const keys = new Map<string, string>();
	const events = new EventTarget();
	return async function etcdctl(io: EtcdctlIO): Promise<number> {
		const [verb, key, value] = io.args;
		if (verb === 'put') {
			keys.set(key, value);
			io.stdout('OK\n');
			events.dispatchEvent(new CustomEvent('put', { detail: [key, value] }));
			return 0;
		}
		if (verb === 'watch') {
			const onPut = (e: Event) => {
				const [k, v] = (e as CustomEvent<string[]>).detail;
				if (k === key) io.stdout(`PUT\n${k}\n${v}\n`);
			};
			events.addEventListener('put', onPut);
			await new Promise<void>((resolve) =>
				io.signal.addEventListener('abort', () => resolve(), { once: true })
			);
			events.removeEventListener('put', onPut);
			return 130;
		}
		io.stderr(`Error: unknown command "${verb}" for "etcdctl"\n`);
		return 1;
	};
}
