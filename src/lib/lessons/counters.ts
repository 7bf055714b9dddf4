import type { Lesson } from './types';
import { getKey } from './verify';

const KEY = '/lessons/counters/color';

function expectKey(version: number, value: string, fresh = false) {
	return async (ctx: Parameters<Lesson['steps'][number]['verify']>[0]) => {
		const kv = await getKey(ctx, KEY);
		if (!kv) return `${KEY} does not exist.`;
		const v = new TextDecoder().decode(kv.value);
		if (v !== value) return `${KEY} holds "${v}", expected "${value}".`;
		if (kv.version !== version) return `${KEY} is at version ${kv.version}, expected ${version}.`;
		if (fresh && kv.create_revision !== kv.mod_revision) return `${KEY} was not created again.`;
		return null;
	};
}

export const countersLesson: Lesson = {
	id: 'counters',
	title: 'Three counters: revision, mod_revision, version',
	summary: 'See how one global counter and two per-key counters move as a key changes.',
	clusterSize: 3,
	steps: [
		{
			title: 'Create a key',
			explain: [
				'The store has one revision number for the whole cluster. Every write that changes something moves it forward by one, and the key remembers the revision that created it (create_revision) and the one that last changed it (mod_revision). version counts the changes to this key alone and starts at 1.',
				"The json output shows all of them; the header carries the cluster's current revision."
			],
			command: `etcdctl put ${KEY} red\netcdctl get ${KEY} -w json | jq '{revision: .header.revision, kv: .kvs[0]}'`,
			verify: expectKey(1, 'red')
		},
		{
			title: 'Change it',
			explain: [
				'A second put moves the global revision again, sets mod_revision to that new revision and raises version to 2. create_revision stays where it was.'
			],
			command: `etcdctl put ${KEY} blue\netcdctl get ${KEY} -w json | jq '.kvs[0] | {create_revision, mod_revision, version}'`,
			verify: expectKey(2, 'blue')
		},
		{
			title: 'Write the same value again',
			explain: [
				'etcd does not compare values: writing "blue" over "blue" is still a change, so all three counters move. This is why a watcher sees an event even when nothing visible changed.'
			],
			command: `etcdctl put ${KEY} blue\netcdctl get ${KEY} -w json | jq '.kvs[0].version'`,
			verify: expectKey(3, 'blue')
		},
		{
			title: 'Delete and recreate',
			explain: [
				'Deleting a key is itself a revision. A key created again afterwards is a new life of that key: version is back to 1 and create_revision is the revision of the new put.'
			],
			command: `etcdctl del ${KEY}\netcdctl put ${KEY} green\netcdctl get ${KEY} -w json | jq '.kvs[0]'`,
			verify: expectKey(1, 'green', true)
		}
	]
};
