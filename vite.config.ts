import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * just-bash's browser bundle imports node:zlib, for its gzip/gunzip/zcat commands only. In the
 * browser build those get a stand-in that says they are not available (src/lib/shell/no-zlib.ts);
 * SSR and tests keep Node's zlib.
 */
function justBashWithoutZlib(): Plugin {
	const standIn = fileURLToPath(new URL('./src/lib/shell/no-zlib.ts', import.meta.url));
	return {
		name: 'just-bash-without-zlib',
		enforce: 'pre',
		resolveId(id, importer, options) {
			if (id !== 'node:zlib' || options?.ssr) return null;
			return importer?.includes('/node_modules/just-bash/') ? standIn : null;
		}
	};
}

/**
 * The installable, offline playground: a web app manifest and a Workbox service worker that
 * precaches every file of the build (member and Monaco workers, just-bash's commands, fonts),
 * so after one visit the whole playground opens with no network. A new build waits until the
 * learner accepts the update prompt (src/lib/pwa/UpdatePrompt.svelte).
 */
function pwa() {
	return SvelteKitPWA({
		strategies: 'generateSW',
		registerType: 'prompt',
		injectRegister: false,
		manifestFilename: 'manifest.webmanifest',
		includeAssets: ['favicon.svg', 'icons/apple-touch-icon.png'],
		manifest: {
			id: '/',
			name: 'etcd Playground',
			short_name: 'etcd Playground',
			description:
				'Real etcd in your browser: a Raft cluster, an MVCC store and etcdctl, working offline.',
			start_url: '/',
			scope: '/',
			display: 'standalone',
			background_color: '#0f1720',
			theme_color: '#0f1720',
			categories: ['education', 'developer'],
			icons: [
				{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
				{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
				{
					src: '/icons/maskable-192.png',
					sizes: '192x192',
					type: 'image/png',
					purpose: 'maskable'
				},
				{
					src: '/icons/maskable-512.png',
					sizes: '512x512',
					type: 'image/png',
					purpose: 'maskable'
				},
				{ src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }
			]
		},
		workbox: {
			globPatterns: [
				'client/**/*.{js,css,html,ico,png,svg,webp,ttf,woff,woff2,json,webmanifest}',
				'prerendered/**/*.{html,json}'
			],
			// Monaco's TypeScript worker alone is about 7 MB; everything the app can load is cached.
			maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
			// Every navigation (a share link's query or hash included) opens the one page.
			navigateFallback: '/',
			cleanupOutdatedCaches: true
		},
		kit: { trailingSlash: 'never' }
	});
}

export default defineConfig({
	plugins: [justBashWithoutZlib(), sveltekit(), pwa()],
	worker: { format: 'es' },
	preview: { host: '127.0.0.1', port: 4173, strictPort: true },
	test: {
		include: ['tests/unit/**/*.test.ts'],
		environment: 'node',
		setupFiles: ['tests/unit/setup.ts'],
		testTimeout: 60_000
	}
});
