import { test, expect } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// The product promise is a playground without WebAssembly. This scans the shipped build, so
// a dependency that sneaks in a .wasm file or instantiates WebAssembly fails the tests.
function files(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? files(path) : [path];
	});
}

test('the build contains no WebAssembly', () => {
	const all = files('build');
	expect(all.length).toBeGreaterThan(0);
	expect(all.filter((f) => f.endsWith('.wasm'))).toEqual([]);
	const calls = all
		.filter((f) => /\.(js|mjs|html)$/.test(f))
		.filter((f) =>
			/WebAssembly\s*\.\s*(instantiate|compile|Module|Instance|validate)/.test(
				readFileSync(f, 'utf8')
			)
		);
	expect(calls).toEqual([]);
});
