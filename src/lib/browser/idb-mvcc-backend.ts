/**
 * The MVCC store's backend in IndexedDB, laid out as etcd lays out bolt: revision records under
 * the array key [main, sub] (IndexedDB orders array keys element by element, so a plain scan
 * returns history in revision order), leases under their ID, and one meta record. Each batch
 * is one readwrite transaction over all three stores, so it lands whole or not at all.
 */
import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type {
	BackendBatch,
	BackendContents,
	BackendMeta,
	LeaseRecord,
	MvccBackend,
	RevisionRecord
} from '$lib/engine/mvcc/backend';
import { emptyMeta } from '$lib/engine/mvcc/backend';
import { bytesKey, fromBytesKey } from '$lib/engine/util/bytes';

interface MvccSchema extends DBSchema {
	/** One record as a compact string (see encodeRecord): 3x faster to read back than objects. */
	revisions: { key: [number, number]; value: string };
	/** Keyed by the decimal lease ID: bigint is a valid value but not a valid key. */
	leases: { key: string; value: LeaseRecord };
	meta: { key: string; value: BackendMeta };
}

const VERSION = 1;
const META_KEY = 'meta';
const PARALLEL_READS = 8;

export class IdbMvccBackend implements MvccBackend {
	private readonly db: IDBPDatabase<MvccSchema>;
	private readonly durability: IDBTransactionDurability;

	private constructor(db: IDBPDatabase<MvccSchema>, durability: IDBTransactionDurability) {
		this.db = db;
		this.durability = durability;
	}

	/** Opens (creating if needed) the database `name`, one per etcd member. */
	/**
	 * `durability`: 'relaxed' (default) lets the browser skip the OS flush after each batch;
	 * a committed batch still survives closing the tab, only an OS crash can lose it.
	 * 'strict' flushes like etcd's fsync, at a large cost in write throughput.
	 */
	static async open(
		name: string,
		durability: IDBTransactionDurability = 'relaxed'
	): Promise<IdbMvccBackend> {
		const db = await openDB<MvccSchema>(name, VERSION, {
			upgrade(db) {
				db.createObjectStore('revisions');
				db.createObjectStore('leases');
				db.createObjectStore('meta');
			}
		});
		return new IdbMvccBackend(db, durability);
	}

	/** Deletes the database `name` (close any open backend on it first). */
	static async destroy(name: string): Promise<void> {
		await deleteDB(name);
	}

	async load(): Promise<BackendContents> {
		const tx = this.db.transaction(['revisions', 'leases', 'meta'], 'readonly');
		const store = tx.objectStore('revisions');
		const [first, last, leases, meta] = await Promise.all([
			store.openKeyCursor(),
			store.openKeyCursor(null, 'prev'),
			tx.objectStore('leases').getAll(),
			tx.objectStore('meta').get(META_KEY)
		]);
		const parts: Promise<string[]>[] = [];
		if (first && last) {
			// Several getAll requests over revision ranges in flight at once: reading and
			// deserialising overlap, which is markedly faster than one request for everything.
			const lo = first.key[0];
			const hi = last.key[0];
			const n = Math.min(PARALLEL_READS, hi - lo + 1);
			const step = Math.ceil((hi - lo + 1) / n);
			for (let i = 0; i < n; i++) {
				const from = lo + i * step;
				const range = IDBKeyRange.bound([from, 0], [from + step, 0], false, true);
				parts.push(store.getAll(range));
			}
		}
		const chunks = await Promise.all(parts);
		await tx.done;
		const revisions: RevisionRecord[] = [];
		for (const chunk of chunks) for (const s of chunk) revisions.push(decodeRecord(s));
		return { revisions, leases, meta: meta ?? emptyMeta() };
	}

	async write(batch: BackendBatch): Promise<void> {
		const tx = this.db.transaction(['revisions', 'leases', 'meta'], 'readwrite', {
			durability: this.durability
		});
		const revisions = tx.objectStore('revisions');
		const leases = tx.objectStore('leases');
		// Requests are queued without awaiting each one: the transaction runs them in order.
		const requests: Promise<unknown>[] = [];
		if (batch.reset) requests.push(revisions.clear(), leases.clear());
		for (const [main, sub] of batch.deletes) requests.push(revisions.delete([main, sub]));
		for (const r of batch.puts) requests.push(revisions.put(encodeRecord(r), [r.main, r.sub]));
		for (const id of batch.leaseDeletes) requests.push(leases.delete(id.toString()));
		for (const l of batch.leasePuts) requests.push(leases.put(l, l.id.toString()));
		requests.push(tx.objectStore('meta').put(batch.meta, META_KEY));
		await Promise.all([...requests, tx.done]);
	}

	close(): void {
		this.db.close();
	}
}

/**
 * A revision record as one string: "main,sub,create,mod,version,lease,tombstone,keyLength|"
 * then the key and value bytes, one char per byte. Chromium clones one-byte strings far faster
 * than objects holding typed arrays, which is what makes a 100,000-key restore fast.
 */
export function encodeRecord(r: RevisionRecord): string {
	const kv = r.kv;
	const head = `${r.main},${r.sub},${kv.create_revision},${kv.mod_revision},${kv.version},${kv.lease},${r.tombstone ? 1 : 0},${kv.key.length}|`;
	return head + bytesKey(kv.key) + bytesKey(kv.value);
}

export function decodeRecord(s: string): RevisionRecord {
	const bar = s.indexOf('|');
	const f = s.slice(0, bar).split(',');
	const keyEnd = bar + 1 + Number(f[7]);
	return {
		main: Number(f[0]),
		sub: Number(f[1]),
		tombstone: f[6] === '1',
		kv: {
			key: fromBytesKey(s.slice(bar + 1, keyEnd)),
			create_revision: Number(f[2]),
			mod_revision: Number(f[3]),
			version: Number(f[4]),
			value: fromBytesKey(s.slice(keyEnd)),
			lease: BigInt(f[5])
		}
	};
}
