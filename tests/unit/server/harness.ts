import { LocalCluster } from '../../../src/lib/engine/cluster/local-cluster';
import { utf8 } from '../../../src/lib/engine/util/bytes';

/** Lets every pending promise and deferred delivery run (Node's event loop, test-only). */
export function settle(): Promise<void> {
	return new Promise((resolve) => setImmediate(resolve));
}

export async function makeCluster(size = 3, seed = 1): Promise<LocalCluster> {
	let ms = 1_700_000_000_000;
	return LocalCluster.create({ size, seed, clock: () => ms++ });
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
