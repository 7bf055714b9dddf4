import {
	LocalCluster,
	type LocalClusterOptions
} from '../../../src/lib/engine/cluster/local-cluster';
import { utf8 } from '../../../src/lib/engine/util/bytes';

/** Lets every pending promise and deferred delivery run (Node's event loop, test-only). */
export function settle(): Promise<void> {
	return new Promise((resolve) => setImmediate(resolve));
}

export async function makeCluster(size = 3, seed = 1): Promise<LocalCluster> {
	let ms = 1_700_000_000_000;
	return LocalCluster.create({ size, seed, clock: () => ms++ });
}

/**
 * A cluster (a fake clock counting from a fixed time) that has a leader and whose members have
 * all published their names, so that `member list` and member additions see the whole cluster.
 */
export async function publishedCluster(
	opts: Omit<LocalClusterOptions, 'clock'>
): Promise<LocalCluster> {
	let ms = 1_700_000_000_000;
	const c = await LocalCluster.create({ ...opts, clock: () => ms++ });
	await tickUntil(c, () => c.leader() !== null);
	await tickUntil(c, () =>
		c.names().every((n) =>
			c
				.server(n)!
				.members.list()
				.every((m) => m.name !== '')
		)
	);
	return c;
}

/**
 * Puts `${prefix}0`..`${prefix}${n - 1}` (values `0`..) one after another through `name`; a
 * put that fails, or a member that stopped, throws with the seed and the put's number.
 */
export async function putMany(
	c: LocalCluster,
	name: string,
	n: number,
	seed: number,
	prefix = 'k'
): Promise<void> {
	for (let i = 0; i < n; i++) {
		const api = c.api(name);
		if (!api) throw new Error(`seed ${seed}: ${name} stopped: ${c.member(name).server?.failure}`);
		await withTicks(c, api.put({ key: b(`${prefix}${i}`), value: b(`${i}`) }), 100).catch(
			(e: unknown) => {
				throw new Error(`seed ${seed}: put ${i} failed: ${String(e)}`);
			}
		);
	}
}

/** Ticks until `pred` holds (settling between ticks); throws after `max` ticks. */
export async function tickUntil(c: LocalCluster, pred: () => boolean, max = 300): Promise<number> {
	for (let i = 0; i < max; i++) {
		await settle();
		if (pred()) return i;
		c.tick();
	}
	await settle();
	if (pred()) return max;
	throw new Error(`condition not reached in ${max} ticks`);
}

/** Runs `p` while ticking the cluster, as real time would. */
export async function withTicks<T>(c: LocalCluster, p: Promise<T>, max = 300): Promise<T> {
	let done = false;
	let value: T | undefined;
	let error: unknown;
	p.then(
		(v) => {
			done = true;
			value = v;
		},
		(e: unknown) => {
			done = true;
			error = e;
		}
	);
	await tickUntil(c, () => done, max);
	if (error !== undefined) throw error;
	return value as T;
}

export const b = utf8;
