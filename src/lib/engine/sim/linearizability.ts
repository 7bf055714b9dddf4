/**
 * A linearizability checker for etcd's KV and lease API: Wing & Gong's search with Lowe's
 * memoisation (the algorithm porcupine uses), over a model of the whole keyspace.
 *
 * Why not partition by key: every etcd response carries the store revision, one counter for
 * all keys. The model checks that revision exactly, which pins writes into a total order and
 * keeps the search nearly linear, but couples every key; so the model is global.
 *
 * Outcomes: `ok` operations carry the response and must match the model exactly; `unknown`
 * ones (the client timed out or the member failed mid-request) may have taken effect at any
 * moment after their call, or never, and their output is unchecked; `failed` ones (an error
 * that says the request had no effect) and reads of unknown outcome change nothing and are
 * left out.
 */

/** A key-value as the model keeps it and a range returns it. Keys and values are text. */
export interface ModelKv {
	key: string;
	value: string;
	create: number;
	mod: number;
	version: number;
	/** 0n: no lease. */
	lease: bigint;
}

export interface ModelCompare {
	key: string;
	target: 'value' | 'version' | 'create' | 'mod' | 'lease';
	op: '=' | '!=' | '<' | '>';
	/** A string for value compares, a number for revisions and versions, a bigint for leases. */
	operand: string | number | bigint;
}

/** A get reads `key`, or every key in [key, end) when `end` is set. */
export type TxnSubOp =
	| { type: 'put'; key: string; value: string; lease?: bigint }
	| { type: 'get'; key: string; end?: string }
	| { type: 'delete'; key: string };

export type KvOp =
	| TxnSubOp
	| { type: 'txn'; compare: ModelCompare[]; success: TxnSubOp[]; failure: TxnSubOp[] }
	| { type: 'leaseGrant'; id: bigint }
	| { type: 'leaseRevoke'; id: bigint };

/** What a sub-operation of a txn returned: a get's kvs, a delete's count, nothing for a put. */
export type SubResult = ModelKv[] | number | null;

export interface KvOutput {
	/** The response header's revision. */
	rev: number;
	/** get */
	kvs?: ModelKv[];
	/** delete */
	deleted?: number;
	/** txn */
	succeeded?: boolean;
	results?: SubResult[];
	/**
	 * Only `rev` (and `succeeded` for a txn) are known: the outcome of an operation whose
	 * answer was lost, recovered from the revision where its unique value was written.
	 */
	partial?: boolean;
}

export interface HistoryOp {
	/** Who issued it (for messages). */
	client: number;
	op: KvOp;
	/** Simulated ms when the call was made and when its answer arrived. */
	call: number;
	/** Infinity when the outcome is unknown. */
	ret: number;
	/** The response; undefined when the outcome is unknown. */
	out?: KvOutput;
	/** The error the client got, if it got one (for reports). */
	error?: string;
	/** The error says the request surely had no effect: it is left out of the check. */
	failed?: boolean;
}

export interface LinearizabilityResult {
	ok: boolean;
	/** The search gave up (step budget spent) without a verdict. */
	inconclusive?: boolean;
	/** On failure: the operation that could not be placed, and the model state before it. */
	details?: string;
	/** Search steps taken. */
	steps: number;
}

// ---------------------------------------------------------------------------------------------
// The model: the store revision, every key and the set of live leases. States are immutable.

export interface ModelState {
	rev: number;
	kvs: Map<string, ModelKv>;
	leases: Set<bigint>;
}

export function initialState(): ModelState {
	// A fresh etcd store is at revision 1.
	return { rev: 1, kvs: new Map(), leases: new Set() };
}

const keyCache = new WeakMap<ModelState, string>();

function stateKey(s: ModelState): string {
	let k = keyCache.get(s);
	if (k === undefined) {
		k = computeStateKey(s);
		keyCache.set(s, k);
	}
	return k;
}

function computeStateKey(s: ModelState): string {
	const keys = [...s.kvs.keys()].sort();
	let out = `${s.rev};`;
	for (const k of keys) {
		const kv = s.kvs.get(k) as ModelKv;
		out += `${k}=${kv.value},${kv.create},${kv.mod},${kv.version},${kv.lease};`;
	}
	const leases = [...s.leases].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	return out + '|' + leases.join(',');
}

function cmp(a: number | bigint | string, b: number | bigint | string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

function compareHolds(c: ModelCompare, kvs: Map<string, ModelKv>): boolean {
	const kv = kvs.get(c.key);
	// etcd: a value compare on a missing key is false; other targets compare against zero.
	if (!kv && c.target === 'value') return false;
	let r: number;
	switch (c.target) {
		case 'value':
			r = cmp((kv as ModelKv).value, c.operand as string);
			break;
		case 'lease':
			r = cmp(kv?.lease ?? 0n, c.operand as bigint);
			break;
		default:
			r = cmp(kv ? kv[c.target] : 0, c.operand as number);
	}
	switch (c.op) {
		case '=':
			return r === 0;
		case '!=':
			return r !== 0;
		case '<':
			return r < 0;
		case '>':
			return r > 0;
	}
}

function rangeOf(kvs: Map<string, ModelKv>, key: string, end?: string): ModelKv[] {
	if (end === undefined) {
		const kv = kvs.get(key);
		return kv ? [kv] : [];
	}
	const out: ModelKv[] = [];
	for (const kv of kvs.values()) if (kv.key >= key && kv.key < end) out.push(kv);
	return out.sort((a, b) => cmp(a.key, b.key));
}

function sameKvs(a: ModelKv[], b: ModelKv[]): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) {
		const x = a[i];
		const y = b[i];
		if (
			x.key !== y.key ||
			x.value !== y.value ||
			x.create !== y.create ||
			x.mod !== y.mod ||
			x.version !== y.version ||
			x.lease !== y.lease
		)
			return false;
	}
	return true;
}

/**
 * Runs `ops` as one write transaction at revision state.rev + 1 (sharing one revision as
 * etcd's txn does). Returns the new key map, whether anything changed, and each op's result,
 * or null if a put names a lease that does not exist (etcd fails the whole request).
 */
function runOps(
	s: ModelState,
	ops: TxnSubOp[]
): { kvs: Map<string, ModelKv>; changed: boolean; results: SubResult[] } | null {
	const rev = s.rev + 1;
	let kvs = s.kvs;
	let changed = false;
	const results: SubResult[] = [];
	for (const op of ops) {
		if (op.type === 'put') {
			const lease = op.lease ?? 0n;
			if (lease !== 0n && !s.leases.has(lease)) return null;
		}
	}
	for (const op of ops) {
		if (op.type === 'get') {
			results.push(rangeOf(kvs, op.key, op.end));
		} else if (op.type === 'put') {
			if (kvs === s.kvs) kvs = new Map(kvs);
			const prev = kvs.get(op.key);
			kvs.set(op.key, {
				key: op.key,
				value: op.value,
				create: prev ? prev.create : rev,
				mod: rev,
				version: prev ? prev.version + 1 : 1,
				lease: op.lease ?? 0n
			});
			changed = true;
			results.push(null);
		} else {
			const had = kvs.has(op.key);
			if (had) {
				if (kvs === s.kvs) kvs = new Map(kvs);
				kvs.delete(op.key);
				changed = true;
			}
			results.push(had ? 1 : 0);
		}
	}
	return { kvs, changed, results };
}

function sameResults(a: SubResult[], b: SubResult[] | undefined): boolean {
	if (!b || a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) {
		const x = a[i];
		const y = b[i];
		if (Array.isArray(x)) {
			if (!Array.isArray(y) || !sameKvs(x, y)) return false;
		} else if (typeof x === 'number') {
			if (x !== y) return false;
		}
	}
	return true;
}

/**
 * One step of the model: the state after `op`, or null if `out` (the observed response) is
 * impossible from `s`. With `out` undefined (unknown outcome) any response is accepted.
 */
export function step(s: ModelState, op: KvOp, out: KvOutput | undefined): ModelState | null {
	switch (op.type) {
		case 'get': {
			if (!out) return s;
			return out.rev === s.rev && sameKvs(rangeOf(s.kvs, op.key, op.end), out.kvs ?? []) ? s : null;
		}
		case 'put':
		case 'delete': {
			const r = runOps(s, [op]);
			if (!r) return out ? null : s;
			const next = r.changed ? { rev: s.rev + 1, kvs: r.kvs, leases: s.leases } : s;
			if (!out) return next;
			if (out.rev !== next.rev) return null;
			if (op.type === 'delete' && !out.partial && out.deleted !== r.results[0]) return null;
			return next;
		}
		case 'txn': {
			const succeeded = op.compare.every((c) => compareHolds(c, s.kvs));
			const r = runOps(s, succeeded ? op.success : op.failure);
			if (!r) return out ? null : s;
			const next = r.changed ? { rev: s.rev + 1, kvs: r.kvs, leases: s.leases } : s;
			if (!out) return next;
			if (out.succeeded !== succeeded || out.rev !== next.rev) return null;
			return out.partial || sameResults(r.results, out.results) ? next : null;
		}
		case 'leaseGrant': {
			if (s.leases.has(op.id)) return out ? null : s;
			if (out && out.rev !== s.rev) return null;
			return { rev: s.rev, kvs: s.kvs, leases: new Set(s.leases).add(op.id) };
		}
		case 'leaseRevoke': {
			if (!s.leases.has(op.id)) return out ? null : s;
			const leases = new Set(s.leases);
			leases.delete(op.id);
			let kvs = s.kvs;
			for (const kv of s.kvs.values()) {
				if (kv.lease !== op.id) continue;
				if (kvs === s.kvs) kvs = new Map(kvs);
				kvs.delete(kv.key);
			}
			const rev = kvs === s.kvs ? s.rev : s.rev + 1;
			if (out && out.rev !== rev) return null;
			return { rev, kvs, leases };
		}
	}
}

// ---------------------------------------------------------------------------------------------
// The search

function readOnly(op: KvOp): boolean {
	if (op.type === 'get') return true;
	if (op.type !== 'txn') return false;
	return [...op.success, ...op.failure].every((o) => o.type === 'get');
}

interface Entry {
	op: number;
	call: boolean;
	/** For a call entry: its return entry. */
	match?: Entry;
	prev: Entry | null;
	next: Entry | null;
}

function describeOp(h: HistoryOp, i: number): string {
	const o = h.op;
	let what: string;
	switch (o.type) {
		case 'put':
			what = `put ${o.key}=${o.value}${o.lease ? ` lease=${o.lease.toString(16)}` : ''}`;
			break;
		case 'get':
			what = o.end === undefined ? `get ${o.key}` : `range [${o.key},${o.end})`;
			break;
		case 'delete':
			what = `delete ${o.key}`;
			break;
		case 'txn':
			what = `txn if ${o.compare
				.map((c) => `${c.target}(${c.key})${c.op}${String(c.operand)}`)
				.join(' && ')} then ${o.success.map(subText).join(', ')} else ${o.failure
				.map(subText)
				.join(', ')}`;
			break;
		case 'leaseGrant':
			what = `lease grant ${o.id.toString(16)}`;
			break;
		case 'leaseRevoke':
			what = `lease revoke ${o.id.toString(16)}`;
			break;
	}
	const when = `[${h.call}ms, ${h.ret === Infinity ? '?' : `${h.ret}ms`}]`;
	return `#${i} client ${h.client} ${what} ${when} -> ${h.out ? outText(h.out) : 'unknown'}`;
}

function subText(o: TxnSubOp): string {
	if (o.type === 'put') return `put ${o.key}=${o.value}`;
	if (o.type === 'delete') return `delete ${o.key}`;
	return o.end === undefined ? `get ${o.key}` : `range [${o.key},${o.end})`;
}

function kvsText(kvs: ModelKv[]): string {
	return `[${kvs.map((kv) => `${kv.key}=${kv.value}@${kv.mod}`).join(' ')}]`;
}

function outText(o: KvOutput): string {
	let s = `rev ${o.rev}`;
	if (o.kvs) s += ` ${kvsText(o.kvs)}`;
	if (o.deleted !== undefined) s += ` deleted ${o.deleted}`;
	if (o.succeeded !== undefined) s += o.succeeded ? ' succeeded' : ' failed';
	if (o.results)
		s += ` ${o.results.map((r) => (Array.isArray(r) ? kvsText(r) : String(r))).join(' ')}`;
	return s;
}

function stateText(s: ModelState): string {
	return `rev ${s.rev} ${kvsText([...s.kvs.values()].sort((a, b) => cmp(a.key, b.key)))}`;
}

/**
 * Checks that `history` is linearizable with respect to the KV model, starting from `init`.
 * `maxSteps` bounds the search; beyond it the answer is inconclusive (reported, never a pass).
 *
 * The search (Wing & Gong, with Lowe's memo of explored (set, state) pairs): at each point the
 * candidates are the operations called before the earliest pending return; take one whose
 * step the model allows, recurse, and undo on a dead end. Operations of unknown outcome never
 * return, so they stay candidates to the end; they are tried after the answered ones, and
 * never where they would change nothing (leaving them pending keeps every option open).
 */
export function checkLinearizable(
	history: readonly HistoryOp[],
	init: ModelState = initialState(),
	maxSteps = 1_000_000
): LinearizabilityResult {
	// Failed requests and reads of unknown outcome change nothing: leave them out.
	const ops = history.filter((h) => !h.failed && (h.out !== undefined || !readOnly(h.op)));
	const n = ops.length;
	if (n === 0) return { ok: true, steps: 0 };

	// Events in time order; at equal times calls come first (the two overlap: lenient).
	const events: { t: number; call: boolean; op: number }[] = [];
	ops.forEach((h, i) => {
		events.push({ t: h.call, call: true, op: i });
		events.push({ t: h.out ? h.ret : Infinity, call: false, op: i });
	});
	events.sort((a, b) => a.t - b.t || (a.call === b.call ? a.op - b.op : a.call ? -1 : 1));
	const head: Entry = { op: -1, call: false, prev: null, next: null };
	let tail = head;
	const calls: Entry[] = new Array(n);
	for (const ev of events) {
		const e: Entry = { op: ev.op, call: ev.call, prev: tail, next: null };
		tail.next = e;
		tail = e;
		if (ev.call) calls[ev.op] = e;
		else calls[ev.op].match = e;
	}

	const lift = (e: Entry) => {
		e.prev!.next = e.next;
		if (e.next) e.next.prev = e.prev;
		const m = e.match!;
		m.prev!.next = m.next;
		if (m.next) m.next.prev = m.prev;
	};
	const unlift = (e: Entry) => {
		const m = e.match!;
		m.prev!.next = m;
		if (m.next) m.next.prev = m;
		e.prev!.next = e;
		if (e.next) e.next.prev = e;
	};
	/** The calls before the first pending return: answered ones first, then unknown ones. */
	const candidates = (): Entry[] => {
		const answered: Entry[] = [];
		const unknown: Entry[] = [];
		for (let e = head.next; e !== null && e.call; e = e.next) {
			if (ops[e.op].out) answered.push(e);
			else unknown.push(e);
		}
		return answered.concat(unknown);
	};

	let known = ops.filter((h) => h.out !== undefined).length;
	let state = init;
	let linearized = 0n;
	const bit = (i: number) => 1n << BigInt(i);
	// The memo of (linearized set, state) pairs already explored, keyed by a Zobrist hash of
	// the set (kept up to date by XOR) and the state; the set itself settles hash collisions.
	const zobrist = (i: number, salt: number) => {
		let x = Math.imul(i + 1, 0x9e3779b1) ^ salt;
		x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
		x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
		return (x ^ (x >>> 16)) >>> 0;
	};
	const z1 = ops.map((_, i) => zobrist(i, 0x1234567));
	const z2 = ops.map((_, i) => zobrist(i, 0x7654321));
	let h1 = 0;
	let h2 = 0;
	const cache = new Map<string, bigint[]>();
	/** One choice point: its candidates, the next one to try, and the state before it. */
	interface Frame {
		cands: Entry[];
		i: number;
		state: ModelState;
		/** The candidate taken from here (lifted), if any. */
		taken: Entry | null;
	}
	const stack: Frame[] = [{ cands: candidates(), i: 0, state, taken: null }];
	let steps = 0;
	// For the report: the deepest point reached and what was pending there.
	let best = -1;
	let bestState = state;
	let bestBlocked = -1;

	while (known > 0) {
		if (++steps > maxSteps) return { ok: false, inconclusive: true, steps };
		const f = stack[stack.length - 1];
		let advanced = false;
		while (f.i < f.cands.length) {
			const e = f.cands[f.i++];
			const h = ops[e.op];
			const next = step(state, h.op, h.out);
			if (!next || (!h.out && next === state)) continue;
			const lin = linearized | bit(e.op);
			const key = `${(h1 ^ z1[e.op]) >>> 0},${(h2 ^ z2[e.op]) >>> 0}|${stateKey(next)}`;
			const seen = cache.get(key);
			if (seen && seen.includes(lin)) continue;
			if (seen) seen.push(lin);
			else cache.set(key, [lin]);
			f.taken = e;
			state = next;
			linearized = lin;
			h1 ^= z1[e.op];
			h2 ^= z2[e.op];
			if (h.out) known--;
			lift(e);
			stack.push({ cands: candidates(), i: 0, state, taken: null });
			advanced = true;
			break;
		}
		if (advanced) continue;
		// Dead end: nothing can go next here. Undo the choice that led here.
		if (stack.length > best) {
			best = stack.length;
			bestState = state;
			let r = head.next;
			while (r && r.call) r = r.next;
			bestBlocked = r ? r.op : -1;
		}
		stack.pop();
		const parent = stack[stack.length - 1];
		if (!parent) break;
		const e = parent.taken!;
		parent.taken = null;
		unlift(e);
		state = parent.state;
		linearized &= ~bit(e.op);
		h1 ^= z1[e.op];
		h2 ^= z2[e.op];
		if (ops[e.op].out) known++;
	}
	if (known === 0) return { ok: true, steps };
	const blocked = bestBlocked >= 0 ? describeOp(ops[bestBlocked], bestBlocked) : '?';
	return {
		ok: false,
		steps,
		details: `no linearization: after ${best - 1} operations (state ${stateText(bestState)}), ${blocked} cannot be placed`
	};
}
