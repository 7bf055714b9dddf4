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
 * Answers at once (no promise) between estimates: it runs for every put and txn.
 */
export function diskAdmits(cost: number, members: number): boolean | Promise<boolean> {
	const now = Date.now();
	// One estimate a second is enough: writes admitted since are added to it.
	if (!last || now - last.at > 1000) return estimateThenAdmit(cost, members, now);
	return admit(last, cost, members);
}

async function estimateThenAdmit(cost: number, members: number, now: number): Promise<boolean> {
	const e = await navigator.storage?.estimate?.().catch(() => undefined);
	last = { usage: e?.usage ?? 0, quota: e?.quota ?? 0, at: now };
	return admit(last, cost, members);
}

function admit(disk: { usage: number; quota: number }, cost: number, members: number): boolean {
	if (!disk.quota) return true;
	const bytes = cost * 2 * Math.max(1, members);
	if (disk.usage + bytes + MARGIN_BYTES > disk.quota) return false;
	disk.usage += bytes;
	return true;
}

let last: { usage: number; quota: number; at: number } | null = null;

/**
 * What each member sets aside (see DiskReserve): 8 pieces of 128 KiB, a few raft entries'
 * worth each, given back one at a time.
 */
export const RESERVE_PIECES = 8;
export const RESERVE_PIECE_BYTES = 128 * 1024;

export function reserveDatabaseName(namespace: string, member: string): string {
	return `etcd-playground/${namespace}/${member}/reserve`;
}

/**
 * Space a member sets aside on the origin's storage, as a filesystem keeps blocks for root: when
 * IndexedDB refuses a write for lack of space, the member gives a piece of the reserve back and
 * writes again, so the raft entry in hand, the NOSPACE alarm's own entry and the deletes and
 * compaction that free space still land, instead of the member stopping on a failed disk write
 * as etcd does. The member takes its reserve again once NOSPACE is disarmed.
 */
export class DiskReserve {
	/** Pieces held (written and not given back). */
	private held = 0;
	/** Times a piece was given back, and the last giving back. */
	private releases = 0;
	private releasing: Promise<boolean> = Promise.resolve(false);
	private taking: Promise<void> | null = null;

	constructor(
		private readonly name: string,
		private readonly pieces = RESERVE_PIECES,
		private readonly pieceBytes = RESERVE_PIECE_BYTES
	) {}

	/** Takes the whole reserve again, as far as there is room; never throws. */
	take(): Promise<void> {
		this.taking ??= this.fill().finally(() => (this.taking = null));
		return this.taking;
	}

	private async fill(): Promise<void> {
		try {
			const db = await openDB(this.name, 1, {
				upgrade: (d) => void d.createObjectStore('reserve')
			});
			try {
				let held = 0;
				for (let i = 0; i < this.pieces; i++) {
					if (!(await db.get('reserve', i))) {
						// Random bytes: IndexedDB compresses values, so zeros would set nothing aside.
						const piece = new Uint8Array(this.pieceBytes);
						for (let j = 0; j < this.pieceBytes; j += 65536) {
							crypto.getRandomValues(piece.subarray(j, Math.min(this.pieceBytes, j + 65536)));
						}
						await db.put('reserve', piece, i);
					}
					held = i + 1;
					this.held = Math.max(this.held, held);
				}
			} finally {
				db.close();
			}
		} catch {
			// No room for all of it: the member runs with what it holds.
		}
	}

	/** Whether part of the reserve was given back (the member should take it again). */
	get spent(): boolean {
		return this.held < this.pieces;
	}

	/** Counts the pieces given back so far (see release). */
	get generation(): number {
		return this.releases;
	}

	/**
	 * Gives a piece back for a write refused after `since` (a generation); true when space was
	 * freed since then, by this call or by one for another write refused at the same time (a
	 * member's raft log and MVCC store often fill together). False when none is left.
	 */
	release(since: number): Promise<boolean> {
		if (this.releases > since) return this.releasing;
		if (this.held === 0) return Promise.resolve(false);
		const piece = --this.held;
		this.releases++;
		this.releasing = (async () => {
			try {
				const db = await openDB(this.name, 1);
				try {
					await db.delete('reserve', piece);
				} finally {
					db.close();
				}
				return true;
			} catch {
				return false;
			}
		})();
		return this.releasing;
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
		let since = reserve?.generation ?? 0;
		try {
			return await write();
		} catch (e) {
			if (!isQuotaError(e)) throw e;
			onFull();
			// Another piece for each refusal (other members may take some of the freed space).
			for (;;) {
				if (!(await reserve?.release(since))) throw e;
				since = reserve!.generation;
				try {
					return await write();
				} catch (again) {
					if (!isQuotaError(again)) throw again;
				}
			}
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
