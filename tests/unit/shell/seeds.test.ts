/**
 * Lines from the etcd guides the playground is built for, pasted verbatim: each must run in the
 * shell, reaching etcdctl with the words and environment bash would give it and piping its
 * output through head/jq/awk/grep/sed/wc as bash would. etcdctl is a recording double here
 * (canned output in etcdctl's formats); what real etcdctl prints is tested in src/lib/etcdctl.
 */
import { describe, expect, it } from 'vitest';
import type { ClientFactory } from '../../../src/lib/client/types';
import type { EtcdctlIO } from '../../../src/lib/shell/etcdctl-io';
import { shell } from './helpers';

const clients = { connect: () => Promise.reject(new Error('unused')) } as ClientFactory;
const b64 = (s: string) => btoa(s);

const STATUS_JSON =
	'[{"Endpoint":"127.0.0.1:2379","Status":{"header":{"cluster_id":1,"member_id":2,"revision":342,"raft_term":2},' +
	'"version":"3.5.0","dbSize":2097152,"leader":2,"raftIndex":400,"raftTerm":2,"raftAppliedIndex":400}}]\n';

function recorder() {
	const calls: { args: string[]; env: Record<string, string> }[] = [];
	async function etcdctl(io: EtcdctlIO): Promise<number> {
		calls.push({ args: io.args, env: io.env });
		const a = io.args.filter(
			(x) => !x.startsWith('--endpoints') && !/^--(cacert|cert|key)/.test(x)
		);
		const json = a.includes('json') || a.includes('-w=json') || a.includes('--write-out=json');
		if (a[0] === 'endpoint' && a[1] === 'status') {
			io.stdout(
				json ? STATUS_JSON : '+----------+\n| ENDPOINT | ID | VERSION | DB SIZE |\n+----------+\n'
			);
			return 0;
		}
		if (a[0] === 'get' && json) {
			const kv = (k: string, rev: number) =>
				`{"key":"${b64(k)}","create_revision":${rev},"mod_revision":${rev + 1},"version":2,"value":"${b64('v')}","lease":0}`;
			io.stdout(
				`{"header":{"revision":342},"kvs":[${kv('/registry/configmaps/default/a', 5)},${kv('/registry/configmaps/default/b', 7)}],"count":2}\n`
			);
			return 0;
		}
		if (a[0] === 'get') {
			for (const k of [
				'/registry/namespaces/default',
				'/registry/namespaces/kube-system',
				'/registry/pods/default/my-resource-1'
			]) {
				io.stdout(`${k}\n\n`);
			}
			return 0;
		}
		return 0;
	}
	return { calls, etcdctl };
}

async function seedShell() {
	const r = recorder();
	const sh = await shell({ clients, etcdctl: r.etcdctl });
	return { ...sh, calls: r.calls };
}

describe('seed guide lines', () => {
	it('export ETCDCTL_* reaches etcdctl', async () => {
		const sh = await seedShell();
		for (const l of [
			'export ETCDCTL_API=3',
			'export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt',
			'export ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt',
			'export ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key',
			'export ETCDCTL_ENDPOINTS=https://127.0.0.1:2379'
		]) {
			expect(await sh.run(l)).toEqual({ out: '', code: 0 });
		}
		expect(await sh.run('etcdctl endpoint health')).toEqual({ out: '', code: 0 });
		expect(sh.calls[0].env).toMatchObject({
			ETCDCTL_API: '3',
			ETCDCTL_CACERT: '/etc/kubernetes/pki/etcd/ca.crt',
			ETCDCTL_ENDPOINTS: 'https://127.0.0.1:2379'
		});
	});

	it('pipes into head, grep, wc, sed', async () => {
		const sh = await seedShell();
		expect(
			(await sh.run('etcdctl get / --prefix --keys-only | head -50')).out.split('\n')
		).toHaveLength(7);
		expect(
			(await sh.run('etcdctl get /registry/ --prefix --keys-only | grep "my-resource"')).out
		).toBe('/registry/pods/default/my-resource-1\n');
		expect((await sh.run('etcdctl get / --prefix --keys-only | wc -l')).out).toBe('6\n');
		expect(
			(
				await sh.run(
					"etcdctl get /registry/namespaces/ --prefix --keys-only | sed 's|/registry/namespaces/||'"
				)
			).out
		).toMatch(/^default\n\nkube-system\n/);
	});

	it('continues lines with \\, also under sudo with VAR=value', async () => {
		const sh = await seedShell();
		const r = await sh.run(
			'sudo ETCDCTL_API=3 etcdctl \\\n --endpoints=https://127.0.0.1:2379 \\\n --cacert=/etc/kubernetes/pki/etcd/ca.crt \\\n --cert=/etc/kubernetes/pki/etcd/server.crt \\\n --key=/etc/kubernetes/pki/etcd/server.key \\\n get / --prefix --keys-only | head -n 10'
		);
		expect(r.code).toBe(0);
		expect(sh.calls[0].args).toEqual([
			'--endpoints=https://127.0.0.1:2379',
			'--cacert=/etc/kubernetes/pki/etcd/ca.crt',
			'--cert=/etc/kubernetes/pki/etcd/server.crt',
			'--key=/etc/kubernetes/pki/etcd/server.key',
			'get',
			'/',
			'--prefix',
			'--keys-only'
		]);
		expect(sh.calls[0].env.ETCDCTL_API).toBe('3');
	});

	it('runs the jq programs of the guides', async () => {
		const sh = await seedShell();
		const meta = await sh.run(
			"etcdctl get /registry/configmaps/default/my-cm -w json | jq '{\n  key: .kvs[0].key | @base64d,\n  create_revision: .kvs[0].create_revision,\n  mod_revision: .kvs[0].mod_revision,\n  version: .kvs[0].version,\n  lease: .kvs[0].lease\n}'"
		);
		expect(meta.out).toBe(
			'{\n  "key": "/registry/configmaps/default/a",\n  "create_revision": 5,\n  "mod_revision": 6,\n  "version": 2,\n  "lease": 0\n}\n'
		);
		const lines = await sh.run(
			'etcdctl get /registry/configmaps/ --prefix --limit=5 -w json | jq -r \'\n  .kvs[] | "\\(.key | @base64d) | Rev:\\(.mod_revision) | Ver:\\(.version)"\n\''
		);
		expect(lines.out).toBe(
			'/registry/configmaps/default/a | Rev:6 | Ver:2\n/registry/configmaps/default/b | Rev:8 | Ver:2\n'
		);
		expect(
			(
				await sh.run(
					"etcdctl endpoint status -w json | jq '.[] | .Status.dbSize, .Status.raftAppliedIndex'"
				)
			).out
		).toBe('2097152\n400\n');
		expect(
			(await sh.run("etcdctl endpoint status -w json | jq -r '.[0].Status.dbSize / 1024 / 1024'"))
				.out
		).toBe('2\n');
		expect(
			(await sh.run('etcdctl get /registry/configmaps/default/my-configmap -w json | jq')).out
		).toMatch(/^\{\n {2}"header": \{/);
	});

	it('computes revisions with $(...) and $((...))', async () => {
		const sh = await seedShell();
		await sh.run(
			"CURRENT_REV=$(etcdctl endpoint status -w json | jq -r '.[0].Status.header.revision')"
		);
		expect((await sh.run('echo "Current revision: $CURRENT_REV"')).out).toBe(
			'Current revision: 342\n'
		);
		await sh.run('etcdctl get /registry/configmaps/default/my-cm --rev=$CURRENT_REV');
		await sh.run('OLD_REV=$((CURRENT_REV - 100))');
		await sh.run('etcdctl get /registry/configmaps/default/my-cm --rev=$OLD_REV');
		expect(sh.calls.slice(1).map((c) => c.args.at(-1))).toEqual(['--rev=342', '--rev=242']);
		await sh.run("REV1=$(etcdctl endpoint status -w json | jq -r '.[0].Status.header.revision')");
		await sh.run('REV2=$((REV1 + 60))');
		expect((await sh.run('echo "Revisions per minute: $((REV2 - REV1))"')).out).toBe(
			'Revisions per minute: 60\n'
		);
	});

	it('runs the counting loop', async () => {
		const sh = await seedShell();
		const r = await sh.run(
			'for type in pods deployments configmaps secrets services; do\n  count=$(etcdctl get /registry/$type/ --prefix --keys-only 2>/dev/null | wc -l)\n  echo "$type: $count"\ndone'
		);
		expect(r.out).toBe('pods: 6\ndeployments: 6\nconfigmaps: 6\nsecrets: 6\nservices: 6\n');
		expect(sh.calls.map((c) => c.args[1])).toEqual([
			'/registry/pods/',
			'/registry/deployments/',
			'/registry/configmaps/',
			'/registry/secrets/',
			'/registry/services/'
		]);
	});

	it('redirects to files and reads them back, awk and diff included', async () => {
		const sh = await seedShell();
		expect(
			(
				await sh.run(
					'etcdctl get /registry/configmaps/default/my-cm --print-value-only > /tmp/cm.pb'
				)
			).code
		).toBe(0);
		expect((await sh.run('wc -l < /tmp/cm.pb')).out).toBe('6\n');
		expect(
			(await sh.run("etcdctl endpoint status --write-out=table | awk 'NR==2 {print $2}'")).out
		).toBe('ENDPOINT\n');
		const diff = await sh.run(
			'etcdctl get /registry/ --prefix --rev=5000 | \\\n  etcdctl get /registry/ --prefix --rev=5100 | diff - -'
		);
		expect(diff.code).toBe(0);
	});

	it('runs etcdctl aimed at the etcd pod through kubectl exec and podman exec', async () => {
		const sh = await seedShell();
		const r = await sh.run(
			'kubectl exec etcd-master -n kube-system -- sh -c \\\n  "ETCDCTL_API=3 etcdctl get / --prefix --keys-only --limit=10 \\\n  --cacert /etc/kubernetes/pki/etcd/ca.crt \\\n  --cert /etc/kubernetes/pki/etcd/server.crt \\\n  --key /etc/kubernetes/pki/etcd/server.key"'
		);
		expect(r.code).toBe(0);
		expect(sh.calls[0].args.slice(0, 5)).toEqual([
			'get',
			'/',
			'--prefix',
			'--keys-only',
			'--limit=10'
		]);
		expect(sh.calls[0].env.ETCDCTL_API).toBe('3');
		await sh.run(
			"podman exec -it playground-control-plane bash -c '\n  export ETCDCTL_API=3\n  export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt\n  etcdctl get /registry/pods/default --prefix\n'"
		);
		expect(sh.calls[1].env.ETCDCTL_CACERT).toBe('/etc/kubernetes/pki/etcd/ca.crt');
	});

	it('starts the three watches in the background', async () => {
		const sh = await seedShell();
		for (const l of [
			'etcdctl watch /registry/demo.mycompany.com/configmapapps/ --prefix &',
			'etcdctl watch /registry/deployments/default/ --prefix &',
			'etcdctl watch /registry/configmaps/default/ --prefix &'
		]) {
			expect(await sh.run(l)).toEqual({ out: '', code: 0 });
		}
		expect(sh.session.jobs()).toHaveLength(3);
		await sh.session.stopJobs();
	});
});
