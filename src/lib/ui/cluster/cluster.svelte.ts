/* eslint-disable svelte/prefer-svelte-reactivity -- these Maps are built, then replace a $state.raw value whole, or are private caches */
/**
 * The page's view of the cluster: it opens the ClusterManager (members in Web Workers), polls
 * each member's state for the cluster view, turns state changes into timeline markers (a member
 * going down or coming back, a new leader, a partition), and feeds sent Raft messages to the
 * message animation. The page reaches members only through the manager and its typed clients.
 */
import type { ClusterManager } from '../../browser/cluster-manager';
import { isPresetName } from '../../presets/names';
import type { NetworkFaults } from '../../browser/broadcast-transport';
import type { ClientFactory } from '../../client/types';
import type { TracedMessage } from '../../workers/member/protocol';
import type { Timeline } from '../timeline/timeline.svelte';
import { MessageFlow } from './flow.svelte';

export type Role = 'leader' | 'follower' | 'candidate' | 'learner' | 'down' | 'removed';

export interface MemberView {
	name: string;
	/** Member ID in hex, as etcdctl prints it. */
	id: string;
	role: Role;
	term: number;
	commit: number;
	applied: number;
	revision: number;
	compactRevision: number;
	dbSize: number;
	/** Running, and knows a leader. */
	healthy: boolean;
	/** Which side of a partition it is on (null: no partition). */
	group: number | null;
}

const POLL_MS = 300;

function roleOf(info: { role: string; isLearner: boolean; removed: boolean } | null): Role {
	if (!info) return 'down';
	if (info.removed) return 'removed';
	if (info.isLearner) return 'learner';
	if (info.role === 'Leader') return 'leader';
	if (info.role === 'Candidate' || info.role === 'PreCandidate') return 'candidate';
	return 'follower';
}

function groupOf(name: string, faults: NetworkFaults): number | null {
	if (!faults.groups) return null;
	const i = faults.groups.findIndex((g) => g.includes(name));
	return i < 0 ? faults.groups.length : i;
}

export function describeFaults(f: NetworkFaults): string {
	const parts: string[] = [];
	if (f.groups) parts.push(`partition ${f.groups.map((g) => g.join(' ')).join(' / ')}`);
	const lat = Object.entries(f.latencyMs).filter(([, ms]) => ms > 0);
	for (const [who, ms] of lat) parts.push(`latency ${ms}ms${who === '*' ? '' : ` on ${who}`}`);
	if (f.drop > 0) parts.push(`drop ${Math.round(f.drop * 100)}%`);
	return parts.join(', ');
}

function presetFromUrl(): string | undefined {
	const name = new URLSearchParams(location.search).get('preset');
	return name && isPresetName(name) ? name : undefined;
}

export class ClusterState {
	phase = $state<'starting' | 'ready' | 'failed'>('starting');
	message = $state('Starting up: launching etcd members in Web Workers…');
	members = $state.raw<MemberView[]>([]);
	faults = $state.raw<NetworkFaults>({ groups: null, drop: 0, latencyMs: {} });
	readonly flow = new MessageFlow();
	/** Resolves with the manager once the members are started. */
	readonly ready: Promise<ClusterManager>;
	manager: ClusterManager | null = null;
	private readonly timeline: Timeline;
	private readonly names = new Map<bigint, string>();
	private timer: ReturnType<typeof setInterval> | undefined;
	private resolveReady!: (m: ClusterManager) => void;
	private rejectReady!: (e: unknown) => void;
	private closed = false;
	private polling = false;
	private readonly hostClients = new Map<string, ClientFactory>();

	constructor(timeline: Timeline) {
		this.timeline = timeline;
		this.ready = new Promise((resolve, reject) => {
			this.resolveReady = resolve;
			this.rejectReady = reject;
		});
		this.ready.catch(() => undefined);
	}

	get leader(): MemberView | undefined {
		return this.members.find((m) => m.role === 'leader');
	}

	/** Starts the members (the saved cluster after a reload) and the polling. */
	async open(): Promise<void> {
		try {
			const { ClusterManager } = await import('../../browser/cluster-manager');
			// `?preset=kubernetes` opens a separate cluster made from that preset (the lessons use it).
			const preset = presetFromUrl();
			const manager = await ClusterManager.open({
				namespace: preset ? `preset-${preset}` : 'default',
				size: 3,
				preset,
				onTrace: (_member: string, batch: TracedMessage[]) => this.onTrace(batch)
			});
			if (this.closed) return manager.close();
			this.manager = manager;
			// A console and test handle: the same typed client and controls the terminal uses.
			(window as unknown as { etcdPlayground: unknown }).etcdPlayground = {
				manager,
				clients: manager.clients
			};
			this.resolveReady(manager);
			await this.poll();
			this.timer = setInterval(() => void this.poll(), POLL_MS);
			const leader = await manager.waitForLeader(15_000);
			// The member cards show that leader too before the page says the cluster is ready.
			while (this.polling) await new Promise((r) => setTimeout(r, 10));
			await this.poll();
			this.phase = 'ready';
			this.message = `Cluster ready: ${manager.names().length} members, leader ${leader}`;
		} catch (e) {
			this.phase = 'failed';
			this.message = `The cluster could not start: ${e instanceof Error ? e.message : String(e)}`;
			this.rejectReady(e);
		}
	}

	/** Clients for a shell on `host` (127.0.0.1 is that member), usable before the cluster is up. */
	clientsOn(host: string): ClientFactory {
		let f = this.hostClients.get(host);
		if (!f) {
			f = { connect: async (o) => (await this.ready).clientsOn(host).connect(o) };
			this.hostClients.set(host, f);
		}
		return f;
	}

	close(): void {
		this.closed = true;
		if (this.timer) clearInterval(this.timer);
		this.manager?.close();
	}

	/**
	 * Traced messages not drawn yet. Under load the members send hundreds of trace batches a
	 * second; handing each to the message map re-rendered its flights and counters per batch,
	 * so they are taken together once per frame (or every 100 ms while the page is hidden).
	 */
	private traced: TracedMessage[] = [];
	private traceScheduled = false;

	private onTrace(batch: TracedMessage[]): void {
		for (const m of batch) this.traced.push(m);
		if (this.traceScheduled) return;
		this.traceScheduled = true;
		const run = () => {
			this.traceScheduled = false;
			const all = this.traced;
			this.traced = [];
			this.flow.add(all, (id) => this.names.get(id));
		};
		if (typeof document !== 'undefined' && !document.hidden) requestAnimationFrame(run);
		else setTimeout(run, 100);
	}

	private async poll(): Promise<void> {
		const manager = this.manager;
		if (!manager || this.polling) return;
		this.polling = true;
		try {
			const infos = await manager.infos();
			const faults = manager.faults();
			for (const { name, info } of infos) if (info) this.names.set(info.id, name);
			const leaderId = infos.find((i) => i.info?.role === 'Leader')?.info?.id;
			const next: MemberView[] = infos.map(({ name, info }) => ({
				name,
				id: info?.id.toString(16) ?? '',
				role: roleOf(info),
				term: info?.term ?? 0,
				commit: info?.commit ?? 0,
				applied: info?.applied ?? 0,
				revision: info?.revision ?? 0,
				compactRevision: info?.compactRevision ?? 0,
				dbSize: info?.dbSize ?? 0,
				healthy:
					!!info &&
					!info.removed &&
					info.lead !== 0n &&
					(leaderId === undefined || info.lead === leaderId),
				group: groupOf(name, faults)
			}));
			this.record(this.members, next, this.faults, faults);
			this.members = next;
			this.faults = faults;
			if (this.phase === 'ready') {
				const l = next.find((m) => m.role === 'leader');
				this.message = l
					? `Cluster ready: ${next.length} members, leader ${l.name}`
					: `Cluster ready: ${next.length} members, no leader (election in progress)`;
			}
		} finally {
			this.polling = false;
		}
	}

	/** Timeline markers for what changed between two polls. */
	private record(
		prev: MemberView[],
		next: MemberView[],
		pf: NetworkFaults,
		nf: NetworkFaults
	): void {
		if (prev.length === 0) return;
		const before = new Map(prev.map((m) => [m.name, m]));
		for (const m of next) {
			const p = before.get(m.name);
			if (!p) this.timeline.add('recover', `${m.name} joined`, { member: m.name });
			else if (p.role !== 'down' && m.role === 'down')
				this.timeline.add('fault', `${m.name} down`, { member: m.name });
			else if (p.role === 'down' && m.role !== 'down')
				this.timeline.add('recover', `${m.name} back up`, { member: m.name });
		}
		for (const p of prev) {
			if (!next.some((m) => m.name === p.name)) this.timeline.add('fault', `${p.name} removed`);
		}
		const oldLeader = prev.find((m) => m.role === 'leader');
		const newLeader = next.find((m) => m.role === 'leader');
		if (newLeader && (newLeader.name !== oldLeader?.name || newLeader.term !== oldLeader.term)) {
			this.timeline.add('leader', `${newLeader.name} leader, term ${newLeader.term}`, {
				member: newLeader.name,
				revision: newLeader.revision
			});
		}
		const pd = describeFaults(pf);
		const nd = describeFaults(nf);
		if (pd !== nd) this.timeline.add(nd ? 'fault' : 'recover', nd || 'network healed');
	}
}
