import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, runSeed, DEFAULT_SIM_OPTIONS } from '../../../src/lib/engine/sim';
import { SimNetwork } from '../../../src/lib/engine/sim/network';
import { SeededRng } from '../../../src/lib/engine/util/rand';

describe('deterministic simulator', () => {
	it('replays a seed exactly', () => {
		for (const seed of [1, 7, 123]) {
			const a = runSeed(seed);
			const b = runSeed(seed);
			expect(b).toEqual(a);
		}
		// Different seeds take different paths.
		expect(runSeed(1).trace).not.toBe(runSeed(2).trace);
	});

	it('exercises every fault kind and still makes progress', () => {
		let crashes = 0;
		let confChanges = 0;
		let transfers = 0;
		let reads = 0;
		let applied = 0;
		for (let seed = 1; seed <= 20; seed++) {
			const r = runSeed(seed);
			// No violation includes liveness: after healing, every member applied a new entry.
			expect(r.violation, `seed ${seed}`).toBeUndefined();
			applied += r.stats.applied;
			crashes += r.stats.crashes;
			confChanges += r.stats.confChanges;
			transfers += r.stats.transfers;
			reads += r.stats.reads;
		}
		expect(crashes).toBeGreaterThan(0);
		expect(confChanges).toBeGreaterThan(0);
		expect(transfers).toBeGreaterThan(0);
		expect(reads).toBeGreaterThan(0);
		expect(applied).toBeGreaterThan(20 * 50);
	});

	it('passes 300 seeds with all faults enabled', () => {
		const failed: string[] = [];
		for (let seed = 1000; seed < 1300; seed++) {
			const r = runSeed(seed, { ...DEFAULT_SIM_OPTIONS, faults: FAULT_KINDS });
			if (r.violation) failed.push(`${seed}: ${r.violation.checker}: ${r.violation.details}`);
		}
		expect(failed).toEqual([]);
	});

	it('passes seeds with no faults at all', () => {
		for (let seed = 1; seed <= 10; seed++) {
			expect(runSeed(seed, { ...DEFAULT_SIM_OPTIONS, faults: [] }).violation).toBeUndefined();
		}
	});
});

describe('simulated network', () => {
	const quiet = { drop: 0, duplicate: 0, minDelay: 1, maxDelay: 1, longDelay: 0, longDelayMax: 0 };

	it('never delivers across a partition, also for messages already in flight', () => {
		const net = new SimNetwork<{ from: bigint; to: bigint }>(new SeededRng(1), quiet);
		expect(net.send({ from: 1n, to: 2n }, 0)).toBe(true);
		net.partition([[1n], [2n, 3n]]);
		expect(net.send({ from: 1n, to: 3n }, 0)).toBe(false);
		expect(net.due(5)).toEqual([{ msg: { from: 1n, to: 2n }, ok: false }]);
		net.heal();
		net.send({ from: 1n, to: 3n }, 5);
		expect(net.due(10)).toEqual([{ msg: { from: 1n, to: 3n }, ok: true }]);
	});

	it('reorders, duplicates and drops at the configured rates', () => {
		const net = new SimNetwork<{ from: bigint; to: bigint; n: number }>(new SeededRng(3), {
			...quiet,
			drop: 0.2,
			duplicate: 0.2,
			maxDelay: 50
		});
		for (let n = 0; n < 1000; n++) net.send({ from: 1n, to: 2n, n }, 0);
		const got = net.due(1000).map((d) => d.msg.n);
		expect(net.stats.dropped).toBeGreaterThan(100);
		expect(net.stats.duplicated).toBeGreaterThan(100);
		expect(got.length).toBe(1000 - net.stats.dropped + net.stats.duplicated);
		const sorted = [...got].sort((a, b) => a - b);
		expect(got).not.toEqual(sorted);
	});
});
