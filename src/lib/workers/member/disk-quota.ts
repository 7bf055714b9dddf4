/**
 * The browser's storage quota as a member's disk size. etcd refuses writes past
 * --quota-backend-bytes with the NOSPACE alarm before its disk fills; here the origin's quota
 * (shared by every member's raft log and MVCC store) plays that part. A write that would not
 * fit is refused at the front door and raises NOSPACE; a write IndexedDB refuses anyway
 * (QuotaExceededError: its transaction is rolled back whole, nothing is half-written) raises
 * it too, so learners see etcd's alarm rather than a broken member.
 */
import { deleteDB, openDB } from 'idb';
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

/** Bytes each member sets aside (see DiskReserve): a few entries' worth of raft log. */
export const RESERVE_BYTES = 512 * 1024;
/** How often a member with its reserve given back tries to take it again. */
const RESERVE_RETRY_MS = 5000;

export function reserveDatabaseName(namespace: string, member: string): string {
	return `etcd-playground/${namespace}/${member}/reserve`;
}

/**
 * Space a member sets aside on the origin's storage, as a filesystem keeps blocks for root: when
 * IndexedDB refuses a write for lack of space, the member gives the reserve back and writes
 * again, so the raft entry in hand (and the NOSPACE alarm's own entry after it) still land
 * instead of the member stopping on a failed disk write as etcd does. Once space was freed
 * (delete, compact, defrag) the member takes its reserve again.
 */
export class DiskReserve {
	private held = false;
	private lastTry = 0;

	constructor(
		private readonly name: string,
		private readonly bytes = RESERVE_BYTES
	) {}

	/** Takes the reserve (if it is not held and there is room); never throws. */
	async take(): Promise<void> {
		if (this.held) return;
		this.lastTry = Date.now();
		try {
			const db = await openDB(this.name, 1, {
				upgrade: (d) => void d.createObjectStore('reserve')
			});
			try {
				if (!(await db.get('reserve', 'ballast'))) {
					// Random bytes: IndexedDB compresses values, so zeros would set nothing aside.
					const ballast = new Uint8Array(this.bytes);
					for (let i = 0; i < this.bytes; i += 65536) {
						crypto.getRandomValues(ballast.subarray(i, Math.min(this.bytes, i + 65536)));
					}
					await db.put('reserve', ballast, 'ballast');
				}
				this.held = true;
			} finally {
				db.close();
			}
		} catch {
			// No room for it: the member runs without a reserve until there is.
		}
	}

	/** Takes the reserve again after it was given back, at most every few seconds. */
	retake(): void {
		if (!this.held && Date.now() - this.lastTry > RESERVE_RETRY_MS) void this.take();
	}

	/** Gives the reserve back; false when there was none to give. */
	async release(): Promise<boolean> {
		if (!this.held) return false;
		this.held = false;
		this.lastTry = Date.now();
		try {
			const db = await openDB(this.name, 1);
			try {
				await db.delete('reserve', 'ballast');
			} finally {
				db.close();
			}
			return true;
		} catch {
			return false;
		}
	}

	static destroy(name: string): Promise<void> {
		return deleteDB(name);
	}
}

/**
 * The member's disk, calling `onFull` whenever IndexedDB refuses a write for lack of space.
 * With a reserve, the refused write is tried once more after the reserve is given back (a
 * refused IndexedDB transaction changed nothing, and the storage classes keep their state
 * until it commits, so writing it again is safe).
 */
export function withQuotaAlarm(
	disk: NodePersistence,
	onFull: () => void,
	reserve?: DiskReserve
): NodePersistence {
	const guard = async <T>(write: () => Promise<T>): Promise<T> => {
		let result: T;
		try {
			result = await write();
		} catch (e) {
			if (!isQuotaError(e)) throw e;
			onFull();
			if (!(await reserve?.release())) throw e;
			return write();
		}
		reserve?.retake();
		return result;
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
