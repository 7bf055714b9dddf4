import type { Lesson } from './types';
import { decode, keyHolds, keysUnder } from './verify';

export const locksLesson: Lesson = {
	id: 'locks',
	title: 'Locks and leader election',
	summary: 'Use etcd to let only one process act at a time, and to pick a leader among them.',
	clusterSize: 3,
	steps: [
		{
			title: 'Run a command under a lock',
			explain: [
				'etcdctl lock takes a named lock: it creates a key under the lock name, tied to a lease, and waits until its key is the oldest one there. With a command after --, it runs the command while holding the lock and releases it afterwards.'
			],
			command: 'etcdctl lock /lessons/mutex -- etcdctl put /lessons/mutex-owner terminal-1',
			verify: keyHolds('/lessons/mutex-owner', 'terminal-1')
		},
		{
			title: 'Hold the lock',
			explain: [
				'In a second terminal, take the lock and keep it: etcdctl prints the lock key (the name, a slash and the lease ID) and waits. Anyone else asking for /lessons/mutex now queues behind it. If the holder dies, its lease runs out and the lock passes on.'
			],
			command: 'etcdctl lock /lessons/mutex',
			terminal: 2,
			async verify(ctx) {
				const held = await keysUnder(ctx, '/lessons/mutex/');
				return held.length > 0 ? null : 'Nobody holds /lessons/mutex.';
			}
		},
		{
			title: 'Campaign for leadership',
			explain: [
				'Election works the same way with a value attached: the candidate whose key is oldest is the leader, and its value says who it is. Campaign from a third terminal; the candidate stays leader until it stops.',
				'From the first terminal, `etcdctl elect -l /lessons/leader` shows who leads now.'
			],
			command: 'etcdctl elect /lessons/leader node-a',
			terminal: 3,
			async verify(ctx) {
				const r = await ctx.client.range({
					key: new TextEncoder().encode('/lessons/leader/'),
					range_end: new TextEncoder().encode('/lessons/leader0')
				});
				return r.kvs.some((kv) => decode(kv.value) === 'node-a')
					? null
					: 'No candidate node-a is campaigning under /lessons/leader.';
			}
		}
	]
};
