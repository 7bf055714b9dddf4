/**
 * The interaction environment behind the data-driven scripts in testdata/: a handful of RawNodes
 * on MemoryStorage, a mailbox of undelivered messages, and commands that drive them step by step
 * while printing what happens. Each command returns its printed output.
 */
import {
	decodeConfChange,
	MemoryStorage,
	RawNode,
	type ConfChangeType,
	type Entry,
	type Message,
	type NodeId,
	type Ready,
	type Snapshot
} from '../../../src/lib/engine/raft';
import { SeededRng } from '../../../src/lib/engine/util/rand';
import { fromUtf8, utf8 } from '../../../src/lib/engine/util/bytes';

export interface Command {
	name: string;
	args: string[];
	/** key=value arguments; a value in parentheses is a comma-separated list. */
	kv: Map<string, string>;
}

export function parseCommand(line: string): Command {
	const parts = line.trim().split(/\s+/);
	const name = parts[0];
	const args: string[] = [];
	const kv = new Map<string, string>();
	for (const p of parts.slice(1)) {
		const eq = p.indexOf('=');
		if (eq > 0) kv.set(p.slice(0, eq), p.slice(eq + 1).replace(/^\((.*)\)$/, '$1'));
		else args.push(p);
	}
	return { name, args, kv };
}

function ids(list: string | undefined): NodeId[] {
	if (!list) return [];
	return list
		.split(',')
		.filter((s) => s.length > 0)
		.map((s) => BigInt(s));
}

export function formatEntry(e: Entry): string {
	if (e.type === 'ConfChange') {
		const cc = decodeConfChange(e.data);
		return `${e.term}/${e.index} ConfChange ${cc.type} ${cc.nodeId}`;
	}
	return `${e.term}/${e.index} Normal "${fromUtf8(e.data)}"`;
}

function formatSnapshot(s: Snapshot): string {
	const cs = s.metadata.confState;
	return `Index:${s.metadata.index} Term:${s.metadata.term} Voters:[${cs.voters.join(' ')}] Learners:[${cs.learners.join(' ')}]`;
}

export function formatMessage(m: Message): string {
	let s = `${m.from}->${m.to} ${m.type} Term:${m.term} Log:${m.logTerm}/${m.index}`;
	if (m.commit !== 0) s += ` Commit:${m.commit}`;
	if (m.reject) s += ` Rejected (Hint: ${m.rejectHint})`;
	if (m.entries.length > 0) s += ` Entries:[${m.entries.map(formatEntry).join(', ')}]`;
	if (m.snapshot) s += ` Snapshot:[${formatSnapshot(m.snapshot)}]`;
	if (m.context && m.context.length > 0) s += ` Context:"${fromUtf8(m.context)}"`;
	return s;
}

interface TestNode {
	id: NodeId;
	storage: MemoryStorage;
	rn: RawNode;
	/** Data of every applied normal entry, in order: the "state machine". */
	applied: string[];
	opts: NodeOpts;
}

interface NodeOpts {
	preVote: boolean;
	checkQuorum: boolean;
	maxInflight: number;
	maxSize: number;
}

export class Env {
	readonly nodes = new Map<NodeId, TestNode>();
	mailbox: Message[] = [];
	readonly isolated = new Set<NodeId>();
	/** Group of each node while partitioned; nodes in different groups cannot talk. */
	private groups = new Map<NodeId, number>();
	private nextId = 1n;
	private readonly rng = new SeededRng(1);

	run(c: Command): string {
		const out: string[] = [];
		const id = (i = 0) => BigInt(c.args[i]);
		switch (c.name) {
			case 'add-nodes':
				this.addNodes(c, out);
				break;
			case 'bootstrap':
				this.bootstrap(c, out);
				break;
			case 'campaign':
				this.node(id()).rn.campaign();
				break;
			case 'propose':
				this.guard(out, () => this.node(id()).rn.propose(utf8(c.args[1])));
				break;
			case 'propose-conf-change':
				this.guard(out, () =>
					this.node(id()).rn.proposeConfChange({
						type: c.args[1] as ConfChangeType,
						nodeId: BigInt(c.args[2])
					})
				);
				break;
			case 'transfer-leader':
				this.node(id()).rn.transferLeader(id(1));
				break;
			case 'read-index':
				this.node(id()).rn.readIndex(utf8(c.args[1]));
				break;
			case 'tick':
				this.node(id()).rn.advanceTicks(Number(c.args[1] ?? '1'));
				break;
			case 'ticks-until-campaign': {
				const n = this.node(id());
				let ticks = 0;
				while (n.rn.raft.state === 'Follower' && ticks < 100) {
					n.rn.tick();
					ticks++;
				}
				out.push(`${n.id} became ${n.rn.raft.state} after ${ticks} ticks`);
				break;
			}
			case 'tick-heartbeat':
				this.node(id()).rn.advanceTicks(this.node(id()).rn.raft.heartbeatTimeout);
				break;
			case 'tick-election': {
				const r = this.node(id()).rn.raft;
				const n = r.state === 'Leader' ? r.electionTimeout : r.randomizedElectionTimeout;
				this.node(id()).rn.advanceTicks(n);
				break;
			}
			case 'process-ready':
				for (const a of c.args) this.processReady(BigInt(a), out);
				break;
			case 'deliver-msgs':
				for (const a of c.args) this.deliver(BigInt(a), out, c.kv.get('drop') === 'true');
				break;
			case 'stabilize':
				this.stabilize(c.args.length ? c.args.map((a) => BigInt(a)) : [...this.nodes.keys()], out);
				break;
			case 'isolate':
				this.isolated.add(id());
				break;
			case 'partition':
				// partition 1,2 3,4,5: each argument is one side.
				this.groups = new Map();
				c.args.forEach((g, i) => g.split(',').forEach((x) => this.groups.set(BigInt(x), i)));
				break;
			case 'heal':
				this.isolated.clear();
				this.groups = new Map();
				break;
			case 'report-unreachable':
				this.node(id()).rn.reportUnreachable(id(1));
				break;
			case 'compact':
				this.compact(id(), Number(c.args[1]));
				break;
			case 'restart':
				this.restart(id());
				break;
			case 'raft-state':
				for (const n of this.sorted()) {
					const st = n.rn.status();
					const role = st.config.learners.includes(n.id)
						? 'Learner'
						: st.config.voters.includes(n.id)
							? 'Voter'
							: 'NonMember';
					out.push(`${n.id}: ${st.raftState} (${role}) Term:${st.term} Lead:${st.lead}`);
				}
				break;
			case 'raft-log': {
				const n = this.node(id());
				const log = n.rn.raft.log;
				out.push(
					`first=${log.firstIndex()} last=${log.lastIndex()} committed=${log.committed} applied=${log.applied}`
				);
				for (const e of log.allEntries()) out.push(formatEntry(e));
				break;
			}
			case 'applied':
				out.push(`${id()}: [${this.node(id()).applied.join(' ')}]`);
				break;
			case 'status': {
				const st = this.node(id()).rn.status();
				out.push(
					`${st.id} ${st.raftState} term=${st.term} commit=${st.commit} applied=${st.applied} lead=${st.lead}`
				);
				for (const [pid, pr] of st.progress ?? []) {
					out.push(
						`  ${pid}: ${pr.state} match=${pr.match} next=${pr.next}${pr.isLearner ? ' learner' : ''}${pr.inflight ? ` inflight=${pr.inflight}` : ''}`
					);
				}
				break;
			}
			default:
				throw new Error(`unknown command ${c.name}`);
		}
		return out.length === 0 ? 'ok' : out.join('\n');
	}

	private guard(out: string[], f: () => void): void {
		try {
			f();
		} catch (e) {
			out.push(`error: ${(e as Error).message}`);
		}
	}

	private node(id: NodeId): TestNode {
		const n = this.nodes.get(id);
		if (!n) throw new Error(`no node ${id}`);
		return n;
	}

	private sorted(): TestNode[] {
		return [...this.nodes.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
	}

	private addNodes(c: Command, out: string[]): void {
		const count = Number(c.args[0]);
		const voters = ids(c.kv.get('voters'));
		const learners = ids(c.kv.get('learners'));
		const index = Number(c.kv.get('index') ?? '1');
		const opts: NodeOpts = {
			preVote: c.kv.get('prevote') === 'true',
			checkQuorum: c.kv.get('checkquorum') === 'true',
			maxInflight: Number(c.kv.get('inflight') ?? '256'),
			maxSize: Number(c.kv.get('maxsize') ?? String(1 << 20))
		};
		for (let i = 0; i < count; i++) {
			const id = this.nextId++;
			const storage = new MemoryStorage();
			if (voters.length > 0 || learners.length > 0) {
				// Start from a snapshot holding the configuration, as if the cluster already ran.
				storage.applySnapshot({
					data: new Uint8Array(0),
					metadata: { index, term: 1, confState: { voters, learners } }
				});
			}
			const n: TestNode = {
				id,
				storage,
				rn: this.newRawNode(id, storage, opts),
				applied: [],
				opts
			};
			this.nodes.set(id, n);
			out.push(
				`${id}: ${voters.length || learners.length ? `snapshot at ${index}, voters=[${voters.join(' ')}] learners=[${learners.join(' ')}]` : 'empty'}`
			);
		}
	}

	/** A brand-new cluster: empty storages, every member bootstrapped with the same peers. */
	private bootstrap(c: Command, out: string[]): void {
		const count = Number(c.args[0]);
		const opts: NodeOpts = {
			preVote: c.kv.get('prevote') === 'true',
			checkQuorum: c.kv.get('checkquorum') === 'true',
			maxInflight: 256,
			maxSize: 1 << 20
		};
		const peers: NodeId[] = [];
		for (let i = 0; i < count; i++) peers.push(this.nextId + BigInt(i));
		for (const id of peers) {
			const storage = new MemoryStorage();
			const rn = this.newRawNode(id, storage, opts);
			rn.bootstrap(peers);
			this.nodes.set(id, { id, storage, rn, applied: [], opts });
			out.push(`${id}: bootstrapped with peers [${peers.join(' ')}]`);
		}
		this.nextId += BigInt(count);
	}

	private newRawNode(id: NodeId, storage: MemoryStorage, o: NodeOpts): RawNode {
		return new RawNode({
			id,
			electionTick: 10,
			heartbeatTick: 1,
			storage,
			rng: this.rng,
			preVote: o.preVote,
			checkQuorum: o.checkQuorum,
			maxSizePerMsg: o.maxSize,
			maxInflightMsgs: o.maxInflight,
			applied: storage.snapshot().metadata.index
		});
	}

	/** Persist, "send" to the mailbox, apply, advance: the Ready contract in test form. */
	private processReady(id: NodeId, out: string[]): boolean {
		const n = this.node(id);
		if (!n.rn.hasReady()) return false;
		const rd = n.rn.ready();
		out.push(`> ${id} handling Ready`);
		const messages = rd.messages.map((m) => (m.type === 'MsgSnap' ? this.freshSnapshot(n, m) : m));
		this.printReady({ ...rd, messages }, out);
		if (rd.hardState) n.storage.setHardState(rd.hardState);
		if (rd.snapshot) n.storage.applySnapshot(rd.snapshot);
		n.storage.append(rd.entries);
		this.mailbox.push(...messages);
		if (rd.snapshot) n.applied = [`snap@${rd.snapshot.metadata.index}`];
		for (const e of rd.committedEntries) {
			if (e.type === 'ConfChange') n.rn.applyConfChange(decodeConfChange(e.data));
			else if (e.data.length > 0) n.applied.push(fromUtf8(e.data));
		}
		n.rn.advance(rd);
		return true;
	}

	/**
	 * As etcd's createMergedSnapshotMessage does, a MsgSnap carries the sender's current applied
	 * state (and configuration), not the older snapshot in storage.
	 */
	private freshSnapshot(n: TestNode, m: Message): Message {
		const applied = n.rn.raft.log.applied;
		if (!m.snapshot || applied <= m.snapshot.metadata.index) return m;
		const snapshot: Snapshot = {
			data: utf8(n.applied.join(',')),
			metadata: { index: applied, term: n.storage.term(applied), confState: n.rn.status().config }
		};
		return { ...m, snapshot };
	}

	private printReady(rd: Ready, out: string[]): void {
		if (rd.softState) out.push(`  State:${rd.softState.raftState} Lead:${rd.softState.lead}`);
		if (rd.hardState) {
			out.push(
				`  HardState Term:${rd.hardState.term} Vote:${rd.hardState.vote} Commit:${rd.hardState.commit}`
			);
		}
		if (rd.entries.length > 0) out.push(`  Entries: ${rd.entries.map(formatEntry).join(', ')}`);
		if (rd.snapshot) out.push(`  Snapshot: ${formatSnapshot(rd.snapshot)}`);
		if (rd.committedEntries.length > 0) {
			out.push(`  Committed: ${rd.committedEntries.map(formatEntry).join(', ')}`);
		}
		for (const line of collapse(rd.messages.map((m) => `  Send: ${formatMessage(m)}`)))
			out.push(line);
		for (const rs of rd.readStates)
			out.push(`  ReadState: Index:${rs.index} Ctx:"${fromUtf8(rs.requestCtx)}"`);
	}

	private deliver(id: NodeId, out: string[], drop: boolean): boolean {
		const mine = this.mailbox.filter((m) => m.to === id);
		if (mine.length === 0) return false;
		this.mailbox = this.mailbox.filter((m) => m.to !== id);
		const dropped: string[] = [];
		for (const m of mine) {
			const cut =
				this.isolated.has(m.from) ||
				this.isolated.has(m.to) ||
				(this.groups.size > 0 && this.groups.get(m.from) !== this.groups.get(m.to));
			if (drop || cut || !this.nodes.has(id)) {
				dropped.push(`  dropped: ${formatMessage(m)}`);
				if (m.type === 'MsgSnap' && this.nodes.has(m.from)) {
					this.node(m.from).rn.reportSnapshot(id, false);
				}
				continue;
			}
			out.push(`> ${id} receiving ${formatMessage(m)}`);
			this.node(id).rn.step(m);
			// Like etcd's transport: report the outcome of a snapshot to the sender.
			if (m.type === 'MsgSnap' && this.nodes.has(m.from))
				this.node(m.from).rn.reportSnapshot(id, true);
		}
		out.push(...collapse(dropped));
		return true;
	}

	private stabilize(which: NodeId[], out: string[]): void {
		for (let round = 0; round < 1000; round++) {
			let busy = false;
			for (const id of which) busy = this.processReady(id, out) || busy;
			for (const id of which) busy = this.deliver(id, out, false) || busy;
			if (!busy) return;
		}
		throw new Error('stabilize did not converge');
	}

	private compact(id: NodeId, index: number): void {
		const n = this.node(id);
		const cs = n.rn.status().config;
		n.storage.createSnapshot(index, cs, utf8(n.applied.join(',')));
		n.storage.compact(index);
	}

	/** Crash and restart: memory is lost, storage is kept. */
	private restart(id: NodeId): void {
		const n = this.node(id);
		n.rn = this.newRawNode(id, n.storage, n.opts);
		n.applied = [];
	}
}

/** Identical lines are printed once with a count, in order of first appearance. */
function collapse(lines: string[]): string[] {
	const counts = new Map<string, number>();
	for (const l of lines) counts.set(l, (counts.get(l) ?? 0) + 1);
	return [...counts].map(([l, n]) => (n > 1 ? `${l} (x${n})` : l));
}

/** Runs a data-driven script, returning the script text with every expected output recomputed. */
export function runScript(text: string): {
	rewritten: string;
	cases: { cmd: string; want: string; got: string; line: number }[];
} {
	const env = new Env();
	const lines = text.split('\n');
	const result: string[] = [];
	const cases: { cmd: string; want: string; got: string; line: number }[] = [];
	let i = 0;
	while (i < lines.length) {
		const line = lines[i];
		if (line.trim() === '' || line.startsWith('#')) {
			result.push(line);
			i++;
			continue;
		}
		const cmdLine = i + 1;
		const cmd = line;
		i++;
		if (lines[i] !== '----') throw new Error(`line ${i + 1}: expected ---- after command`);
		i++;
		const want: string[] = [];
		while (i < lines.length && lines[i].trim() !== '') want.push(lines[i++]);
		let got: string;
		try {
			got = env.run(parseCommand(cmd));
		} catch (e) {
			got = `panic: ${(e as Error).message}`;
		}
		cases.push({ cmd, want: want.join('\n'), got, line: cmdLine });
		result.push(cmd, '----', got);
	}
	return { rewritten: result.join('\n'), cases };
}
