/**
 * Files the terminal starts with. The guides are written for kubeadm clusters and point etcdctl
 * at kubeadm's etcd PKI (`export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt`, `--cert`,
 * `--key`); etcdctl refuses to start when those files are missing, as the real one does. The
 * playground's members do not check TLS, so the files only have to exist, and say so.
 */
export const KUBEADM_ETCD_PKI = '/etc/kubernetes/pki/etcd';

const PKI: Record<string, string> = {
	'ca.crt': 'certificate authority',
	'ca.key': 'certificate authority key',
	'server.crt': 'server certificate',
	'server.key': 'server key',
	'peer.crt': 'peer certificate',
	'peer.key': 'peer key',
	'healthcheck-client.crt': 'health-check client certificate',
	'healthcheck-client.key': 'health-check client key'
};

export function initialFiles(): Record<string, string> {
	const files: Record<string, string> = {};
	for (const [name, what] of Object.entries(PKI)) {
		files[`${KUBEADM_ETCD_PKI}/${name}`] =
			`# Stands in for kubeadm's etcd ${what}, so that the guides' etcdctl lines run as written.\n` +
			`# The playground's etcd members accept clients without TLS: this file only has to exist.\n`;
	}
	return files;
}
