import type { Lesson } from './types';
import { keyHolds, valueOf } from './verify';

const SEEN = '/lessons/seen/';

export const watchLesson: Lesson = {
	id: 'watch',
	title: 'Watch from a second terminal',
	summary: 'Subscribe to a prefix in one terminal and watch events arrive as you write in another.',
	clusterSize: 3,
	steps: [
		{
			title: 'Start a watcher',
			explain: [
				'A watch streams every change under a key or prefix, in revision order, for as long as it runs. Controllers in Kubernetes are built on exactly this: they watch their resources and react.',
				"Paste this into a second terminal. Besides printing each event, it runs a command for each one (the part after --); the command records the event's type and key so the lesson can tell the watcher is alive. Leave it running."
			],
			command: `etcdctl watch /lessons/watch/ --prefix -- sh -c 'etcdctl put ${SEEN}"$ETCD_WATCH_EVENT_TYPE" "$ETCD_WATCH_KEY"'`,
			terminal: 2,
			async verify(ctx) {
				// Nothing in the store shows a watch, so poke the prefix and see whether it reacts.
				const enc = new TextEncoder();
				await ctx.client.put({ key: enc.encode('/lessons/watch/probe'), value: enc.encode('?') });
				for (let i = 0; i < 20; i++) {
					const seen = await valueOf(ctx, `${SEEN}"PUT"`);
					if (seen?.includes('/lessons/watch/probe')) return null;
					await new Promise((r) => setTimeout(r, 100));
				}
				return 'No watcher reacted to a write under /lessons/watch/.';
			}
		},
		{
			title: 'Write and see it arrive',
			explain: [
				'Back in the first terminal, create a key under the watched prefix. The second terminal prints PUT, the key and the value as soon as the write is committed by the cluster.'
			],
			command: 'etcdctl put /lessons/watch/order-1 pending',
			verify: keyHolds(`${SEEN}"PUT"`, '"/lessons/watch/order-1"')
		},
		{
			title: 'Deletes are events too',
			explain: [
				'Removing the key produces a DELETE event. A watcher that was disconnected could ask for every event since the last revision it saw with --rev and miss nothing, unless that history has been compacted.'
			],
			command: 'etcdctl del /lessons/watch/order-1',
			verify: keyHolds(`${SEEN}"DELETE"`, '"/lessons/watch/order-1"')
		}
	]
};
