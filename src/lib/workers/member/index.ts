/**
 * A member worker: one full etcd member (EtcdServer) with its IndexedDB disk, its
 * BroadcastChannel network and its 100 ms ticker. The page talks to it through comlink only;
 * terminating the worker is a real crash (whatever IndexedDB had committed survives).
 */
import * as Comlink from 'comlink';
import { BroadcastTransport } from '../../browser/broadcast-transport';
import { installErrorTransfer } from '../../browser/comlink-errors';
import { serveBatch, type BatchHandler } from '../../client/batch';
import { openIdbPersistence } from '../../browser/idb-persistence';
import { Errors } from '../../engine/api/errors';
import { putCost, txnCost } from '../../engine/mvcc/store';
import { serveMember, type MemberApi } from '../../engine/server/api';
import { EtcdServer } from '../../engine/server/server';
import { SeededRng } from '../../engine/util/rand';
import { DiskReserve, diskAdmits, reserveDatabaseName, withQuotaAlarm } from './disk-quota';
import type { MemberInfo, MemberStartConfig, MemberWorkerApi, TracedMessage } from './protocol';
import { packRange, rangeTransferables, type PackedRange } from './range-wire';

installErrorTransfer();

const TICK_MS = 100;

let server: EtcdServer | null = null;
let transport: BroadcastTransport | null = null;
let ticker: ReturnType<typeof setInterval> | null = null;
let peers = new Map<bigint, string>();
let trace: ((batch: TracedMessage[]) => void) | null = null;
let traceBuffer: TracedMessage[] = [];
let traceTimer: ReturnType<typeof setTimeout> | null = null;

function current(): EtcdServer {
	if (!server || server.isStopped) throw Errors.Stopped();
	return server;
}

const served: MemberApi = serveMember(current);

/**
 * When IndexedDB refused one of this member's writes: until the NOSPACE alarm that raised is
 * applied (then the cluster refuses writes itself), this member refuses them at once, so no
 * more arrive on a disk that has just run out. Bounded, in case the alarm cannot commit.
 */
let diskFullAt = 0;
let reserve: DiskReserve | null = null;
const DISK_FULL_HOLD_MS = 5000;

function noSpaceApplied(s: EtcdServer): boolean {
	try {
		return s.status().errors.some((e) => e.includes('alarm:NOSPACE'));
	} catch {
		return false;
	}
}

/**
 * The browser's quota is this member's disk: a write that would not fit raises NOSPACE.
 * Returns a promise only when it has to wait for the browser's estimate (once a second), so
 * that a put does not wait a turn for nothing.
 */
function checkDisk(cost: number): void | Promise<void> {
	if (cost <= 0) return;
	if (diskFullAt) {
		if (noSpaceApplied(current()) || Date.now() - diskFullAt > DISK_FULL_HOLD_MS) diskFullAt = 0;
		else throw Errors.NoSpace();
	}
	// A write let in with no NOSPACE alarm (disarmed after space was freed): take the reserve again.
	if (reserve?.spent && !noSpaceApplied(current())) void reserve.take();
	const admitted = diskAdmits(cost, peers.size);
	if (admitted === true) return;
	if (admitted === false) return refuseFull();
	return admitted.then((ok) => (ok ? undefined : refuseFull()));
}

function refuseFull(): never {
	current().diskFull();
	throw Errors.NoSpace();
}

const api: MemberApi = {
	...served,
	put: async (req, o) => {
		const waiting = checkDisk(putCost(req));
		if (waiting) await waiting;
		return served.put(req, o);
	},
	txn: async (req, o) => {
		const waiting = checkDisk(txnCost(req));
		if (waiting) await waiting;
		return served.txn(req, o);
	}
};

function recordTrace(m: TracedMessage): void {
	if (!trace) return;
	traceBuffer.push(m);
	traceTimer ??= setTimeout(() => {
		traceTimer = null;
		const batch = traceBuffer;
		traceBuffer = [];
		trace?.(batch);
	}, 50);
}

const worker: MemberWorkerApi = {
	...api,
	async start(cfg: MemberStartConfig) {
		if (server && !server.isStopped) return { id: server.id, clusterId: server.clusterId };
		peers = new Map(cfg.peers.map((p) => [p.id, p.name]));
		// Listening first: what a peer sends while this member still opens its disk (the first
		// election's pre-vote) is kept and handed to the server once it is up.
		let started: EtcdServer | null = null;
		const pendingIn: Parameters<EtcdServer['receive']>[0][] = [];
		const selfId = cfg.memberId ?? cfg.peers.find((p) => p.name === cfg.name)?.id ?? 0n;
		transport = new BroadcastTransport(
			cfg.namespace,
			{ id: selfId, name: cfg.name },
			(id) => peers.get(id),
			(m) => (started ? started.receive(m) : pendingIn.push(m)),
			(m, delayMs) => {
				if (m.kind !== 'raft' || !trace) return;
				recordTrace({
					type: m.msg.type,
					from: m.from,
					to: m.to,
					term: m.msg.term,
					entries: m.msg.entries.length,
					reject: m.msg.reject,
					delayMs
				});
			}
		);
		transport.setFaults(cfg.faults);
		const t = transport;
		// The 1 MiB set aside for a full disk is written alongside the start, not before it: it
		// is only needed once IndexedDB refuses a write.
		reserve = new DiskReserve(reserveDatabaseName(cfg.namespace, cfg.name));
		void reserve.take();
		const persistence = withQuotaAlarm(
			await openIdbPersistence(cfg.namespace, cfg.name),
			() => {
				diskFullAt = Date.now();
				server?.diskFull();
			},
			reserve
		);
		if (cfg.restore) await persistence.raft.save(cfg.restore.hardState, [], cfg.restore.snapshot);
		started = await EtcdServer.start({
			name: cfg.serverName ?? cfg.name,
			memberId: cfg.memberId,
			peerURLs: cfg.peerURLs,
			clientURLs: cfg.clientURLs,
			initialCluster: cfg.initialCluster,
			clusterState: cfg.clusterState,
			clusterId: cfg.clusterId,
			token: cfg.token,
			rng: new SeededRng(cfg.seed),
			clock: () => Date.now(),
			persistence,
			transport: { send: (msgs) => t.send(msgs) },
			tickMs: TICK_MS
		});
		server = started;
		for (const m of pendingIn) started.receive(m);
		ticker = setInterval(() => server?.tick(), TICK_MS);
		return { id: started.id, clusterId: started.clusterId };
	},
	async batchPort(port) {
		serveBatch(
			port,
			{
				put: api.put as BatchHandler,
				txn: api.txn as BatchHandler,
				deleteRange: api.deleteRange as BatchHandler,
				range: (async (
					req: Parameters<MemberApi['range']>[0],
					o: Parameters<MemberApi['range']>[1]
				) => packRange(await served.range(req, o))) as BatchHandler
			},
			(method, v) => (method === 'range' ? rangeTransferables(v as PackedRange) : [])
		);
	},
	async rangePacked(req, o) {
		const packed = packRange(await served.range(req, o));
		return Comlink.transfer(packed, rangeTransferables(packed));
	},
	async info(): Promise<MemberInfo> {
		const s = current();
		const i = s.info();
		return { ...i, role: String(i.role), removed: s.isRemoved };
	},
	async failure() {
		const f = server?.failure;
		return f ? `${f.name}: ${f.message}` : null;
	},
	async setFaults(f) {
		transport?.setFaults(f);
	},
	async setPeers(list) {
		peers = new Map(list.map((p) => [p.id, p.name]));
	},
	async onTrace(cb) {
		trace = cb;
	},
	async stop() {
		if (ticker) clearInterval(ticker);
		ticker = null;
		server?.stop();
		await server?.flush().catch(() => undefined);
		transport?.close();
		server = null;
	}
};

Comlink.expose(worker);
