/**
 * Key-range permissions as etcd's range permission cache evaluates them.
 *
 * A permission names a single key (no range end), a range [key, end), or every key from `key`
 * on (range end `\0`, which etcd calls open-ended). Internally every permission becomes a
 * half-open interval whose end is either bytes or +infinity; a single key `k` is the interval
 * [k, k+"\0"), the smallest interval holding just that key.
 *
 * Checks follow etcd:
 * - a single-key request is allowed when any interval of the right kind holds the key;
 * - a range request is allowed only when the union of intervals covers the whole range with
 *   no gap, so [a, c) is covered by [a, b) plus [b, c) but not by [a, b) plus [b\0, c).
 */
import type { Bytes, Permission } from '../api/types';
import { compareBytes } from '../util/bytes';

/** The end of an interval: bytes, or null for +infinity (etcd's empty "affine" end). */
type End = Bytes | null;

interface Interval {
	begin: Bytes;
	end: End;
}

/** Orders ends with null (+infinity) above all bytes. */
function compareEnd(a: End, b: End): number {
	if (a === null) return b === null ? 0 : 1;
	if (b === null) return -1;
	return compareBytes(a, b);
}

/** A begin compared with an end: begins are always finite. */
function beginBelowEnd(begin: Bytes, end: End): boolean {
	return end === null || compareBytes(begin, end) < 0;
}

/** True when `rangeEnd` is `\0`: every key from `key` on. */
export function isOpenEnded(rangeEnd: Bytes | undefined): boolean {
	return rangeEnd !== undefined && rangeEnd.length === 1 && rangeEnd[0] === 0;
}

/**
 * Whether a permission may be granted: the key must not be empty, and a range end, when given,
 * must be above the key or be `\0`. etcd answers anything else with "invalid auth management".
 */
export function isValidPermissionRange(key: Bytes, rangeEnd: Bytes | undefined): boolean {
	if (key.length === 0) return false;
	if (rangeEnd === undefined || rangeEnd.length === 0) return true;
	return compareBytes(key, rangeEnd) < 0 || isOpenEnded(rangeEnd);
}

function pointInterval(key: Bytes): Interval {
	const end = new Uint8Array(key.length + 1);
	end.set(key);
	return { begin: key, end };
}

function permissionInterval(key: Bytes, rangeEnd: Bytes | undefined): Interval {
	if (rangeEnd === undefined || rangeEnd.length === 0) return pointInterval(key);
	return { begin: key, end: isOpenEnded(rangeEnd) ? null : rangeEnd };
}

/**
 * Overlap as etcd's interval comparison defines it (so a request range whose end is below its
 * key still meets intervals that hold its key).
 */
function overlaps(a: Interval, b: Interval): boolean {
	const leftOf = compareBytes(a.begin, b.begin) < 0 && compareEnd(a.end, b.begin) <= 0;
	const rightOf = !beginBelowEnd(a.begin, b.end);
	return !leftOf && !rightOf;
}

/** One kind (read or write) of a user's merged permissions: intervals sorted by begin. */
class IntervalSet {
	private readonly intervals: Interval[] = [];

	add(iv: Interval): void {
		this.intervals.push(iv);
	}

	seal(): void {
		this.intervals.sort((a, b) => compareBytes(a.begin, b.begin));
	}

	/** Some interval holds `key`. */
	holdsKey(key: Bytes): boolean {
		const point = pointInterval(key);
		return this.intervals.some((iv) => overlaps(point, iv));
	}

	/** The intervals that meet `range`, joined without a gap, cover all of it. */
	covers(range: Interval): boolean {
		let first: Interval | undefined;
		let maxEnd: End = null;
		for (const iv of this.intervals) {
			if (!overlaps(range, iv)) continue;
			if (first === undefined) {
				first = iv;
				maxEnd = iv.end;
				continue;
			}
			if (maxEnd !== null && compareBytes(maxEnd, iv.begin) < 0) return false;
			if (compareEnd(iv.end, maxEnd) > 0) maxEnd = iv.end;
		}
		return (
			first !== undefined &&
			compareEnd(maxEnd, range.end) >= 0 &&
			compareBytes(first.begin, range.begin) <= 0
		);
	}
}

/** A user's permissions merged over all of their roles, split into read and write. */
export class MergedPermissions {
	private readonly read = new IntervalSet();
	private readonly write = new IntervalSet();

	constructor(perms: Iterable<Permission>) {
		for (const p of perms) {
			const iv = permissionInterval(p.key, p.range_end);
			if (p.permType !== 'WRITE') this.read.add(iv);
			if (p.permType !== 'READ') this.write.add(iv);
		}
		this.read.seal();
		this.write.seal();
	}

	/**
	 * Whether the user may read or write `key` (with `rangeEnd` as a request gives it: absent
	 * or empty for one key, `\0` for every key from `key` on, otherwise [key, rangeEnd)).
	 */
	allows(kind: 'READ' | 'WRITE', key: Bytes, rangeEnd?: Bytes): boolean {
		const set = kind === 'READ' ? this.read : this.write;
		if (rangeEnd === undefined || rangeEnd.length === 0) return set.holdsKey(key);
		return set.covers({ begin: key, end: isOpenEnded(rangeEnd) ? null : rangeEnd });
	}
}
