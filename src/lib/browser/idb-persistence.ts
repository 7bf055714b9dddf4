/**
 * A member's disk in IndexedDB: its raft log (IdbRaftStorage) and its MVCC backend
 * (IdbMvccBackend), one pair of databases per member and cluster namespace.
 */
import type { NodePersistence } from '../engine/server/persistence';
import { DiskReserve, reserveDatabaseName } from '../workers/member/disk-quota';
import { IdbMvccBackend } from './idb-mvcc-backend';
import { IdbRaftStorage } from './idb-raft-storage';

export function databaseNames(namespace: string, member: string): { raft: string; mvcc: string } {
	const base = `etcd-playground/${namespace}/${member}`;
	return { raft: `${base}/raft`, mvcc: `${base}/mvcc` };
}

export async function openIdbPersistence(
	namespace: string,
	member: string
): Promise<NodePersistence> {
	const names = databaseNames(namespace, member);
	// Both databases are read at once, and the MVCC history (the bulk of a restart) starts
	// loading before the raft log is decoded; the store takes that read when it opens.
	// Strict: a member's own raft snapshots do not copy the MVCC store, so once the log is
	// trimmed the backend is the only copy of what it holds. Batches coalesce while one is
	// being written, so strict costs few flushes.
	const opening = IdbMvccBackend.open(names.mvcc, { durability: 'strict' }).then((m) => {
		m.prefetch();
		return m;
	});
	const [raft, mvcc] = await Promise.all([IdbRaftStorage.open(names.raft), opening]);
	return {
		mvcc,
		raft: {
			storage: raft,
			save: (hs, entries, snap) => raft.save(hs, entries, snap),
			compact: async (snap, compactIndex) => {
				if (snap.metadata.index > raft.snapshot().metadata.index) {
					await raft.createSnapshot(snap.metadata.index, snap.metadata.confState, snap.data);
				}
				if (compactIndex >= raft.firstIndex()) await raft.compact(compactIndex);
			}
		}
	};
}

export async function destroyIdbPersistence(namespace: string, member: string): Promise<void> {
	const names = databaseNames(namespace, member);
	await IdbRaftStorage.destroy(names.raft);
	await IdbMvccBackend.destroy(names.mvcc);
	await DiskReserve.destroy(reserveDatabaseName(namespace, member));
}
