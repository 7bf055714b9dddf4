/** The runner against the real in-process cluster: faults replayed through `playground`. */
import { describe, expect, it } from 'vitest';
import { createNodeCluster } from '../../../src/lib/node-cluster/index';
import { runScenario } from '../../../src/lib/scenario/runner';

describe('runScenario on the Node cluster', () => {
	it('starts the scenario-sized cluster and replays playground faults', async () => {
		const transcript = await runScenario(
			'# cluster: 3\nplayground kill etcd-2\nplayground status | grep etcd-2\nplayground bogus-verb\n',
			createNodeCluster,
			{ quietMs: 20 }
		);
		const lines = transcript.split('\n');
		expect(lines[0]).toBe('$ playground kill etcd-2');
		const status = lines.indexOf('$ playground status | grep etcd-2');
		expect(lines[status + 1]).toMatch(/^etcd-2\s+Down\b/);
		expect(transcript).toMatch(/\$ playground bogus-verb\n[^$]*\[exit [12]\]\n$/);
	});

	it('starts every scenario with etcd-1 as leader, as the recorder does', async () => {
		for (const seed of [1, 2, 3, 4]) {
			const transcript = await runScenario('playground status | grep Leader\n', createNodeCluster, {
				quietMs: 20,
				seed
			});
			expect(transcript, `seed ${seed}`).toMatch(
				/^\$ playground status \| grep Leader\netcd-1\s+Leader\b/
			);
		}
	});
});
