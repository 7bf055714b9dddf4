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
	const raft = await IdbRaftStorage.open(names.raft);
	// Strict: a member's own raft snapshots do not copy the MVCC store, so once the log is
	// trimmed the backend is the only copy of what it holds. Batches coalesce while one is
	// being written, so strict costs few flushes.
	const mvcc = await IdbMvccBackend.open(names.mvcc, { durability: 'strict' });
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
