/**
 * TLS mistakes in the page's kubernetes preset, as etcdctl 3.4.23 reports them against a
 * kubeadm etcd: a --key that is not --cert's fails at once with exit 128; no certificate fails
 * with `context deadline exceeded` when the 5 s command timeout runs out, not before.
 */
import { expect, test } from '@playwright/test';
import { screenText, terminal, typeLine } from './page-helpers';

test('a mismatched key fails at once; no certificate fails at the command timeout', async ({
	page
}) => {
	test.setTimeout(90_000);
	await page.goto('/?preset=kubernetes');
	await expect(page.getByTestId('cluster-state')).toContainText('Cluster ready', {
		timeout: 30_000
	});
	const term = terminal(page);
	const text = async () => (await screenText(term)).replace(/\n/g, '');
	const pki = '/etc/kubernetes/pki/etcd';
	await typeLine(
		page,
		term,
		`etcdctl --cacert ${pki}/ca.crt --cert ${pki}/server.crt --key ${pki}/peer.key get a; echo "status=$?"`
	);
	await expect
		.poll(text, { timeout: 3_000 })
		.toMatch(/Error: tls: private key does not match public key *status=128/);
	await typeLine(page, term, 'clear');
	const started = Date.now();
	await typeLine(page, term, `etcdctl --cacert ${pki}/ca.crt get a; echo "status=$?"`);
	await expect
		.poll(text, { timeout: 15_000 })
		.toMatch(/Error: context deadline exceeded *status=1/);
	expect(Date.now() - started).toBeGreaterThanOrEqual(4_500);
});
