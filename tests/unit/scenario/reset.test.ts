/**
 * `playground reset`: asks before wiping (or takes --yes), and leaves a fresh cluster at
 * revision 1; a replayed scenario cannot answer, so there it needs --yes.
 */
import { describe, expect, it } from 'vitest';
import { createNodeCluster } from '../../../src/lib/node-cluster/index';
import {
	RESET_QUESTION,
	runPlayground,
	type ClusterControl
} from '../../../src/lib/playground/control';
import { runScenario } from '../../../src/lib/scenario/runner';

function fakeControl(resets: string[]): ClusterControl {
	return {
		names: () => ['etcd-1'],
		kill: async () => undefined,
		restart: async () => undefined,
		partition: () => undefined,
		heal: () => undefined,
		latency: () => undefined,
		drop: () => undefined,
		addMember: async () => 'etcd-2',
		removeMember: async () => undefined,
		status: async () => [],
		reset: async () => void resets.push('reset')
	};
}

async function run(control: ClusterControl, args: string[], answer?: string | null) {
	let out = '';
	const asked: string[] = [];
	const code = await runPlayground(
		control,
		args,
		(t) => (out += t),
		answer === undefined
			? {}
			: {
					readLine: async (prompt) => {
						asked.push(prompt);
						return answer;
					}
				}
	);
	return { code, out, asked };
}

describe('playground reset', () => {
	it('asks first, and only y or yes goes ahead', async () => {
		for (const [answer, done] of [
			['y', true],
			['YES', true],
			['n', false],
			['', false],
			[null, false]
		] as const) {
			const resets: string[] = [];
			const r = await run(fakeControl(resets), ['reset'], answer);
			expect(r.asked, String(answer)).toEqual([RESET_QUESTION]);
			expect(resets.length, String(answer)).toBe(done ? 1 : 0);
			expect(r.code).toBe(done ? 0 : 1);
			expect(r.out).toBe(done ? 'reset: a fresh cluster is starting\n' : 'reset cancelled\n');
		}
	});

	it('--yes and -y skip the question; without a terminal it must be given', async () => {
		for (const flag of ['--yes', '-y']) {
			const resets: string[] = [];
			const r = await run(fakeControl(resets), ['reset', flag], 'n');
			expect(r.asked).toEqual([]);
			expect(resets).toEqual(['reset']);
			expect(r.code).toBe(0);
		}
		const resets: string[] = [];
		const r = await run(fakeControl(resets), ['reset']);
		expect(resets).toEqual([]);
		expect(r).toMatchObject({
			code: 1,
			out: 'playground: reset needs confirmation: run playground reset --yes\n'
		});
		expect((await run(fakeControl(resets), ['reset', '--force'])).code).toBe(2);
		const { reset: _, ...noReset } = fakeControl(resets);
		expect(await run(noReset, ['reset', '--yes'])).toMatchObject({
			code: 1,
			out: 'playground: reset is not available here\n'
		});
	});

	it('replayed in a scenario, the Node cluster starts again from revision 1', async () => {
		const transcript = await runScenario(
			[
				'# cluster: 3',
				'etcdctl put a 1',
				'etcdctl put b 2',
				'playground kill etcd-3',
				'playground reset',
				'playground reset --yes',
				'etcdctl get a',
				'etcdctl endpoint status --cluster -w fields | grep -c \'"Revision" : 1$\'',
				''
			].join('\n'),
			createNodeCluster,
			{ quietMs: 20 }
		);
		expect(transcript).toContain(
			'$ playground reset\nplayground: reset needs confirmation: run playground reset --yes\n[exit 1]\n'
		);
		expect(transcript).toContain(
			'$ playground reset --yes\nreset: a fresh cluster is starting\n$ etcdctl get a\n$ etcdctl endpoint'
		);
		// All three members are back (etcd-3 too) and at revision 1.
		expect(transcript).toMatch(/grep -c '"Revision" : 1\$'\n3\n$/);
	}, 60_000);
});
