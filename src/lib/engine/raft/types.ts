/**
 * The vocabulary of the Raft core: log entries, messages, hard state and snapshots. Every value
 * here is a plain structured-cloneable object (bigint IDs, number indexes, Uint8Array payloads),
 * so a message can cross a BroadcastChannel or a worker boundary unchanged.
 */

/** Node (etcd member) ID. 0n means "nobody" (no leader, no vote). */
export type NodeId = bigint;
export const NONE: NodeId = 0n;

export type EntryType = 'Normal' | 'ConfChange';

export interface Entry {
	term: number;
	index: number;
	type: EntryType;
	data: Uint8Array;
}

export interface ConfState {
	voters: NodeId[];
	learners: NodeId[];
}

export interface SnapshotMetadata {
	index: number;
	term: number;
	confState: ConfState;
}

export interface Snapshot {
	data: Uint8Array;
	metadata: SnapshotMetadata;
}

/** What must be on stable storage before any message of the same Ready is sent. */
export interface HardState {
	term: number;
	vote: NodeId;
	commit: number;
}

export type StateType = 'Follower' | 'Candidate' | 'Leader' | 'PreCandidate';

/** Volatile state, reported in a Ready when it changes. Not persisted. */
export interface SoftState {
	lead: NodeId;
	raftState: StateType;
}

/** The answer to a ReadIndex request: reads with `requestCtx` may be served once applied >= index. */
export interface ReadState {
	index: number;
	requestCtx: Uint8Array;
}

export type MessageType =
	// Local messages: never sent over the network.
	| 'MsgHup'
	| 'MsgBeat'
	| 'MsgUnreachable'
	| 'MsgSnapStatus'
	| 'MsgCheckQuorum'
	// Network messages.
	| 'MsgProp'
	| 'MsgApp'
	| 'MsgAppResp'
	| 'MsgVote'
	| 'MsgVoteResp'
	| 'MsgPreVote'
	| 'MsgPreVoteResp'
	| 'MsgSnap'
	| 'MsgHeartbeat'
	| 'MsgHeartbeatResp'
	| 'MsgTransferLeader'
	| 'MsgTimeoutNow'
	| 'MsgReadIndex'
	| 'MsgReadIndexResp';

export interface Message {
	type: MessageType;
	from: NodeId;
	to: NodeId;
	term: number;
	/** Term of the entry at `index` (MsgApp: the entry before `entries`; votes: last log term). */
	logTerm: number;
	index: number;
	entries: Entry[];
	commit: number;
	reject: boolean;
	rejectHint: number;
	snapshot?: Snapshot;
	context?: Uint8Array;
}

export type ConfChangeType = 'AddNode' | 'RemoveNode' | 'AddLearnerNode' | 'UpdateNode';

/** A single-member configuration change (etcd's ConfChange v1). */
export interface ConfChange {
	type: ConfChangeType;
	nodeId: NodeId;
	context?: Uint8Array;
}

/**
 * One batch of work for the caller. In order: persist `hardState`, `entries` and `snapshot`
 * (synchronously if `mustSync`), then send `messages`, then apply `snapshot` and
 * `committedEntries` to the state machine, then call `advance(rd)`.
 */
export interface Ready {
	softState?: SoftState;
	hardState?: HardState;
	readStates: ReadState[];
	entries: Entry[];
	snapshot?: Snapshot;
	committedEntries: Entry[];
	messages: Message[];
	mustSync: boolean;
}

/** Builds a message with every field present (defaults are zero values). */
export function msg(m: Partial<Message> & { type: MessageType }): Message {
	return {
		from: NONE,
		to: NONE,
		term: 0,
		logTerm: 0,
		index: 0,
		entries: [],
		commit: 0,
		reject: false,
		rejectHint: 0,
		...m
	};
}

export function isLocalMsg(t: MessageType): boolean {
	return (
		t === 'MsgHup' ||
		t === 'MsgBeat' ||
		t === 'MsgUnreachable' ||
		t === 'MsgSnapStatus' ||
		t === 'MsgCheckQuorum'
	);
}

export function isResponseMsg(t: MessageType): boolean {
	return (
		t === 'MsgAppResp' ||
		t === 'MsgVoteResp' ||
		t === 'MsgHeartbeatResp' ||
		t === 'MsgUnreachable' ||
		t === 'MsgPreVoteResp'
	);
}

export function voteRespType(t: MessageType): MessageType {
	if (t === 'MsgVote') return 'MsgVoteResp';
	if (t === 'MsgPreVote') return 'MsgPreVoteResp';
	throw new Error(`not a vote message: ${t}`);
}

export const EMPTY_HARD_STATE: HardState = { term: 0, vote: NONE, commit: 0 };

export function isEmptyHardState(hs: HardState): boolean {
	return hs.term === 0 && hs.vote === NONE && hs.commit === 0;
}

export function hardStateEqual(a: HardState, b: HardState): boolean {
	return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

export function emptySnapshot(): Snapshot {
	return {
		data: new Uint8Array(0),
		metadata: { index: 0, term: 0, confState: { voters: [], learners: [] } }
	};
}

export function isEmptySnapshot(s: Snapshot | undefined): boolean {
	return s === undefined || s.metadata.index === 0;
}

/** Bytes an entry counts for in size limits: its payload plus a small fixed header. */
export function entrySize(e: Entry): number {
	return e.data.length + 16;
}

/** The longest prefix of `ents` within `maxSize` bytes, but never fewer than one entry. */
export function limitSize(ents: Entry[], maxSize: number): Entry[] {
	if (ents.length === 0) return ents;
	let size = entrySize(ents[0]);
	let n = 1;
	for (; n < ents.length; n++) {
		size += entrySize(ents[n]);
		if (size > maxSize) break;
	}
	return n === ents.length ? ents : ents.slice(0, n);
}

/** The payload bytes of entries, as counted by the uncommitted-size limit. */
export function payloadSize(ents: Entry[]): number {
	let s = 0;
	for (const e of ents) s += e.data.length;
	return s;
}
