/**
 * The checks etcd's gRPC layer makes before a KV request reaches raft (v3rpc/key.go). The
 * request-size limit is checked by the server on the request etcd would marshal
 * (server/request-size.ts). The store runs them too, so a request that skipped them cannot leave a
 * write transaction half applied.
 */
import type {
	DeleteRangeRequest,
	PutRequest,
	RangeRequest,
	RequestOp,
	TxnRequest
} from '../api/types';
import { Errors } from '../api/errors';
import { bytesKey } from '../util/bytes';

/** etcd's default --max-txn-ops. */
export const MAX_TXN_OPS = 128;
/** etcd's default --max-request-bytes: 1.5 MiB. */
export const MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;

export function checkRangeRequest(r: RangeRequest): void {
	if (r.key.length === 0) throw Errors.EmptyKey();
}

export function checkPutRequest(r: PutRequest): void {
	if (r.key.length === 0) throw Errors.EmptyKey();
	if (r.ignore_value && r.value.length !== 0) throw Errors.ValueProvided();
	if (r.ignore_lease && (r.lease ?? 0n) !== 0n) throw Errors.LeaseProvided();
}

export function checkDeleteRequest(r: DeleteRangeRequest): void {
	if (r.key.length === 0) throw Errors.EmptyKey();
}

/** Op count (the largest of compare/success/failure, nested txns share what is left) and keys. */
export function checkTxnRequest(r: TxnRequest, maxTxnOps = MAX_TXN_OPS): void {
	const opc = Math.max(r.compare.length, r.success.length, r.failure.length);
	if (opc > maxTxnOps) throw Errors.TooManyOps();
	for (const c of r.compare) if (c.key.length === 0) throw Errors.EmptyKey();
	for (const op of r.success) checkRequestOp(op, maxTxnOps - opc);
	for (const op of r.failure) checkRequestOp(op, maxTxnOps - opc);
}

function checkRequestOp(op: RequestOp, maxTxnOps: number): void {
	if ('request_range' in op) checkRangeRequest(op.request_range);
	else if ('request_put' in op) checkPutRequest(op.request_put);
	else if ('request_delete_range' in op) checkDeleteRequest(op.request_delete_range);
	else checkTxnRequest(op.request_txn, maxTxnOps);
}

/** The full gRPC-level validation of a txn: op limits, then the duplicate-key rule per branch. */
export function validateTxn(r: TxnRequest, maxTxnOps = MAX_TXN_OPS): void {
	checkTxnRequest(r, maxTxnOps);
	checkIntervals(r.success);
	checkIntervals(r.failure);
}

/** A deleted interval [begin, end) of bytesKey strings; a point is [k, k + '\0'). */
interface Interval {
	begin: string;
	end: string;
}

function hitsPoint(dels: Interval[], k: string): boolean {
	const end = k + '\0';
	for (const d of dels) if (d.begin < end && k < d.end) return true;
	return false;
}

/**
 * etcd's duplicate-key rule: within one branch (and the branches of txns nested in it) a key
 * may be put at most once and may not be both put and deleted. Puts in the success and failure
 * branches of one nested txn may share keys (only one branch runs). Two deletes may overlap.
 * As in etcd, a from-key delete (range_end "\0") is an empty interval here and never clashes.
 */
function checkIntervals(reqs: RequestOp[]): { puts: Set<string>; dels: Interval[] } {
	const dels: Interval[] = [];
	for (const op of reqs) {
		if (!('request_delete_range' in op)) continue;
		const d = op.request_delete_range;
		const begin = bytesKey(d.key);
		const end = d.range_end && d.range_end.length > 0 ? bytesKey(d.range_end) : begin + '\0';
		dels.push({ begin, end });
	}
	const puts = new Set<string>();
	for (const op of reqs) {
		if (!('request_txn' in op)) continue;
		const then = checkIntervals(op.request_txn.success);
		const otherwise = checkIntervals(op.request_txn.failure);
		for (const k of then.puts) {
			if (puts.has(k) || hitsPoint(dels, k)) throw Errors.DuplicateKey();
			puts.add(k);
		}
		for (const k of otherwise.puts) {
			if (puts.has(k) && !then.puts.has(k)) throw Errors.DuplicateKey();
			if (hitsPoint(dels, k)) throw Errors.DuplicateKey();
			puts.add(k);
		}
		// etcd merges the children's deletes into this level's after checking each child.
		dels.push(...then.dels, ...otherwise.dels);
	}
	for (const op of reqs) {
		if (!('request_put' in op)) continue;
		const k = bytesKey(op.request_put.key);
		if (puts.has(k) || hitsPoint(dels, k)) throw Errors.DuplicateKey();
		puts.add(k);
	}
	return { puts, dels };
}
