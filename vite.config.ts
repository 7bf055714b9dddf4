import { sveltekit } from '@sveltejs/kit/vite';
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

export default defineConfig({
	plugins: [justBashWithoutZlib(), sveltekit()],
	worker: { format: 'es' },
	preview: { host: '127.0.0.1', port: 4173, strictPort: true },
	test: {
		include: ['tests/unit/**/*.test.ts'],
		environment: 'node',
		setupFiles: ['tests/unit/setup.ts'],
		testTimeout: 60_000
	}
});
