/**
 * The key indexes in key order: a list of sorted chunks (at most CHUNK entries each), so an
 * insert moves at most one chunk's worth of entries instead of the whole key space, and a
 * range scan walks chunks in order. bytesKey strings compare in byte order.
 */
import type { KeyIndex } from './key-index';

const CHUNK = 512;

export class SortedKeys {
	private chunks: KeyIndex[][] = [];
	private count = 0;

	get size(): number {
		return this.count;
	}

	/** Builds from key indexes already sorted by key. */
	static fromSorted(all: KeyIndex[]): SortedKeys {
		const s = new SortedKeys();
		for (let i = 0; i < all.length; i += CHUNK) s.chunks.push(all.slice(i, i + CHUNK));
		s.count = all.length;
		return s;
	}

	/** Inserts a key index whose key is not present yet. */
	insert(ki: KeyIndex): void {
		this.count++;
		if (this.chunks.length === 0) {
			this.chunks.push([ki]);
			return;
		}
		let c = this.chunkFor(ki.key);
		if (c === this.chunks.length) c--;
		const chunk = this.chunks[c];
		const i = lowerBound(chunk, ki.key);
		if (i === chunk.length) chunk.push(ki);
		else chunk.splice(i, 0, ki);
		if (chunk.length > CHUNK * 2) {
			this.chunks.splice(c, 1, chunk.slice(0, CHUNK), chunk.slice(CHUNK));
		}
	}

	/** Keeps only the key indexes for which `keep` is true. */
	filter(keep: (ki: KeyIndex) => boolean): void {
		const all: KeyIndex[] = [];
		for (const chunk of this.chunks) for (const ki of chunk) if (keep(ki)) all.push(ki);
		const s = SortedKeys.fromSorted(all);
		this.chunks = s.chunks;
		this.count = s.count;
	}

	/**
	 * Calls `fn` for each key index with key >= start and (end '' meaning no end) < end, in
	 * order, until it returns false.
	 */
	scan(start: string, end: string, fn: (ki: KeyIndex) => boolean | void): void {
		let c = this.chunkFor(start);
		if (c === this.chunks.length) return;
		let i = lowerBound(this.chunks[c], start);
		for (; c < this.chunks.length; c++, i = 0) {
			const chunk = this.chunks[c];
			for (; i < chunk.length; i++) {
				const ki = chunk[i];
				if (end !== '' && ki.key >= end) return;
				if (fn(ki) === false) return;
			}
		}
	}

	/** The first chunk whose last key is >= k (chunks.length if none). */
	private chunkFor(k: string): number {
		let lo = 0;
		let hi = this.chunks.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			const chunk = this.chunks[mid];
			if (chunk[chunk.length - 1].key < k) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}
}

function lowerBound(chunk: KeyIndex[], k: string): number {
	let lo = 0;
	let hi = chunk.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (chunk[mid].key < k) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}
