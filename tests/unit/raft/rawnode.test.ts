// Direct tests of the RawNode contract and of the pieces under the data-driven scripts.
import { describe, expect, it } from 'vitest';
import {
	decodeConfChange,
	encodeConfChange,
	ErrProposalDropped,
	ErrStepLocalMsg,
	Inflights,
	MemoryStorage,
	msg,
	Progress,
	RawNode,
	type Ready
} from '../../../src/lib/engine/raft';
import { SeededRng } from '../../../src/lib/engine/util/rand';
import { utf8 } from '../../../src/lib/engine/util/bytes';

function node(id: bigint, storage = new MemoryStorage(), extra: object = {}) {
	return new RawNode({
		id,
		electionTick: 10,
		heartbeatTick: 1,
		storage,
		rng: new SeededRng(Number(id)),
		preVote: false,
		checkQuorum: false,
		maxSizePerMsg: 1 << 20,
		maxInflightMsgs: 256,
		...extra
	});
}

/** Persists, applies conf changes and advances; returns the Ready. */
function handle(rn: RawNode, s: MemoryStorage): Ready {
	const rd = rn.ready();
	if (rd.snapshot) s.applySnapshot(rd.snapshot);
	if (rd.hardState) s.setHardState(rd.hardState);
	s.append(rd.entries);
	for (const e of rd.committedEntries) {
		if (e.type === 'ConfChange') rn.applyConfChange(decodeConfChange(e.data));
	}
	rn.advance(rd);
	return rd;
}

describe('RawNode', () => {
	it('bootstraps a single-node cluster that elects itself and commits after persisting', () => {
		const s = new MemoryStorage();
		const rn = node(1n, s);
		rn.bootstrap([1n]);
		const first = handle(rn, s);
		expect(first.hardState).toEqual({ term: 1, vote: 0n, commit: 1 });
		expect(first.committedEntries.map((e) => e.type)).toEqual(['ConfChange']);
		rn.campaign();
		expect(rn.status().raftState).toBe('Leader');
		rn.propose(utf8('x'));
		// The leader counts its own log only once the entries are persisted (advance).
		const rd = handle(rn, s);
		expect(rd.entries.map((e) => e.index)).toEqual([2, 3]);
		expect(rd.committedEntries).toEqual([]);
		expect(rn.status().commit).toBe(3);
		expect(handle(rn, s).committedEntries.map((e) => e.index)).toEqual([2, 3]);
	});

	it('hands out one Ready at a time', () => {
		const s = new MemoryStorage();
		const rn = node(1n, s);
		rn.bootstrap([1n]);
		const rd = rn.ready();
		expect(rn.hasReady()).toBe(false);
		expect(() => rn.ready()).toThrow(/advance/);
		rn.advance(rd);
		expect(() => rn.advance(rd)).toThrow(/outstanding/);
	});

	it('refuses local messages from the network and ignores responses from strangers', () => {
		const rn = node(1n);
		rn.bootstrap([1n, 2n]);
		expect(() => rn.step(msg({ type: 'MsgHup', from: 2n, to: 1n }))).toThrow(ErrStepLocalMsg);
		expect(rn.step(msg({ type: 'MsgAppResp', from: 9n, to: 1n, term: 1 }))).toBe(false);
	});

	it('drops proposals without a leader', () => {
		const rn = node(1n);
		rn.bootstrap([1n, 2n, 3n]);
		expect(() => rn.propose(utf8('x'))).toThrow(ErrProposalDropped);
	});

	it('bounds uncommitted payload on the leader (maxUncommittedEntriesSize)', () => {
		const s = new MemoryStorage();
		const rn = node(1n, s, { maxUncommittedEntriesSize: 10 });
		rn.bootstrap([1n, 2n, 3n]);
		handle(rn, s);
		rn.campaign();
		handle(rn, s);
		rn.step(msg({ type: 'MsgVoteResp', from: 2n, to: 1n, term: 2 }));
		expect(rn.status().raftState).toBe('Leader');
		rn.propose(new Uint8Array(6));
		expect(() => rn.propose(new Uint8Array(6))).toThrow(ErrProposalDropped);
		// Small ones still fit under the limit.
		rn.propose(new Uint8Array(4));
	});

	it('does not campaign while a committed conf change is unapplied', () => {
		const s = new MemoryStorage();
		const rn = node(1n, s);
		rn.bootstrap([1n, 2n, 3n]);
		// The bootstrap entries are committed but the caller has not applied them yet.
		rn.campaign();
		expect(rn.status().raftState).toBe('Follower');
		handle(rn, s);
		rn.campaign();
		expect(rn.status().raftState).toBe('Candidate');
	});

	it('fast-forwards election ticks on boot so the first election comes within electionTick', () => {
		for (let id = 1n; id <= 20n; id++) {
			const rn = node(id);
			rn.bootstrap([id, 100n, 101n]);
			const rd = rn.ready();
			for (const e of rd.committedEntries) rn.applyConfChange(decodeConfChange(e.data));
			rn.advance(rd);
			rn.advanceTicks(9);
			let ticks = 0;
			while (rn.status().raftState === 'Follower') {
				rn.tick();
				ticks++;
			}
			expect(ticks).toBeLessThanOrEqual(10);
		}
	});
});

describe('Progress and flow control', () => {
	it('admits at most the window size of in-flight appends and frees them in order', () => {
		const inf = new Inflights(3);
		inf.add(5);
		inf.add(7);
		inf.add(9);
		expect(inf.full()).toBe(true);
		expect(() => inf.add(10)).toThrow();
		inf.freeLE(7);
		expect(inf.count()).toBe(1);
		inf.freeFirstOne();
		expect(inf.count()).toBe(0);
	});

	it('moves next back on a rejection but never below match', () => {
		const pr = new Progress(11, 4, false);
		pr.match = 5;
		pr.becomeReplicate();
		pr.optimisticUpdate(9);
		expect(pr.maybeDecrTo(4, 0)).toBe(false); // stale: already matched past it
		expect(pr.maybeDecrTo(8, 0)).toBe(true);
		expect(pr.next).toBe(6);
		pr.becomeProbe();
		pr.probeSent = true;
		expect(pr.isPaused()).toBe(true);
		expect(pr.maybeDecrTo(5, 2)).toBe(true);
		expect(pr.next).toBe(3);
		expect(pr.isPaused()).toBe(false);
	});

	it('resumes after a snapshot from the snapshot index', () => {
		const pr = new Progress(1, 4, false);
		pr.becomeSnapshot(20);
		expect(pr.isPaused()).toBe(true);
		pr.becomeProbe();
		expect(pr.next).toBe(21);
	});
});

describe('ConfChange encoding', () => {
	it('round-trips uint64 member IDs and context', () => {
		const cc = {
			type: 'AddLearnerNode' as const,
			nodeId: 0xac50589ee05989dfn,
			context: utf8('peer')
		};
		expect(decodeConfChange(encodeConfChange(cc))).toEqual(cc);
		expect(decodeConfChange(encodeConfChange({ type: 'RemoveNode', nodeId: 1n }))).toEqual({
			type: 'RemoveNode',
			nodeId: 1n
		});
	});
});
