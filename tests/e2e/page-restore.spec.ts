/**
 * Backup and restore in the page, the CKA way: snapshot save, a later write, snapshot restore
 * into a new data dir, then `etcd --data-dir` boots a worker on it. The restored member
 * replaces the cluster (new cluster ID, the defaults' member `default`), serves the snapshot's
 * keys without the later write, and comes back from IndexedDB after a reload.
 */
import { expect, test } from '@playwright/test';
import { freshPage, screenText, terminal, typeLine } from './page-helpers';

test('etcd --data-dir runs a worker on the restored snapshot, and it survives a reload', async ({
	page
}) => {
	test.setTimeout(120_000);
	await freshPage(page);
	const term = terminal(page);
	const run = async (line: string, expected: string | RegExp, timeout = 15_000) => {
		await typeLine(page, term, line);
		// The terminal wraps long lines at its width: match the text as if it did not.
		await expect
			.poll(async () => (await screenText(term)).replace(/\n/g, ''), { timeout })
			.toMatch(expected);
	};
	await run('etcdctl put before-backup 1', /OK/);
	await run('etcdctl snapshot save /tmp/snap.db 2>/dev/null', /Snapshot saved at \/tmp\/snap.db/);
	await run('etcdctl put after-backup 2; clear', /^root@etcd-1:~# *$/);
	// etcd logs to stderr, as the real one does; its last line says what the playground did.
	await run(
		'etcdctl snapshot restore /tmp/snap.db --data-dir /var/lib/etcd-restore 2>&1 | grep -c cdf818194e3a8c32',
		/cdf818194e3a8c32 *\n?1 *root@/
	);
	await run(
		'etcd --data-dir /var/lib/etcd-restore',
		/default now runs cluster cdf818194e3a8c32 from \/var\/lib\/etcd-restore/,
		30_000
	);
	await expect(page.getByTestId('cluster-state')).toContainText('leader default', {
		timeout: 20_000
	});
	await run(
		'clear; etcdctl get "" --prefix --keys-only | tr "\\n" " "; echo END',
		/before-backup +END/
	);
	expect(await screenText(term)).not.toContain('after-backup');
	await run(
		'etcdctl member list',
		/8e9e05c52164694d, started, default, http:\/\/localhost:2380, http:\/\/localhost:2379, false/
	);
	await page.reload();
	await expect(page.getByTestId('cluster-state')).toContainText('leader default', {
		timeout: 30_000
	});
	const again = terminal(page);
	await typeLine(page, again, 'etcdctl get before-backup -w json');
	await expect
		.poll(() => screenText(again), { timeout: 15_000 })
		.toMatch(/"cluster_id":14841639068965178418,"member_id":10276657743932975437/);
});

test('kubeadm way: pointing etcd.yaml at the restored dir restarts etcd there', async ({
	page
}) => {
	test.setTimeout(120_000);
	await page.goto('/?preset=kubernetes');
	await expect(page.getByTestId('cluster-state')).toContainText('Cluster ready', {
		timeout: 30_000
	});
	const term = terminal(page);
	const run = async (line: string, expected: RegExp, timeout = 15_000) => {
		await typeLine(page, term, line);
		await expect
			.poll(async () => (await screenText(term)).replace(/\n/g, ''), { timeout })
			.toMatch(expected);
	};
	await run(
		'export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key; clear',
		/^root@[^ ]+# *$/
	);
	await run('etcdctl snapshot save /tmp/snap.db 2>/dev/null', /Snapshot saved at \/tmp\/snap.db/);
	await run('etcdctl del /registry/deployments/ --prefix; clear', /^root@[^ ]+# *$/);
	await run(
		'etcdctl snapshot restore /tmp/snap.db --data-dir /var/lib/etcd-from-backup 2>/dev/null; echo restored',
		/restored/
	);
	await run(
		"sed -i 's#path: /var/lib/etcd$#path: /var/lib/etcd-from-backup#' /etc/kubernetes/manifests/etcd.yaml; clear",
		/^root@[^ ]+# *$/
	);
	await run(
		'etcdctl get /registry/deployments/ --prefix --keys-only',
		/kubelet: \/etc\/kubernetes\/manifests\/etcd.yaml changed; the etcd static pod restarted on \/var\/lib\/etcd-from-backup.*\/registry\/deployments\/default\/nginx/,
		30_000
	);
	await run(
		'etcdctl member list',
		/8e9e05c52164694d, started, playground-control-plane, http:\/\/localhost:2380/
	);
});
