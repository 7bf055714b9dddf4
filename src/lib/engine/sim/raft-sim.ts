/**
 * One seeded run of a Raft cluster under faults: 3 or 5 voters bootstrap, a client proposes and
 * reads through random members, and the fault scheduler partitions, crashes, restarts, changes
 * membership and transfers leadership. After the fault phase everything heals and the cluster
 * must make progress again (a final proposal is applied by every live member).
 */
import { ErrProposalDropped } from '../raft/errors';
import type { Message, NodeId } from '../raft/types';
import { utf8 } from '../util/bytes';
import { RaftCheckers } from './checkers';
import { FAULT_KINDS, FaultScheduler, faultRates, type FaultKind, type FaultRates } from './faults';
import { RaftSimNode, type RaftNodeOptions } from './raft-node';
import { Simulator, type Workload } from './simulator';

export interface SimOptions {
	faults: readonly FaultKind[];
	/** Length of the fault phase, ms. */
	faultMs: number;
	/** Length of the quiet phase after healing, ms. */
	quietMs: number;
}

export const DEFAULT_SIM_OPTIONS: SimOptions = {
	faults: FAULT_KINDS,
	faultMs: 8000,
	quietMs: 8000
};

/**
 * Without pre-vote, a candidate with a short log keeps resetting everyone's election timer, and
 * only a node with the longest log can win: elections may take many rounds (the very problem
 * pre-vote solves), so such runs get a longer quiet phase before liveness is judged.
 */
const QUIET_MS_WITHOUT_PREVOTE = 30000;

export interface SimResult {
	seed: number;
	violation?: { checker: string; details: string };
	/** Hash of every delivery: equal for two runs of the same seed. */
	trace: number;
	stats: {
		applied: number;
		leaders: number;
		messages: number;
		crashes: number;
		confChanges: number;
		transfers: number;
		reads: number;
	};
}

type Sim = Simulator<Message, RaftSimNode>;

class RaftWorkload implements Workload<Message, RaftSimNode> {
	readonly checkers = new RaftCheckers();
	private readonly scheduler: FaultScheduler;
	private nextId: bigint;
	private proposals = 0;
	private readSeq = 0;
	phase: 'faults' | 'quiet' = 'faults';
	stats = { crashes: 0, confChanges: 0, transfers: 0, reads: 0 };

	constructor(
		private readonly sim: Sim,
		rates: FaultRates,
		private readonly nodeOpts: RaftNodeOptions,
		voters: number
	) {
		this.scheduler = new FaultScheduler(sim.rng, rates);
		const peers: NodeId[] = [];
		for (let i = 1; i <= voters; i++) peers.push(BigInt(i));
		this.nextId = BigInt(voters + 1);
		for (const id of peers) {
			sim.add(new RaftSimNode(id, nodeOpts, sim.rng, this.checkers, peers));
		}
	}

	private leader(): RaftSimNode | undefined {
		let best: RaftSimNode | undefined;
		for (const n of this.sim.sorted()) {
			if (n.isLeader() && (!best || n.rn.raft.term > best.rn.raft.term)) best = n;
		}
		return best;
	}

	private live(): RaftSimNode[] {
		return this.sim.sorted().filter((n) => n.alive);
	}

	step(sim: Sim): void {
		const rng = sim.rng;
		if (this.phase === 'faults' && sim.now % 10 === 0) this.injectFaults();
		if (sim.now % 10 === 0) this.shutDownRemoved();
		// Client traffic during the fault phase: a proposal or a read through a random live member
		// every ~20 ms (every ~100 ms when MsgApps carry one entry, or the backlog outgrows the
		// cluster's throughput).
		const rate = this.nodeOpts.maxSizePerMsg === 1 ? 0.01 : 0.05;
		if (this.phase === 'faults' && rng.next() < rate) {
			const live = this.live();
			if (live.length > 0) {
				const n = live[rng.int(live.length)];
				if (rng.next() < 0.8) {
					n.propose(utf8(`v${this.proposals++}`));
				} else {
					const ctx = utf8(`r${this.readSeq++}`);
					let committed = 0;
					for (const m of sim.nodes.values())
						committed = Math.max(committed, m.rn.raft.log.committed);
					this.checkers.observeReadRequested(ctx, committed);
					n.rn.readIndex(ctx);
					this.stats.reads++;
				}
			}
		}
	}

	private injectFaults(): void {
		const sim = this.sim;
		const live = this.live().map((n) => n.id);
		const crashed = sim
			.sorted()
			.filter((n) => !n.alive && !n.removed)
			.map((n) => n.id);
		for (const f of this.scheduler.next(live, crashed, sim.network.isPartitioned())) {
			switch (f.kind) {
				case 'partition':
					sim.network.partition(f.groups);
					break;
				case 'heal':
					sim.network.heal();
					break;
				case 'crash':
					sim.nodes.get(f.id)?.crash();
					this.stats.crashes++;
					break;
				case 'restart':
					sim.nodes.get(f.id)?.restart();
					break;
				case 'membership':
					this.changeMembership();
					break;
				case 'transfer': {
					const l = this.leader();
					if (!l) break;
					const voters = l.rn.status().config.voters.filter((id) => id !== l.id);
					if (voters.length === 0) break;
					l.rn.transferLeader(voters[sim.rng.int(voters.length)]);
					this.stats.transfers++;
					break;
				}
			}
		}
	}

	/**
	 * A member removed while cut off never applies its own removal; in etcd the first peer it
	 * reaches answers "removed member" and it stops. Model that.
	 */
	private shutDownRemoved(): void {
		const live = this.live();
		for (const n of live) {
			if (live.some((p) => p.removedIds.has(n.id) && this.sim.network.connected(p.id, n.id))) {
				n.leave();
			}
		}
	}

	/** One membership change through the leader: add a learner or voter, promote, or remove. */
	private changeMembership(): void {
		const sim = this.sim;
		const l = this.leader();
		if (!l) return;
		const cfg = l.rn.status().config;
		const choice = sim.rng.int(4);
		const total = sim.nodes.size;
		if ((choice === 0 || choice === 1) && total < 9 && cfg.learners.length === 0) {
			// New member: it starts empty and catches up from the leader (usually by snapshot).
			const id = this.nextId++;
			const n = new RaftSimNode(id, this.nodeOpts, sim.rng, this.checkers);
			sim.add(n);
			const type = choice === 0 ? 'AddLearnerNode' : 'AddNode';
			if (l.proposeConfChange({ type, nodeId: id })) this.stats.confChanges++;
		} else if (choice === 2 && cfg.learners.length > 0) {
			if (l.proposeConfChange({ type: 'AddNode', nodeId: cfg.learners[0] }))
				this.stats.confChanges++;
		} else if (choice === 3) {
			const members = [...cfg.voters, ...cfg.learners];
			const victim = members[sim.rng.int(members.length)];
			// Keep at least three voters so the cluster can still lose one and make progress.
			if (cfg.voters.includes(victim) && cfg.voters.length <= 3) return;
			if (l.proposeConfChange({ type: 'RemoveNode', nodeId: victim })) this.stats.confChanges++;
		}
	}

	/** Heal everything and restart every crashed member for the quiet phase. */
	heal(): void {
		this.phase = 'quiet';
		this.sim.network.heal();
		this.sim.network.options = { ...this.sim.network.options, drop: 0, longDelay: 0 };
		for (const n of this.sim.sorted()) if (!n.alive && !n.removed) n.restart();
	}

	check(): string | undefined {
		const v = this.checkers.violation;
		return v ? `${v.checker}: ${v.details}` : undefined;
	}

	/**
	 * After healing: a leader accepts a fresh proposal. Returns the index it was appended at (the
	 * target every member must apply), or undefined.
	 */
	proposeFinal(): number | undefined {
		const l = this.leader();
		if (!l) return undefined;
		try {
			l.rn.propose(utf8('final'));
			return l.rn.raft.log.lastIndex();
		} catch (e) {
			if (e instanceof ErrProposalDropped) return undefined;
			throw e;
		}
	}
}

export function runSeed(seed: number, opts: SimOptions = DEFAULT_SIM_OPTIONS): SimResult {
	const sim: Sim = new Simulator<Message, RaftSimNode>(seed, faultRates(opts.faults).network);
	const rates = faultRates(opts.faults, 0.5 + 2.5 * sim.rng.next());
	sim.network.options = rates.network;
	const nodeOpts: RaftNodeOptions = {
		preVote: sim.rng.next() < 0.8,
		checkQuorum: sim.rng.next() < 0.8,
		// Sometimes one entry per MsgApp: old-term entries then travel without the new leader's
		// empty entry, which is when commit-by-counting bugs (Raft's Figure 8) can show.
		maxSizePerMsg: sim.rng.next() < 0.3 ? 1 : 64 + sim.rng.int(512),
		maxInflightMsgs: 1 + sim.rng.int(8),
		maxSyncDelay: rates.maxSyncDelay,
		snapshotEvery: 10 + sim.rng.int(40),
		compactionSlack: sim.rng.int(10)
	};
	const voters = sim.rng.next() < 0.6 ? 3 : 5;
	const w = new RaftWorkload(sim, rates, nodeOpts, voters);

	const finish = (violation?: string): SimResult => {
		let leaders = 0;
		for (const n of sim.nodes.values()) if (n.isLeader()) leaders++;
		const result: SimResult = {
			seed,
			trace: sim.trace,
			stats: {
				applied: w.checkers.maxApplied,
				leaders,
				messages: sim.network.stats.sent,
				...w.stats
			}
		};
		if (violation) {
			const i = violation.indexOf(': ');
			result.violation = { checker: violation.slice(0, i), details: violation.slice(i + 2) };
		}
		return result;
	};

	let v = sim.run(w, opts.faultMs);
	if (v) return finish(v);
	w.heal();
	// Liveness: within the quiet phase, some leader must accept a final proposal and every live
	// member of its configuration must apply it.
	const deadline =
		opts.faultMs +
		(nodeOpts.preVote ? opts.quietMs : Math.max(opts.quietMs, QUIET_MS_WITHOUT_PREVOTE));
	let proposedAt = -1;
	let target = 0;
	while (sim.now < deadline) {
		v = sim.run(w, Math.min(deadline, sim.now + 200));
		if (v) return finish(v);
		if (target > 0 && finalApplied(sim, target)) return finish();
		if (proposedAt < 0 || sim.now - proposedAt > 2000) {
			const at = w.proposeFinal();
			if (at !== undefined) {
				proposedAt = sim.now;
				target = at;
			}
		}
	}
	return finish('liveness: the cluster did not apply a new proposal after healing');
}

function finalApplied(sim: Sim, target: number): boolean {
	let leader: RaftSimNode | undefined;
	for (const n of sim.sorted())
		if (n.isLeader() && (!leader || n.rn.raft.term > leader.rn.raft.term)) leader = n;
	if (!leader) return false;
	const cfg = leader.rn.status().config;
	for (const id of [...cfg.voters, ...cfg.learners]) {
		const n = sim.nodes.get(id);
		if (!n || !n.alive) return false;
		if (n.appliedTo() < target || n.rn.raft.log.committed < target) return false;
	}
	return true;
}
