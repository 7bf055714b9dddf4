/**
 * The wire format between the page and a member worker (exposed with comlink): start-up
 * configuration, the member API, and what the cluster view observes.
 */
import type { Member } from '../../engine/api/types';
import type { HardState, Snapshot } from '../../engine/raft';
import type { MemberApi } from '../../engine/server/api';
import type { NetworkFaults } from '../../browser/broadcast-transport';
import type { PackedRange } from './range-wire';

export interface MemberStartConfig {
	namespace: string;
	name: string;
	/** Set for members added with `member add` (the cluster chose the ID). */
	memberId?: bigint;
	peerURLs: string[];
	clientURLs: string[];
	initialCluster: { name: string; peerURLs: string[] }[];
	clusterState: 'new' | 'existing';
	clusterId?: bigint;
	token: string;
	/** Every member's name by ID, for faults that name members. */
	peers: { name: string; id: bigint }[];
	faults: NetworkFaults;
	seed: number;
	/** etcd --name, when it differs from `name` (a member booted on a restored data dir). */
	serverName?: string;
	/** First start on a restored data dir: the empty disk is seeded with this raft snapshot. */
	restore?: { snapshot: Snapshot; hardState: HardState };
}

export interface MemberInfo {
	id: bigint;
	name: string;
	role: string;
	isLearner: boolean;
	term: number;
	lead: bigint;
	commit: number;
	applied: number;
	revision: number;
	compactRevision: number;
	dbSize: number;
	members: Member[];
	removed: boolean;
}

/** A message as the cluster view draws it. */
export interface TracedMessage {
	type: string;
	from: bigint;
	to: bigint;
	term: number;
	entries: number;
	reject: boolean;
	delayMs: number;
}

export interface MemberWorkerApi extends MemberApi {
	start(cfg: MemberStartConfig): Promise<{ id: bigint; clusterId: bigint }>;
	info(): Promise<MemberInfo>;
	/** Why the member stopped itself (a storage failure), or null. */
	failure(): Promise<string | null>;
	setFaults(f: NetworkFaults): Promise<void>;
	setPeers(peers: { name: string; id: bigint }[]): Promise<void>;
	/** Receives batches of sent messages (a comlink proxy on the page side). */
	onTrace(cb: ((batch: TracedMessage[]) => void) | null): Promise<void>;
	/** Stops cleanly (a kill is a worker.terminate() instead). */
	stop(): Promise<void>;
	/**
	 * Serves put, txn, deleteRange and range (packed) on `port`, calls coalesced per turn
	 * (src/lib/client/batch.ts).
	 */
	batchPort(port: MessagePort): Promise<void>;
	/** `range` with its result packed into transferred buffers (see range-wire.ts). */
	rangePacked(...args: Parameters<MemberApi['range']>): Promise<PackedRange>;
}
