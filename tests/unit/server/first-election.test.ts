import { describe, expect, it } from 'vitest';
import { LocalCluster } from '../../../src/lib/engine/cluster/local-cluster';
import { settle } from './harness';

/** A new three-member cluster whose peer messages are held back until `open()` is called. */
async function heldCluster(seed: number) {
	let open = false;
	let ms = 1_700_000_000_000;
	const c = await LocalCluster.create({
		size: 3,
		seed,
		clock: () => ms++,
		// Until open, nobody listens: every message is lost, as before a peer's worker starts.
		defer: (fn) => void (open && Promise.resolve().then(fn))
	});
	return { c, open: () => (open = true) };
}

describe('the first election of a new cluster', () => {
	it('the first member campaigns when it starts, without waiting for a tick', async () => {
		for (const seed of [1, 2, 3, 4, 5]) {
			let ms = 1_700_000_000_000;
			const c = await LocalCluster.create({ size: 3, seed, clock: () => ms++ });
			for (let i = 0; i < 50 && !c.leader(); i++) await settle();
			expect(c.leader(), `seed ${seed}`).toBe('etcd-1');
		}
	});

	it('a first pre-vote nobody heard is sent again at the first tick', async () => {
		for (const seed of [1, 2, 3, 4, 5]) {
			const { c, open } = await heldCluster(seed);
			for (let i = 0; i < 20; i++) await settle();
			expect(c.server('etcd-1')?.currentRole, `seed ${seed}`).toBe('PreCandidate');
			open();
			c.tick();
			for (let i = 0; i < 50 && !c.leader(); i++) await settle();
			expect(c.leader(), `seed ${seed}`).toBe('etcd-1');
		}
	});
});
