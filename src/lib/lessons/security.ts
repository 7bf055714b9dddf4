import type { Lesson } from './types';
import { keyHolds, valueOf } from './verify';

const PKI = '/etc/kubernetes/pki';

export const securityLesson: Lesson = {
	id: 'security',
	title: 'kubeadm security: client TLS',
	summary: 'Meet the certificates kubeadm gives etcd, and the three flags every command needs.',
	clusterSize: 3,
	preset: 'kubernetes',
	steps: [
		{
			title: 'Where the certificates live',
			explain: [
				"kubeadm creates a separate CA just for etcd (etcd/ca.crt). The server certificate proves etcd's identity to clients, the peer certificates secure traffic between members, and clients such as the API server present their own certificate signed by the same CA.",
				'Count the files in the etcd folder and record the number.'
			],
			command:
				`ls -l ${PKI}/etcd/\nFILES=$(ls ${PKI}/etcd | wc -l)\n` +
				`etcdctl --cacert=${PKI}/etcd/ca.crt --cert=${PKI}/etcd/server.crt --key=${PKI}/etcd/server.key put /lessons/tls/files "$FILES"`,
			async verify(ctx) {
				const v = await valueOf(ctx, '/lessons/tls/files');
				return v !== null && Number(v) >= 8 ? null : 'The file count has not been recorded yet.';
			}
		},
		{
			title: 'Without a certificate',
			explain: [
				'Offering only the CA is not enough: etcd runs with --client-cert-auth, so it insists on a client certificate too. etcdctl keeps retrying the handshake and reports "context deadline exceeded" when its command timeout (--command-timeout, 5 s) runs out. After that failure, the same command with all three flags goes through.'
			],
			command:
				`etcdctl --cacert=${PKI}/etcd/ca.crt put /lessons/tls/ca-only nope\n` +
				`etcdctl --cacert=${PKI}/etcd/ca.crt --cert=${PKI}/etcd/healthcheck-client.crt --key=${PKI}/etcd/healthcheck-client.key put /lessons/tls/three-flags yes`,
			async verify(ctx) {
				if ((await valueOf(ctx, '/lessons/tls/ca-only')) !== null) {
					return 'The CA-only write should have been refused.';
				}
				return keyHolds('/lessons/tls/three-flags', 'yes')(ctx);
			}
		},
		{
			title: "A key that is not the certificate's",
			explain: [
				'--cert and --key must be a pair: the key is the private half of the public key inside the certificate. Mix them up (here the server certificate with the peer key) and etcdctl refuses at once, before it talks to etcd at all: "tls: private key does not match public key", exit status 128 (a usage error, not a timeout).',
				'The second line records that exit status in etcd, with a correct pair.'
			],
			command:
				`etcdctl --cacert=${PKI}/etcd/ca.crt --cert=${PKI}/etcd/server.crt --key=${PKI}/etcd/peer.key get /lessons/tls/files\n` +
				`etcdctl --cacert=${PKI}/etcd/ca.crt --cert=${PKI}/etcd/server.crt --key=${PKI}/etcd/server.key put /lessons/tls/mismatch-status "$?"`,
			verify: keyHolds('/lessons/tls/mismatch-status', '128')
		},
		{
			title: "The API server's own identity",
			explain: [
				'The API server reaches etcd with apiserver-etcd-client.crt, found in the parent folder. Put it in ETCDCTL_* variables once and every later command uses it, as the guides do inside the etcd pod.'
			],
			command:
				`export ETCDCTL_CACERT=${PKI}/etcd/ca.crt ETCDCTL_CERT=${PKI}/apiserver-etcd-client.crt ETCDCTL_KEY=${PKI}/apiserver-etcd-client.key\n` +
				'etcdctl endpoint health\netcdctl put /lessons/tls/env-vars yes',
			verify: keyHolds('/lessons/tls/env-vars', 'yes')
		}
	]
};
