/**
 * Go formatting that etcdctl's output depends on: strconv.Quote (%q), fmt's %+v of the few
 * values printed that way, time.Duration's String, humanize.Bytes and base64 for bytes.
 */
import type { Bytes } from '../engine/api/types';

const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');

function isPrint(cp: number): boolean {
	if (cp < 0x20 || cp === 0x7f) return false;
	if (cp >= 0x80 && cp < 0xa0) return false;
	if (cp === 0xad) return false;
	if (cp >= 0xd800 && cp <= 0xdfff) return false;
	if (cp === 0xfffd) return true;
	// Unicode unassigned/format characters are rare in keys; treat the common invisible ones as
	// non-printable as Go does.
	if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) || cp === 0xfeff) {
		return false;
	}
	return true;
}

/** strconv.Quote over raw bytes (invalid UTF-8 bytes become \xNN, as Go does). */
export function goQuoteBytes(b: Bytes): string {
	let out = '"';
	let i = 0;
	while (i < b.length) {
		const c = b[i];
		if (c < 0x80) {
			out += quoteRune(c);
			i++;
			continue;
		}
		const [cp, size] = decodeRune(b, i);
		if (cp < 0) {
			out += '\\x' + hex(c, 2);
			i++;
			continue;
		}
		out += quoteRune(cp);
		i += size;
	}
	return out + '"';
}

function quoteRune(cp: number): string {
	switch (cp) {
		case 0x07:
			return '\\a';
		case 0x08:
			return '\\b';
		case 0x0c:
			return '\\f';
		case 0x0a:
			return '\\n';
		case 0x0d:
			return '\\r';
		case 0x09:
			return '\\t';
		case 0x0b:
			return '\\v';
		case 0x5c:
			return '\\\\';
		case 0x22:
			return '\\"';
	}
	if (isPrint(cp)) return String.fromCodePoint(cp);
	if (cp < 0x80) return '\\x' + hex(cp, 2);
	if (cp < 0x10000) return '\\u' + hex(cp, 4);
	return '\\U' + hex(cp, 8);
}

/** One UTF-8 sequence at `i`: [codepoint, size], or [-1, 1] when invalid. */
function decodeRune(b: Bytes, i: number): [number, number] {
	const c = b[i];
	let n: number;
	let cp: number;
	let min: number;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 1;
		cp = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		cp = c & 0x07;
		min = 0x10000;
	} else return [-1, 1];
	for (let k = 1; k <= n; k++) {
		const d = b[i + k];
		if (d === undefined || (d & 0xc0) !== 0x80) return [-1, 1];
		cp = (cp << 6) | (d & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return [-1, 1];
	return [cp, n + 1];
}

export function goQuote(s: string): string {
	return goQuoteBytes(new TextEncoder().encode(s));
}

/** Go's string(bytes) printed to a terminal: invalid UTF-8 shows as U+FFFD. */
export function goString(b: Bytes): string {
	return new TextDecoder().decode(b);
}

export function base64(b: Bytes): string {
	let s = '';
	for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
	return btoa(s);
}

/** `%x` of an unsigned 64-bit value. */
export function hexID(id: bigint): string {
	return BigInt.asUintN(64, id).toString(16);
}

/** `%016x` of a lease ID. */
export function hex16(id: bigint): string {
	return BigInt.asUintN(64, id).toString(16).padStart(16, '0');
}

/** `%16x`: space padded to 16. */
export function hexPad16(id: bigint): string {
	return BigInt.asUintN(64, id).toString(16).padStart(16, ' ');
}

/** time.Duration.String() for a duration in nanoseconds. */
export function goDuration(ns: number): string {
	if (ns === 0) return '0s';
	const neg = ns < 0;
	let u = Math.abs(Math.round(ns));
	let out: string;
	if (u < 1000) out = `${u}ns`;
	else if (u < 1e6) out = `${trimFloat(u / 1e3)}µs`;
	else if (u < 1e9) out = `${trimFloat(u / 1e6)}ms`;
	else {
		let s = '';
		const h = Math.floor(u / 3.6e12);
		u -= h * 3.6e12;
		const m = Math.floor(u / 6e10);
		u -= m * 6e10;
		if (h > 0) s += `${h}h`;
		if (h > 0 || m > 0) s += `${m}m`;
		s += `${trimFloat(u / 1e9)}s`;
		out = s;
	}
	return neg ? '-' + out : out;
}

function trimFloat(v: number): string {
	// Go prints up to 9 significant fractional digits and trims trailing zeros.
	return v.toFixed(9).replace(/\.?0+$/, '');
}

/** github.com/dustin/go-humanize Bytes (SI units, as endpoint status and snapshot status print). */
export function humanizeBytes(n: number): string {
	if (n < 10) return `${n} B`;
	const sizes = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
	const e = Math.floor(Math.log(n) / Math.log(1000));
	const suffix = sizes[e];
	const val = Math.floor((n / Math.pow(1000, e)) * 10 + 0.5) / 10;
	if (val < 10) return `${val.toFixed(1)} ${suffix}`;
	// Go's %.0f rounds an exact tie to even (20.5 -> "20").
	const whole = Math.floor(val);
	const rounded = val - whole === 0.5 ? (whole % 2 === 0 ? whole : whole + 1) : Math.round(val);
	return `${rounded} ${suffix}`;
}

/**
 * Go's time.ParseDuration: returns nanoseconds or an error message worded as Go words it.
 */
export function parseGoDuration(s: string): number | string {
	const orig = s;
	const bad = `time: invalid duration ${goQuote(orig)}`;
	let neg = false;
	if (s[0] === '-' || s[0] === '+') {
		neg = s[0] === '-';
		s = s.slice(1);
	}
	if (s === '0') return 0;
	if (s === '') return bad;
	const units: Record<string, number> = {
		ns: 1,
		us: 1e3,
		µs: 1e3,
		μs: 1e3,
		ms: 1e6,
		s: 1e9,
		m: 6e10,
		h: 3.6e12
	};
	let total = 0;
	while (s !== '') {
		const m = /^(\d*)(\.(\d*))?/.exec(s);
		if (!m || (m[1] === '' && (m[3] ?? '') === '')) return bad;
		s = s.slice(m[0].length);
		const u = /^[^\d.]*/.exec(s)?.[0] ?? '';
		if (u === '') return `time: missing unit in duration ${goQuote(orig)}`;
		if (!(u in units)) return `time: unknown unit ${goQuote(u)} in duration ${goQuote(orig)}`;
		s = s.slice(u.length);
		total += Number(`${m[1] || '0'}.${m[3] ?? '0'}`) * units[u];
	}
	return neg ? -total : total;
}
