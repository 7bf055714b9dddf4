import type { Lesson } from './types';
import { getKey } from './verify';

const KEY = '/lessons/lease/worker-1';

export const leasesLesson: Lesson = {
	id: 'leases',
	title: 'Leases: keys that expire',
	summary: 'Tie keys to a lease and watch them disappear with it.',
	clusterSize: 3,
	steps: [
		{
			title: 'Grant a lease',
			explain: [
				'A lease is a timer kept by the cluster. It lives for its TTL unless someone keeps it alive; when it ends, every key attached to it is deleted in one revision. Kubernetes nodes use leases to say "I am still here".',
				'The lease ID is kept in the shell variable LEASE for the next steps.'
			],
			command:
				"LEASE=$(etcdctl lease grant 120 | awk '{print $2}')\necho $LEASE\netcdctl lease list",
			async verify(ctx) {
				const r = await ctx.client.leases();
				return r.leases.length > 0 ? null : 'There is no lease yet.';
			}
		},
		{
			title: 'Attach a key',
			explain: [
				'Writing with --lease ties the key to the lease. timetolive --keys shows how long the lease has left and which keys depend on it.'
			],
			command: `etcdctl put ${KEY} alive --lease=$LEASE\netcdctl lease timetolive $LEASE --keys`,
			async verify(ctx) {
				const kv = await getKey(ctx, KEY);
				if (!kv) return `${KEY} does not exist.`;
				return kv.lease !== 0n ? null : `${KEY} is not attached to a lease.`;
			}
		},
		{
			title: 'Revoke it',
			explain: [
				'Revoking ends the lease at once, as if its time had run out: the attached key goes with it. A worker that crashes simply stops renewing, and its keys vanish after the TTL.'
			],
			command: `etcdctl lease revoke $LEASE\netcdctl get ${KEY}`,
			async verify(ctx) {
				if (await getKey(ctx, KEY)) return `${KEY} is still there.`;
				const id = ctx.variable('LEASE');
				if (!id || !/^[0-9a-f]+$/.test(id)) return 'LEASE is not set in the first terminal.';
				const r = await ctx.client.timeToLive(BigInt('0x' + id), false);
				return r.TTL === -1 ? null : `Lease ${id} is still alive.`;
			}
		}
	]
};
