/**
 * The in-process cluster for Node: `npm run scenario`, conformance tests and anything else that
 * needs a real etcd cluster without a browser. Members are EtcdServers in this thread, ticked
 * by a timer every 100 ms (real time, so leases and timeouts behave as in real etcd).
 */
import { createClientFactory, plainTextHandshake, type Connector } from '../client/client';
import { LocalCluster } from '../engine/cluster/local-cluster';
import { runPlayground, type ClusterControl, type MemberState } from '../playground/control';
import { memberForEndpoint } from '../playground/endpoints';
import { hostMember } from '../playground/etcd';
import { findPreset } from '../presets';
import { seedPreset } from '../presets/seed';
import { tlsHandshake } from '../presets/tls';
import type { ClusterHost, ClusterHostFactory } from '../scenario/host';

const TICK_MS = 100;

export function clusterControl(c: LocalCluster): ClusterControl {
	return {
		names: () => c.names(),
		kill: async (n) => c.kill(n),
		restart: async (n) => c.start(n),
		partition: (g) => c.partition(g),
		heal: () => c.heal(),
		latency: (ms, m) => c.setLatency(Math.ceil(ms / TICK_MS), m),
		drop: (r) => c.setDrop(r),
		addMember: (learner) => c.addMember(learner),
		removeMember: (n) => c.removeMember(n),
		bootRestored: async (b) => ({ stopped: await c.bootRestored(b) }),
		status: async (): Promise<MemberState[]> =>
			c.names().map((name) => {
				const s = c.server(name);
				if (!s) return { name, state: 'Down', term: 0, revision: 0, commit: 0, applied: 0 };
				const i = s.info();
				return {
					name,
					state: i.role === 'Removed' ? 'Removed' : i.isLearner ? 'Learner' : i.role,
					term: i.term,
					revision: i.revision,
					commit: i.commit,
					applied: i.applied
				};
			})
	};
}

async function waitForLeader(cluster: LocalCluster, timeoutMs: number): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!cluster.leader()) {
		if (Date.now() > until) throw new Error('no leader elected');
		await new Promise((r) => setTimeout(r, 20));
	}
	// Let every member learn the leader and publish its name, as a real cluster has by
	// the time a user types the first command.
	while (
		cluster.names().some((n) => {
			const s = cluster.server(n);
			return s !== null && (s.leaderId === 0n || s.members.list().some((m) => m.name === ''));
		})
	) {
		if (Date.now() > until) break;
		await new Promise((r) => setTimeout(r, 20));
	}
}

/** How long a preset's seeding may wait for the first leader. */
const PRESET_LEADER_TIMEOUT_MS = 10_000;

export const createNodeCluster: ClusterHostFactory = async (opts) => {
	const preset = findPreset(opts.preset);
	if (opts.preset !== undefined && !preset) throw new Error(`unknown preset: ${opts.preset}`);
	const create = () =>
		LocalCluster.create({
			size: opts.size,
			seed: opts.seed ?? 1,
			clock: () => Date.now(),
			tickMs: TICK_MS
		});
	let cluster = await create();
	const timer = setInterval(() => cluster.tick(), TICK_MS);
	let control = clusterControl(cluster);
	// `playground reset`: the same cluster as at the start (same seed, same preset), fresh.
	const reset = async () => {
		cluster.close();
		cluster = await create();
		control = clusterControl(cluster);
		await waitForLeader(cluster, PRESET_LEADER_TIMEOUT_MS);
		if (preset) await seedPreset(preset, createClientFactory(connector));
	};
	const connector: Connector = {
		resolve: (ep) => {
			const name = memberForEndpoint(ep, hostMember(cluster.names()));
			return name && cluster.names().includes(name) ? name : null;
		},
		api: (name) => cluster.api(name)
	};
	try {
		if (preset) {
			await waitForLeader(cluster, PRESET_LEADER_TIMEOUT_MS);
			await seedPreset(preset, createClientFactory(connector));
		}
	} catch (e) {
		clearInterval(timer);
		cluster.close();
		throw e;
	}
	const tls = preset?.tls;
	const host: ClusterHost = {
		clients: createClientFactory({
			...connector,
			handshake: tls ? tlsHandshake(tls) : plainTextHandshake
		}),
		files: preset?.files,
		members: () => cluster.names(),
		control: (args, out, io) => runPlayground({ ...control, reset }, args, out, io),
		waitForLeader: (timeoutMs) => waitForLeader(cluster, timeoutMs),
		close: async () => {
			clearInterval(timer);
			cluster.close();
		}
	};
	return host;
};
