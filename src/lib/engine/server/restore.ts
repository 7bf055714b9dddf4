/**
 * `etcdctl snapshot restore` and the first start of a member on what it wrote, as etcd 3.4
 * does them (etcdctl/snapshot/v3_snapshot.go, then etcdserver's restart path):
 *
 * - restore copies the snapshot's data, keeps its keys, revisions, leases and users, and
 *   replaces the membership with the one --initial-cluster describes: IDs computed from each
 *   member's peer URLs and --initial-cluster-token, a new cluster ID from those IDs (so a
 *   restored cluster never talks to the old one). No client URLs yet: a member publishes them
 *   when it starts.
 * - it writes a WAL holding this member's ID, the cluster ID and one committed conf change per
 *   member at term 1 (indexes 1..N), and a raft snapshot at index N; the backend's consistent
 *   index is set to N, so nothing from the old cluster's log is replayed.
 * - `etcd --data-dir DIR` on that directory restarts from it: the member ID and the cluster
 *   come from the data dir (the --name, --initial-cluster... flags no longer matter), an
 *   election at term 2 follows, and the revision goes on from the snapshot's.
 *
 * Our snapshot file is the playground's own format (README: known differences), so the files
 * in the data dir are our own too: member/snap/db (the restored state as a snapshot file),
 * member/snap/<term>-<index>.snap (raft snapshot metadata) and member/wal/0...0.wal (IDs and
 * hard state), all JSON a learner can `cat`.
 */
import type { HardState, Snapshot } from '../raft';
import { decode, encode } from './codec';
import { computeClusterId, computeMemberId } from './identity';
import type { MemberRecord } from './membership';

/** The snapshot file `snapshot save` writes (EtcdServer.snapshot). */
interface SnapshotFile {
	format: 'etcd-playground-snapshot';
	version: number;
	/**
	 * Set on a data dir's member/snap/db: `snapshot save` appends a hash to what it streams, a
	 * member's own db has none, so restoring one needs --skip-hash-check.
	 */
	hashless?: boolean;
	state: {
		mvcc: { meta: { consistentIndex: number; consistentTerm: number } } & Record<string, unknown>;
		auth: unknown;
		members: { members: MemberRecord[]; removed: bigint[] };
		alarms: unknown[];
	};
}

/** What the WAL of a restored data dir records. */
interface WalFile {
	format: 'etcd-playground-wal';
	version: 1;
	memberId: bigint;
	clusterId: bigint;
	hardState: HardState;
}

interface SnapFile {
	format: 'etcd-playground-snap';
	version: 1;
	metadata: Snapshot['metadata'];
}

export const WAL_FILE = 'member/wal/0000000000000000-0000000000000000.wal';
export const DB_FILE = 'member/snap/db';

function hex16(n: number): string {
	return n.toString(16).padStart(16, '0');
}

export function snapFileName(term: number, index: number): string {
	return `member/snap/${hex16(term)}-${hex16(index)}.snap`;
}

/** Decodes a snapshot file; null when it is not one `snapshot save` wrote. */
export function readSnapshotFile(data: Uint8Array): SnapshotFile | null {
	try {
		const s = decode<SnapshotFile>(data);
		return s && s.format === 'etcd-playground-snapshot' && s.state?.mvcc ? s : null;
	} catch {
		return null;
	}
}

export interface RestoreOptions {
	/** --name: which member of --initial-cluster this data dir is for. */
	name: string;
	/** --initial-cluster, parsed: each member's name and peer URLs. */
	initialCluster: { name: string; peerURLs: string[] }[];
	/** --initial-cluster-token. */
	token: string;
}

export interface RestoredDataDir {
	clusterId: bigint;
	memberId: bigint;
	/** The members in --initial-cluster order, with their IDs. */
	members: { id: bigint; name: string; peerURLs: string[] }[];
	/** Files to write, by path inside the data dir. */
	files: Record<string, Uint8Array>;
}

/** Restores `snapshot` (a snapshot file) into the files of a data dir. */
export function restoreSnapshot(snapshot: SnapshotFile, opts: RestoreOptions): RestoredDataDir {
	const members = opts.initialCluster.map((m) => ({
		id: computeMemberId(m.peerURLs, opts.token),
		name: m.name,
		peerURLs: [...m.peerURLs]
	}));
	const clusterId = computeClusterId(members.map((m) => m.id));
	const memberId = members.find((m) => m.name === opts.name)?.id ?? 0n;
	const index = members.length;
	const state: SnapshotFile['state'] = {
		...snapshot.state,
		mvcc: {
			...snapshot.state.mvcc,
			meta: { ...snapshot.state.mvcc.meta, consistentIndex: index, consistentTerm: 1 }
		},
		members: {
			members: members.map((m) => ({
				ID: m.id,
				name: m.name,
				peerURLs: m.peerURLs,
				clientURLs: [],
				isLearner: false
			})),
			removed: []
		}
	};
	const wal: WalFile = {
		format: 'etcd-playground-wal',
		version: 1,
		memberId,
		clusterId,
		// etcd's restore votes for the first member and commits the N conf changes.
		hardState: { term: 1, vote: members[0]?.id ?? 0n, commit: index }
	};
	const snap: SnapFile = {
		format: 'etcd-playground-snap',
		version: 1,
		metadata: { index, term: 1, confState: { voters: members.map((m) => m.id), learners: [] } }
	};
	return {
		clusterId,
		memberId,
		members,
		files: {
			[DB_FILE]: encode({ format: 'etcd-playground-snapshot', version: 1, hashless: true, state }),
			[snapFileName(1, index)]: encode(snap),
			[WAL_FILE]: encode(wal)
		}
	};
}

/** What a member needs to start from a restored data dir. */
export interface BootFromDataDir {
	memberId: bigint;
	clusterId: bigint;
	/** The membership as restored (names from --initial-cluster). */
	members: { id: bigint; name: string; peerURLs: string[] }[];
	/** Seed of the raft log: the snapshot (with the restored state as data) and hard state. */
	snapshot: Snapshot;
	hardState: HardState;
}

/**
 * Reads a data dir written by restoreSnapshot through `read` (a path inside the dir, e.g.
 * `member/snap/db`); returns what a member boots from, or an error message as etcd would
 * have it fail.
 */
export function readDataDir(
	read: (path: string) => Uint8Array | null,
	list: (dir: string) => string[]
): BootFromDataDir | string {
	const walData = read(WAL_FILE);
	const db = read(DB_FILE);
	if (!walData || !db) return 'no restored member data (member/wal and member/snap/db)';
	let wal: WalFile;
	try {
		wal = decode<WalFile>(walData);
	} catch {
		return 'wal: crc mismatch';
	}
	if (wal?.format !== 'etcd-playground-wal') return 'wal: crc mismatch';
	const snapName = list('member/snap')
		.filter((n) => n.endsWith('.snap'))
		.sort()
		.at(-1);
	let snap: SnapFile | null;
	try {
		snap = snapName ? decode<SnapFile>(read(`member/snap/${snapName}`) ?? new Uint8Array()) : null;
	} catch {
		snap = null;
	}
	if (!snap || snap.format !== 'etcd-playground-snap') return 'snap: snapshot file is empty';
	const file = readSnapshotFile(db);
	if (!file) return 'failed to recover v3 backend from snapshot: database file is not a snapshot';
	const members = file.state.members.members.map((m) => ({
		id: m.ID,
		name: m.name,
		peerURLs: m.peerURLs
	}));
	return {
		memberId: wal.memberId,
		clusterId: wal.clusterId,
		members,
		snapshot: { data: encode(file.state), metadata: snap.metadata },
		hardState: wal.hardState
	};
}
