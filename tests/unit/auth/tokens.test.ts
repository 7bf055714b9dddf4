import { describe, expect, it } from 'vitest';
import { SimpleTokens, genTokenPrefix, tokenIndex } from '../../../src/lib/engine/auth';
import { SeededRng } from '../../../src/lib/engine/util/rand';

describe('simple tokens', () => {
	it('draws 16 letters from the rng, the same for the same seed', () => {
		const a = genTokenPrefix(new SeededRng(5));
		expect(a).toMatch(/^[a-zA-Z]{16}$/);
		expect(genTokenPrefix(new SeededRng(5))).toBe(a);
		expect(genTokenPrefix(new SeededRng(6))).not.toBe(a);
	});

	it('parses the raft index from a token', () => {
		expect(tokenIndex('abcdefghijklmnop.17')).toBe(17);
		expect(tokenIndex('abc.0')).toBe(0);
		expect(tokenIndex('abc')).toBeUndefined();
		expect(tokenIndex('abc.1.2')).toBeUndefined();
		expect(tokenIndex('abc.-1')).toBeUndefined();
		expect(tokenIndex('abc.x')).toBeUndefined();
		expect(tokenIndex('abc.')).toBeUndefined();
	});

	it('keeps tokens only while enabled', () => {
		const t = new SimpleTokens();
		expect(t.assign('u', 'p', 1)).toBe('p.1');
		expect(t.use('p.1')).toBeUndefined();
		t.enable();
		t.assign('u', 'p', 1);
		expect(t.use('p.1')).toBe('u');
		t.disable();
		expect(t.use('p.1')).toBeUndefined();
		expect(t.size).toBe(0);
	});

	it('refuses to hand one token to two users', () => {
		const t = new SimpleTokens();
		t.enable();
		t.assign('u', 'p', 1);
		expect(() => t.assign('v', 'p', 1)).toThrow(/already assigned/);
		expect(t.assign('u', 'p', 1)).toBe('p.1');
	});

	it('never moves time backwards', () => {
		const t = new SimpleTokens(100);
		t.enable();
		t.advance(1000);
		t.assign('u', 'p', 1);
		t.advance(500);
		expect(t.nowMs).toBe(1000);
		t.advance(1100);
		expect(t.use('p.1')).toBe('u');
		t.advance(1201);
		expect(t.use('p.1')).toBeUndefined();
	});

	it('advance sweeps out expired tokens', () => {
		const t = new SimpleTokens(100);
		t.enable();
		t.assign('u', 'p', 1);
		t.assign('w', 'q', 2);
		t.advance(101);
		expect(t.size).toBe(0);
	});

	it('invalidates one user only', () => {
		const t = new SimpleTokens();
		t.enable();
		t.assign('u', 'a', 1);
		t.assign('u', 'b', 2);
		t.assign('v', 'c', 3);
		t.invalidateUser('u');
		expect([t.use('a.1'), t.use('b.2'), t.use('c.3')]).toEqual([undefined, undefined, 'v']);
	});
});
