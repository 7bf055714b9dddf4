/**
 * The lesson panel in the page: a step's paste button runs its command in the terminal, the
 * cluster confirms it, and the progress survives a reload. The Kubernetes lessons open their
 * own preset cluster, where etcd demands kubeadm's certificates.
 */
import { expect, test } from '@playwright/test';
import { freshPage, screenText, terminal, typeLine } from './page-helpers';

test('a lesson step is pasted, confirmed by the cluster, and remembered', async ({ page }) => {
	test.setTimeout(90_000);
	await freshPage(page);
	await page.evaluate(() => localStorage.removeItem('etcd-playground/lesson-progress'));
	await page.getByTestId('lessons-toggle').click();
	await page.getByTestId('lesson-counters').click();
	await expect(page.getByTestId('lesson-command')).toContainText(
		'etcdctl put /lessons/counters/color red'
	);
	await page.getByTestId('lesson-paste').click();
	await expect(terminal(page)).toContainText('OK', { timeout: 15_000 });
	// The check passes and the panel moves on to step 2.
	await expect(page.getByTestId('lesson-command')).toContainText('color blue', { timeout: 15_000 });
	await page.reload();
	await page.getByTestId('lessons-toggle').click();
	await expect(page.getByTestId('lesson-counters')).toContainText('1/4');
});

test('the kubernetes preset demands certificates and offers them', async ({ page }) => {
	test.setTimeout(120_000);
	await page.goto('/?preset=kubernetes');
	await expect(page.getByTestId('cluster-state')).toContainText('Cluster ready', {
		timeout: 30_000
	});
	const term = terminal(page);
	await typeLine(page, term, 'etcdctl get /registry/namespaces/default --keys-only');
	await expect(term).toContainText('context deadline exceeded', { timeout: 15_000 });
	await page.getByTestId('lessons-toggle').click();
	await page.getByTestId('lesson-brain').click();
	await page.getByTestId('lesson-paste').click();
	await expect(page.getByTestId('lesson-command')).toContainText('/registry/namespaces/', {
		timeout: 20_000
	});
	await typeLine(page, term, 'etcdctl get /registry/namespaces/ --prefix --keys-only');
	await expect
		.poll(() => screenText(term), { timeout: 10_000 })
		.toContain('/registry/namespaces/kube-system');
});
