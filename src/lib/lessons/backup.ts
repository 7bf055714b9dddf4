import type { Lesson } from './types';
import { CERT_EXPORTS, keysUnder, valueOf } from './verify';

const SNAPSHOT = '/tmp/etcd-backup.db';
const RESTORED = '/var/lib/etcd-from-backup';
/** A write made after the snapshot: the restore must not bring it back. */
const LATE_KEY = '/registry/configmaps/default/written-after-backup';
/** A deployment of the kubernetes preset, deleted after the backup. */
const DEPLOYMENT = '/registry/deployments/default/nginx';

export const backupLesson: Lesson = {
	id: 'backup',
	title: 'Backup and restore, the CKA way',
	summary:
		'Save a snapshot, check it, lose data, restore the snapshot into a new data directory and run etcd on it.',
	clusterSize: 1,
	preset: 'kubernetes',
	steps: [
		{
			title: 'Take a snapshot and check it',
			explain: [
				'A snapshot is a consistent copy of the whole key space at one revision, streamed from a member over the client port, so it needs the same certificates as any other command. This is the backup the CKA exam asks for.',
				'snapshot status then reads the file, not the cluster: its hash, the revision it was taken at, how many keys it holds and its size. Check a backup before you need it.'
			],
			command: `${CERT_EXPORTS}\netcdctl snapshot save ${SNAPSHOT}\netcdctl snapshot status ${SNAPSHOT} -w table`,
			async verify(ctx) {
				const file = ctx.readFile(SNAPSHOT);
				return file && file.length > 0 ? null : `${SNAPSHOT} has not been written yet.`;
			}
		},
		{
			title: 'Lose the deployments',
			explain: [
				'Now the accident: someone deletes every deployment key directly in etcd. No API server check stands in the way, and the snapshot is the only copy left.',
				'Life goes on meanwhile: a configmap is written after the backup. Remember it; a restore goes back to the moment of the snapshot, so it will be gone.'
			],
			command: `etcdctl del /registry/deployments/ --prefix\netcdctl put ${LATE_KEY} '{"kind":"ConfigMap"}'`,
			async verify(ctx) {
				const left = await keysUnder(ctx, '/registry/deployments/');
				if (left.length > 0) return `${left.length} deployment key(s) are still there.`;
				return (await valueOf(ctx, LATE_KEY)) === null
					? `${LATE_KEY} has not been written yet.`
					: null;
			}
		},
		{
			title: 'Restore into a new data directory',
			explain: [
				'snapshot restore does not touch the running cluster: it builds a fresh data directory from the file, with new cluster and member identities. --data-dir must not exist yet, so a restore can never overwrite live data by accident.',
				'Read the "added member" line: without --name, --initial-cluster and --initial-cluster-token, restore uses etcd\'s defaults, so the restored cluster has one member called default at http://localhost:2380, in a cluster with a new ID.'
			],
			command: `etcdctl snapshot restore ${SNAPSHOT} --data-dir ${RESTORED}\nls -R ${RESTORED}`,
			async verify(ctx) {
				const db = ctx.readFile(`${RESTORED}/member/snap/db`);
				return db && db.length > 0 ? null : `${RESTORED} has not been restored yet.`;
			}
		},
		{
			title: 'Run etcd on the restored data',
			explain: [
				'The restored directory is just files until an etcd runs on it. On a kubeadm node you point the etcd static pod at it: in /etc/kubernetes/manifests/etcd.yaml change the etcd-data hostPath to the new directory (or --data-dir together with its volume mount), and the kubelet restarts etcd there. On a plain host you stop etcd and start it with --data-dir. Here, run etcd yourself: the old cluster stops and the restored member takes its place on this host.',
				"The kubeadm way works here too, instead of the etcd command: sed -i 's#path: /var/lib/etcd$#path: /var/lib/etcd-from-backup#' /etc/kubernetes/manifests/etcd.yaml, and the kubelet restarts etcd on the new directory before your next etcdctl command.",
				'etcd reads who it is from the directory (member 8e9e05c52164694d in cluster cdf818194e3a8c32, from the restore), not from flags. Once it has elected itself, the deployments are back at the revisions they had in the snapshot, and the configmap written after the backup is gone: a restore is a step back in time for the whole key space.'
			],
			command:
				`etcd --data-dir ${RESTORED}\nsleep 2\n` +
				'etcdctl member list -w table\n' +
				`etcdctl get /registry/deployments/ --prefix --keys-only\netcdctl get ${LATE_KEY}`,
			async verify(ctx) {
				const members = (await ctx.status()).filter((m) => m.state !== 'Down');
				if (!members.some((m) => m.name === 'default')) {
					return `No member runs on ${RESTORED} yet.`;
				}
				// Read through the members as they are now (the restored one has a new name).
				if ((await ctx.read(DEPLOYMENT)) === null) return 'The deployments are not back yet.';
				if ((await valueOf(ctx, LATE_KEY)) !== null) {
					return `${LATE_KEY} is still there: the cluster is not the restored one.`;
				}
				return null;
			}
		}
	]
};
