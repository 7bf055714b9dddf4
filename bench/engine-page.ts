import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The engine-only page served at /__bench/engine.html: a page with the cluster manager and
 * nothing else (no terminal, cluster view, key browser or timeline), the same chunk the
 * playground loads, found in the built site `site` by a string only it has. Its figures
 * separate the engine's cost from the page's rendering.
 */
export function engineHtml(site: string): string {
	const dir = join(site, '_app/immutable/chunks');
	const chunk = readdirSync(dir).find(
		(f) =>
			f.endsWith('.js') && readFileSync(join(dir, f), 'utf8').includes('etcd-playground/clusters')
	);
	return `<!doctype html><meta charset="utf-8"><title>engine only</title><script type="module">
	const mod = await import('/_app/immutable/chunks/${chunk}');
	const CM = Object.values(mod).find((v) => typeof v === 'function' && typeof v.open === 'function' && v.prototype && 'waitForLeader' in v.prototype);
	const manager = await CM.open({ namespace: 'bench-engine', size: 3 });
	await manager.waitForLeader(30000);
	window.etcdPlayground = { manager, clients: manager.clients };
	document.title = 'ready';
	</script>`;
}
