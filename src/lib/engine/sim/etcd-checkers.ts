/**
 * Safety checkers for whole etcd members, beside the client-side linearizability check:
 *
 *   election-safety    at most one leader per term (RaftCheckers, fed by role changes)
 *   apply-agreement    every member reaches the same store revision after applying the same
 *                      raft index
 *   revision-agreement every member commits the same writes at the same revision
 *   hashkv-agreement   members at the same revision (and compact revision) have the same
 *                      HashKV, sampled as the run goes and once at the end
 *   acked-write-lost   every acknowledged write is in the history of every member that has
 *                      applied its revision: a put's key holds its value with mod_revision at
 *                      that revision, a delete's key is absent there
 *   durability         after healing, every member of the cluster reaches the revision of
 *                      every acknowledged write
 */
import type { Event } from '../api/types';
import { bytesKey, fromUtf8, utf8 } from '../util/bytes';
import { RaftCheckers, type Violation } from './checkers';
import type { EtcdSimNode } from './etcd-node';

/** What an acknowledged write did: the revision it got, and each key's value after it. */
export interface AckedWrite {
	rev: number;
	/** A value for a put; null for a delete that removed the key. */
	effects: { key: string; value: string | null }[];
	/** For messages. */
	what: string;
}

/** A committed write transaction as every member must see it. */
function eventsText(events: Event[]): string {
	return events
		.map((e) => `${e.type} ${bytesKey(e.kv.key)}=${bytesKey(e.kv.value)}/${e.kv.lease}`)
		.join(';');
}

export class EtcdCheckers {
	/** revision -> the writes committed there (the first member to report it), for everyone. */
	readonly revisions = new Map<number, { text: string; events: Event[]; node: string }>();
	readonly raft = new RaftCheckers();
	private own: Violation | undefined;
	private revAtIndex = new Map<number, { rev: number; node: string }>();
	private hashAt = new Map<string, { hash: number; node: string }>();
	readonly acked: AckedWrite[] = [];
	maxAckedRev = 1;
	/** How many (member, write) pairs the acked-write check has verified. */
	verified = 0;

	get violation(): Violation | undefined {
		return this.own ?? this.raft.violation;
	}

	fail(checker: string, details: string): void {
		if (!this.own) this.own = { checker, details };
	}

	observeLeader(node: EtcdSimNode, term: number): void {
		this.raft.observeLeader(node.id, term);
	}

	/** `node` applied raft entry `index`, reaching store revision `rev`. */
	observeApply(node: EtcdSimNode, index: number, rev: number): void {
		// A restarted member re-runs entries its store already holds; it reports the newer
		// revision then, so those replays say nothing.
		if (index <= node.replayedUpTo) return;
		const seen = this.revAtIndex.get(index);
		if (!seen) this.revAtIndex.set(index, { rev, node: node.name });
		else if (seen.rev !== rev)
			this.fail(
				'apply-agreement',
				`${node.name} is at revision ${rev} after raft index ${index}, ${seen.node} was at ${seen.rev}`
			);
	}

	/** `node`'s store committed `events` at `rev`: every member must commit the same there. */
	observeCommit(node: EtcdSimNode, rev: number, events: Event[]): void {
		const text = eventsText(events);
		const seen = this.revisions.get(rev);
		if (!seen) this.revisions.set(rev, { text, events, node: node.name });
		else if (seen.text !== text)
			this.fail(
				'revision-agreement',
				`${node.name} committed different writes at revision ${rev} than ${seen.node}`
			);
	}

	acknowledge(w: AckedWrite): void {
		this.acked.push(w);
		if (w.rev > this.maxAckedRev) this.maxAckedRev = w.rev;
	}

	/** Records each live member's HashKV at its current revision; equal revisions must agree. */
	sampleHashes(nodes: EtcdSimNode[]): void {
		for (const n of nodes) {
			const s = n.server;
			if (!n.alive || !s) continue;
			const rev = s.store.currentRevision;
			const compact = s.store.compactRevision;
			this.compareHash(n, rev, compact, s.store.hashKV(rev).hash);
		}
	}

	private compareHash(n: EtcdSimNode, rev: number, compact: number, hash: number): void {
		const key = `${rev}/${compact}`;
		const seen = this.hashAt.get(key);
		if (!seen) this.hashAt.set(key, { hash, node: n.name });
		else if (seen.hash !== hash)
			this.fail(
				'hashkv-agreement',
				`${n.name} has hashkv ${hash.toString(16)} at revision ${rev} (compacted at ${compact}), ${seen.node} has ${seen.hash.toString(16)}`
			);
	}

	/** Every acknowledged write must be in the history of every member that applied it. */
	checkAcked(nodes: EtcdSimNode[]): void {
		for (const n of nodes) {
			const s = n.server;
			if (!n.alive || !s) continue;
			const cur = s.store.currentRevision;
			for (const w of this.acked) {
				if (w.rev > cur || w.rev <= s.store.compactRevision) continue;
				for (const e of w.effects) {
					const kvs = s.store.range({ key: utf8(e.key), revision: w.rev }).kvs;
					const kv = kvs[0];
					const ok =
						e.value === null
							? kvs.length === 0
							: kv !== undefined && kv.mod_revision === w.rev && fromUtf8(kv.value) === e.value;
					if (!ok) {
						const got = kv ? `${fromUtf8(kv.value)}@${kv.mod_revision}` : 'nothing';
						this.fail(
							'acked-write-lost',
							`${n.name} at revision ${cur}: ${w.what} was acknowledged at revision ${w.rev}, but ${e.key} reads ${got} there`
						);
						return;
					}
					this.verified++;
				}
			}
		}
	}

	/**
	 * At the end, with the cluster healed and caught up: every member reached every
	 * acknowledged revision, and all agree on HashKV at the lowest current revision.
	 */
	checkFinal(members: EtcdSimNode[]): void {
		let common = Infinity;
		for (const n of members) {
			const s = n.server;
			if (!n.alive || !s) {
				this.fail('durability', `${n.name} is not running after healing`);
				return;
			}
			const cur = s.store.currentRevision;
			if (cur < this.maxAckedRev) {
				this.fail(
					'durability',
					`${n.name} is at revision ${cur}, below acknowledged revision ${this.maxAckedRev}`
				);
				return;
			}
			common = Math.min(common, cur);
		}
		this.checkAcked(members);
		// HashKV values are comparable only between members compacted at the same revision.
		const compacts = new Set(members.map((n) => n.server!.store.compactRevision));
		if (common === Infinity || compacts.size !== 1 || common < [...compacts][0]) return;
		let first: { name: string; hash: number } | undefined;
		for (const n of members) {
			const h = n.server!.store.hashKV(common).hash;
			if (!first) first = { name: n.name, hash: h };
			else if (first.hash !== h)
				this.fail(
					'hashkv-agreement',
					`at revision ${common}: ${n.name} has hashkv ${h.toString(16)}, ${first.name} has ${first.hash.toString(16)}`
				);
		}
	}
}
