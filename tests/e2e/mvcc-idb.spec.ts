/**
 * The IndexedDB backend in real Chromium: the store and backend are bundled for the browser
 * here (no test route in the product), loaded into the served page so IndexedDB has an origin,
 * and driven through a write / flush / reopen / restore round trip.
 */
import { expect, test } from '@playwright/test';
import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** SvelteKit's $lib alias for esbuild. */
const libAlias: Plugin = {
	name: 'lib-alias',
	setup(b) {
		b.onResolve({ filter: /^\$lib\// }, async (args) => {
			const path = resolve(root, 'src/lib', args.path.slice('$lib/'.length));
			return b.resolve('./' + path.slice(root.length + 1), { kind: args.kind, resolveDir: root });
		});
	}
};

const entry = `
import { IdbMvccBackend } from '$lib/browser/idb-mvcc-backend';
import { MvccStore } from '$lib/engine/mvcc/store';
import { Lessor } from '$lib/engine/lease/lessor';
window.mvccIdb = { IdbMvccBackend, MvccStore, Lessor };
`;

async function bundle(): Promise<string> {
	const out = await build({
		stdin: { contents: entry, resolveDir: root, loader: 'ts' },
		bundle: true,
		format: 'iife',
		platform: 'browser',
		target: 'es2022',
		write: false,
		plugins: [libAlias]
	});
	return out.outputFiles[0].text;
}

test('IndexedDB backend: put, flush, reopen, identical state and hash', async ({ page }) => {
	const code = await bundle();
	await page.goto('/');
	await page.addScriptTag({ content: code });
	const result = await page.evaluate(async () => {
		type Api = {
			IdbMvccBackend: typeof import('../../src/lib/browser/idb-mvcc-backend').IdbMvccBackend;
			MvccStore: typeof import('../../src/lib/engine/mvcc/store').MvccStore;
			Lessor: typeof import('../../src/lib/engine/lease/lessor').Lessor;
		};
		const { IdbMvccBackend, MvccStore, Lessor } = (window as unknown as { mvccIdb: Api }).mvccIdb;
		const enc = new TextEncoder();
		const name = 'mvcc-e2e';
		await IdbMvccBackend.destroy(name);
		const backend = await IdbMvccBackend.open(name);
		const store = await MvccStore.open(backend);
		const lessor = new Lessor(store);
		lessor.grant(42n, 60);
		for (let i = 0; i < 2000; i++) {
			store.setConsistentIndex(i + 1, 1);
			store.put({
				key: enc.encode(`key/${i % 500}`),
				value: enc.encode(`value-${i}`),
				lease: i % 7 === 0 ? 42n : 0n
			});
			if (i % 100 === 99) await store.flush();
		}
		store.deleteRange({ key: enc.encode('key/1'), range_end: enc.encode('key/2') });
		store.compact(1500);
		await store.flush();
		const before = {
			rev: store.currentRevision,
			hash: store.hash().hash,
			hashKV: store.hashKV(0).hash,
			count: store.range({ key: new Uint8Array([0]), range_end: new Uint8Array([0]) }).count
		};
		backend.close();

		const t = performance.now();
		const backend2 = await IdbMvccBackend.open(name);
		const again = await MvccStore.open(backend2);
		const restoreMs = performance.now() - t;
		const lessor2 = new Lessor(again);
		const after = {
			rev: again.currentRevision,
			hash: again.hash().hash,
			hashKV: again.hashKV(0).hash,
			count: again.range({ key: new Uint8Array([0]), range_end: new Uint8Array([0]) }).count
		};
		const leaseKeys = lessor2.lookup(42n)?.keys.length ?? -1;
		backend2.close();
		await IdbMvccBackend.destroy(name);
		return {
			before,
			after,
			compact: again.compactRevision,
			index: again.consistentIndex,
			leaseKeys,
			restoreMs
		};
	});
	expect(result.after).toEqual(result.before);
	expect(result.before.rev).toBe(2002);
	expect(result.compact).toBe(1500);
	expect(result.index).toBe(2000);
	expect(result.leaseKeys).toBeGreaterThan(0);
	expect(result.restoreMs).toBeLessThan(5000);
});

test('IndexedDB backend: 100,000 keys restore quickly', async ({ page }) => {
	const code = await bundle();
	await page.goto('/');
	await page.addScriptTag({ content: code });
	const result = await page.evaluate(async () => {
		type Api = {
			IdbMvccBackend: typeof import('../../src/lib/browser/idb-mvcc-backend').IdbMvccBackend;
			MvccStore: typeof import('../../src/lib/engine/mvcc/store').MvccStore;
		};
		const { IdbMvccBackend, MvccStore } = (window as unknown as { mvccIdb: Api }).mvccIdb;
		const enc = new TextEncoder();
		const name = 'mvcc-e2e-100k';
		await IdbMvccBackend.destroy(name);
		const backend = await IdbMvccBackend.open(name);
		const store = await MvccStore.open(backend);
		for (let i = 0; i < 100_000; i++) {
			store.put({
				key: enc.encode(`key/${String(i).padStart(6, '0')}`),
				value: enc.encode('v' + i)
			});
			if (i % 10_000 === 9_999) await store.flush();
		}
		const hash = store.hash().hash;
		backend.close();
		const t = performance.now();
		const backend2 = await IdbMvccBackend.open(name);
		const contents = await backend2.load();
		const loadMs = performance.now() - t;
		const again = new MvccStore(contents);
		const restoreMs = performance.now() - t;
		const t2 = performance.now();
		const r = again.range({ key: enc.encode('key/010000'), range_end: enc.encode('key/020000') });
		const rangeMs = performance.now() - t2;
		const same = again.hash().hash === hash;
		backend2.close();
		await IdbMvccBackend.destroy(name);
		return { restoreMs, loadMs, rangeMs, count: r.count, same };
	});
	console.log(
		`100k restore ${result.restoreMs.toFixed(0)} ms (load ${result.loadMs.toFixed(0)} ms), 10k range ${result.rangeMs.toFixed(1)} ms`
	);
	expect(result.same).toBe(true);
	expect(result.count).toBe(10_000);
	// The target is 1 s; measured here about 1 s with a load average of 8 on 2 cores. The bound
	// leaves room for a shared machine; the printed number is what to watch.
	expect(result.restoreMs).toBeLessThan(3000);
	expect(result.rangeMs).toBeLessThan(200);
});
