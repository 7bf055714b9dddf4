/**
 * The objects a small kubeadm cluster (one control-plane node, two workers, CoreDNS, kube-proxy,
 * an nginx deployment) keeps in etcd, under the keys the API server really uses:
 *
 *   /registry/namespaces/NAME                 cluster-scoped objects: /registry/RESOURCE/NAME
 *   /registry/minions/NAME                    nodes (their key still says "minions")
 *   /registry/pods/NAMESPACE/NAME             namespaced: /registry/RESOURCE/NAMESPACE/NAME
 *   /registry/services/specs/NAMESPACE/NAME   services and their endpoints share a prefix
 *   /registry/services/endpoints/NAMESPACE/NAME
 *   /registry/GROUP/RESOURCE/...              other API groups' resources (CRDs, apiservices)
 *
 * Values are JSON (the API server's --storage-media-type=application/json; its default is
 * protobuf), without metadata.resourceVersion, which the API server fills in from mod_revision
 * when it reads. Everything is deterministic (UIDs come from a hash of the key) so a replayed
 * scenario sees the same bytes.
 */
import { caCrt } from './kubeadm-pki';

const CREATED = '2026-01-12T09:14:03Z';
const CONTROL_PLANE = 'playground-control-plane';
const WORKERS = ['playground-worker', 'playground-worker2'];

/** A UUID-shaped id derived from `key` (FNV-1a, four rounds). */
function uid(key: string): string {
	let hex = '';
	for (let round = 0; round < 4; round++) {
		let h = 0x811c9dc5 ^ round;
		for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
		hex += (h >>> 0).toString(16).padStart(8, '0');
	}
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

type Json = Record<string, unknown>;

interface Meta {
	name: string;
	namespace?: string;
	labels?: Record<string, string>;
	annotations?: Record<string, string>;
	ownerReferences?: Json[];
	generateName?: string;
}

function object(kind: string, apiVersion: string, key: string, meta: Meta, body: Json): Json {
	const metadata: Json = { name: meta.name };
	if (meta.generateName) metadata.generateName = meta.generateName;
	if (meta.namespace) metadata.namespace = meta.namespace;
	metadata.uid = uid(key);
	metadata.creationTimestamp = CREATED;
	if (meta.labels) metadata.labels = meta.labels;
	if (meta.annotations) metadata.annotations = meta.annotations;
	if (meta.ownerReferences) metadata.ownerReferences = meta.ownerReferences;
	return { kind, apiVersion, metadata, ...body };
}

export interface RegistryEntry {
	key: string;
	value: string;
}

class Registry {
	readonly entries: RegistryEntry[] = [];
	add(key: string, kind: string, apiVersion: string, meta: Meta, body: Json = {}): { uid: string } {
		const obj = object(kind, apiVersion, key, meta, body);
		this.entries.push({ key, value: JSON.stringify(obj) });
		return { uid: uid(key) };
	}
}

function owner(kind: string, apiVersion: string, name: string, ownerUid: string): Json[] {
	return [{ apiVersion, kind, name, uid: ownerUid, controller: true, blockOwnerDeletion: true }];
}

const NODE_IPS: Record<string, string> = {
	[CONTROL_PLANE]: '172.18.0.2',
	[WORKERS[0]]: '172.18.0.3',
	[WORKERS[1]]: '172.18.0.4'
};

function node(r: Registry, name: string, controlPlane: boolean, podCIDR: string): void {
	const labels: Record<string, string> = {
		'beta.kubernetes.io/arch': 'amd64',
		'beta.kubernetes.io/os': 'linux',
		'kubernetes.io/arch': 'amd64',
		'kubernetes.io/hostname': name,
		'kubernetes.io/os': 'linux'
	};
	if (controlPlane) labels['node-role.kubernetes.io/control-plane'] = '';
	r.add(
		`/registry/minions/${name}`,
		'Node',
		'v1',
		{
			name,
			labels,
			annotations: {
				'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock',
				'node.alpha.kubernetes.io/ttl': '0',
				'volumes.kubernetes.io/controller-managed-attach-detach': 'true'
			}
		},
		{
			spec: {
				podCIDR,
				podCIDRs: [podCIDR],
				providerID: `kind://podman/playground/${name}`,
				...(controlPlane
					? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }
					: {})
			},
			status: {
				capacity: { cpu: '4', 'ephemeral-storage': '61202244Ki', memory: '8131528Ki', pods: '110' },
				allocatable: {
					cpu: '4',
					'ephemeral-storage': '61202244Ki',
					memory: '8131528Ki',
					pods: '110'
				},
				conditions: [
					{
						type: 'Ready',
						status: 'True',
						lastHeartbeatTime: CREATED,
						lastTransitionTime: CREATED,
						reason: 'KubeletReady',
						message: 'kubelet is posting ready status'
					}
				],
				addresses: [
					{ type: 'InternalIP', address: NODE_IPS[name] },
					{ type: 'Hostname', address: name }
				],
				nodeInfo: {
					architecture: 'amd64',
					containerRuntimeVersion: 'containerd://1.7.13',
					kernelVersion: '6.8.0-45-generic',
					kubeProxyVersion: 'v1.29.2',
					kubeletVersion: 'v1.29.2',
					operatingSystem: 'linux',
					osImage: 'Debian GNU/Linux 12 (bookworm)'
				}
			}
		}
	);
}

interface PodSpec {
	name: string;
	namespace: string;
	node: string;
	ip: string;
	image: string;
	container: string;
	labels?: Record<string, string>;
	ownerReferences?: Json[];
	generateName?: string;
	command?: string[];
	hostNetwork?: boolean;
	priorityClassName?: string;
}

function pod(r: Registry, p: PodSpec): void {
	r.add(
		`/registry/pods/${p.namespace}/${p.name}`,
		'Pod',
		'v1',
		{
			name: p.name,
			namespace: p.namespace,
			labels: p.labels,
			ownerReferences: p.ownerReferences,
			generateName: p.generateName
		},
		{
			spec: {
				containers: [
					{
						name: p.container,
						image: p.image,
						...(p.command ? { command: p.command } : {}),
						resources: {},
						terminationMessagePath: '/dev/termination-log',
						terminationMessagePolicy: 'File',
						imagePullPolicy: 'IfNotPresent'
					}
				],
				restartPolicy: 'Always',
				terminationGracePeriodSeconds: 30,
				dnsPolicy: 'ClusterFirst',
				nodeName: p.node,
				...(p.hostNetwork ? { hostNetwork: true } : {}),
				...(p.priorityClassName ? { priorityClassName: p.priorityClassName } : {}),
				schedulerName: 'default-scheduler',
				enableServiceLinks: true
			},
			status: {
				phase: 'Running',
				conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: CREATED }],
				hostIP: NODE_IPS[p.node],
				podIP: p.hostNetwork ? NODE_IPS[p.node] : p.ip,
				podIPs: [{ ip: p.hostNetwork ? NODE_IPS[p.node] : p.ip }],
				startTime: CREATED,
				qosClass: 'BestEffort'
			}
		}
	);
}

function staticPod(r: Registry, component: string, image: string, command: string[]): void {
	pod(r, {
		name: `${component}-${CONTROL_PLANE}`,
		namespace: 'kube-system',
		node: CONTROL_PLANE,
		ip: '',
		image,
		container: component,
		labels: { component, tier: 'control-plane' },
		ownerReferences: [
			{
				apiVersion: 'v1',
				kind: 'Node',
				name: CONTROL_PLANE,
				uid: uid(`/registry/minions/${CONTROL_PLANE}`),
				controller: true
			}
		],
		command,
		hostNetwork: true,
		priorityClassName: 'system-node-critical'
	});
}

/** Deployment -> ReplicaSet -> pods, labelled and owned as the controllers write them. */
function deployment(
	r: Registry,
	ns: string,
	name: string,
	hash: string,
	image: string,
	labels: Record<string, string>,
	pods: { suffix: string; node: string; ip: string }[]
): void {
	const template = {
		metadata: { labels },
		spec: { containers: [{ name, image, resources: {} }], restartPolicy: 'Always' }
	};
	const d = r.add(
		`/registry/deployments/${ns}/${name}`,
		'Deployment',
		'apps/v1',
		{ name, namespace: ns, labels, annotations: { 'deployment.kubernetes.io/revision': '1' } },
		{
			spec: {
				replicas: pods.length,
				selector: { matchLabels: labels },
				template,
				strategy: {
					type: 'RollingUpdate',
					rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' }
				},
				revisionHistoryLimit: 10,
				progressDeadlineSeconds: 600
			},
			status: {
				observedGeneration: 1,
				replicas: pods.length,
				updatedReplicas: pods.length,
				readyReplicas: pods.length,
				availableReplicas: pods.length
			}
		}
	);
	const rsName = `${name}-${hash}`;
	const rsLabels = { ...labels, 'pod-template-hash': hash };
	const rs = r.add(
		`/registry/replicasets/${ns}/${rsName}`,
		'ReplicaSet',
		'apps/v1',
		{
			name: rsName,
			namespace: ns,
			labels: rsLabels,
			ownerReferences: owner('Deployment', 'apps/v1', name, d.uid)
		},
		{
			spec: {
				replicas: pods.length,
				selector: { matchLabels: rsLabels },
				template: { ...template, metadata: { labels: rsLabels } }
			},
			status: {
				replicas: pods.length,
				fullyLabeledReplicas: pods.length,
				readyReplicas: pods.length,
				availableReplicas: pods.length,
				observedGeneration: 1
			}
		}
	);
	for (const p of pods) {
		pod(r, {
			name: `${rsName}-${p.suffix}`,
			generateName: `${rsName}-`,
			namespace: ns,
			node: p.node,
			ip: p.ip,
			image,
			container: name,
			labels: rsLabels,
			ownerReferences: owner('ReplicaSet', 'apps/v1', rsName, rs.uid)
		});
	}
}

function service(
	r: Registry,
	ns: string,
	name: string,
	clusterIP: string,
	ports: Json[],
	selector: Record<string, string> | undefined,
	addresses: { ip: string; node?: string; pod?: string }[],
	labels?: Record<string, string>
): void {
	r.add(
		`/registry/services/specs/${ns}/${name}`,
		'Service',
		'v1',
		{ name, namespace: ns, labels },
		{
			spec: {
				ports,
				...(selector ? { selector } : {}),
				clusterIP,
				clusterIPs: [clusterIP],
				type: 'ClusterIP',
				sessionAffinity: 'None',
				ipFamilies: ['IPv4'],
				ipFamilyPolicy: 'SingleStack'
			},
			status: { loadBalancer: {} }
		}
	);
	r.add(
		`/registry/services/endpoints/${ns}/${name}`,
		'Endpoints',
		'v1',
		{ name, namespace: ns, labels },
		{
			subsets: [
				{
					addresses: addresses.map((a) => ({
						ip: a.ip,
						...(a.node ? { nodeName: a.node } : {}),
						...(a.pod
							? {
									targetRef: {
										kind: 'Pod',
										namespace: ns,
										name: a.pod,
										uid: uid(`/registry/pods/${ns}/${a.pod}`)
									}
								}
							: {})
					})),
					ports: ports.map((p) => ({
						name: p.name,
						port: p.targetPort ?? p.port,
						protocol: p.protocol
					}))
				}
			]
		}
	);
}

function configMap(r: Registry, ns: string, name: string, data: Record<string, string>): void {
	r.add(`/registry/configmaps/${ns}/${name}`, 'ConfigMap', 'v1', { name, namespace: ns }, { data });
}

function serviceAccount(r: Registry, ns: string, name: string): void {
	r.add(`/registry/serviceaccounts/${ns}/${name}`, 'ServiceAccount', 'v1', { name, namespace: ns });
}

const b64 = (s: string) => btoa(s);

/** The registry in the order a cluster's bootstrap and a learner's first steps would write it. */
export function kubernetesRegistry(): RegistryEntry[] {
	const r = new Registry();
	const namespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
	for (const ns of namespaces) {
		r.add(
			`/registry/namespaces/${ns}`,
			'Namespace',
			'v1',
			{ name: ns, labels: { 'kubernetes.io/metadata.name': ns } },
			{ spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }
		);
	}
	r.add(
		'/registry/apiregistration.k8s.io/apiservices/v1.',
		'APIService',
		'apiregistration.k8s.io/v1',
		{ name: 'v1.', labels: { 'kube-aggregator.kubernetes.io/automanaged': 'onstart' } },
		{ spec: { version: 'v1', groupPriorityMinimum: 18000, versionPriority: 1 } }
	);
	r.add(
		'/registry/apiregistration.k8s.io/apiservices/v1.apps',
		'APIService',
		'apiregistration.k8s.io/v1',
		{ name: 'v1.apps', labels: { 'kube-aggregator.kubernetes.io/automanaged': 'onstart' } },
		{ spec: { group: 'apps', version: 'v1', groupPriorityMinimum: 17800, versionPriority: 15 } }
	);
	r.add(
		'/registry/priorityclasses/system-node-critical',
		'PriorityClass',
		'scheduling.k8s.io/v1',
		{ name: 'system-node-critical' },
		{
			value: 2000001000,
			description: 'Used for system critical pods that must not be moved from their current node.'
		}
	);
	r.add(
		'/registry/priorityclasses/system-cluster-critical',
		'PriorityClass',
		'scheduling.k8s.io/v1',
		{ name: 'system-cluster-critical' },
		{
			value: 2000000000,
			description:
				'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.'
		}
	);
	service(
		r,
		'default',
		'kubernetes',
		'10.96.0.1',
		[{ name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 }],
		undefined,
		[{ ip: NODE_IPS[CONTROL_PLANE] }],
		{ component: 'apiserver', provider: 'kubernetes' }
	);
	node(r, CONTROL_PLANE, true, '10.244.0.0/24');
	staticPod(r, 'etcd', 'registry.k8s.io/etcd:3.5.10-0', [
		'etcd',
		'--advertise-client-urls=https://172.18.0.2:2379',
		'--cert-file=/etc/kubernetes/pki/etcd/server.crt',
		'--client-cert-auth=true',
		'--data-dir=/var/lib/etcd',
		'--key-file=/etc/kubernetes/pki/etcd/server.key',
		'--listen-client-urls=https://127.0.0.1:2379,https://172.18.0.2:2379',
		'--name=playground-control-plane',
		'--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt',
		'--peer-client-cert-auth=true',
		'--peer-key-file=/etc/kubernetes/pki/etcd/peer.key',
		'--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
		'--snapshot-count=10000',
		'--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt'
	]);
	staticPod(r, 'kube-apiserver', 'registry.k8s.io/kube-apiserver:v1.29.2', [
		'kube-apiserver',
		'--advertise-address=172.18.0.2',
		'--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt',
		'--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt',
		'--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key',
		'--etcd-servers=https://127.0.0.1:2379',
		'--service-cluster-ip-range=10.96.0.0/16'
	]);
	staticPod(r, 'kube-controller-manager', 'registry.k8s.io/kube-controller-manager:v1.29.2', [
		'kube-controller-manager',
		'--allocate-node-cidrs=true',
		'--cluster-cidr=10.244.0.0/16',
		'--kubeconfig=/etc/kubernetes/controller-manager.conf'
	]);
	staticPod(r, 'kube-scheduler', 'registry.k8s.io/kube-scheduler:v1.29.2', [
		'kube-scheduler',
		'--kubeconfig=/etc/kubernetes/scheduler.conf'
	]);
	for (const ns of namespaces) {
		serviceAccount(r, ns, 'default');
		configMap(r, ns, 'kube-root-ca.crt', { 'ca.crt': caCrt });
	}
	serviceAccount(r, 'kube-system', 'coredns');
	serviceAccount(r, 'kube-system', 'kube-proxy');
	configMap(r, 'kube-system', 'kubeadm-config', {
		ClusterConfiguration: [
			'apiVersion: kubeadm.k8s.io/v1beta3',
			'kind: ClusterConfiguration',
			'clusterName: playground',
			'controlPlaneEndpoint: playground-control-plane:6443',
			'etcd:',
			'  local:',
			'    dataDir: /var/lib/etcd',
			'kubernetesVersion: v1.29.2',
			'networking:',
			'  podSubnet: 10.244.0.0/16',
			'  serviceSubnet: 10.96.0.0/16',
			''
		].join('\n')
	});
	configMap(r, 'kube-system', 'coredns', {
		Corefile:
			'.:53 {\n    errors\n    health\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n    }\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n}\n'
	});
	configMap(r, 'kube-system', 'kube-proxy', {
		'config.conf':
			'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\nclusterCIDR: 10.244.0.0/16\n'
	});
	configMap(r, 'kube-public', 'cluster-info', {
		kubeconfig: `apiVersion: v1\nclusters:\n- cluster:\n    server: https://playground-control-plane:6443\n  name: ""\nkind: Config\n`
	});
	r.add(
		'/registry/secrets/kube-system/bootstrap-token-abcdef',
		'Secret',
		'v1',
		{ name: 'bootstrap-token-abcdef', namespace: 'kube-system' },
		{
			type: 'bootstrap.kubernetes.io/token',
			data: {
				'token-id': b64('abcdef'),
				'token-secret': b64('0123456789abcdef'),
				'usage-bootstrap-authentication': b64('true'),
				'usage-bootstrap-signing': b64('true'),
				'auth-extra-groups': b64('system:bootstrappers:kubeadm:default-node-token')
			}
		}
	);
	for (const w of WORKERS) node(r, w, false, w === WORKERS[0] ? '10.244.1.0/24' : '10.244.2.0/24');
	r.add(
		'/registry/daemonsets/kube-system/kube-proxy',
		'DaemonSet',
		'apps/v1',
		{ name: 'kube-proxy', namespace: 'kube-system', labels: { 'k8s-app': 'kube-proxy' } },
		{
			spec: {
				selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
				template: {
					metadata: { labels: { 'k8s-app': 'kube-proxy' } },
					spec: {
						containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.29.2' }],
						serviceAccountName: 'kube-proxy',
						hostNetwork: true
					}
				}
			},
			status: { currentNumberScheduled: 3, desiredNumberScheduled: 3, numberReady: 3 }
		}
	);
	const proxySuffixes = ['7xkqp', 'bz2lm', 'q9w4d'];
	[CONTROL_PLANE, ...WORKERS].forEach((n, i) =>
		pod(r, {
			name: `kube-proxy-${proxySuffixes[i]}`,
			generateName: 'kube-proxy-',
			namespace: 'kube-system',
			node: n,
			ip: '',
			image: 'registry.k8s.io/kube-proxy:v1.29.2',
			container: 'kube-proxy',
			labels: { 'k8s-app': 'kube-proxy' },
			ownerReferences: owner(
				'DaemonSet',
				'apps/v1',
				'kube-proxy',
				uid('/registry/daemonsets/kube-system/kube-proxy')
			),
			hostNetwork: true,
			priorityClassName: 'system-node-critical'
		})
	);
	deployment(
		r,
		'kube-system',
		'coredns',
		'76f75df574',
		'registry.k8s.io/coredns/coredns:v1.11.1',
		{ 'k8s-app': 'kube-dns' },
		[
			{ suffix: 'h6w2r', node: CONTROL_PLANE, ip: '10.244.0.2' },
			{ suffix: 'tq8zn', node: CONTROL_PLANE, ip: '10.244.0.3' }
		]
	);
	service(
		r,
		'kube-system',
		'kube-dns',
		'10.96.0.10',
		[
			{ name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 },
			{ name: 'dns-tcp', protocol: 'TCP', port: 53, targetPort: 53 },
			{ name: 'metrics', protocol: 'TCP', port: 9153, targetPort: 9153 }
		],
		{ 'k8s-app': 'kube-dns' },
		[
			{ ip: '10.244.0.2', node: CONTROL_PLANE, pod: 'coredns-76f75df574-h6w2r' },
			{ ip: '10.244.0.3', node: CONTROL_PLANE, pod: 'coredns-76f75df574-tq8zn' }
		],
		{ 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' }
	);
	// What a learner created while following the guides.
	deployment(r, 'default', 'nginx', '7854ff8877', 'nginx:1.25', { app: 'nginx' }, [
		{ suffix: '2xq9p', node: WORKERS[0], ip: '10.244.1.4' },
		{ suffix: 'k8d4m', node: WORKERS[1], ip: '10.244.2.3' }
	]);
	service(
		r,
		'default',
		'nginx',
		'10.96.142.17',
		[{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80 }],
		{ app: 'nginx' },
		[
			{ ip: '10.244.1.4', node: WORKERS[0], pod: 'nginx-7854ff8877-2xq9p' },
			{ ip: '10.244.2.3', node: WORKERS[1], pod: 'nginx-7854ff8877-k8d4m' }
		],
		{ app: 'nginx' }
	);
	pod(r, {
		name: 'nginx-demo',
		namespace: 'default',
		node: WORKERS[0],
		ip: '10.244.1.7',
		image: 'nginx',
		container: 'nginx-demo',
		labels: { app: 'web', env: 'production', tier: 'frontend' }
	});
	configMap(r, 'default', 'app-config', { LOG_LEVEL: 'info', FEATURE_FLAGS: 'search,checkout' });
	configMap(r, 'default', 'my-configmap', { greeting: 'hello' });
	configMap(r, 'default', 'my-cm', { replicas: '3' });
	r.add(
		'/registry/secrets/default/db-password',
		'Secret',
		'v1',
		{ name: 'db-password', namespace: 'default' },
		{ type: 'Opaque', data: { password: b64('Xy7#b-not-encrypted-at-rest') } }
	);
	r.add(
		'/registry/apiextensions.k8s.io/customresourcedefinitions/configmapapps.demo.mycompany.com',
		'CustomResourceDefinition',
		'apiextensions.k8s.io/v1',
		{ name: 'configmapapps.demo.mycompany.com' },
		{
			spec: {
				group: 'demo.mycompany.com',
				names: { kind: 'ConfigMapApp', plural: 'configmapapps', singular: 'configmapapp' },
				scope: 'Namespaced',
				versions: [{ name: 'v1', served: true, storage: true }]
			}
		}
	);
	r.add(
		'/registry/demo.mycompany.com/configmapapps/default/my-app',
		'ConfigMapApp',
		'demo.mycompany.com/v1',
		{ name: 'my-app', namespace: 'default' },
		{ spec: { replicas: 3, image: 'nginx:1.25' } }
	);
	return r.entries;
}
