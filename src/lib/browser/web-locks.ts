/**
 * Holding a Web Lock for as long as we like: `navigator.locks.request` keeps the lock while the
 * callback's promise is pending, so the release function is that promise's resolver. A lock is
 * released by the browser when its tab closes, crashes or reloads.
 */

/** Takes the lock if nobody holds it; null if another tab does. */
export function tryLock(name: string): Promise<(() => void) | null> {
	return new Promise((resolve, reject) => {
		navigator.locks
			.request(name, { ifAvailable: true }, (lock) => {
				if (!lock) return resolve(null);
				return new Promise<void>((release) => resolve(() => release()));
			})
			.catch(reject);
	});
}

/** Waits for the lock (until `signal` aborts) and holds it until released. */
export function waitLock(name: string, signal: AbortSignal): Promise<() => void> {
	return new Promise((resolve, reject) => {
		navigator.locks
			.request(name, { signal }, () => new Promise<void>((release) => resolve(() => release())))
			.catch(reject);
	});
}

export function hasWebLocks(): boolean {
	return typeof navigator !== 'undefined' && !!navigator.locks;
}
