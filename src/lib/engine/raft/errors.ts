/** Errors of the Raft core. Storage errors are values callers test for with `instanceof`. */

export class RaftError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'RaftError';
	}
}

/** The requested index is older than the storage's first index (it was compacted away). */
export class ErrCompacted extends RaftError {
	constructor() {
		super('requested index is unavailable due to compaction');
	}
}

/** The requested index is newer than the storage's last index. */
export class ErrUnavailable extends RaftError {
	constructor() {
		super('requested entry at index is unavailable');
	}
}

/** A snapshot older than the one in storage was offered. */
export class ErrSnapOutOfDate extends RaftError {
	constructor() {
		super('requested index is older than the existing snapshot');
	}
}

/** The storage cannot produce a snapshot right now; the leader retries later. */
export class ErrSnapshotTemporarilyUnavailable extends RaftError {
	constructor() {
		super('snapshot is temporarily unavailable');
	}
}

/** A proposal was refused: no known leader, a leader transfer is under way, or the size limit. */
export class ErrProposalDropped extends RaftError {
	constructor() {
		super('raft proposal dropped');
	}
}

/** A local message (MsgHup, MsgBeat, ...) was passed to step() from outside. */
export class ErrStepLocalMsg extends RaftError {
	constructor() {
		super('raft: cannot step raft local message');
	}
}

/** A response arrived from a node that is not in the configuration. */
export class ErrStepPeerNotFound extends RaftError {
	constructor() {
		super('raft: cannot step as peer not found');
	}
}

/** Broken invariants: these mean a bug (or corrupted storage), never a recoverable state. */
export function panic(message: string): never {
	throw new RaftError(`raft panic: ${message}`);
}
