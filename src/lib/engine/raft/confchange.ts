/**
 * Single-member configuration changes (etcd's ConfChange v1: one voter or learner at a time, so
 * any two consecutive configurations share a majority and joint consensus is never needed).
 *
 *   AddNode         new voter, or promote an existing learner to voter
 *   AddLearnerNode  new learner (receives the log, never votes or counts for quorum)
 *   RemoveNode      drop a voter or learner
 *   UpdateNode      no change to the configuration (carries application context only)
 *
 * A ConfChange travels in the log as the data of a 'ConfChange' entry, encoded as
 * [type:1][nodeId:8 big-endian][context...].
 */
import { Progress, type ProgressTracker } from './progress';
import type { ConfChange, ConfChangeType, ConfState } from './types';

const TYPE_CODES: ConfChangeType[] = ['AddNode', 'RemoveNode', 'UpdateNode', 'AddLearnerNode'];

export function encodeConfChange(cc: ConfChange): Uint8Array {
	const ctx = cc.context ?? new Uint8Array(0);
	const out = new Uint8Array(9 + ctx.length);
	out[0] = TYPE_CODES.indexOf(cc.type);
	let id = cc.nodeId;
	for (let i = 8; i >= 1; i--) {
		out[i] = Number(id & 0xffn);
		id >>= 8n;
	}
	out.set(ctx, 9);
	return out;
}

export function decodeConfChange(data: Uint8Array): ConfChange {
	if (data.length < 9 || data[0] >= TYPE_CODES.length)
		throw new Error('malformed ConfChange entry');
	let id = 0n;
	for (let i = 1; i <= 8; i++) id = (id << 8n) | BigInt(data[i]);
	const cc: ConfChange = { type: TYPE_CODES[data[0]], nodeId: id };
	if (data.length > 9) cc.context = data.slice(9);
	return cc;
}

/**
 * Applies one change to the tracker. New members start probing from `nextIndex` and count as
 * recently active, so a check-quorum round right after an add does not depose the leader.
 */
export function applyToTracker(tr: ProgressTracker, cc: ConfChange, nextIndex: number): void {
	const id = cc.nodeId;
	if (id === 0n) return;
	const ensure = (learner: boolean) => {
		let pr = tr.progress.get(id);
		if (!pr) {
			pr = new Progress(nextIndex, tr.maxInflight, learner);
			pr.recentActive = true;
			tr.progress.set(id, pr);
		}
		pr.isLearner = learner;
	};
	switch (cc.type) {
		case 'AddNode':
			tr.learners.delete(id);
			tr.voters.add(id);
			ensure(false);
			break;
		case 'AddLearnerNode':
			tr.voters.delete(id);
			tr.learners.add(id);
			ensure(true);
			break;
		case 'RemoveNode':
			tr.voters.delete(id);
			tr.learners.delete(id);
			tr.progress.delete(id);
			tr.votes.delete(id);
			break;
		case 'UpdateNode':
			break;
	}
}

export function confStateOf(tr: ProgressTracker): ConfState {
	const sort = (s: Set<bigint>) => [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	return { voters: sort(tr.voters), learners: sort(tr.learners) };
}
