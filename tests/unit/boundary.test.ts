import { describe, expect, it } from 'vitest';
import {
	checkEngineBoundary,
	type BoundaryViolation
} from '../../scripts/check-engine-boundary.mjs';

describe('engine boundary check', () => {
	it('passes the real engine folder', () => {
		expect(checkEngineBoundary('src/lib/engine')).toEqual([]);
	});

	it('passes code that only resembles forbidden globals', () => {
		expect(checkEngineBoundary('tests/fixtures/engine-clean')).toEqual([]);
	});

	it('catches imports, timers, clocks, randomness and the DOM in a fixture', () => {
		const found: BoundaryViolation[] = checkEngineBoundary('tests/fixtures/engine-violation');
		const lines = found.map((v) => `${v.file.split('/').pop()}:${v.line}: ${v.message}`);
		expect(lines).toEqual([
			"bad.ts:2: imports 'idb': engine code may import only other engine files",
			"bad.ts:3: imports 'svelte': engine code may import only other engine files",
			"bad.ts:4: imports '../../outside', which is outside src/lib/engine/",
			'bad.ts:5: uses Date.now: the wall clock (time arrives as ticks)',
			'bad.ts:6: uses Math.random: ambient randomness (inject a seeded source)',
			'bad.ts:7: uses setTimeout: timers (time arrives as ticks)',
			'bad.ts:8: uses document: the DOM',
			'bad.ts:9: uses indexedDB: browser storage (use a storage interface)',
			'bad.ts:10: uses new Date() without arguments: the wall clock (time arrives as ticks)',
			"sneaky.ts:3: imports 'comlink': engine code may import only other engine files",
			'sneaky.ts:4: uses globalThis: the global object'
		]);
	});
});
