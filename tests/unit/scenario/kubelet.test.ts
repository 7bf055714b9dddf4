/**
 * The kubelet's restart of the etcd static pod when etcd.yaml is pointed at a restored data dir
 * (src/lib/playground/kubelet.ts), in the kubernetes preset through the scenario runner.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createNodeCluster } from '../../../src/lib/node-cluster';
import { etcdPodDataDir } from '../../../src/lib/playground/kubelet';
import { kubernetesPreset } from '../../../src/lib/presets/kubernetes';
import { runScenario } from '../../../src/lib/scenario/runner';

const manifest = kubernetesPreset.files!['/etc/kubernetes/manifests/etcd.yaml'];

describe('etcdPodDataDir', () => {
	it("follows --data-dir through the pod's volume to the host path", async () => {
		expect(await etcdPodDataDir(manifest)).toEqual({
			name: 'playground-control-plane',
			hostDir: '/var/lib/etcd'
		});
		// The CKA edit: only the hostPath of etcd-data.
		const hostPath = manifest.replace('path: /var/lib/etcd\n', 'path: /var/lib/etcd-from-backup\n');
		expect(await etcdPodDataDir(hostPath)).toMatchObject({ hostDir: '/var/lib/etcd-from-backup' });
		// The other edit: --data-dir and the mount together (the hostPath stays).
		const both = manifest
			.replace('--data-dir=/var/lib/etcd\n', '--data-dir=/var/lib/etcd-new/restored\n')
			.replace('mountPath: /var/lib/etcd\n', 'mountPath: /var/lib/etcd-new\n');
		expect(await etcdPodDataDir(both)).toMatchObject({ hostDir: '/var/lib/etcd/restored' });
	});

	it('refuses a --data-dir off every volume, and YAML that does not parse', async () => {
		const off = manifest.replace('--data-dir=/var/lib/etcd\n', '--data-dir=/data/etcd\n');
		expect(await etcdPodDataDir(off)).toMatch(
			/--data-dir \/data\/etcd is not on a hostPath volume/
		);
		expect(await etcdPodDataDir('spec: [\n')).toMatch(/^cannot parse/);
	});
});

describe('the kubeadm restore in the kubernetes preset', () => {
	it('restarts etcd on the restored dir once the manifest points there', async () => {
		const t = await runScenario(
			readFileSync('tests/scenarios/restore-kubeadm.sh', 'utf8'),
			createNodeCluster,
			{ quietMs: 20 }
		);
		const after = (cmd: string) => {
			const rest = t.split(`$ ${cmd}\n`)[1];
			return rest.startsWith('$ ') ? '' : rest.split('\n$ ')[0];
		};
		expect(after('etcdctl member list')).toBe(
			'kubelet: /etc/kubernetes/manifests/etcd.yaml changed; the etcd static pod restarted on /var/lib/etcd-from-backup\n' +
				'8e9e05c52164694d, started, playground-control-plane, http://localhost:2380, http://localhost:2379, false'
		);
		expect(after('etcdctl get /registry/deployments/ --prefix --keys-only')).toContain(
			'/registry/deployments/default/nginx'
		);
		expect(after('etcdctl get /registry/configmaps/default/late')).toBe('');
		expect(after('etcdctl get /registry/namespaces/default -w json | cut -c1-70')).toBe(
			'{"header":{"cluster_id":14841639068965178418,"member_id":1027665774393'
		);
		// A dir with nothing restored: the kubelet says so once, the restored member keeps serving.
		const [first, second] = t
			.split('$ etcdctl get /registry/deployments/default/nginx --keys-only\n')
			.slice(1);
		expect(first).toMatch(
			/^kubelet: the etcd static pod on \/var\/lib\/etcd-empty failed: \/var\/lib\/etcd-empty holds no member data\n\/registry\/deployments\/default\/nginx\n/
		);
		expect(second).toMatch(/^\/registry\/deployments\/default\/nginx\n/);
	}, 60_000);
});
