import { describe, expect, it } from 'vitest';
import { MvccStore } from '../../../src/lib/engine/mvcc/store';
import { EtcdServer } from '../../../src/lib/engine/server/server';
import { DEFAULT_ETCD_SIM_OPTIONS, runEtcdSeed } from '../../../src/lib/engine/sim/etcd-sim';

// Shorter runs than `npm run sim` (which runs the defaults), so a few hundred fit in a test.
const QUICK = { ...DEFAULT_ETCD_SIM_OPTIONS, faultMs: 3000 };

describe('whole-node simulation (EtcdServer members under faults)', () => {
	it('replays a seed exactly: same seed, same history and trace', async () => {
		for (const seed of [1, 17]) {
			const a = await runEtcdSeed(seed, { ...QUICK, keepHistory: true });
			const b = await runEtcdSeed(seed, { ...QUICK, keepHistory: true });
			expect(b.trace).toBe(a.trace);
			expect(b.stats).toEqual(a.stats);
			expect(b.history).toEqual(a.history);
		}
		expect((await runEtcdSeed(2, QUICK)).trace).not.toBe((await runEtcdSeed(3, QUICK)).trace);
	});

	it('exercises clients, crashes, transfers and membership changes', async () => {
		const total = { acked: 0, unknown: 0, crashes: 0, transfers: 0, memberChanges: 0, verified: 0 };
		for (let seed = 1; seed <= 20; seed++) {
			const r = await runEtcdSeed(seed, QUICK);
			expect(r.violation, `seed ${seed}`).toBeUndefined();
			for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += r.stats[k];
		}
		expect(total.acked).toBeGreaterThan(500);
		expect(total.unknown).toBeGreaterThan(0);
		expect(total.crashes).toBeGreaterThan(0);
		expect(total.transfers).toBeGreaterThan(0);
		expect(total.memberChanges).toBeGreaterThan(0);
		expect(total.verified).toBeGreaterThan(1000);
	});

	it('passes 200 seeds with every fault kind', { timeout: 120_000 }, async () => {
		const failed: string[] = [];
		for (let seed = 5000; seed < 5200; seed++) {
			const r = await runEtcdSeed(seed, QUICK);
			if (r.violation) failed.push(`${seed}: ${r.violation.checker}: ${r.violation.details}`);
		}
		expect(failed).toEqual([]);
	});

	it('passes seeds with no faults at all', async () => {
		for (let seed = 1; seed <= 5; seed++) {
			const r = await runEtcdSeed(seed, { ...QUICK, faults: [], keepHistory: true });
			expect(r.violation, `seed ${seed}`).toBeUndefined();
			// Every request is answered (a value or an error); only lease expiries (client 0)
			// stay open.
			const unanswered = r.history!.filter((h) => h.client !== 0 && !h.out && !h.error);
			expect(unanswered).toEqual([]);
		}
	});
});

describe('the whole-node checkers catch a broken member', () => {
	it('flags stale reads when linearizable reads skip ReadIndex', async () => {
		const orig = EtcdServer.prototype.range;
		EtcdServer.prototype.range = function (req, o) {
			return orig.call(this, { ...req, serializable: true }, o);
		};
		try {
			const checkers = new Set<string>();
			for (let seed = 1; seed <= 6; seed++) {
				const r = await runEtcdSeed(seed, QUICK);
				if (r.violation) checkers.add(r.violation.checker);
			}
			expect([...checkers]).toEqual(['linearizability']);
		} finally {
			EtcdServer.prototype.range = orig;
		}
	});

	it('flags a member whose store applies a write differently', async () => {
		const orig = MvccStore.prototype.put;
		const tag = new WeakMap<MvccStore, number>();
		let stores = 0;
		MvccStore.prototype.put = function (req) {
			if (!tag.has(this)) tag.set(this, stores++);
			// Every other store writes k1 with a changed value.
			const bad = tag.get(this)! % 2 === 1 && req.key.length === 2 && req.key[1] === 0x31;
			return orig.call(this, bad ? { ...req, value: new Uint8Array([0x78]) } : req);
		};
		try {
			const checkers = new Set<string>();
			for (let seed = 1; seed <= 4; seed++) {
				const r = await runEtcdSeed(seed, { ...QUICK, faults: [] });
				if (r.violation) checkers.add(r.violation.checker);
			}
			expect(checkers.size).toBeGreaterThan(0);
			for (const c of checkers) {
				expect(['revision-agreement', 'hashkv-agreement', 'linearizability']).toContain(c);
			}
		} finally {
			MvccStore.prototype.put = orig;
		}
	});
});
