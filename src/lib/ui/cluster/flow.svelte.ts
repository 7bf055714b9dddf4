/**
 * Raft messages in flight, for the cluster view to draw. Members report batches of messages they
 * sent (ClusterManager's onTrace); each becomes a flight from sender to receiver on an
 * animation clock that can be paused and slowed down. Heartbeats are frequent, so flights are
 * capped; elections, appends and snapshots are always kept over heartbeats.
 */
import type { TracedMessage } from '../../workers/member/protocol';

export type MessageKind = 'vote' | 'append' | 'heartbeat' | 'snapshot' | 'other';

export interface Flight {
	id: number;
	kind: MessageKind;
	type: string;
	from: string;
	to: string;
	reject: boolean;
	/** Animation-clock time it left, and how long it takes on screen. */
	start: number;
	duration: number;
}

export function kindOf(type: string): MessageKind {
	if (/Vote/.test(type)) return 'vote';
	if (/^MsgApp/.test(type)) return 'append';
	if (/^MsgHeartbeat/.test(type)) return 'heartbeat';
	if (type === 'MsgSnap') return 'snapshot';
	return 'other';
}

const BASE_MS = 450;
const MAX_FLIGHTS = 60;

export class MessageFlow {
	flights = $state.raw<Flight[]>([]);
	paused = $state(false);
	/** 1 is real speed; 0.25 shows each message four times slower. */
	speed = $state(1);
	showHeartbeats = $state(true);
	/** Counts by kind since the page opened (the legend shows them). */
	counts = $state<Record<MessageKind, number>>({
		vote: 0,
		append: 0,
		heartbeat: 0,
		snapshot: 0,
		other: 0
	});
	/** The animation clock (ms): advances only while running, at `speed`. */
	clock = $state(0);
	private nextId = 0;
	private lastFrame: number | null = null;

	/** Adds a batch sent by `from`; `nameOf` maps member IDs to names. */
	add(batch: TracedMessage[], nameOf: (id: bigint) => string | undefined): void {
		if (this.paused) return;
		const added: Flight[] = [];
		for (const m of batch) {
			const from = nameOf(m.from);
			const to = nameOf(m.to);
			if (!from || !to || from === to) continue;
			const kind = kindOf(m.type);
			this.counts[kind]++;
			if (kind === 'heartbeat' && !this.showHeartbeats) continue;
			added.push({
				id: ++this.nextId,
				kind,
				type: m.type,
				from,
				to,
				reject: m.reject,
				start: this.clock,
				duration: BASE_MS + Math.min(m.delayMs, 2000)
			});
		}
		if (added.length === 0) return;
		let next = [...this.flights, ...added];
		if (next.length > MAX_FLIGHTS) {
			// Flights on screen finish their trip (in slow motion, dropping the oldest made them
			// vanish mid-way): new heartbeats are left out first, then the oldest heartbeats,
			// then the oldest of anything.
			let excess = next.length - MAX_FLIGHTS;
			for (let i = next.length - 1; i >= this.flights.length && excess > 0; i--) {
				if (next[i].kind === 'heartbeat') {
					next.splice(i, 1);
					excess--;
				}
			}
			let dropped = 0;
			next = next.filter((f) => !(f.kind === 'heartbeat' && dropped < excess && ++dropped));
			if (next.length > MAX_FLIGHTS) next = next.slice(-MAX_FLIGHTS);
		}
		this.flights = next;
	}

	/** Advances the clock to the frame time `now` and drops flights that arrived. */
	frame(now: number): void {
		const last = this.lastFrame;
		this.lastFrame = now;
		if (this.paused || last === null) return;
		this.clock += Math.min(100, now - last) * this.speed;
		if (this.flights.some((f) => this.clock - f.start >= f.duration)) {
			this.flights = this.flights.filter((f) => this.clock - f.start < f.duration);
		}
	}

	/** Where a flight is, 0 (sender) to 1 (receiver). */
	progress(f: Flight): number {
		return Math.max(0, Math.min(1, (this.clock - f.start) / f.duration));
	}
}
