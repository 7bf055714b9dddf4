import type { Lesson } from './types';
import { CERT_EXPORTS, keysUnder } from './verify';

const SNAPSHOT = '/tmp/etcd-backup.db';
const RESTORED = '/var/lib/etcd-from-backup';

export const backupLesson: Lesson = {
	id: 'backup',
	title: 'Backup and restore, the CKA way',
	summary:
		'Save a snapshot, check it, lose data, and restore the snapshot into a new data directory.',
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
				'Now the accident: someone deletes every deployment key directly in etcd. No API server check stands in the way, and the snapshot is the only copy left.'
			],
			command: 'etcdctl del /registry/deployments/ --prefix',
			async verify(ctx) {
				const left = await keysUnder(ctx, '/registry/deployments/');
				return left.length === 0 ? null : `${left.length} deployment key(s) are still there.`;
			}
		},
		{
			title: 'Restore into a new data directory',
			explain: [
				'snapshot restore does not touch the running cluster: it builds a fresh data directory from the file, with new cluster and member identities. --data-dir must not exist yet, so a restore can never overwrite live data by accident.',
				"On a kubeadm node you would then point the etcd static pod's hostPath volume (in /etc/kubernetes/manifests/etcd.yaml) at that directory; the kubelet notices the change and starts etcd on the restored data."
			],
			command: `etcdctl snapshot restore ${SNAPSHOT} --data-dir ${RESTORED}\nls -R ${RESTORED}`,
			async verify(ctx) {
				const db = ctx.readFile(`${RESTORED}/member/snap/db`);
				return db && db.length > 0 ? null : `${RESTORED} has not been restored yet.`;
			}
		}
	]
};
