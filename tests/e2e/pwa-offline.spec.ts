import { expect, test } from '@playwright/test';
import { encodeScenarioLink } from '../../src/lib/share/link';
import { freshPage, screenText, terminal, typeLine } from './page-helpers';

// After one visit the service worker has precached the whole build; with the network off a
// reload opens the full playground: the cluster starts from IndexedDB, the terminal answers,
// every chunk the app can load lazily (Monaco and its workers, lessons, just-bash commands) is
// served from the cache, and a share link (a query and a hash on the one page) opens.

test('after one visit the playground opens and works with the network off', async ({
	page,
	context
}) => {
	test.setTimeout(120_000);
	await freshPage(page);
	// The service worker is active once its install step has precached every file.
	const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
	expect(new URL(scope).pathname).toBe('/');
	const manifest = await page.evaluate(async () => {
		const href = document.querySelector('link[rel=manifest]')?.getAttribute('href');
		return href ? ((await (await fetch(href)).json()) as { icons: { purpose: string }[] }) : null;
	});
	expect(manifest?.icons.some((i) => i.purpose === 'maskable')).toBe(true);

	await context.setOffline(true);
	await page.reload();
	await expect(page.getByTestId('cluster-state')).toContainText('leader etcd-', {
		timeout: 30_000
	});
	expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);

	const term = terminal(page);
	await expect(term).toBeVisible();
	await typeLine(page, term, 'etcdctl put offline yes');
	await expect.poll(() => screenText(term), { timeout: 15_000 }).toContain('OK');
	await typeLine(page, term, 'etcdctl get offline --print-value-only');
	await expect.poll(() => screenText(term), { timeout: 15_000 }).toMatch(/\byes\b/);

	// Every file of the build is in the precache, so any lazy import works offline.
	const missing = await page.evaluate(async () => {
		const names = await caches.keys();
		const cached = new Set<string>();
		for (const n of names) {
			for (const req of await (await caches.open(n)).keys()) {
				cached.add(new URL(req.url).pathname);
			}
		}
		const scripts = [...document.querySelectorAll('link[rel=modulepreload], script[src]')].map(
			(e) => new URL(e.getAttribute('href') ?? e.getAttribute('src') ?? '', location.href).pathname
		);
		return { total: cached.size, missing: scripts.filter((p) => !cached.has(p)) };
	});
	expect(missing.missing).toEqual([]);
	expect(missing.total).toBeGreaterThan(50);
	const monaco = await page.evaluate(async () => {
		const names = await caches.keys();
		const urls: string[] = [];
		for (const n of names) for (const r of await (await caches.open(n)).keys()) urls.push(r.url);
		const worker = urls.find((u) => /\/workers\/(ts|editor)\.worker-/.test(u));
		if (!worker) return 'no Monaco worker in the cache';
		const res = await fetch(worker);
		return res.ok ? 'ok' : `status ${res.status}`;
	});
	expect(monaco).toBe('ok');

	// A share link opened in a new tab, still offline: the page comes from the cache and
	// offers the scenario the link carries.
	const scenario = 'etcdctl put offline-share 1\netcdctl get offline-share\n';
	const fragment = await encodeScenarioLink(scenario);
	await page.close();
	const shared = await context.newPage();
	await shared.goto(`/#${fragment}`);
	await expect(shared.getByTestId('replay-scenario')).toContainText('etcdctl put offline-share 1', {
		timeout: 30_000
	});
	await expect(shared.getByTestId('cluster-state')).toContainText('leader etcd-', {
		timeout: 30_000
	});
	await context.setOffline(false);
});
