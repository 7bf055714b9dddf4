/**
 * Command history as bash keeps it: newest last, no blank lines, no immediate repeats, a cap on
 * length; Up/Down walk it (keeping the line being typed as the newest slot) and Ctrl-R searches
 * it backwards. Persistence is a tiny store interface (localStorage in the browser).
 */

export interface HistoryStore {
	load(): string[];
	save(entries: readonly string[]): void;
}

export const HISTORY_LIMIT = 1000;

/** Where the page keeps the terminal history (localStorage). */
export const HISTORY_KEY = 'etcd-playground/history';

/** A store over a Web Storage object (or anything with getItem/setItem). */
export function storageHistory(
	storage: Pick<Storage, 'getItem' | 'setItem'>,
	key = HISTORY_KEY
): HistoryStore {
	return {
		load() {
			try {
				const parsed: unknown = JSON.parse(storage.getItem(key) ?? '[]');
				return Array.isArray(parsed) ? parsed.filter((e) => typeof e === 'string') : [];
			} catch {
				return [];
			}
		},
		save(entries) {
			try {
				storage.setItem(key, JSON.stringify(entries.slice(-HISTORY_LIMIT)));
			} catch {
				// Storage full or disabled: history lasts for this page only.
			}
		}
	};
}

export class History {
	entries: string[];
	/** Position while walking with Up/Down; entries.length means the line being typed. */
	private pos: number;
	private draft = '';
	private readonly store: HistoryStore | null;

	constructor(store: HistoryStore | null = null) {
		this.store = store;
		this.entries = store?.load() ?? [];
		this.pos = this.entries.length;
	}

	add(line: string): void {
		const entry = line.replace(/\n+$/, '');
		if (entry.trim() !== '' && this.entries.at(-1) !== entry) {
			// Another terminal may have added lines since: append to what is stored now.
			if (this.store) this.entries = this.store.load();
			if (this.entries.at(-1) !== entry) this.entries.push(entry);
			if (this.entries.length > HISTORY_LIMIT)
				this.entries.splice(0, this.entries.length - HISTORY_LIMIT);
			this.store?.save(this.entries);
		}
		this.reset();
	}

	/** Starts a new walk (after a line is run or abandoned). */
	reset(): void {
		this.pos = this.entries.length;
		this.draft = '';
	}

	/** Up: the previous entry, or null at the oldest. `current` is the line as edited now. */
	previous(current: string): string | null {
		if (this.pos === 0) return null;
		if (this.pos === this.entries.length) this.draft = current;
		this.pos--;
		return this.entries[this.pos];
	}

	/** Down: the next entry, or the line that was being typed. */
	next(): string | null {
		if (this.pos >= this.entries.length) return null;
		this.pos++;
		return this.pos === this.entries.length ? this.draft : this.entries[this.pos];
	}

	/**
	 * Ctrl-R: the newest entry containing `query` at an index below `before`, or null.
	 * Returns the entry's index so repeated Ctrl-R continues from there.
	 */
	search(query: string, before = this.entries.length): { index: number; line: string } | null {
		for (let i = Math.min(before, this.entries.length) - 1; i >= 0; i--) {
			if (this.entries[i].includes(query)) return { index: i, line: this.entries[i] };
		}
		return null;
	}
}
