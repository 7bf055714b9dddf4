/**
 * The terminal's virtual file system is just-bash's InMemoryFs (what `>`, `cat`, `ls` and `du`
 * use). etcdctl reads and writes it synchronously (snapshot files, TLS paths), so this adapter
 * gives it a synchronous view.
 *
 * InMemoryFs has writeFileSync/mkdirSync but reads only asynchronously; its entries live in a
 * private `data` map of path -> { type: 'file' | 'directory' | 'symlink', content | target }.
 * We read that map (just-bash is pinned by package-lock; tests/unit/shell/vfs.test.ts breaks
 * loudly if its layout changes) rather than duplicating a file system.
 */
import type { InMemoryFs } from 'just-bash';
import type { EtcdctlFS } from './etcdctl-io';

type Entry =
	| { type: 'file'; content: Uint8Array | string }
	| { type: 'directory' }
	| { type: 'symlink'; target: string }
	| { type: 'lazy' };

function entries(fs: InMemoryFs): Map<string, Entry> | null {
	const data = (fs as unknown as { data?: unknown }).data;
	return data instanceof Map ? (data as Map<string, Entry>) : null;
}

const MAX_LINKS = 16;

/** Resolves `path` against `cwd` and follows symlinks; null when something does not exist. */
function lookup(fs: InMemoryFs, cwd: string, path: string): Entry | null {
	const map = entries(fs);
	if (!map) return null;
	let full = fs.resolvePath(cwd, path);
	for (let i = 0; i < MAX_LINKS; i++) {
		const e = map.get(full);
		if (!e) return null;
		if (e.type !== 'symlink') return e;
		full = fs.resolvePath(full.slice(0, full.lastIndexOf('/')) || '/', e.target);
	}
	return null;
}

/** etcdctl's synchronous view of the shell's file system, relative paths resolved from `cwd`. */
export function etcdctlFs(fs: InMemoryFs, cwd: string): EtcdctlFS {
	return {
		readFile(path) {
			const e = lookup(fs, cwd, path);
			if (!e || e.type !== 'file') return null;
			return typeof e.content === 'string' ? new TextEncoder().encode(e.content) : e.content;
		},
		writeFile(path, data) {
			fs.writeFileSync(fs.resolvePath(cwd, path), data);
		},
		exists(path) {
			return lookup(fs, cwd, path) !== null;
		},
		mkdirp(path) {
			fs.mkdirSync(fs.resolvePath(cwd, path), { recursive: true });
		}
	};
}

/** What `etcd --data-dir` reads of the shell's files (src/lib/playground/etcd.ts). */
export function shellFiles(
	fs: InMemoryFs,
	cwd: string
): { read(path: string): Uint8Array | null; list(dir: string): string[] } {
	const view = etcdctlFs(fs, cwd);
	return {
		read: (path) => view.readFile(path),
		list(dir) {
			const map = entries(fs);
			if (!map) return [];
			const full = fs.resolvePath(cwd, dir).replace(/\/+$/, '');
			const prefix = full === '' ? '/' : full + '/';
			const names: string[] = [];
			for (const p of map.keys()) {
				if (
					p.startsWith(prefix) &&
					p.length > prefix.length &&
					!p.slice(prefix.length).includes('/')
				) {
					names.push(p.slice(prefix.length));
				}
			}
			return names.sort();
		}
	};
}
