/**
 * What happened when: writes with their revisions (from the key browser's watch), faults (kill,
 * restart, partition, latency) and leader changes (from the cluster view's polling), and the
 * commands the terminals ran. Newest last; capped so a long session stays light.
 */

export type TimelineKind = 'put' | 'delete' | 'fault' | 'recover' | 'leader' | 'command';

export interface TimelineEntry {
	seq: number;
	/** Milliseconds since the page opened. */
	at: number;
	kind: TimelineKind;
	text: string;
	revision?: number;
	member?: string;
}

export const TIMELINE_LIMIT = 400;

export class Timeline {
	entries = $state.raw<TimelineEntry[]>([]);
	private seq = 0;
	private readonly origin: number;

	constructor(origin = Date.now()) {
		this.origin = origin;
	}

	add(kind: TimelineKind, text: string, extra: { revision?: number; member?: string } = {}): void {
		this.addMany([{ kind, text, ...extra }]);
	}

	/** Adds several entries with one update (a frame's worth of writes under load). */
	addMany(items: { kind: TimelineKind; text: string; revision?: number; member?: string }[]): void {
		if (items.length === 0) return;
		const at = Date.now() - this.origin;
		const added = items.slice(-TIMELINE_LIMIT).map((i) => ({ seq: 0, at, ...i }));
		this.seq += items.length - added.length;
		for (const e of added) e.seq = ++this.seq;
		const next = [...this.entries, ...added];
		this.entries = next.length > TIMELINE_LIMIT ? next.slice(-TIMELINE_LIMIT) : next;
	}
}
