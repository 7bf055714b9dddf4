import { expect, test } from '@playwright/test';
import { gzipSync } from 'node:zlib';

// The terminal must be usable before Monaco and the shell's utilities load: this sums the
// JavaScript the page fetched before its first prompt was drawn (the page marks that moment),
// and checks the heavy lazy chunks are not part of it.

test('the first prompt needs little JavaScript; Monaco and just-bash come later', async ({
	page,
	request
}) => {
	await page.goto('/');
	await expect(page.locator('[data-testid=terminal] .xterm-rows')).toContainText('root@etcd-1:~#');
	const urls = await page.evaluate(() => {
		const mark = performance.getEntriesByName('etcd-playground:first-prompt')[0];
		return performance
			.getEntriesByType('resource')
			.filter((e) => e.startTime < mark.startTime && /\.js(\?|$)/.test(e.name))
			.map((e) => e.name);
	});
	const all = await page.evaluate(() =>
		performance
			.getEntriesByType('resource')
			.filter((e) => /\.js(\?|$)/.test(e.name))
			.map((e) => e.name)
	);
	// Entry scripts referenced by the HTML itself are fetched before any resource entry we see.
	const files = await Promise.all(
		urls.map(async (url) => {
			const body = await (await request.get(url)).body();
			return { url: new URL(url).pathname, body };
		})
	);
	const raw = files.reduce((n, f) => n + f.body.length, 0);
	const gzip = files.reduce((n, f) => n + gzipSync(f.body).length, 0);
	console.log(
		`JavaScript before the first prompt: ${files.length} files, ${raw} bytes (${gzip} gzipped)`
	);
	for (const f of files.sort((a, b) => b.body.length - a.body.length).slice(0, 6)) {
		console.log(`  ${f.body.length}\t${f.url}`);
	}
	const having = (s: string) =>
		files.filter((f) => f.body.toString('utf8').includes(s)).map((f) => f.url);
	// Strings only the lazy chunks contain: Monaco's module paths, just-bash's builtins help.
	expect(having('vs/editor/common')).toEqual([]);
	expect(having('just-bash shell builtins')).toEqual([]);
	expect(gzip).toBeLessThan(200_000);
	// The shell does arrive afterwards, without a key being pressed.
	await expect
		.poll(
			async () => {
				const names = await page.evaluate(() =>
					performance.getEntriesByType('resource').map((e) => e.name)
				);
				return names.length > all.length;
			},
			{ timeout: 10_000 }
		)
		.toBe(true);
});
