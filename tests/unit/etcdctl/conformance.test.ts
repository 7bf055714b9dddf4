/**
 * End to end: each tests/conformance scenario replayed by the playground's runner against its
 * in-process cluster, diffed with the transcript recorded from real etcd after normalisation.
 * When etcd is installed, `npm run record:etcd` re-records the transcripts first (see
 * tests/conformance/README.md); the committed recordings make the diff run anywhere.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalize } from '../../conformance/normalize';
import { CONFORMANCE } from './recordings';

const RUNNER = join(import.meta.dirname, '../../../src/lib/scenario/runner.ts');
const NODE_CLUSTER = join(import.meta.dirname, '../../../src/lib/node-cluster/index.ts');
const available = existsSync(RUNNER) && existsSync(NODE_CLUSTER);
const scenarios = readdirSync(CONFORMANCE)
	.filter(
		(f) => f.endsWith('.sh') && existsSync(join(CONFORMANCE, f.replace(/\.sh$/, '.etcd.txt')))
	)
	.sort();

(available ? describe : describe.skip)(
	available
		? 'conformance: runner vs real etcd'
		: 'conformance: skipped, src/lib/scenario/runner or src/lib/node-cluster is not available yet',
	() => {
		it.each(scenarios)(
			'%s',
			async (file) => {
				const { runScenario } = await import(/* @vite-ignore */ RUNNER);
				const { createNodeCluster } = await import(/* @vite-ignore */ NODE_CLUSTER);
				const { runEtcdctl } = await import('../../../src/lib/etcdctl');
				const text = readFileSync(join(CONFORMANCE, file), 'utf8');
				const got = await runScenario(text, createNodeCluster, { etcdctl: runEtcdctl });
				const want = readFileSync(join(CONFORMANCE, file.replace(/\.sh$/, '.etcd.txt')), 'utf8');
				expect(normalize(got)).toBe(normalize(want));
			},
			300_000
		);
	}
);
