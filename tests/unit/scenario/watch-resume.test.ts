/**
 * `etcdctl watch` through a member that is killed and restarted: as etcdctl 3.4.23 does against
 * real etcd, the watch prints nothing while its only endpoint is down, then every event once,
 * including the one written through another member meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { createNodeCluster } from '../../../src/lib/node-cluster/index';
import { runScenario } from '../../../src/lib/scenario/runner';

describe('etcdctl watch across a member restart', () => {
	it('prints each event once after the member it watched through comes back', async () => {
		const seed = 5;
		const transcript = await runScenario(
			[
				'etcdctl watch foo &',
				'etcdctl put foo 1',
				'playground kill etcd-1',
				'sleep 2',
				'etcdctl --endpoints=etcd-2:2379 put foo 2',
				'sleep 1',
				'echo still-down',
				'playground restart etcd-1',
				'sleep 2',
				'etcdctl put foo 3',
				'sleep 1',
				''
			].join('\n'),
			createNodeCluster,
			{ quietMs: 100, seed }
		);
		const printed = [...transcript.matchAll(/^PUT\nfoo\n(\d)$/gm)].map((m) => m[1]);
		expect(printed, `seed ${seed}\n${transcript}`).toEqual(['1', '2', '3']);
		// Nothing while etcd-1 was down.
		const down = transcript.slice(
			transcript.indexOf('$ playground kill etcd-1'),
			transcript.indexOf('$ echo still-down')
		);
		expect(down, transcript).not.toMatch(/^PUT$/m);
	}, 30_000);
});
