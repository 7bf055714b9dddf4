import type { Lesson } from './types';
import { CERT_EXPORTS, getKey, keyHolds, keysUnder, valueOf } from './verify';

export const brainLesson: Lesson = {
	id: 'brain',
	title: "etcd, the cluster's memory",
	summary: 'Walk through the /registry keys a Kubernetes control plane keeps in etcd.',
	clusterSize: 3,
	preset: 'kubernetes',
	steps: [
		{
			title: 'Show your certificates',
			explain: [
				'This cluster is set up the way kubeadm sets up etcd: it only talks to clients that prove who they are with a certificate signed by its own CA. A bare `etcdctl get` waits, retries the handshake and gives up with "context deadline exceeded".',
				'kubeadm leaves the files under /etc/kubernetes/pki/etcd/. Exporting them as ETCDCTL_* variables saves typing three flags on every command. The put at the end proves the handshake now succeeds.'
			],
			command: `${CERT_EXPORTS}\netcdctl put /lessons/brain/hello "certificates accepted"`,
			verify: keyHolds('/lessons/brain/hello', 'certificates accepted')
		},
		{
			title: 'Everything lives under /registry',
			explain: [
				'The API server is the only regular client of this etcd. Each object it stores gets one key: /registry/<resource>/<namespace>/<name> for namespaced objects, /registry/<resource>/<name> for cluster-wide ones. Nodes still sit under the historic name "minions".',
				'Listing keys only (no values) is the polite way to look around. Here the count of namespaces is saved back into etcd so the lesson can check it.'
			],
			command:
				'etcdctl get /registry/ --prefix --keys-only | grep -v "^$" | head -20\n' +
				'N=$(etcdctl get /registry/namespaces/ --prefix --keys-only | grep -c registry)\n' +
				'etcdctl put /lessons/brain/namespaces "$N"',
			async verify(ctx) {
				const saved = await valueOf(ctx, '/lessons/brain/namespaces');
				if (saved === null) return 'The namespace count has not been saved yet.';
				const real = (await keysUnder(ctx, '/registry/namespaces/')).length;
				return Number(saved) === real ? null : `Saved ${saved}, but etcd holds ${real} namespaces.`;
			}
		},
		{
			title: 'An object is a JSON document',
			explain: [
				"A key's value is the whole object as the API server serialised it (this cluster stores JSON; real clusters default to protobuf). The pod nginx-demo carries the labels it was created with, and jq can pick them out.",
				'Nothing but the API server is meant to read these values, which is why the guides call etcd the source of truth: kubectl only ever shows a view of what is stored here.'
			],
			command:
				'etcdctl get /registry/pods/default/nginx-demo --print-value-only | jq .metadata.labels\n' +
				'TIER=$(etcdctl get /registry/pods/default/nginx-demo --print-value-only | jq -r .metadata.labels.tier)\n' +
				'etcdctl put /lessons/brain/tier "$TIER"',
			async verify(ctx) {
				const pod = await getKey(ctx, '/registry/pods/default/nginx-demo');
				if (!pod) return 'The pod nginx-demo is gone; restart the lesson to get it back.';
				const labels = JSON.parse(new TextDecoder().decode(pod.value)).metadata.labels;
				return keyHolds('/lessons/brain/tier', labels.tier)(ctx);
			}
		},
		{
			title: 'Deleting behind the API server',
			explain: [
				"etcd has no idea what a pod is: deleting the key removes the pod from the cluster's memory with no checks, no finalizers and no undo. In a real cluster the controllers would then react to a pod that vanished.",
				"Delete the pod directly, then list the default namespace's pods again."
			],
			command:
				'etcdctl del /registry/pods/default/nginx-demo\netcdctl get /registry/pods/default/ --prefix --keys-only',
			async verify(ctx) {
				return (await getKey(ctx, '/registry/pods/default/nginx-demo'))
					? 'The key /registry/pods/default/nginx-demo is still there.'
					: null;
			}
		}
	]
};
