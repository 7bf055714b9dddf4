/**
 * The simulation loop, independent of what a node is. Time advances in 1 ms steps; each step
 * delivers due messages, ticks nodes whose tick falls on it (every `tickMs`, each node with its
 * own phase), polls every live node for outgoing messages, and lets the `Workload` act: inject
 * faults, make requests and run checks. Everything random comes from one SeededRng, so a seed
 * replays exactly; `trace` is a hash of every delivery to prove it.
 *
 * To simulate another kind of node, implement SimNode (node.ts) and a Workload for it.
 */
import { SeededRng, type Rng } from '../util/rand';
import { SimNetwork, type Envelope, type NetworkOptions } from './network';
import type { SimNode } from './node';

export interface Workload<M extends Envelope, N extends SimNode<M>> {
	/** Called every step before messages are delivered. */
	step(sim: Simulator<M, N>): void;
	/** Called every step after nodes were polled; returns a violation message to stop the run. */
	check(sim: Simulator<M, N>): string | undefined;
}

export class Simulator<M extends Envelope, N extends SimNode<M>> {
	readonly rng: Rng;
	readonly network: SimNetwork<M>;
	readonly nodes = new Map<bigint, N>();
	now = 0;
	trace = 0x811c9dc5;
	private phase = new Map<bigint, number>();

	constructor(
		readonly seed: number,
		networkOptions: NetworkOptions,
		readonly tickMs = 100
	) {
		this.rng = new SeededRng(seed);
		this.network = new SimNetwork<M>(this.rng, networkOptions);
	}

	add(node: N): void {
		this.nodes.set(node.id, node);
		this.phase.set(node.id, this.rng.int(this.tickMs));
	}

	/** Nodes in ID order: iteration order must never depend on insertion history. */
	sorted(): N[] {
		return [...this.nodes.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	}

	private record(x: number): void {
		this.trace = Math.imul(this.trace ^ (x >>> 0), 0x01000193) >>> 0;
	}

	private recordMsg(m: M, node: bigint): void {
		this.record(Number(node & 0xffffn));
		this.record(Number(m.from & 0xffffn) * 65536 + Number(m.to & 0xffffn));
		this.record(this.now);
	}

	/** Runs until `until` ms or a violation; returns the violation, if any. */
	run(workload: Workload<M, N>, until: number): string | undefined {
		for (; this.now < until; this.now++) {
			workload.step(this);
			for (const d of this.network.due(this.now)) {
				const to = this.nodes.get(d.msg.to);
				const ok = d.ok && to !== undefined && to.alive;
				if (ok) {
					this.recordMsg(d.msg, d.msg.to);
					to.receive(d.msg);
				}
				const from = this.nodes.get(d.msg.from);
				if (from) from.delivered(d.msg, ok);
			}
			for (const n of this.sorted()) {
				if (!n.alive) continue;
				if ((this.now + (this.phase.get(n.id) ?? 0)) % this.tickMs === 0) n.tick();
			}
			for (const n of this.sorted()) {
				if (!n.alive) continue;
				for (const m of n.poll(this.now)) {
					if (!this.network.send(m, this.now)) n.delivered(m, false);
				}
			}
			const v = workload.check(this);
			if (v) return v;
		}
		return undefined;
	}
}
