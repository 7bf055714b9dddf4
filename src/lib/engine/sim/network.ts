/**
 * A simulated network: every message gets a delivery time drawn from the seeded RNG, may be
 * dropped or duplicated, and never crosses a partition. Messages sent at the same time can arrive
 * in any order (reordering is just independent delays). Generic over the message type: anything
 * with `from` and `to` travels, so a whole etcd node can use the same network later.
 */
import type { Rng } from '../util/rand';

export interface Envelope {
	from: bigint;
	to: bigint;
}

export interface NetworkOptions {
	/** Probability that a message is lost. */
	drop: number;
	/** Probability that a message is delivered twice. */
	duplicate: number;
	/** Delays are uniform in [minDelay, maxDelay] ms; a spread reorders messages. */
	minDelay: number;
	maxDelay: number;
	/** Probability that a message is held up for up to longDelayMax ms instead. */
	longDelay: number;
	longDelayMax: number;
}

export interface Delivery<M> {
	msg: M;
	/** False when the message was lost (dropped, or a partition formed while it was in flight). */
	ok: boolean;
}

interface InFlight<M> {
	at: number;
	seq: number;
	msg: M;
}

/** A binary min-heap on (at, seq): equal times leave in send order, which keeps runs repeatable. */
class Queue<M> {
	private heap: InFlight<M>[] = [];

	get size(): number {
		return this.heap.length;
	}

	private less(a: InFlight<M>, b: InFlight<M>): boolean {
		return a.at < b.at || (a.at === b.at && a.seq < b.seq);
	}

	push(x: InFlight<M>): void {
		const h = this.heap;
		h.push(x);
		let i = h.length - 1;
		while (i > 0) {
			const p = (i - 1) >> 1;
			if (!this.less(h[i], h[p])) break;
			[h[i], h[p]] = [h[p], h[i]];
			i = p;
		}
	}

	peek(): InFlight<M> | undefined {
		return this.heap[0];
	}

	pop(): InFlight<M> | undefined {
		const h = this.heap;
		if (h.length === 0) return undefined;
		const top = h[0];
		const last = h.pop()!;
		if (h.length > 0) {
			h[0] = last;
			let i = 0;
			for (;;) {
				const l = 2 * i + 1;
				const r = l + 1;
				let m = i;
				if (l < h.length && this.less(h[l], h[m])) m = l;
				if (r < h.length && this.less(h[r], h[m])) m = r;
				if (m === i) break;
				[h[i], h[m]] = [h[m], h[i]];
				i = m;
			}
		}
		return top;
	}
}

export class SimNetwork<M extends Envelope> {
	private readonly queue = new Queue<M>();
	private seq = 0;
	/** Group number per node while partitioned; nodes in different groups cannot talk. */
	private groups = new Map<bigint, number>();
	readonly stats = { sent: 0, dropped: 0, duplicated: 0, cut: 0, delivered: 0 };

	constructor(
		private readonly rng: Rng,
		public options: NetworkOptions
	) {}

	/** Splits the nodes into groups; nodes not listed can talk only among themselves. */
	partition(groups: bigint[][]): void {
		this.groups = new Map();
		groups.forEach((g, i) => g.forEach((id) => this.groups.set(id, i + 1)));
	}

	heal(): void {
		this.groups = new Map();
	}

	isPartitioned(): boolean {
		return this.groups.size > 0;
	}

	connected(a: bigint, b: bigint): boolean {
		if (this.groups.size === 0) return true;
		return (this.groups.get(a) ?? 0) === (this.groups.get(b) ?? 0);
	}

	/** Queues a message. Returns false if it was lost at once (partition or drop). */
	send(msg: M, now: number): boolean {
		this.stats.sent++;
		if (!this.connected(msg.from, msg.to)) {
			this.stats.cut++;
			return false;
		}
		if (this.rng.next() < this.options.drop) {
			this.stats.dropped++;
			return false;
		}
		this.enqueue(msg, now);
		if (this.rng.next() < this.options.duplicate) {
			this.stats.duplicated++;
			this.enqueue(msg, now);
		}
		return true;
	}

	private enqueue(msg: M, now: number): void {
		const o = this.options;
		let delay: number;
		if (this.rng.next() < o.longDelay) delay = o.maxDelay + 1 + this.rng.int(o.longDelayMax);
		else delay = o.minDelay + this.rng.int(o.maxDelay - o.minDelay + 1);
		this.queue.push({ at: now + delay, seq: this.seq++, msg });
	}

	/** Messages due by `now`, in delivery order; those crossing a partition arrive as lost. */
	due(now: number): Delivery<M>[] {
		const out: Delivery<M>[] = [];
		for (let top = this.queue.peek(); top && top.at <= now; top = this.queue.peek()) {
			this.queue.pop();
			const ok = this.connected(top.msg.from, top.msg.to);
			if (ok) this.stats.delivered++;
			else this.stats.cut++;
			out.push({ msg: top.msg, ok });
		}
		return out;
	}

	inFlight(): number {
		return this.queue.size;
	}
}
