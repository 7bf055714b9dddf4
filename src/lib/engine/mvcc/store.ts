/**
 * etcd's MVCC key-value store (server/storage/mvcc plus the KV half of the applier), in memory
 * and synchronous. Every write transaction bumps the revision once (if it changed anything),
 * records its changes as revision records, tells commit listeners (the watch layer), and stages
 * the records for the backend; the caller decides when to `flush()`.
 *
 * Responses carry a header with only `revision` set; cluster_id, member_id and raft_term are
 * zero and the server fills them in on the top-level response (nested txn responses keep
 * zeros, as in etcd).
 */
import type {
	Bytes,
	Compare,
	DeleteRangeRequest,
	DeleteRangeResponse,
	Event,
	KeyValue,
	PutRequest,
	PutResponse,
	RangeRequest,
	RangeResponse,
	RequestOp,
	ResponseHeader,
	ResponseOp,
	TxnRequest,
	TxnResponse
} from '../api/types';
import { Errors } from '../api/errors';
import { EMPTY, bytesKey, compareBytes } from '../util/bytes';
import { Crc32c } from './crc32c';
import { KeyIndex, type RevisionRecord } from './key-index';
import { SortedKeys } from './sorted-keys';
import {
	emptyMeta,
	compareRevision,
	type BackendBatch,
	type BackendContents,
	type BackendMeta,
	type LeaseRecord,
	type MvccBackend
} from './backend';
import {
	MAX_TXN_OPS,
	checkDeleteRequest,
	checkPutRequest,
	checkRangeRequest,
	validateTxn
} from './validate';

/** etcd's default --quota-backend-bytes: 2 GiB. */
export const DEFAULT_QUOTA_BYTES = 2 * 1024 * 1024 * 1024;
/** What a fresh etcd reports as its db size (bolt's first pages). */
const EMPTY_DB_BYTES = 20 * 1024;
/** etcd's quota estimates (server/storage/quota.go). */
const KV_OVERHEAD = 256;
export const LEASE_OVERHEAD = 64;
/** Our estimate of what one revision record costs on disk besides key and value. */
const RECORD_OVERHEAD = 64;

export interface StoreOptions {
	/** Backend quota in bytes (etcd's --quota-backend-bytes); 0 or absent: 2 GiB. */
	quotaBytes?: number;
	/** etcd's --max-txn-ops (128). */
	maxTxnOps?: number;
	/** Called when checkQuota finds a write would exceed the quota: propose the alarm. */
	onAlarm?: (alarm: 'NOSPACE') => void;
}

/** What the store needs from the lessor: etcd's store holds a Lessor the same way. */
export interface LeaseHooks {
	exists(id: bigint): boolean;
	attach(id: bigint, key: Bytes): void;
	detach(id: bigint, key: Bytes): void;
	/** The store was rebuilt (restore from a snapshot): re-read leases and attachments. */
	restored(): void;
}

/**
 * What a commit hands its listeners besides the events, one entry per event: the key as a
 * bytesKey string and the kv it replaced (undefined when it created the key). The write path
 * already has both, so the watch layer matches keys and fills prev_kv without turning each key
 * into a string or looking its history up again (a delete of tens of thousands of keys did
 * that for each one inside a single apply).
 */
export interface CommitDetail {
	keys: string[];
	prevs: (KeyValue | undefined)[];
}

/** Called after each write transaction that changed something, with its events in order. */
export type CommitListener = (revision: number, events: Event[], detail: CommitDetail) => void;

export function makeHeader(revision: number): ResponseHeader {
	return { cluster_id: 0n, member_id: 0n, revision, raft_term: 0 };
}

/** A key range: `end` null means "just start"; `end` '' means "every key >= start". */
interface KeySpan {
	start: string;
	end: string | null;
}

function span(key: Bytes, rangeEnd?: Bytes): KeySpan {
	const start = bytesKey(key);
	if (!rangeEnd || rangeEnd.length === 0) return { start, end: null };
	if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { start, end: '' };
	return { start, end: bytesKey(rangeEnd) };
}

interface RangeResult {
	kvs: KeyValue[];
	count: number;
	rev: number;
}

interface RangeOpts {
	limit: number;
	rev: number;
	countOnly: boolean;
}

/** Which branch each (nested) txn takes, decided before any write, as etcd's compareToPath. */
interface TxnPath {
	succeeded: boolean;
	/** One per nested txn in the chosen branch, in order. */
	nested: TxnPath[];
}

function recordSize(r: RevisionRecord): number {
	return RECORD_OVERHEAD + r.kv.key.length + r.kv.value.length;
}

function copyKv(kv: KeyValue): KeyValue {
	return { ...kv };
}

/** The open write transaction: all its changes share main revision beginRev + 1. */
export class WriteTxn {
	readonly beginRev: number;
	readonly changes: RevisionRecord[] = [];
	/** Per change, for commit listeners: its key as a string and the kv it replaced. */
	readonly detail: CommitDetail = { keys: [], prevs: [] };
	private readonly store: MvccStore;

	constructor(store: MvccStore, beginRev: number) {
		this.store = store;
		this.beginRev = beginRev;
	}

	/** The revision reads in this txn see: its own writes once it has made any. */
	get readRev(): number {
		return this.changes.length > 0 ? this.beginRev + 1 : this.beginRev;
	}

	put(key: Bytes, value: Bytes, lease: bigint): void {
		this.store.writePut(this, key, value, lease);
	}

	/** Deletes the live keys in the range; returns how many. */
	deleteRange(key: Bytes, rangeEnd?: Bytes): number {
		return this.store.writeDelete(this, key, rangeEnd);
	}
}

export class MvccStore {
	private index = new Map<string, KeyIndex>();
	/** The same key indexes in key order. */
	private keys = new SortedKeys();
	/** Every revision record still stored, sorted by (main, sub). */
	private history: RevisionRecord[] = [];
	private leaseRecords = new Map<bigint, LeaseRecord>();
	private currentRev = 1;
	private compactRev = 0;
	private meta: BackendMeta = emptyMeta();
	private listeners: CommitListener[] = [];
	private restoreListeners: (() => void)[] = [];
	private lessor: LeaseHooks | null = null;
	private liveBytes = EMPTY_DB_BYTES;
	private fileBytes = EMPTY_DB_BYTES;
	private noSpace = false;
	private overQuotaReported = false;
	private readonly quota: number;
	private readonly maxTxnOps: number;
	private readonly onAlarm?: (alarm: 'NOSPACE') => void;
	private readonly backend: MvccBackend | null;
	private pending = newPending();
	private lastWrite: Promise<void> = Promise.resolve();
	/** The write that will take what is pending now, when it has not started yet. */
	private queuedWrite: Promise<void> | null = null;

	constructor(contents?: BackendContents, options: StoreOptions = {}, backend?: MvccBackend) {
		this.quota = options.quotaBytes || DEFAULT_QUOTA_BYTES;
		this.maxTxnOps = options.maxTxnOps ?? MAX_TXN_OPS;
		this.onAlarm = options.onAlarm;
		this.backend = backend ?? null;
		if (contents) this.rebuild(contents);
	}

	/** Loads a backend and rebuilds the key index from its revision records. */
	static async open(backend: MvccBackend, options: StoreOptions = {}): Promise<MvccStore> {
		return new MvccStore(await backend.load(), options, backend);
	}

	get currentRevision(): number {
		return this.currentRev;
	}

	get compactRevision(): number {
		return this.compactRev;
	}

	get consistentIndex(): number {
		return this.meta.consistentIndex;
	}

	get consistentTerm(): number {
		return this.meta.consistentTerm;
	}

	/** Records the raft entry being applied; persisted with the next batch. */
	setConsistentIndex(index: number, term = this.meta.consistentTerm): void {
		this.meta.consistentIndex = index;
		this.meta.consistentTerm = term;
		this.pending.dirty = true;
	}

	/** Estimated backend file size: grows with writes, shrinks only with defrag(). */
	get dbSize(): number {
		return this.fileBytes;
	}

	/** Estimated bytes in use by stored records. */
	get dbSizeInUse(): number {
		return this.liveBytes;
	}

	defrag(): void {
		this.fileBytes = this.liveBytes;
	}

	/**
	 * True while the NOSPACE alarm is active (etcd's capped applier): every write that costs
	 * space fails at apply; reads, deletes and compaction still work. The alarm is cluster
	 * state: call raiseNoSpace()/disarmNoSpace() when the alarm entry is applied, on every
	 * member, so all members accept and refuse the same writes.
	 */
	get noSpaceAlarm(): boolean {
		return this.noSpace;
	}

	raiseNoSpace(): void {
		this.noSpace = true;
	}

	disarmNoSpace(): void {
		this.noSpace = false;
		this.overQuotaReported = false;
	}

	/**
	 * etcd's quota check, made by the member that receives a write before proposing it (it is
	 * member-local: db sizes differ after a defrag, so it must not run at apply). Fails with
	 * NoSpace while the alarm is active, or when the write would take this member's backend
	 * to the quota; then it also calls onAlarm so the caller can propose the alarm.
	 */
	checkQuota(cost: number): void {
		if (cost <= 0) return;
		if (this.noSpace) throw Errors.NoSpace();
		if (this.fileBytes + cost >= this.quota) {
			this.onAlarm?.('NOSPACE');
			throw Errors.NoSpace();
		}
	}

	/**
	 * At apply: a costly write fails while the alarm is active (etcd's applierV3Capped). A
	 * write that takes this member to its quota is applied (refusing it here would let members
	 * diverge) but reported once through onAlarm, in case no front-door check caught it.
	 */
	checkCapped(cost: number): void {
		if (cost <= 0) return;
		if (this.noSpace) throw Errors.NoSpace();
		if (!this.overQuotaReported && this.fileBytes + cost >= this.quota) {
			this.overQuotaReported = true;
			this.onAlarm?.('NOSPACE');
		}
	}

	setLessor(lessor: LeaseHooks | null): void {
		this.lessor = lessor;
	}

	/** Called after restore(): the watch layer re-syncs its watchers from the new history. */
	onRestore(listener: () => void): () => void {
		this.restoreListeners.push(listener);
		return () => {
			this.restoreListeners = this.restoreListeners.filter((l) => l !== listener);
		};
	}

	onCommit(listener: CommitListener): () => void {
		this.listeners.push(listener);
		return () => {
			this.listeners = this.listeners.filter((l) => l !== listener);
		};
	}

	// ---- reads -------------------------------------------------------------------------------

	range(req: RangeRequest): RangeResponse {
		checkRangeRequest(req);
		return this.applyRange(req, this.currentRev);
	}

	/** The live kv of one key at a revision (watch uses it for prev_kv); undefined if none. */
	get(key: Bytes, rev: number): KeyValue | undefined {
		if (rev < this.compactRev || rev > this.currentRev) return undefined;
		return this.index.get(bytesKey(key))?.get(rev)?.kv;
	}

	/** Revision records with main >= fromRev, in order (watch catch-up). */
	historySince(fromRev: number): RevisionRecord[] {
		const i = this.lowerBoundHistory(fromRev);
		return this.history.slice(i);
	}

	/** Every live kv at the current revision with a lease (the lessor rebuilds from it). */
	leasedKeys(): { key: Bytes; lease: bigint }[] {
		const out: { key: Bytes; lease: bigint }[] = [];
		this.keys.scan('', '', (ki) => {
			const r = ki.get(this.currentRev);
			if (r && r.kv.lease !== 0n) out.push({ key: r.kv.key, lease: r.kv.lease });
		});
		return out;
	}

	/** Persisted leases (the lessor loads them at start-up). */
	storedLeases(): LeaseRecord[] {
		return [...this.leaseRecords.values()].map((l) => ({ ...l }));
	}

	private rangeKeys(
		key: Bytes,
		rangeEnd: Bytes | undefined,
		curRev: number,
		o: RangeOpts
	): RangeResult {
		let rev = o.rev;
		if (rev > curRev) throw Errors.FutureRev();
		if (rev <= 0) rev = curRev;
		if (rev < this.compactRev) throw Errors.Compacted();
		const kvs: KeyValue[] = [];
		let count = 0;
		const { start, end } = span(key, rangeEnd);
		if (end === null) {
			const r = this.index.get(start)?.get(rev);
			if (r) {
				count = 1;
				if (!o.countOnly) kvs.push(copyKv(r.kv));
			}
			return { kvs, count, rev: curRev };
		}
		const limit = o.countOnly ? 0 : o.limit > 0 ? o.limit : Infinity;
		this.keys.scan(start, end, (ki) => {
			const r = ki.get(rev);
			if (!r) return;
			count++;
			if (kvs.length < limit) kvs.push(copyKv(r.kv));
		});
		return { kvs, count, rev: curRev };
	}

	/** etcd's applier Range: limit, filters, sort, `more`, keys_only, on top of rangeKeys. */
	private applyRange(r: RangeRequest, curRev: number): RangeResponse {
		const sortOrderGiven = r.sort_order ?? 'NONE';
		const target = r.sort_target ?? 'KEY';
		const minMod = r.min_mod_revision ?? 0;
		const maxMod = r.max_mod_revision ?? 0;
		const minCreate = r.min_create_revision ?? 0;
		const maxCreate = r.max_create_revision ?? 0;
		const reqLimit = r.limit ?? 0;
		let limit = reqLimit;
		if (sortOrderGiven !== 'NONE' || minMod || maxMod || minCreate || maxCreate) limit = 0;
		// One extra to learn whether there is more.
		if (limit > 0) limit++;
		const rr = this.rangeKeys(r.key, r.range_end, curRev, {
			limit,
			rev: r.revision ?? 0,
			countOnly: !!r.count_only
		});
		let kvs = rr.kvs;
		if (maxMod) kvs = kvs.filter((kv) => kv.mod_revision <= maxMod);
		if (minMod) kvs = kvs.filter((kv) => kv.mod_revision >= minMod);
		if (maxCreate) kvs = kvs.filter((kv) => kv.create_revision <= maxCreate);
		if (minCreate) kvs = kvs.filter((kv) => kv.create_revision >= minCreate);

		let order = sortOrderGiven;
		// Results come sorted by key ascending already.
		if (target !== 'KEY' && order === 'NONE') order = 'ASCEND';
		else if (target === 'KEY' && order === 'ASCEND') order = 'NONE';
		if (order !== 'NONE') {
			const cmp = sorter(target);
			kvs.sort(order === 'ASCEND' ? cmp : (a, b) => cmp(b, a));
		}
		let more = false;
		if (reqLimit > 0 && kvs.length > reqLimit) {
			kvs = kvs.slice(0, reqLimit);
			more = true;
		}
		if (r.keys_only) for (const kv of kvs) kv.value = EMPTY;
		return { header: makeHeader(rr.rev), kvs, more, count: rr.count };
	}

	// ---- writes ------------------------------------------------------------------------------

	put(req: PutRequest): PutResponse {
		checkPutRequest(req);
		this.checkCapped(putCost(req));
		const lease = req.lease ?? 0n;
		if (lease !== 0n && !this.leaseExists(lease)) throw Errors.LeaseNotFound();
		if (req.ignore_value || req.ignore_lease) {
			if (!this.index.get(bytesKey(req.key))?.get(this.currentRev)) throw Errors.KeyNotFound();
		}
		return this.write((tx) => this.applyPut(tx, req));
	}

	deleteRange(req: DeleteRangeRequest): DeleteRangeResponse {
		checkDeleteRequest(req);
		return this.write((tx) => this.applyDelete(tx, req));
	}

	txn(req: TxnRequest): TxnResponse {
		validateTxn(req, this.maxTxnOps);
		const isWrite = !isReadOnly(req);
		if (isWrite) this.checkCapped(txnCost(req));
		const curRev = this.currentRev;
		const path = this.compareToPath(req, curRev);
		this.checkOps(req, path, (op) => this.checkPutOp(op, curRev));
		this.checkOps(req, path, (op) => this.checkRangeOp(op, curRev));
		if (!isWrite) {
			const resp = this.applyTxnOps(null, req, path, curRev);
			resp.header = makeHeader(curRev);
			return resp;
		}
		return this.write((tx) => {
			const resp = this.applyTxnOps(tx, req, path, curRev);
			resp.header = makeHeader(tx.changes.length > 0 ? tx.beginRev + 1 : tx.beginRev);
			return resp;
		});
	}

	/**
	 * Runs `fn` in one write transaction: everything it writes shares one new revision. For the
	 * engine (the lessor's revoke); requests use put/deleteRange/txn.
	 */
	write<T>(fn: (tx: WriteTxn) => T): T {
		const tx = new WriteTxn(this, this.currentRev);
		let result: T;
		try {
			result = fn(tx);
		} catch (e) {
			this.rollback(tx);
			throw e;
		}
		this.endWrite(tx);
		return result;
	}

	/**
	 * Undoes a write transaction that failed half way. Requests are checked before they write,
	 * so this is a safety net: etcd panics in the same place (e.g. an ignore_value put on a key
	 * an earlier from-key delete of the same txn removed); here the txn fails as a whole.
	 */
	private rollback(tx: WriteTxn): void {
		let emptied = false;
		for (let i = tx.changes.length - 1; i >= 0; i--) {
			const r = tx.changes[i];
			const ki = this.index.get(bytesKey(r.kv.key))!;
			const gens = ki.generations;
			if (r.tombstone) gens.pop();
			gens[gens.length - 1].revs.pop();
			this.history.pop();
			if (!r.tombstone && r.kv.lease !== 0n) this.lessor?.detach(r.kv.lease, r.kv.key);
			const prev = ki.get(tx.beginRev);
			if (prev && prev.kv.lease !== 0n) this.lessor?.attach(prev.kv.lease, prev.kv.key);
			if (ki.isEmpty()) {
				this.index.delete(ki.key);
				emptied = true;
			}
		}
		if (emptied) this.keys.filter((ki) => this.index.has(ki.key));
	}

	private endWrite(tx: WriteTxn): void {
		if (tx.changes.length === 0) return;
		const rev = tx.beginRev + 1;
		this.currentRev = rev;
		for (const r of tx.changes) {
			const size = recordSize(r);
			this.liveBytes += size;
			this.pending.puts.set(`${r.main}_${r.sub}`, r);
		}
		this.fileBytes = Math.max(this.fileBytes, this.liveBytes);
		this.pending.dirty = true;
		if (this.listeners.length === 0) return;
		const events: Event[] = tx.changes.map((r) =>
			r.tombstone
				? { type: 'DELETE', kv: { ...r.kv, mod_revision: r.main } }
				: { type: 'PUT', kv: copyKv(r.kv) }
		);
		for (const l of this.listeners) l(rev, events, tx.detail);
	}

	/** @internal WriteTxn.put */
	writePut(tx: WriteTxn, key: Bytes, value: Bytes, lease: bigint): void {
		const rev = tx.beginRev + 1;
		const k = bytesKey(key);
		let ki = this.index.get(k);
		const prev = ki?.get(rev);
		const rec: RevisionRecord = {
			main: rev,
			sub: tx.changes.length,
			kv: {
				key: key.slice(),
				create_revision: prev ? prev.kv.create_revision : rev,
				mod_revision: rev,
				version: prev ? prev.kv.version + 1 : 1,
				value: value.slice(),
				lease
			},
			tombstone: false
		};
		if (!ki) {
			ki = new KeyIndex(k);
			this.insertKey(ki);
		}
		ki.put(rec);
		this.history.push(rec);
		tx.changes.push(rec);
		tx.detail.keys.push(k);
		tx.detail.prevs.push(prev && prev.main === rev ? ki.get(tx.beginRev)?.kv : prev?.kv);
		const oldLease = prev ? prev.kv.lease : 0n;
		if (oldLease !== 0n) this.lessor?.detach(oldLease, rec.kv.key);
		if (lease !== 0n) {
			if (!this.lessor) throw Errors.LeaseNotFound();
			this.lessor.attach(lease, rec.kv.key);
		}
	}

	/** @internal WriteTxn.deleteRange */
	writeDelete(tx: WriteTxn, key: Bytes, rangeEnd?: Bytes): number {
		const atRev = tx.readRev;
		const { start, end } = span(key, rangeEnd);
		const victims: KeyIndex[] = [];
		if (end === null) {
			const ki = this.index.get(start);
			if (ki?.get(atRev)) victims.push(ki);
		} else {
			this.keys.scan(start, end, (ki) => {
				if (ki.get(atRev)) victims.push(ki);
			});
		}
		for (const ki of victims) {
			const prev = ki.get(atRev)!;
			// What a watcher's prev_kv shows: the key before this txn, not an earlier op of it.
			const before = prev.main > tx.beginRev ? ki.get(tx.beginRev)?.kv : prev.kv;
			const rec: RevisionRecord = {
				main: tx.beginRev + 1,
				sub: tx.changes.length,
				kv: {
					key: prev.kv.key,
					create_revision: 0,
					mod_revision: 0,
					version: 0,
					value: EMPTY,
					lease: 0n
				},
				tombstone: true
			};
			ki.tombstone(rec);
			this.history.push(rec);
			tx.changes.push(rec);
			tx.detail.keys.push(ki.key);
			tx.detail.prevs.push(before);
			if (prev.kv.lease !== 0n) this.lessor?.detach(prev.kv.lease, prev.kv.key);
		}
		return victims.length;
	}

	private applyPut(tx: WriteTxn, p: PutRequest): PutResponse {
		let value = p.value;
		let lease = p.lease ?? 0n;
		const resp: PutResponse = { header: makeHeader(0) };
		if (p.ignore_value || p.ignore_lease || p.prev_kv) {
			const prev = this.index.get(bytesKey(p.key))?.get(tx.readRev);
			if ((p.ignore_value || p.ignore_lease) && !prev) throw Errors.KeyNotFound();
			if (prev) {
				if (p.ignore_value) value = prev.kv.value;
				if (p.ignore_lease) lease = prev.kv.lease;
				if (p.prev_kv) resp.prev_kv = copyKv(prev.kv);
			}
		}
		tx.put(p.key, value, lease);
		resp.header.revision = tx.beginRev + 1;
		return resp;
	}

	private applyDelete(tx: WriteTxn, d: DeleteRangeRequest): DeleteRangeResponse {
		const resp: DeleteRangeResponse = { header: makeHeader(0), deleted: 0, prev_kvs: [] };
		if (d.prev_kv) {
			resp.prev_kvs = this.rangeKeys(d.key, d.range_end, tx.readRev, {
				limit: 0,
				rev: 0,
				countOnly: false
			}).kvs;
		}
		const n = tx.deleteRange(d.key, d.range_end);
		resp.deleted = n;
		resp.header.revision = n !== 0 || tx.changes.length > 0 ? tx.beginRev + 1 : tx.beginRev;
		return resp;
	}

	// ---- txn ---------------------------------------------------------------------------------

	private compareToPath(t: TxnRequest, rev: number): TxnPath {
		const succeeded = t.compare.every((c) => this.applyCompare(c, rev));
		const ops = succeeded ? t.success : t.failure;
		const nested: TxnPath[] = [];
		for (const op of ops)
			if ('request_txn' in op) nested.push(this.compareToPath(op.request_txn, rev));
		return { succeeded, nested };
	}

	private applyCompare(c: Compare, rev: number): boolean {
		const { kvs } = this.rangeKeys(c.key, c.range_end, rev, { limit: 0, rev: 0, countOnly: false });
		if (kvs.length === 0) {
			// A missing key has no value to compare (nil and empty are the same in gRPC).
			if (c.target === 'VALUE') return false;
			return compareKv(c, null);
		}
		return kvs.every((kv) => compareKv(c, kv));
	}

	private checkOps(t: TxnRequest, path: TxnPath, f: (op: RequestOp) => void): void {
		const ops = path.succeeded ? t.success : t.failure;
		let n = 0;
		for (const op of ops) {
			if ('request_txn' in op) this.checkOps(op.request_txn, path.nested[n++], f);
			else f(op);
		}
	}

	private checkPutOp(op: RequestOp, rev: number): void {
		if (!('request_put' in op)) return;
		const p = op.request_put;
		if (p.ignore_value || p.ignore_lease) {
			if (!this.index.get(bytesKey(p.key))?.get(rev)) throw Errors.KeyNotFound();
		}
		const lease = p.lease ?? 0n;
		if (lease !== 0n && !this.leaseExists(lease)) throw Errors.LeaseNotFound();
	}

	private checkRangeOp(op: RequestOp, rev: number): void {
		if (!('request_range' in op)) return;
		const r = op.request_range.revision ?? 0;
		if (r === 0) return;
		if (r > rev) throw Errors.FutureRev();
		if (r < this.compactRev) throw Errors.Compacted();
	}

	/** Applies the chosen branches; `tx` null for a read-only txn (reads at `readRev`). */
	private applyTxnOps(
		tx: WriteTxn | null,
		t: TxnRequest,
		path: TxnPath,
		readRev: number
	): TxnResponse {
		const ops = path.succeeded ? t.success : t.failure;
		const responses: ResponseOp[] = [];
		let n = 0;
		for (const op of ops) {
			if ('request_range' in op) {
				responses.push({
					response_range: this.applyRange(op.request_range, tx ? tx.readRev : readRev)
				});
			} else if ('request_put' in op) {
				responses.push({ response_put: this.applyPut(tx!, op.request_put) });
			} else if ('request_delete_range' in op) {
				responses.push({ response_delete_range: this.applyDelete(tx!, op.request_delete_range) });
			} else {
				responses.push({
					response_txn: this.applyTxnOps(tx, op.request_txn, path.nested[n++], readRev)
				});
			}
		}
		return { header: makeHeader(0), succeeded: path.succeeded, responses };
	}

	// ---- compaction and hashes ---------------------------------------------------------------

	/**
	 * Compacts history at `rev`: reads below it fail from now on, and every revision not needed
	 * for reads at rev or later leaves the index, the history and (with the next batch) the
	 * backend. Returns the header revision (the current one).
	 */
	compact(rev: number): { revision: number } {
		if (rev <= this.compactRev) throw Errors.Compacted();
		if (rev > this.currentRev) throw Errors.FutureRev();
		const keep = new Set<RevisionRecord>();
		let emptied = false;
		for (const ki of this.index.values()) {
			ki.compact(rev, keep);
			if (ki.isEmpty()) {
				this.index.delete(ki.key);
				emptied = true;
			}
		}
		if (emptied) this.keys.filter((ki) => !ki.isEmpty());
		const cut = this.lowerBoundHistory(rev + 1);
		const kept: RevisionRecord[] = [];
		for (let i = 0; i < cut; i++) {
			const r = this.history[i];
			if (keep.has(r)) {
				kept.push(r);
				continue;
			}
			this.liveBytes -= recordSize(r);
			const id = `${r.main}_${r.sub}`;
			if (!this.pending.puts.delete(id)) this.pending.deletes.set(id, [r.main, r.sub]);
		}
		this.history = kept.concat(this.history.slice(cut));
		this.compactRev = rev;
		this.meta.compactRevision = rev;
		this.pending.dirty = true;
		return { revision: this.currentRev };
	}

	/** A hash of everything stored (etcd's Hash RPC, over kv and lease records). */
	hash(): { hash: number; revision: number } {
		const h = new Crc32c();
		for (const r of this.history) hashRecord(h, r);
		const leases = [...this.leaseRecords.values()].sort((a, b) =>
			a.id < b.id ? -1 : a.id > b.id ? 1 : 0
		);
		for (const l of leases) h.i64(l.id).u64(Math.max(0, l.ttl));
		return { hash: h.sum(), revision: this.currentRev };
	}

	/**
	 * etcd's HashKV: CRC-32C over the revision records up to `rev` (0: current), skipping those
	 * at or below the compact revision that a compaction at rev would remove.
	 */
	hashKV(rev = 0): { hash: number; compact_revision: number; hash_revision: number } {
		if (rev > 0 && rev < this.compactRev) throw Errors.Compacted();
		if (rev > this.currentRev) throw Errors.FutureRev();
		if (rev === 0) rev = this.currentRev;
		const keep = new Set<RevisionRecord>();
		for (const ki of this.index.values()) ki.keep(rev, keep);
		const h = new Crc32c();
		for (let i = 0; i < 3; i++) h.u32('key'.charCodeAt(i));
		for (const r of this.history) {
			if (r.main > rev) break;
			if (r.main <= this.compactRev && keep.size > 0 && !keep.has(r)) continue;
			hashRecord(h, r);
		}
		return { hash: h.sum(), compact_revision: this.compactRev, hash_revision: this.currentRev };
	}

	// ---- persistence -------------------------------------------------------------------------

	/** @internal for the lessor: persists a lease with the next batch. */
	stageLeasePut(l: LeaseRecord): void {
		this.leaseRecords.set(l.id, { ...l });
		this.pending.leaseDeletes.delete(l.id);
		this.pending.leasePuts.set(l.id, { ...l });
		this.pending.dirty = true;
	}

	/** @internal for the lessor: removes a lease with the next batch. */
	stageLeaseDelete(id: bigint): void {
		this.leaseRecords.delete(id);
		this.pending.leasePuts.delete(id);
		this.pending.leaseDeletes.add(id);
		this.pending.dirty = true;
	}

	/** The backend changes since the last call, or null if there are none. */
	takeBatch(): BackendBatch | null {
		const p = this.pending;
		if (!p.dirty) return null;
		this.pending = newPending();
		return {
			reset: p.reset,
			puts: [...p.puts.values()],
			deletes: [...p.deletes.values()],
			leasePuts: [...p.leasePuts.values()],
			leaseDeletes: [...p.leaseDeletes],
			meta: { ...this.meta }
		};
	}

	/**
	 * Writes pending changes to the backend the store was opened with; writes stay in order.
	 * While a write is in flight, later flushes coalesce: one follow-up write takes everything
	 * pending when the current one finishes (etcd's backend batch interval, driven by the disk
	 * instead of a timer). Under load that turns hundreds of small writes into a few large ones.
	 * The promise resolves once every change made before the call is written.
	 */
	flush(): Promise<void> {
		const backend = this.backend;
		if (!backend) {
			this.takeBatch();
			return this.lastWrite;
		}
		if (!this.pending.dirty) return this.lastWrite;
		if (!this.queuedWrite) {
			// A failed write (a full disk) must not end persistence for the session: its batch goes
			// back under what was staged since, and the next flush writes both. The caller of the
			// failed flush sees the error; later writes do not wait on it.
			const queued = this.lastWrite
				.catch(() => undefined)
				.then(() => {
					this.queuedWrite = null;
					const batch = this.takeBatch();
					if (!batch) return undefined;
					return backend.write(batch).catch((e: unknown) => {
						this.requeue(batch);
						throw e;
					});
				});
			this.queuedWrite = queued;
			this.lastWrite = queued;
		}
		return this.queuedWrite;
	}

	/** Puts a batch the backend refused back into the pending one, under newer changes. */
	private requeue(b: BackendBatch): void {
		const p = this.pending;
		if (b.reset) p.reset = true;
		for (const r of b.puts) {
			const id = `${r.main}_${r.sub}`;
			if (!p.puts.has(id) && !p.deletes.has(id)) p.puts.set(id, r);
		}
		for (const [main, sub] of b.deletes) {
			const id = `${main}_${sub}`;
			if (!p.puts.has(id)) p.deletes.set(id, [main, sub]);
		}
		for (const l of b.leasePuts) {
			if (!p.leasePuts.has(l.id) && !p.leaseDeletes.has(l.id)) p.leasePuts.set(l.id, l);
		}
		for (const id of b.leaseDeletes) if (!p.leasePuts.has(id)) p.leaseDeletes.add(id);
		p.dirty = true;
	}

	/** Everything the store holds, as a backend would return it (raft snapshots). */
	snapshot(): BackendContents {
		return { revisions: this.history.slice(), leases: this.storedLeases(), meta: { ...this.meta } };
	}

	/**
	 * Replaces the whole state with `contents` (a raft snapshot); the next batch rewrites the
	 * backend from scratch. The lessor reloads; restore listeners (the watch layer) re-sync
	 * every watcher from the new history, as etcd's watchableStore does after a snapshot.
	 */
	restore(contents: BackendContents): void {
		this.rebuild(contents);
		const p = newPending();
		p.reset = true;
		p.dirty = true;
		for (const r of this.history) p.puts.set(`${r.main}_${r.sub}`, r);
		for (const l of this.leaseRecords.values()) p.leasePuts.set(l.id, { ...l });
		this.pending = p;
		this.lessor?.restored();
		for (const l of this.restoreListeners) l();
	}

	private rebuild(contents: BackendContents): void {
		this.meta = { ...emptyMeta(), ...contents.meta };
		this.compactRev = this.meta.compactRevision;
		const revisions = contents.revisions.slice();
		let keys = contents.keys?.length === revisions.length ? contents.keys : undefined;
		for (let i = 1; i < revisions.length; i++) {
			if (compareRevision(revisions[i - 1], revisions[i]) > 0) {
				revisions.sort(compareRevision);
				keys = undefined;
				break;
			}
		}
		this.index = new Map();
		this.history = revisions;
		let bytes = EMPTY_DB_BYTES;
		for (let i = 0; i < revisions.length; i++) {
			const r = revisions[i];
			bytes += recordSize(r);
			const k = keys ? keys[i] : bytesKey(r.kv.key);
			let ki = this.index.get(k);
			if (!ki) {
				ki = new KeyIndex(k);
				this.index.set(k, ki);
			}
			if (r.tombstone) ki.tombstone(r);
			else ki.put(r);
		}
		for (const [k, ki] of this.index) if (ki.isEmpty()) this.index.delete(k);
		this.keys = SortedKeys.fromSorted(
			[...this.index.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
		);
		const last = revisions.length > 0 ? revisions[revisions.length - 1].main : 1;
		this.currentRev = Math.max(1, last, this.compactRev);
		this.liveBytes = bytes;
		this.fileBytes = bytes;
		this.leaseRecords = new Map(contents.leases.map((l) => [l.id, { ...l }]));
	}

	// ---- helpers -----------------------------------------------------------------------------

	private leaseExists(id: bigint): boolean {
		return this.lessor !== null && this.lessor.exists(id);
	}

	private insertKey(ki: KeyIndex): void {
		this.index.set(ki.key, ki);
		this.keys.insert(ki);
	}

	private lowerBoundHistory(main: number): number {
		let lo = 0;
		let hi = this.history.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (this.history[mid].main < main) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}
}

function newPending() {
	return {
		reset: false,
		dirty: false,
		puts: new Map<string, RevisionRecord>(),
		deletes: new Map<string, [number, number]>(),
		leasePuts: new Map<bigint, LeaseRecord>(),
		leaseDeletes: new Set<bigint>()
	};
}

function sorter(target: string): (a: KeyValue, b: KeyValue) => number {
	switch (target) {
		case 'VERSION':
			return (a, b) => a.version - b.version;
		case 'CREATE':
			return (a, b) => a.create_revision - b.create_revision;
		case 'MOD':
			return (a, b) => a.mod_revision - b.mod_revision;
		case 'VALUE':
			return (a, b) => compareBytes(a.value, b.value);
		default:
			return (a, b) => compareBytes(a.key, b.key);
	}
}

function compareKv(c: Compare, kv: KeyValue | null): boolean {
	let result: number;
	switch (c.target) {
		case 'VALUE':
			result = compareBytes(kv ? kv.value : EMPTY, c.value ?? EMPTY);
			break;
		case 'CREATE':
			result = Math.sign((kv?.create_revision ?? 0) - (c.create_revision ?? 0));
			break;
		case 'MOD':
			result = Math.sign((kv?.mod_revision ?? 0) - (c.mod_revision ?? 0));
			break;
		case 'VERSION':
			result = Math.sign((kv?.version ?? 0) - (c.version ?? 0));
			break;
		case 'LEASE': {
			const a = kv?.lease ?? 0n;
			const b = c.lease ?? 0n;
			result = a < b ? -1 : a > b ? 1 : 0;
			break;
		}
	}
	switch (c.result) {
		case 'EQUAL':
			return result === 0;
		case 'NOT_EQUAL':
			return result !== 0;
		case 'GREATER':
			return result > 0;
		case 'LESS':
			return result < 0;
	}
}

function isReadOnly(t: TxnRequest): boolean {
	for (const op of [...t.success, ...t.failure]) {
		if ('request_put' in op || 'request_delete_range' in op) return false;
		if ('request_txn' in op && !isReadOnly(op.request_txn)) return false;
	}
	return true;
}

/** etcd's quota cost of a put. */
export function putCost(p: PutRequest): number {
	return KV_OVERHEAD + p.key.length + p.value.length;
}

/** etcd's quota cost of a txn: the bytes its costlier branch would put. */
export function txnCost(t: TxnRequest): number {
	const branch = (ops: RequestOp[]) => {
		let n = 0;
		for (const op of ops) {
			if ('request_put' in op)
				n += KV_OVERHEAD + op.request_put.key.length + op.request_put.value.length;
			else if ('request_txn' in op) n += txnCost(op.request_txn);
		}
		return n;
	};
	return Math.max(branch(t.success), branch(t.failure));
}

function hashRecord(h: Crc32c, r: RevisionRecord): void {
	const kv = r.kv;
	h.u64(r.main)
		.u64(r.sub)
		.u32(r.tombstone ? 1 : 0);
	h.u32(kv.key.length).bytes(kv.key).u32(kv.value.length).bytes(kv.value);
	h.u64(kv.create_revision).u64(kv.mod_revision).u64(kv.version).i64(kv.lease);
}
