/**
 * The cluster's member registry, as etcd's membership.RaftCluster keeps it: every member's
 * ID, name, peer and client URLs and learner flag, plus the IDs of removed members (a removed
 * ID can never come back). It changes only when a conf-change entry or a member-attributes
 * entry is applied, so every member holds the same registry at the same raft index.
 */
import { Errors } from '../api/errors';
import type { Member } from '../api/types';

export interface MemberRecord {
	ID: bigint;
	name: string;
	peerURLs: string[];
	clientURLs: string[];
	isLearner: boolean;
}

export interface MembershipState {
	members: MemberRecord[];
	removed: bigint[];
	/**
	 * The cluster version (etcd's cluster.Version(), e.g. `3.5.0`) once a leader has set it;
	 * absent before that, and in a data dir `snapshot restore` wrote (etcd sets it again).
	 */
	version?: string;
}

/** The largest number of learners a cluster may have at once (etcd's maxLearners). */
export const MAX_LEARNERS = 1;

function compareIds(a: bigint, b: bigint): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

export class Membership {
	private readonly members = new Map<bigint, MemberRecord>();
	private readonly removed = new Set<bigint>();
	private clusterVersion: string | null = null;

	constructor(state?: MembershipState) {
		if (state) this.restore(state);
	}

	restore(state: MembershipState): void {
		this.members.clear();
		this.removed.clear();
		for (const m of state.members) this.members.set(m.ID, { ...m });
		for (const id of state.removed) this.removed.add(id);
		this.clusterVersion = state.version ?? null;
	}

	/** The cluster version a leader set after its first election; null until then. */
	get version(): string | null {
		return this.clusterVersion;
	}

	setVersion(version: string): void {
		this.clusterVersion = version;
	}

	snapshot(): MembershipState {
		return {
			members: this.list().map((m) => ({
				...m,
				peerURLs: [...m.peerURLs],
				clientURLs: [...m.clientURLs]
			})),
			removed: [...this.removed].sort(compareIds),
			...(this.clusterVersion === null ? {} : { version: this.clusterVersion })
		};
	}

	/** Members sorted by ID, as etcd lists them. */
	list(): MemberRecord[] {
		return [...this.members.values()].sort((a, b) => compareIds(a.ID, b.ID));
	}

	get(id: bigint): MemberRecord | undefined {
		return this.members.get(id);
	}

	has(id: bigint): boolean {
		return this.members.has(id);
	}

	isRemoved(id: bigint): boolean {
		return this.removed.has(id);
	}

	voterIds(): bigint[] {
		return this.list()
			.filter((m) => !m.isLearner)
			.map((m) => m.ID);
	}

	/** Validation done before proposing an add, with etcd's errors. */
	validateAdd(id: bigint, peerURLs: string[], isLearner: boolean): void {
		if (this.members.has(id) || this.removed.has(id)) throw Errors.MemberExist();
		for (const m of this.members.values()) {
			if (m.peerURLs.some((u) => peerURLs.includes(u))) throw Errors.PeerURLExist();
		}
		if (isLearner && this.list().filter((m) => m.isLearner).length >= MAX_LEARNERS) {
			throw Errors.TooManyLearners();
		}
	}

	validateUpdate(id: bigint, peerURLs: string[]): void {
		if (!this.members.has(id)) throw Errors.MemberNotFound();
		for (const m of this.members.values()) {
			if (m.ID !== id && m.peerURLs.some((u) => peerURLs.includes(u))) throw Errors.PeerURLExist();
		}
	}

	add(record: MemberRecord): void {
		this.members.set(record.ID, { ...record });
	}

	remove(id: bigint): void {
		this.members.delete(id);
		this.removed.add(id);
	}

	updatePeerURLs(id: bigint, peerURLs: string[]): void {
		const m = this.members.get(id);
		if (m) m.peerURLs = [...peerURLs];
	}

	promote(id: bigint): void {
		const m = this.members.get(id);
		if (m) m.isLearner = false;
	}

	setAttributes(id: bigint, name: string, clientURLs: string[]): void {
		const m = this.members.get(id);
		if (m) {
			m.name = name;
			m.clientURLs = [...clientURLs];
		}
	}
}

export function toApiMember(m: MemberRecord): Member {
	return {
		ID: m.ID,
		name: m.name,
		peerURLs: [...m.peerURLs],
		clientURLs: [...m.clientURLs],
		isLearner: m.isLearner
	};
}
