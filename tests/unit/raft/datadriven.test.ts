// Runs every script in testdata/. Each block is a command, a `----` line, and the expected
// output; set REWRITE=1 to regenerate the expectations (then review the diff by hand).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScript } from './harness';

const dir = join(__dirname, 'testdata');

describe('raft data-driven scripts', () => {
	for (const file of readdirSync(dir)
		.filter((f) => f.endsWith('.txt'))
		.sort()) {
		it(file, () => {
			const path = join(dir, file);
			const text = readFileSync(path, 'utf8');
			const { rewritten, cases } = runScript(text);
			if (process.env.REWRITE) {
				writeFileSync(path, rewritten);
				return;
			}
			for (const c of cases) {
				expect(c.got, `${file}:${c.line}: ${c.cmd}`).toBe(c.want);
			}
		});
	}
});
