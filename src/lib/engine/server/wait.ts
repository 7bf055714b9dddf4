/**
 * Requests waiting for their raft entry to be applied (etcd's pkg/wait), keyed by request ID,
 * with the tick at which each gives up. Only the member that proposed an entry has a waiter
 * for it; other members apply the entry and find nobody waiting.
 */
export interface Waiter<T> {
	resolve(value: T): void;
	reject(err: Error): void;
	deadlineTick: number;
}

export class WaitRegistry<T = unknown> {
	private readonly waiters = new Map<string, Waiter<T>>();

	register(id: bigint, deadlineTick: number): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			this.waiters.set(id.toString(), { resolve, reject, deadlineTick });
		});
	}

	has(id: bigint): boolean {
		return this.waiters.has(id.toString());
	}

	trigger(id: bigint, value: T): void {
		const key = id.toString();
		const w = this.waiters.get(key);
		if (w) {
			this.waiters.delete(key);
			w.resolve(value);
		}
	}

	fail(id: bigint, err: Error): void {
		const key = id.toString();
		const w = this.waiters.get(key);
		if (w) {
			this.waiters.delete(key);
			w.reject(err);
		}
	}

	/** Rejects every waiter whose deadline has passed, with the error `make` builds. */
	expire(nowTick: number, make: () => Error): void {
		for (const [key, w] of this.waiters) {
			if (w.deadlineTick <= nowTick) {
				this.waiters.delete(key);
				w.reject(make());
			}
		}
	}

	failAll(make: () => Error): void {
		for (const w of this.waiters.values()) w.reject(make());
		this.waiters.clear();
	}

	get size(): number {
		return this.waiters.size;
	}
}
