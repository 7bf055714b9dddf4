/**
 * The browser's storage quota as a member's disk size. etcd refuses writes past
 * --quota-backend-bytes with the NOSPACE alarm before its disk fills; here the origin's quota
 * (shared by every member's raft log and MVCC store) plays that part. A write that would not
 * fit is refused at the front door and raises NOSPACE; a write IndexedDB refuses anyway
 * (QuotaExceededError: its transaction is rolled back whole, nothing is half-written) raises
 * it too, so learners see etcd's alarm rather than a broken member.
 */
import type { NodePersistence } from '../../engine/server/persistence';

/** Headroom kept free for the alarm's own raft entry, hard state and compaction. */
const MARGIN_BYTES = 1024 * 1024;

export function isQuotaError(e: unknown): boolean {
	for (let x = e, depth = 0; x && depth < 4; depth++) {
		if ((x as { name?: string }).name === 'QuotaExceededError') return true;
		x = (x as { cause?: unknown; error?: unknown }).cause ?? (x as { error?: unknown }).error;
	}
	return false;
}

/**
 * Whether `cost` bytes more fit, written by `members` members to both their raft log and
 * their MVCC store (all on this origin). Answers yes when the browser gives no estimate.
 */
export async function diskAdmits(cost: number, members: number): Promise<boolean> {
	const now = Date.now();
	// One estimate a second is enough: writes admitted since are added to it.
	if (!last || now - last.at > 1000) {
		const e = await navigator.storage?.estimate?.().catch(() => undefined);
		last = { usage: e?.usage ?? 0, quota: e?.quota ?? 0, at: now };
	}
	if (!last.quota) return true;
	const bytes = cost * 2 * Math.max(1, members);
	if (last.usage + bytes + MARGIN_BYTES > last.quota) return false;
	last.usage += bytes;
	return true;
}

let last: { usage: number; quota: number; at: number } | null = null;

/** The member's disk, calling `onFull` whenever IndexedDB refuses a write for lack of space. */
export function withQuotaAlarm(disk: NodePersistence, onFull: () => void): NodePersistence {
	const guard = async <T>(write: () => Promise<T>): Promise<T> => {
		try {
			return await write();
		} catch (e) {
			if (isQuotaError(e)) onFull();
			throw e;
		}
	};
	const mvcc = disk.mvcc;
	return {
		mvcc: {
			load: () => mvcc.load(),
			write: (batch) => guard(() => mvcc.write(batch))
		},
		raft: {
			storage: disk.raft.storage,
			save: (hs, entries, snap) => guard(() => disk.raft.save(hs, entries, snap)),
			compact: (snap, index) => guard(() => disk.raft.compact(snap, index))
		}
	};
}
