/**
 * get, put and del requests built from arguments and flags (etcdctl's getGetOp, getPutOp and
 * getDelOp), shared by the commands and by txn's request lines.
 */
import type {
	DeleteRangeRequest,
	PutRequest,
	RangeRequest,
	SortOrder,
	SortTarget
} from '../../engine/api/types';
import { prefixEnd, utf8 } from '../../engine/util/bytes';
import { ExitCode, ExitError } from '../exit';
import type { FlagSet } from '../flags';
import { parseGoInt } from '../flags';
import { goQuote } from '../go';

const NUL = () => new Uint8Array([0]);

/** --prefix and --from-key, which get and del both refuse together (as etcdctl does). */
function rangeFlags(f: FlagSet): { prefix: boolean; fromKey: boolean } {
	const prefix = f.bool('prefix');
	const fromKey = f.bool('from-key');
	if (prefix && fromKey) {
		throw new ExitError(
			ExitCode.BadArgs,
			'`--prefix` and `--from-key` cannot be set at the same time, choose one'
		);
	}
	return { prefix, fromKey };
}

export function getOp(args: string[], f: FlagSet): RangeRequest {
	if (args.length === 0) {
		throw new ExitError(
			ExitCode.BadArgs,
			'get command needs one argument as key and an optional argument as range_end'
		);
	}
	const { prefix, fromKey } = rangeFlags(f);
	const req: RangeRequest = { key: utf8(args[0]) };
	const consistency = f.string('consistency');
	if (consistency === 's') req.serializable = true;
	else if (consistency !== 'l') {
		throw new ExitError(ExitCode.BadFeature, `unknown consistency flag ${goQuote(consistency)}`);
	}
	if (args.length > 1) {
		if (prefix || fromKey) {
			throw new ExitError(
				ExitCode.BadArgs,
				'too many arguments, only accept one argument when `--prefix` or `--from-key` is set'
			);
		}
		req.range_end = utf8(args[1]);
	}
	const limit = f.number('limit');
	if (limit !== 0) req.limit = limit;
	const rev = f.number('rev');
	if (rev > 0) req.revision = rev;
	let order: SortOrder = 'NONE';
	const o = f.string('order').toUpperCase();
	if (o === 'ASCEND') order = 'ASCEND';
	else if (o === 'DESCEND') order = 'DESCEND';
	else if (o !== '')
		throw new ExitError(ExitCode.BadFeature, `bad sort order ${f.string('order')}`);
	let target: SortTarget = 'KEY';
	const t = f.string('sort-by').toUpperCase();
	const targets: Record<string, SortTarget> = {
		CREATE: 'CREATE',
		KEY: 'KEY',
		MODIFY: 'MOD',
		VALUE: 'VALUE',
		VERSION: 'VERSION'
	};
	if (t in targets) target = targets[t];
	else if (t !== '')
		throw new ExitError(ExitCode.BadFeature, `bad sort target ${f.string('sort-by')}`);
	// clientv3.WithSort: ascending by key is the server's natural order, so it is dropped.
	if (target === 'KEY' && order === 'ASCEND') order = 'NONE';
	if (order !== 'NONE') req.sort_order = order;
	if (target !== 'KEY') req.sort_target = target;
	if (prefix) {
		if (req.key.length === 0) {
			req.key = NUL();
			req.range_end = NUL();
		} else req.range_end = prefixEnd(req.key);
	}
	if (fromKey) {
		if (req.key.length === 0) req.key = NUL();
		req.range_end = NUL();
	}
	if (f.bool('keys-only')) req.keys_only = true;
	return req;
}

/** getPutOp; `value` is the second argument or stdin's bytes (already read). */
export function putOp(args: string[], f: FlagSet, stdinValue: () => Uint8Array | null): PutRequest {
	const needs = 'put command needs 1 argument and input from stdin or 2 arguments';
	if (args.length === 0) throw new ExitError(ExitCode.BadArgs, needs);
	const ignoreValue = f.bool('ignore-value');
	if (ignoreValue && args.length > 1) {
		throw new ExitError(
			ExitCode.BadArgs,
			"put command needs only 1 argument when 'ignore-value' is set"
		);
	}
	let value: Uint8Array = new Uint8Array();
	if (!ignoreValue) {
		if (args.length > 1) value = utf8(args[1]);
		else {
			const v = stdinValue();
			if (v === null || v.length === 0) throw new ExitError(ExitCode.BadArgs, needs);
			value = v;
		}
	}
	const id = parseGoInt(f.string('lease'), 16);
	if (typeof id === 'string') {
		throw new ExitError(ExitCode.BadArgs, `bad lease ID (${id}), expecting ID in Hex`);
	}
	const req: PutRequest = { key: utf8(args[0]), value };
	if (id !== 0n) req.lease = id;
	if (f.bool('prev-kv')) req.prev_kv = true;
	if (ignoreValue) req.ignore_value = true;
	if (f.bool('ignore-lease')) req.ignore_lease = true;
	return req;
}

export function delOp(args: string[], f: FlagSet): DeleteRangeRequest {
	if (args.length === 0 || args.length > 2) {
		throw new ExitError(
			ExitCode.BadArgs,
			'del command needs one argument as key and an optional argument as range_end'
		);
	}
	const { prefix, fromKey } = rangeFlags(f);
	const req: DeleteRangeRequest = { key: utf8(args[0]) };
	if (args.length > 1) {
		if (prefix || fromKey) {
			throw new ExitError(
				ExitCode.BadArgs,
				'too many arguments, only accept one argument when `--prefix` or `--from-key` is set'
			);
		}
		req.range_end = utf8(args[1]);
	}
	if (prefix) {
		if (req.key.length === 0) {
			req.key = NUL();
			req.range_end = NUL();
		} else req.range_end = prefixEnd(req.key);
	}
	if (f.bool('prev-kv')) req.prev_kv = true;
	if (fromKey) {
		if (req.key.length === 0) req.key = NUL();
		req.range_end = NUL();
	}
	return req;
}
