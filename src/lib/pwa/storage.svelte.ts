/**
 * The playground's disk: asks the browser to keep the origin's storage (IndexedDB holds every
 * member's raft log and MVCC store), and reports how much is used of the quota.
 */
export class StorageUsage {
	/** null: unknown (the Storage API is not available). */
	persisted = $state<boolean | null>(null);
	usage = $state(0);
	quota = $state(0);

	/** Asks for persistent storage once; browsers may grant it silently or decline. */
	async init(): Promise<void> {
		const s = navigator.storage;
		if (!s) return;
		try {
			this.persisted = (await s.persisted?.()) ?? null;
			if (this.persisted === false && s.persist) this.persisted = await s.persist();
		} catch {
			this.persisted = null;
		}
		await this.refresh();
	}

	async refresh(): Promise<void> {
		const e = await navigator.storage?.estimate?.().catch(() => undefined);
		if (!e) return;
		this.usage = e.usage ?? 0;
		this.quota = e.quota ?? 0;
	}
}

/** Sizes as `du -h` would print them, in binary units. */
export function formatBytes(n: number): string {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let i = 0;
	while (n >= 1024 && i < units.length - 1) {
		n /= 1024;
		i++;
	}
	return i === 0 ? `${n} B` : `${n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}
