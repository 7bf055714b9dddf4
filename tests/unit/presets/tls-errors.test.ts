/**
 * What a learner sees against the kubernetes preset's TLS etcd when the certificates are wrong,
 * through the scenario runner (shell + etcdctl + the in-process cluster). The expected text and
 * timing are etcdctl 3.4.23's against a real etcd with --client-cert-auth on loopback: a
 * --key not belonging to --cert fails at once with exit 128; missing or wrong certificates
 * fail at the command deadline (--command-timeout) with the retry warning, exit 1.
 */
import { describe, expect, it } from 'vitest';
import { createNodeCluster } from '../../../src/lib/node-cluster';
import { runScenario } from '../../../src/lib/scenario/runner';

const PKI = '/etc/kubernetes/pki/etcd';
const WARN =
	/^\{"level":"warn","ts":"[^"]+","caller":"clientv3\/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"endpoint:\/\/client-[0-9a-f-]+\/127.0.0.1:2379","attempt":0,"error":"rpc error: code = DeadlineExceeded desc = latest balancer error: all SubConns are in TransientFailure"\}$/;

/** Runs one command after the preset is up; returns its output lines and how long it took. */
async function timed(command: string): Promise<{ lines: string[]; ms: number }> {
	let started = 0;
	const transcript = await runScenario(
		`# preset: kubernetes\n# cluster: 1\nplayground status >/dev/null\n${command}\n`,
		createNodeCluster,
		{
			quietMs: 20,
			etcdctl: undefined,
			loadEtcdctl: async () => {
				const run = (await import('../../../src/lib/etcdctl/index')).runEtcdctl;
				return (io) => {
					started = Date.now();
					return run(io);
				};
			}
		}
	);
	const ms = Date.now() - started;
	const body = transcript.split(`$ ${command}\n`)[1];
	return { lines: body.trimEnd().split('\n'), ms };
}

describe('TLS mistakes against the kubernetes preset', () => {
	it('a --key that is not the --cert key fails at once, exit 128', async () => {
		const { lines, ms } = await timed(
			`etcdctl --cacert ${PKI}/ca.crt --cert ${PKI}/server.crt --key ${PKI}/peer.key get a`
		);
		expect(lines).toEqual(['Error: tls: private key does not match public key', '[exit 128]']);
		expect(ms).toBeLessThan(1000);
	});

	it('the key check does not depend on the server: a plain cluster refuses the pair too', async () => {
		const transcript = await runScenario(
			`# cluster: 1\necho hello > junk.pem\netcdctl --cert junk.pem --key junk.pem get a\n`,
			createNodeCluster,
			{ quietMs: 20 }
		);
		expect(transcript).toContain(
			'Error: tls: failed to find any PEM data in certificate input\n[exit 128]\n'
		);
	});

	it('no certificates: context deadline exceeded after the default 5 s command timeout', async () => {
		const { lines, ms } = await timed('etcdctl get a');
		expect(lines[0]).toMatch(WARN);
		expect(lines.slice(1)).toEqual(['Error: context deadline exceeded', '[exit 1]']);
		expect(ms).toBeGreaterThanOrEqual(4900);
		expect(ms).toBeLessThan(8000);
	}, 20_000);

	it('only the CA, or the wrong CA: the deadline is --command-timeout, not --dial-timeout', async () => {
		for (const flags of [
			`--cacert ${PKI}/ca.crt`,
			`--cacert ${PKI}/server.crt --cert ${PKI}/server.crt --key ${PKI}/server.key`
		]) {
			const { lines, ms } = await timed(
				`etcdctl ${flags} --dial-timeout=500ms --command-timeout=1500ms get a`
			);
			expect(lines[0], flags).toMatch(WARN);
			expect(lines.slice(1), flags).toEqual(['Error: context deadline exceeded', '[exit 1]']);
			expect(ms, flags).toBeGreaterThanOrEqual(1450);
			expect(ms, flags).toBeLessThan(4000);
		}
	}, 20_000);

	it('the right files work at once', async () => {
		const { lines, ms } = await timed(
			`etcdctl --cacert ${PKI}/ca.crt --cert ${PKI}/server.crt --key ${PKI}/server.key get /registry/namespaces/default --keys-only`
		);
		expect(lines).toEqual(['/registry/namespaces/default']);
		expect(ms).toBeLessThan(1000);
	});
});
