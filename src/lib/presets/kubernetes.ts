/**
 * The `kubernetes` preset: the etcd of a kubeadm control plane. The cluster starts holding a
 * small cluster's /registry objects (./kubernetes-objects.ts), written one put each through the
 * normal client so every object has its own revision; clients must present the kubeadm
 * certificates (./tls.ts); and every terminal finds those certificates where kubeadm puts them.
 */
import * as pki from './kubeadm-pki';
import { kubernetesRegistry } from './kubernetes-objects';
import type { Preset } from './preset';

const PKI = '/etc/kubernetes/pki';

const ETCD_MANIFEST = `apiVersion: v1
kind: Pod
metadata:
  labels:
    component: etcd
    tier: control-plane
  name: etcd
  namespace: kube-system
spec:
  containers:
  - command:
    - etcd
    - --advertise-client-urls=https://172.18.0.2:2379
    - --cert-file=${PKI}/etcd/server.crt
    - --client-cert-auth=true
    - --data-dir=/var/lib/etcd
    - --key-file=${PKI}/etcd/server.key
    - --listen-client-urls=https://127.0.0.1:2379,https://172.18.0.2:2379
    - --name=playground-control-plane
    - --peer-cert-file=${PKI}/etcd/peer.crt
    - --peer-client-cert-auth=true
    - --peer-key-file=${PKI}/etcd/peer.key
    - --peer-trusted-ca-file=${PKI}/etcd/ca.crt
    - --snapshot-count=10000
    - --trusted-ca-file=${PKI}/etcd/ca.crt
    image: registry.k8s.io/etcd:3.5.10-0
    name: etcd
    volumeMounts:
    - mountPath: /var/lib/etcd
      name: etcd-data
    - mountPath: ${PKI}/etcd
      name: etcd-certs
  hostNetwork: true
  priorityClassName: system-node-critical
  volumes:
  - hostPath:
      path: ${PKI}/etcd
      type: DirectoryOrCreate
    name: etcd-certs
  - hostPath:
      path: /var/lib/etcd
      type: DirectoryOrCreate
    name: etcd-data
`;

export const kubernetesPreset: Preset = {
	name: 'kubernetes',
	title: 'Kubernetes control plane: /registry objects, client TLS as kubeadm sets it up',
	files: {
		[`${PKI}/etcd/ca.crt`]: pki.caCrt,
		[`${PKI}/etcd/ca.key`]: pki.caKey,
		[`${PKI}/etcd/server.crt`]: pki.serverCrt,
		[`${PKI}/etcd/server.key`]: pki.serverKey,
		[`${PKI}/etcd/peer.crt`]: pki.peerCrt,
		[`${PKI}/etcd/peer.key`]: pki.peerKey,
		[`${PKI}/etcd/healthcheck-client.crt`]: pki.healthcheckClientCrt,
		[`${PKI}/etcd/healthcheck-client.key`]: pki.healthcheckClientKey,
		[`${PKI}/apiserver-etcd-client.crt`]: pki.apiserverEtcdClientCrt,
		[`${PKI}/apiserver-etcd-client.key`]: pki.apiserverEtcdClientKey,
		'/etc/kubernetes/manifests/etcd.yaml': ETCD_MANIFEST
	},
	tls: {
		ca: pki.caCrt,
		// server and peer certificates carry clientAuth too, which is why the guides can use them.
		clients: [
			{ cert: pki.serverCrt, key: pki.serverKey },
			{ cert: pki.peerCrt, key: pki.peerKey },
			{ cert: pki.healthcheckClientCrt, key: pki.healthcheckClientKey },
			{ cert: pki.apiserverEtcdClientCrt, key: pki.apiserverEtcdClientKey }
		]
	},
	async seed(client) {
		const enc = new TextEncoder();
		for (const { key, value } of kubernetesRegistry()) {
			await client.put({ key: enc.encode(key), value: enc.encode(value) });
		}
	}
};
