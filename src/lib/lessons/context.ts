/**
 * Builds the VerifyContext lessons check against, for any host: the Node walk-through test and
 * the page both open clients the same way.
 */
import type { ClientFactory, ClientOptions, EtcdClient } from '../client/types';
import type { KeyValue } from '../engine/api/types';
import type { MemberState } from '../playground/control';
import type { Preset } from '../presets/preset';
import type { VerifyContext } from './types';

export interface VerifyHost {
	clients: ClientFactory;
	members(): string[];
	status(): Promise<MemberState[]>;
	readFile(path: string): Uint8Array | null;
	variable(name: string): string | undefined;
	/** The cluster's preset: the checker presents its first client certificate when TLS is on. */
	preset?: Preset | null;
}

const enc = new TextEncoder();

function options(host: VerifyHost, endpoints: string[]): ClientOptions {
	const tls = host.preset?.tls;
	const pair = tls?.clients[0];
	return {
		endpoints,
		dialTimeoutMs: 1000,
		commandTimeoutMs: 2000,
		...(tls && pair
			? {
					tls: {
						cacert: 'ca.crt',
						cert: 'client.crt',
						key: 'client.key',
						pem: { cacert: tls.ca, cert: pair.cert, key: pair.key }
					}
				}
			: {})
	};
}

export interface OpenVerifyContext extends VerifyContext {
	close(): void;
}

export async function openVerifyContext(host: VerifyHost): Promise<OpenVerifyContext> {
	const endpoint = (m: string) => `http${host.preset?.tls ? 's' : ''}://${m}:2379`;
	const client = await host.clients.connect(options(host, host.members().map(endpoint)));
	const perMember = new Map<string, Promise<EtcdClient>>();
	const memberClient = (m: string) => {
		let c = perMember.get(m);
		if (!c) {
			c = host.clients.connect(options(host, [endpoint(m)]));
			c.catch(() => perMember.delete(m));
			perMember.set(m, c);
		}
		return c;
	};
	return {
		client,
		status: () => host.status(),
		readFile: (p) => host.readFile(p),
		variable: (n) => host.variable(n),
		async read(key: string): Promise<KeyValue | null> {
			const running = (await host.status()).filter((m) => m.state !== 'Down');
			let best: { revision: number; kv: KeyValue | null } | null = null;
			for (const m of running) {
				try {
					const c = await memberClient(m.name);
					const r = await c.range({ key: enc.encode(key), serializable: true });
					if (!best || r.header.revision > best.revision) {
						best = { revision: r.header.revision, kv: r.kvs[0] ?? null };
					}
				} catch {
					// A member that cannot answer has nothing newer to say.
				}
			}
			return best?.kv ?? null;
		},
		close() {
			client.close();
			for (const c of perMember.values()) void c.then((x) => x.close()).catch(() => undefined);
		}
	};
}
