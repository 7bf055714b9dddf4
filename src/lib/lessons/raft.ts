import type { MemberState } from '../playground/control';
import type { Lesson, VerifyContext } from './types';
import { keyHolds } from './verify';

const ALL = '--endpoints=http://etcd-1:2379,http://etcd-2:2379,http://etcd-3:2379';

async function members(ctx: VerifyContext): Promise<MemberState[]> {
	return ctx.status();
}

export const raftLesson: Lesson = {
	id: 'raft',
	title: 'Raft: losing a leader, losing quorum, partitions',
	summary: 'Break a three-member cluster in the ways production clusters break, and watch it cope.',
	clusterSize: 3,
	steps: [
		{
			title: 'Kill the leader',
			explain: [
				'One member leads; the others follow and acknowledge its log. `playground status` shows who leads in which term. Crash the leader: the followers stop hearing its heartbeats, and after an election timeout one of them campaigns and wins a new term.'
			],
			command:
				'playground kill $(playground status | awk \'$2=="Leader" {print $1}\')\nsleep 2\nplayground status',
			async verify(ctx) {
				const s = await members(ctx);
				if (!s.some((m) => m.state === 'Down')) return 'No member is down yet.';
				return s.some((m) => m.state === 'Leader')
					? null
					: 'The survivors have not elected a leader yet.';
			}
		},
		{
			title: 'Two of three is a majority',
			explain: [
				'A write is committed once a majority of members has it in its log. With one member down, two of three still make a majority, so the cluster keeps working. Listing every endpoint lets etcdctl skip the dead one.'
			],
			command: `etcdctl ${ALL} put /lessons/raft/after-failover ok`,
			verify: keyHolds('/lessons/raft/after-failover', 'ok')
		},
		{
			title: 'Lose quorum',
			explain: [
				'Kill a second member. One of three is no majority: the last member cannot commit anything, and cannot even become leader. Writes (and linearizable reads) now time out, but nothing already committed is lost.'
			],
			command:
				'playground kill $(playground status | awk \'$2!="Down" && NR>1 {print $1; exit}\')\n' +
				`etcdctl ${ALL} --command-timeout=2s put /lessons/raft/no-quorum lost`,
			async verify(ctx) {
				const down = (await members(ctx)).filter((m) => m.state === 'Down').length;
				return down >= 2 ? null : `${down} member(s) down; take down two of the three.`;
			}
		},
		{
			title: 'Regain quorum',
			explain: [
				'Restart the dead members. Each comes back from what it had written to disk and catches up from the leader; with a majority back, a leader is elected and writes flow again.'
			],
			command:
				'for m in $(playground status | awk \'$2=="Down" {print $1}\'); do playground restart $m; done\n' +
				'sleep 2\n' +
				`etcdctl ${ALL} put /lessons/raft/quorum-back yes`,
			verify: keyHolds('/lessons/raft/quorum-back', 'yes')
		},
		{
			title: 'Partition the leader away',
			explain: [
				'Now cut the network instead of crashing anything. Isolate the leader: on its own it cannot reach a majority, so it steps down, while the two others elect a leader among themselves and carry on. Write through them.'
			],
			command:
				'playground isolate $(playground status | awk \'$2=="Leader" {print $1}\')\n' +
				'sleep 3\n' +
				`etcdctl ${ALL} put /lessons/raft/partition majority-side`,
			verify: keyHolds('/lessons/raft/partition', 'majority-side')
		},
		{
			title: 'Heal',
			explain: [
				'Heal the network. The isolated member hears of the newer term, follows the new leader and receives the writes it missed: soon every member applies the same revisions.'
			],
			command: 'playground heal\nsleep 2\nplayground status',
			async verify(ctx) {
				const s = await members(ctx);
				if (s.some((m) => m.state === 'Down')) return 'A member is still down.';
				const revs = new Set(s.map((m) => m.revision));
				return revs.size === 1 ? null : 'The members have not caught up to the same revision yet.';
			}
		}
	]
};
