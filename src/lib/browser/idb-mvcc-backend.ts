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

interface MvccSchema extends DBSchema {
	revisions: { key: [number, number]; value: RevisionRecord };
	/** Keyed by the decimal lease ID: bigint is a valid value but not a valid key. */
	leases: { key: string; value: LeaseRecord };
	meta: { key: string; value: BackendMeta };
}

const VERSION = 1;
const META_KEY = 'meta';

export class IdbMvccBackend implements MvccBackend {
	private constructor(private readonly db: IDBPDatabase<MvccSchema>) {}

	/** Opens (creating if needed) the database `name`, one per etcd member. */
	static async open(name: string): Promise<IdbMvccBackend> {
		const db = await openDB<MvccSchema>(name, VERSION, {
			upgrade(db) {
				db.createObjectStore('revisions');
				db.createObjectStore('leases');
				db.createObjectStore('meta');
			}
		});
		return new IdbMvccBackend(db);
	}

	/** Deletes the database `name` (close any open backend on it first). */
	static async destroy(name: string): Promise<void> {
		await deleteDB(name);
	}

	async load(): Promise<BackendContents> {
		const tx = this.db.transaction(['revisions', 'leases', 'meta'], 'readonly');
		const [revisions, leases, meta] = await Promise.all([
			tx.objectStore('revisions').getAll(),
			tx.objectStore('leases').getAll(),
			tx.objectStore('meta').get(META_KEY)
		]);
		await tx.done;
		return { revisions, leases, meta: meta ?? emptyMeta() };
	}

	async write(batch: BackendBatch): Promise<void> {
		const tx = this.db.transaction(['revisions', 'leases', 'meta'], 'readwrite');
		const revisions = tx.objectStore('revisions');
		const leases = tx.objectStore('leases');
		// Requests are queued without awaiting each one: the transaction runs them in order.
		const requests: Promise<unknown>[] = [];
		if (batch.reset) requests.push(revisions.clear(), leases.clear());
		for (const [main, sub] of batch.deletes) requests.push(revisions.delete([main, sub]));
		for (const r of batch.puts) requests.push(revisions.put(r, [r.main, r.sub]));
		for (const id of batch.leaseDeletes) requests.push(leases.delete(id.toString()));
		for (const l of batch.leasePuts) requests.push(leases.put(l, l.id.toString()));
		requests.push(tx.objectStore('meta').put(batch.meta, META_KEY));
		await Promise.all([...requests, tx.done]);
	}

	close(): void {
		this.db.close();
	}
}
