/**
 * A tiny static server for the benchmark's own copy of the built site (port 4173 belongs to the
 * e2e tests). It gzips text files as a static host would (level 9, cached) and logs every
 * response with the bytes it put on the wire, so the bench can sum what was sent before the
 * first prompt.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

const MIME: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json',
	'.webmanifest': 'application/manifest+json',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.ico': 'image/x-icon',
	'.wasm': 'application/wasm',
	'.txt': 'text/plain; charset=utf-8',
	'.woff2': 'font/woff2',
	'.ttf': 'font/ttf'
};
const COMPRESSIBLE = new Set([
	'.html',
	'.js',
	'.mjs',
	'.css',
	'.json',
	'.webmanifest',
	'.svg',
	'.txt'
]);

export interface Sent {
	/** Date.now() when the response was sent. */
	at: number;
	path: string;
	ext: string;
	/** Body bytes on the wire (gzipped when the client accepted gzip). */
	bytes: number;
}

export interface StaticServer {
	url: string;
	log: Sent[];
	close(): Promise<void>;
}

export function serveStatic(
	root: string,
	port = 0,
	extra: Record<string, { type: string; body: string }> = {}
): Promise<StaticServer> {
	const cache = new Map<string, { raw: Buffer; gz?: Buffer }>();
	const log: Sent[] = [];
	const server: Server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		const virtual = extra[url.pathname];
		if (virtual) {
			res
				.writeHead(200, { 'content-type': virtual.type, 'cache-control': 'no-cache' })
				.end(virtual.body);
			return;
		}
		let rel = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
		let file = join(root, rel);
		if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
		if (!existsSync(file) && existsSync(file + '.html')) file = file + '.html';
		if (!existsSync(file)) {
			res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
			return;
		}
		rel = file.slice(root.length);
		const ext = extname(file);
		let entry = cache.get(file);
		if (!entry) cache.set(file, (entry = { raw: readFileSync(file) }));
		const gzip = COMPRESSIBLE.has(ext) && /\bgzip\b/.test(String(req.headers['accept-encoding']));
		if (gzip && !entry.gz) entry.gz = gzipSync(entry.raw, { level: 9 });
		const body = gzip ? entry.gz! : entry.raw;
		const headers: Record<string, string> = {
			'content-type': MIME[ext] ?? 'application/octet-stream',
			'content-length': String(body.length),
			'cache-control': rel.includes('/immutable/')
				? 'public, max-age=31536000, immutable'
				: 'no-cache'
		};
		if (gzip) headers['content-encoding'] = 'gzip';
		res.writeHead(200, headers);
		res.end(req.method === 'HEAD' ? undefined : body);
		log.push({ at: Date.now(), path: rel, ext, bytes: body.length });
	});
	return new Promise((resolve) => {
		server.listen(port, '127.0.0.1', () => {
			const addr = server.address();
			const p = typeof addr === 'object' && addr ? addr.port : port;
			resolve({
				url: `http://127.0.0.1:${p}`,
				log,
				close: () =>
					new Promise<void>((r) => {
						server.closeAllConnections();
						server.close(() => r());
					})
			});
		});
	});
}
