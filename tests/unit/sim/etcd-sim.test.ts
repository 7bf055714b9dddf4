import { describe, expect, it } from 'vitest';
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
