import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientOptions } from '../../../src/lib/client/types';
import { createNodeCluster } from '../../../src/lib/node-cluster';
import { findPreset } from '../../../src/lib/presets';
import * as pki from '../../../src/lib/presets/kubeadm-pki';
import { kubernetesRegistry } from '../../../src/lib/presets/kubernetes-objects';
import { tlsHandshake, withTlsFiles } from '../../../src/lib/presets/tls';
import type { ClusterHost } from '../../../src/lib/scenario/host';
import { parseScenario } from '../../../src/lib/scenario/parser';

const dec = new TextDecoder();
const enc = new TextEncoder();
const PKI = '/etc/kubernetes/pki';
const base: ClientOptions = {
	endpoints: ['127.0.0.1:2379'],
	dialTimeoutMs: 300,
	commandTimeoutMs: 2000
};
const kubeadm = {
	cacert: `${PKI}/etcd/ca.crt`,
	cert: `${PKI}/etcd/server.crt`,
	key: `${PKI}/etcd/server.key`
};

describe('kubernetes registry', () => {
	const entries = kubernetesRegistry();
	it('lays keys out as the API server does, values are JSON objects of the right kind', () => {
		const keys = entries.map((e) => e.key);
		expect(new Set(keys).size).toBe(keys.length);
		for (const k of [
			'/registry/namespaces/default',
			'/registry/namespaces/kube-system',
			'/registry/namespaces/kube-public',
			'/registry/namespaces/kube-node-lease',
			'/registry/minions/playground-control-plane',
			'/registry/pods/kube-system/etcd-playground-control-plane',
			'/registry/deployments/default/nginx',
			'/registry/replicasets/default/nginx-7854ff8877',
			'/registry/services/specs/default/kubernetes',
			'/registry/services/endpoints/default/kubernetes',
			'/registry/configmaps/kube-system/kubeadm-config',
			'/registry/secrets/default/db-password',
			'/registry/serviceaccounts/default/default'
		]) {
			expect(keys).toContain(k);
		}
		for (const { key, value } of entries) {
			const obj = JSON.parse(value) as { kind: string; metadata: Record<string, unknown> };
			const parts = key.split('/');
			expect(obj.metadata.name).toBe(parts.at(-1));
			expect(obj.metadata).not.toHaveProperty('resourceVersion');
			if (key.startsWith('/registry/pods/')) {
				expect(obj.kind).toBe('Pod');
				expect(obj.metadata.namespace).toBe(parts[3]);
			}
			if (key.startsWith('/registry/minions/')) expect(obj.kind).toBe('Node');
		}
	});
	it('pods of a deployment are owned by its replicaset, which the deployment owns', () => {
		const get = (k: string) =>
			JSON.parse(entries.find((e) => e.key === k)!.value) as {
				metadata: { uid: string; ownerReferences?: { uid: string; kind: string }[] };
			};
		const d = get('/registry/deployments/default/nginx');
		const rs = get('/registry/replicasets/default/nginx-7854ff8877');
		const p = get('/registry/pods/default/nginx-7854ff8877-2xq9p');
		expect(rs.metadata.ownerReferences?.[0]).toMatchObject({
			kind: 'Deployment',
			uid: d.metadata.uid
		});
		expect(p.metadata.ownerReferences?.[0]).toMatchObject({
			kind: 'ReplicaSet',
			uid: rs.metadata.uid
		});
	});
});

describe('client TLS as kubeadm demands it', () => {
	const handshake = tlsHandshake(findPreset('kubernetes')!.tls!);
	const pem = { cacert: pki.caCrt, cert: pki.serverCrt, key: pki.serverKey };
	const check = (ep: string, tls?: ClientOptions['tls']) =>
		handshake('etcd-1', ep, { ...base, endpoints: [ep], tls })?.message ?? null;

	it('accepts the CA and a pair the CA issued, with or without https://', () => {
		expect(check('127.0.0.1:2379', { ...kubeadm, pem })).toBeNull();
		expect(check('https://127.0.0.1:2379', { ...kubeadm, pem })).toBeNull();
		const client = {
			cacert: pki.caCrt,
			cert: pki.apiserverEtcdClientCrt,
			key: pki.apiserverEtcdClientKey
		};
		expect(check('127.0.0.1:2379', { ...kubeadm, pem: client })).toBeNull();
		// Without the shell reading the files, the three paths are what is checked.
		expect(check('127.0.0.1:2379', kubeadm)).toBeNull();
	});

	it('refuses what real etcd refuses, as a deadline', () => {
		const refusal = 'context deadline exceeded';
		expect(check('127.0.0.1:2379')).toBe(refusal);
		expect(check('https://127.0.0.1:2379', { cacert: kubeadm.cacert })).toBe(refusal);
		expect(check('http://127.0.0.1:2379', { ...kubeadm, pem })).toBe(refusal);
		expect(check('127.0.0.1:2379', { ...kubeadm, pem: { ...pem, cacert: pki.serverCrt } })).toBe(
			refusal
		);
		expect(check('127.0.0.1:2379', { ...kubeadm, pem: { ...pem, key: pki.peerKey } })).toBe(
			refusal
		);
		expect(check('127.0.0.1:2379', { cert: kubeadm.cert, key: kubeadm.key, pem })).toBe(refusal);
		expect(
			check('127.0.0.1:2379', {
				cert: kubeadm.cert,
				key: kubeadm.key,
				insecureSkipVerify: true,
				pem
			})
		).toBeNull();
	});

	it('withTlsFiles reads the named files for the handshake', async () => {
		let seen: ClientOptions | null = null;
		const clients = withTlsFiles(
			{ connect: async (o) => ((seen = o), Promise.reject(new Error('stop'))) },
			(p) => (p === kubeadm.cacert ? 'CA' : null)
		);
		await clients.connect({ ...base, tls: kubeadm }).catch(() => undefined);
		expect(seen!.tls!.pem).toEqual({ cacert: 'CA' });
	});
});

describe('createNodeCluster with the kubernetes preset', () => {
	let host: ClusterHost;
	beforeAll(async () => {
		host = await createNodeCluster({ size: 3, preset: 'kubernetes' });
		await host.waitForLeader(10_000);
	});
	afterAll(() => host.close());

	it('holds the registry, one revision per object, and offers the certificates', async () => {
		const entries = kubernetesRegistry();
		const c = await host.clients.connect({
			...base,
			tls: { ...kubeadm, pem: { cacert: pki.caCrt, cert: pki.serverCrt, key: pki.serverKey } }
		});
		try {
			const r = await c.range({
				key: enc.encode('/registry/'),
				range_end: enc.encode('/registry0')
			});
			expect(r.kvs.length).toBe(entries.length);
			expect(r.header.revision).toBe(1 + entries.length);
			const revs = new Set(r.kvs.map((kv) => kv.mod_revision));
			expect(revs.size).toBe(entries.length);
			const ns = r.kvs.find((kv) => dec.decode(kv.key) === '/registry/namespaces/default')!;
			expect(ns.mod_revision).toBe(2);
			expect(ns.version).toBe(1);
		} finally {
			c.close();
		}
		expect(host.files?.[`${PKI}/etcd/ca.crt`]).toBe(pki.caCrt);
		expect(Object.keys(host.files ?? {})).toEqual(
			expect.arrayContaining([
				`${PKI}/etcd/server.key`,
				`${PKI}/etcd/peer.crt`,
				`${PKI}/etcd/healthcheck-client.key`,
				`${PKI}/apiserver-etcd-client.crt`,
				`${PKI}/apiserver-etcd-client.key`
			])
		);
	});

	it('refuses a client without certificates at the command deadline, not at dial', async () => {
		const c = await host.clients.connect(base);
		const t0 = Date.now();
		await expect(c.range({ key: enc.encode('a') })).rejects.toThrow('context deadline exceeded');
		expect(Date.now() - t0).toBeGreaterThanOrEqual(base.commandTimeoutMs - 50);
		c.close();
	});

	it('an unknown preset is an error', async () => {
		await expect(createNodeCluster({ size: 1, preset: 'openshift' })).rejects.toThrow(
			/unknown preset/
		);
	});
});

describe('scenario preset line', () => {
	it('is read, and absent when not given', () => {
		expect(parseScenario('# preset: kubernetes\n# cluster: 1\netcdctl get a\n')).toMatchObject({
			preset: 'kubernetes',
			clusterSize: 1
		});
		expect(parseScenario('etcdctl get a\n')).not.toHaveProperty('preset');
	});
});
