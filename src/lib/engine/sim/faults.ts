/**
 * Fault kinds and their rates. One seeded RNG decides every fault, so a seed replays exactly.
 * Message faults (drop, duplicate, reorder, delay) are applied by SimNetwork per message; node
 * and cluster faults (partition, crash, restart, membership, transfer) are drawn once per
 * simulated 10 ms by the FaultScheduler.
 */
import type { NetworkOptions } from './network';
import type { Rng } from '../util/rand';

export const FAULT_KINDS = [
	'drop',
	'duplicate',
	'reorder',
	'delay',
	'partition',
	'crash',
	'membership',
	'transfer'
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRates {
	network: NetworkOptions;
	/** Chance per second that a partition starts (when none is in force) or heals. */
	partitionPerSec: number;
	healPerSec: number;
	/** Chance per second that a live node crashes / a crashed node restarts. */
	crashPerSec: number;
	restartPerSec: number;
	/** Chance per second of a membership change / leadership transfer. */
	membershipPerSec: number;
	transferPerSec: number;
	/** Largest delay (ms) before a node's writes become durable: crashes inside it lose them. */
	maxSyncDelay: number;
}

/**
 * Rates for the enabled fault kinds. `intensity` scales how often faults strike (a seed draws
 * it, so some runs are calm and some are storms).
 */
export function faultRates(kinds: readonly FaultKind[], intensity = 1): FaultRates {
	const on = (k: FaultKind) => kinds.includes(k);
	const x = intensity;
	return {
		network: {
			drop: on('drop') ? Math.min(0.05 * x, 0.3) : 0,
			duplicate: on('duplicate') ? 0.03 : 0,
			minDelay: 1,
			maxDelay: on('reorder') ? 30 : 1,
			longDelay: on('delay') ? 0.01 : 0,
			longDelayMax: 1500
		},
		partitionPerSec: on('partition') ? 0.3 * x : 0,
		healPerSec: 0.5,
		crashPerSec: on('crash') ? 0.25 * x : 0,
		restartPerSec: 0.8,
		membershipPerSec: on('membership') ? 0.3 * x : 0,
		transferPerSec: on('transfer') ? 0.2 * x : 0,
		maxSyncDelay: on('crash') ? 8 : 0
	};
}

export type ClusterFault =
	| { kind: 'partition'; groups: bigint[][] }
	| { kind: 'heal' }
	| { kind: 'crash'; id: bigint }
	| { kind: 'restart'; id: bigint }
	| { kind: 'membership' }
	| { kind: 'transfer' };

/** Draws the cluster-level faults for one 10 ms slot. */
export class FaultScheduler {
	constructor(
		private readonly rng: Rng,
		private readonly rates: FaultRates
	) {}

	private chance(perSec: number): boolean {
		return perSec > 0 && this.rng.next() < perSec / 100;
	}

	next(live: bigint[], crashed: bigint[], partitioned: boolean): ClusterFault[] {
		const out: ClusterFault[] = [];
		if (!partitioned && live.length > 1 && this.chance(this.rates.partitionPerSec)) {
			out.push({ kind: 'partition', groups: this.split(live) });
		} else if (partitioned && this.chance(this.rates.healPerSec)) {
			out.push({ kind: 'heal' });
		}
		if (live.length > 0 && this.chance(this.rates.crashPerSec)) {
			out.push({ kind: 'crash', id: live[this.rng.int(live.length)] });
		}
		if (crashed.length > 0 && this.chance(this.rates.restartPerSec)) {
			out.push({ kind: 'restart', id: crashed[this.rng.int(crashed.length)] });
		}
		if (this.chance(this.rates.membershipPerSec)) out.push({ kind: 'membership' });
		if (this.chance(this.rates.transferPerSec)) out.push({ kind: 'transfer' });
		return out;
	}

	/** A random split into two groups, or one node isolated from the rest. */
	private split(ids: bigint[]): bigint[][] {
		const shuffled = [...ids];
		for (let i = shuffled.length - 1; i > 0; i--) {
			const j = this.rng.int(i + 1);
			[shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
		}
		const cut = 1 + this.rng.int(shuffled.length - 1);
		return [shuffled.slice(0, cut), shuffled.slice(cut)];
	}
}
