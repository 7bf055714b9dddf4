import { EtcdError } from '../engine/api/errors';
import type { Lesson } from './types';
import { getKey, keyHolds } from './verify';

const KEY = '/lessons/mvcc/replicas';
const enc = new TextEncoder();

export const mvccLesson: Lesson = {
	id: 'mvcc',
	title: 'Time travel and compaction',
	summary: 'Read a key as it was, then compact the history away.',
	clusterSize: 3,
	steps: [
		{
			title: 'Build some history',
			explain: [
				'etcd never overwrites a value in place. Each put adds a new version of the key at a new revision and keeps the older ones, which is what MVCC (multi-version concurrency control) means.'
			],
			command: `for n in 3 5 7; do etcdctl put ${KEY} "$n"; done\netcdctl get ${KEY} -w json | jq '.kvs[0] | {create_revision, mod_revision, version}'`,
			async verify(ctx) {
				const kv = await getKey(ctx, KEY);
				return kv && kv.version >= 3 ? null : `${KEY} needs at least three versions.`;
			}
		},
		{
			title: 'Read the past',
			explain: [
				"--rev asks for the store as it was at a revision. The key's create_revision is the moment its first value was written, so reading there gives that first value back. Operators use the same idea to resume a watch where they stopped.",
				'The old value is saved under another key so the lesson can see you found it.'
			],
			command:
				`FIRST=$(etcdctl get ${KEY} -w json | jq .kvs[0].create_revision)\n` +
				`etcdctl get ${KEY} --rev=$FIRST\n` +
				`OLD=$(etcdctl get ${KEY} --rev=$FIRST --print-value-only)\n` +
				`etcdctl put /lessons/mvcc/first "$OLD"`,
			verify: keyHolds('/lessons/mvcc/first', '3')
		},
		{
			title: 'Compact the history',
			explain: [
				'History costs space, so etcd discards it on request: compacting at a revision keeps, for each key, only the newest version at or before it. The API server compacts every few minutes.',
				'After compacting at the current revision, reading at $FIRST fails with "required revision has been compacted". Try it.'
			],
			command:
				`NOW=$(etcdctl get ${KEY} -w json | jq .header.revision)\n` +
				'etcdctl compact $NOW\n' +
				`etcdctl get ${KEY} --rev=$FIRST`,
			async verify(ctx) {
				const kv = await getKey(ctx, KEY);
				if (!kv) return `${KEY} is missing.`;
				try {
					await ctx.client.range({ key: enc.encode(KEY), revision: kv.create_revision });
					return `Revision ${kv.create_revision} can still be read: nothing was compacted past it.`;
				} catch (e) {
					if (e instanceof EtcdError && /compacted/.test(e.message)) return null;
					throw e;
				}
			}
		}
	]
};
