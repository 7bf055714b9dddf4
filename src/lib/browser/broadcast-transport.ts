/**
 * The member-to-member network in the browser: one BroadcastChannel per member, named after the
 * cluster namespace and the member ID. Messages to the same member sent in one turn of the
 * event loop travel as one batch, raft messages packed in one buffer (raft-wire.ts). Faults
 * (partitions, loss, latency) are applied on the sending side and can be changed while the
 * cluster runs.
 */
import type { PeerMessage, Transport } from '../engine/server/server';
import { packMessages, unpackMessages, type WireItem } from './raft-wire';

export interface NetworkFaults {
	/** Groups of member names that can reach each other; null: everyone reaches everyone. */
	groups: string[][] | null;
	/** Probability that a message is lost. */
	drop: number;
	/** One-way delay in ms, per member name, or '*' for all. */
	latencyMs: Record<string, number>;
}

export const NO_FAULTS: NetworkFaults = { groups: null, drop: 0, latencyMs: {} };

export function channelName(namespace: string, memberId: bigint): string {
	return `etcd-playground/${namespace}/member/${memberId.toString(16)}`;
}

export class BroadcastTransport implements Transport {
	private readonly inbox: BroadcastChannel;
	private readonly outboxes = new Map<bigint, BroadcastChannel>();
	private pending = new Map<bigint, PeerMessage[]>();
	private flushScheduled = false;
	private faults: NetworkFaults = NO_FAULTS;
	private closed = false;

	constructor(
		private readonly namespace: string,
		private readonly self: { id: bigint; name: string },
		/** Member names by ID, for applying faults that name members. */
		private readonly nameOf: (id: bigint) => string | undefined,
		onMessage: (m: PeerMessage) => void,
		/** Called for each message that leaves (after faults), for the cluster view. */
		private readonly onSent?: (m: PeerMessage, delayMs: number) => void
	) {
		this.inbox = new BroadcastChannel(channelName(namespace, self.id));
		this.inbox.onmessage = (ev: MessageEvent<WireItem[]>) => {
			if (this.closed) return;
			for (const m of unpackMessages(ev.data)) onMessage(m);
		};
	}

	setFaults(f: NetworkFaults): void {
		this.faults = f;
	}

	send(messages: PeerMessage[]): void {
		if (this.closed) return;
		for (const m of messages) {
			const to = this.nameOf(m.to);
			if (!this.reachable(to)) continue;
			if (this.faults.drop > 0 && Math.random() < this.faults.drop) continue;
			const delay = Math.max(
				this.faults.latencyMs['*'] ?? 0,
				this.faults.latencyMs[this.self.name] ?? 0,
				to ? (this.faults.latencyMs[to] ?? 0) : 0
			);
			this.onSent?.(m, delay);
			if (delay > 0) setTimeout(() => this.post(m.to, [m]), delay);
			else this.enqueue(m);
		}
	}

	private reachable(to: string | undefined): boolean {
		const groups = this.faults.groups;
		if (!groups || !to) return true;
		const gi = (n: string) => {
			const i = groups.findIndex((g) => g.includes(n));
			return i < 0 ? groups.length : i;
		};
		return gi(this.self.name) === gi(to);
	}

	private enqueue(m: PeerMessage): void {
		const list = this.pending.get(m.to);
		if (list) list.push(m);
		else this.pending.set(m.to, [m]);
		if (!this.flushScheduled) {
			this.flushScheduled = true;
			queueMicrotask(() => this.flush());
		}
	}

	private flush(): void {
		this.flushScheduled = false;
		const batches = this.pending;
		this.pending = new Map();
		for (const [to, msgs] of batches) this.post(to, msgs);
	}

	private post(to: bigint, msgs: PeerMessage[]): void {
		if (this.closed) return;
		let ch = this.outboxes.get(to);
		if (!ch) {
			ch = new BroadcastChannel(channelName(this.namespace, to));
			this.outboxes.set(to, ch);
		}
		ch.postMessage(packMessages(msgs));
	}

	close(): void {
		this.closed = true;
		this.inbox.close();
		for (const ch of this.outboxes.values()) ch.close();
		this.outboxes.clear();
	}
}
