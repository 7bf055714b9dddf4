import { expect, test, type Page } from '@playwright/test';
import { freshPage } from './page-helpers';

// The key browser: keys as a tree by `/`, each key's MVCC history with tombstones and the
// compaction line, the revision slider, and Monaco to edit a JSON value (saved as a put).

test.beforeEach(async ({ page }) => {
	await freshPage(page);
});

/** Writes through the page's typed client (the same one etcdctl uses). */
async function ops(page: Page, list: [string, string, string?][]): Promise<number[]> {
	return page.evaluate(async (list) => {
		const pg = (window as any).etcdPlayground;
		const enc = (s: string) => new TextEncoder().encode(s);
		const c = await pg.clients.connect({
			endpoints: ['127.0.0.1:2379'],
			dialTimeoutMs: 2000,
			commandTimeoutMs: 5000
		});
		const revs: number[] = [];
		for (const [op, key, value] of list) {
			if (op === 'put')
				revs.push((await c.put({ key: enc(key), value: enc(value!) })).header.revision);
			else if (op === 'del') revs.push((await c.deleteRange({ key: enc(key) })).header.revision);
			else revs.push((await c.compact({ revision: Number(key) })).header.revision);
		}
		c.close();
		return revs;
	}, list);
}

test('keys as a tree, MVCC history with tombstones and compaction, and the revision slider', async ({
	page
}) => {
	const revs = await ops(page, [
		['put', '/registry/pods/default/web', 'v1'],
		['put', '/registry/pods/default/web', 'v2'],
		['put', '/registry/services/default/api', 's1'],
		['del', '/registry/pods/default/web'],
		['put', 'plain', 'p']
	]);
	expect(revs).toEqual([2, 3, 4, 5, 6]);
	const tree = page.getByTestId('key-tree');
	await expect(page.getByTestId('slider-revision')).toHaveText('6');
	await expect(tree).toContainText('/registry/');
	await expect(tree.locator('[data-key="/registry/services/default/api"]')).toBeVisible();
	await expect(tree.locator('[data-key="/registry/pods/default/web"]')).toHaveCount(0);
	// Scrub back to revision 3: the pod exists with its second value.
	const slider = page.getByTestId('revision-slider');
	await slider.focus();
	await page.keyboard.press('Home');
	await expect(page.getByTestId('slider-revision')).toHaveText('1');
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('ArrowRight');
	await expect(page.getByTestId('slider-revision')).toHaveText('3');
	await expect(tree.locator('[data-key="/registry/services/default/api"]')).toHaveCount(0);
	await tree.locator('[data-key="/registry/pods/default/web"]').click();
	await expect(page.getByTestId('value-at-rev')).toHaveText('v2');
	const history = page.getByTestId('key-history');
	await expect(history.locator('tr[data-rev]')).toHaveCount(3);
	await expect(history.locator('tr[data-rev="5"]')).toContainText('tombstone');
	await expect(history.locator('tr[data-rev="2"]')).toContainText('put');
	await slider.focus();
	await page.keyboard.press('ArrowLeft');
	await expect(page.getByTestId('value-at-rev')).toHaveText('v1');
	// Compaction draws the line and marks older revisions.
	await ops(page, [['compact', '4']]);
	await expect(history.locator('tr.compaction')).toContainText('compacted at rev 4', {
		timeout: 5000
	});
	await page.keyboard.press('End');
	await expect(page.getByTestId('slider-revision')).toHaveText('6');
	// The timeline lists each write with its revision.
	await page.getByRole('tab', { name: 'Timeline' }).click();
	const timeline = page.getByTestId('timeline');
	await expect(timeline.locator('li[data-kind=delete]')).toContainText(
		'DELETE /registry/pods/default/web'
	);
	await expect(timeline.locator('li[data-kind=delete]')).toContainText('rev 5');
	await expect(timeline.locator('li[data-kind=put]')).toHaveCount(4);
});

test('edit a JSON value in Monaco, save it as a put, diff two revisions', async ({ page }) => {
	await ops(page, [['put', '/registry/configmaps/default/app', '{"replicas":1}']]);
	await page
		.getByTestId('key-tree')
		.locator('[data-key="/registry/configmaps/default/app"]')
		.click();
	await page.getByTestId('edit-value').click();
	const editor = page.getByTestId('value-editor');
	await expect(editor.locator('.monaco-editor')).toBeVisible({ timeout: 20_000 });
	await expect(page.getByTestId('editor-language')).toHaveValue('json');
	// Break the JSON: the problems list shows it; fix it, format, save.
	await editor.locator('.view-lines').click();
	await page.keyboard.press('ControlOrMeta+a');
	await page.keyboard.press('Backspace');
	await page.keyboard.type('{"replicas": 3,, "image": "nginx"}');
	await expect(page.getByTestId('problems')).toBeVisible({ timeout: 10_000 });
	await page.keyboard.press('ControlOrMeta+a');
	await page.keyboard.press('Backspace');
	await page.keyboard.type('{"replicas": 3, "image": "nginx"}');
	await expect(page.getByTestId('problems')).toHaveCount(0, { timeout: 10_000 });
	await editor.getByRole('button', { name: 'Format' }).click();
	await expect(editor.locator('.view-lines')).toContainText('"image": "nginx"');
	await page.getByTestId('save').click();
	await expect(page.getByTestId('save-status')).toHaveText(
		'Saved: put /registry/configmaps/default/app at revision 3'
	);
	const stored = await page.evaluate(async () => {
		const pg = (window as any).etcdPlayground;
		const c = await pg.clients.connect({
			endpoints: ['etcd-2:2379'],
			dialTimeoutMs: 2000,
			commandTimeoutMs: 5000
		});
		const r = await c.range({ key: new TextEncoder().encode('/registry/configmaps/default/app') });
		return JSON.parse(new TextDecoder().decode(r.kvs[0].value));
	});
	expect(stored).toEqual({ replicas: 3, image: 'nginx' });
	// The diff between revisions 2 and 3.
	await page.getByTestId('diff').click();
	await expect(editor.locator('.monaco-diff-editor')).toBeVisible();
	await expect(editor.locator('.monaco-diff-editor')).toContainText('"replicas":1');
	await page.keyboard.press('Escape');
	await expect(editor).toHaveCount(0);
});
