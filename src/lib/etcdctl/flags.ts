/**
 * pflag's parsing as cobra drives it: `--flag=value`, `--flag value`, `-f value`, `-fvalue`,
 * `-f=value`, grouped boolean shorthands, `--` ends the flags, flags and arguments may be
 * interleaved. Values are checked with Go's parsers and errors carry pflag's exact words.
 */
import type { FlagSpec } from './spec';
import { goQuote, parseGoDuration } from './go';

export type FlagValue = boolean | string | number | string[];

export class FlagSet {
	private values = new Map<string, FlagValue>();
	/** Flags given on the command line (pflag's Changed), or set from the environment. */
	readonly changed = new Set<string>();
	private sliceTouched = new Set<string>();

	constructor(readonly flags: FlagSpec[]) {
		for (const f of flags) this.values.set(f.name, defaultValue(f));
	}

	lookup(name: string): FlagSpec | undefined {
		return this.flags.find((f) => f.name === name);
	}

	lookupShort(c: string): FlagSpec | undefined {
		return this.flags.find((f) => f.short === c);
	}

	bool(name: string): boolean {
		return this.values.get(name) === true;
	}
	string(name: string): string {
		const v = this.values.get(name);
		return typeof v === 'string' ? v : '';
	}
	number(name: string): number {
		const v = this.values.get(name);
		return typeof v === 'number' ? v : 0;
	}
	strings(name: string): string[] {
		const v = this.values.get(name);
		return Array.isArray(v) ? v : [];
	}

	/** pflag's Set: returns an error message (without the `invalid argument` wrapper) or null. */
	set(f: FlagSpec, raw: string): string | null {
		const v = parseValue(f, raw);
		if (typeof v === 'object' && v !== null && 'error' in v) return v.error;
		if (f.type === 'stringSlice') {
			const prev = this.sliceTouched.has(f.name) ? this.strings(f.name) : [];
			this.values.set(f.name, [...prev, ...(v as string[])]);
			this.sliceTouched.add(f.name);
		} else {
			this.values.set(f.name, v as FlagValue);
		}
		this.changed.add(f.name);
		return null;
	}
}

function defaultValue(f: FlagSpec): FlagValue {
	switch (f.type) {
		case 'bool':
			return f.def === 'true';
		case 'string':
			return f.def;
		case 'int':
		case 'int64':
			return Number(f.def);
		case 'duration': {
			const d = parseGoDuration(f.def);
			return typeof d === 'number' ? d : 0;
		}
		case 'stringSlice':
			return f.def.replace(/^\[|\]$/g, '') === '' ? [] : f.def.replace(/^\[|\]$/g, '').split(',');
	}
}

export function parseGoBool(s: string): boolean | null {
	if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
	if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
	return null;
}

/** strconv.ParseInt(s, base, 64) as a bigint, or Go's error text. */
export function parseGoInt(s: string, base: number, fn = 'ParseInt'): bigint | string {
	const syntax = `strconv.${fn}: parsing ${goQuote(s)}: invalid syntax`;
	const range = `strconv.${fn}: parsing ${goQuote(s)}: value out of range`;
	let t = s;
	let neg = false;
	if (fn === 'ParseInt' && (t.startsWith('-') || t.startsWith('+'))) {
		neg = t[0] === '-';
		t = t.slice(1);
	}
	let b = base;
	if (base === 0) {
		b = 10;
		if (/^0[xX]/.test(t)) {
			b = 16;
			t = t.slice(2);
		} else if (/^0[oO]/.test(t)) {
			b = 8;
			t = t.slice(2);
		} else if (/^0[bB]/.test(t)) {
			b = 2;
			t = t.slice(2);
		} else if (t.length > 1 && t[0] === '0') {
			b = 8;
			t = t.slice(1);
		}
		if (t.includes('_')) {
			if (/^_|__|_$/.test(t)) return syntax;
			t = t.replace(/_/g, '');
		}
	}
	if (t === '') return syntax;
	const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b);
	let v = 0n;
	for (const ch of t.toLowerCase()) {
		const d = digits.indexOf(ch);
		if (d < 0) return syntax;
		v = v * BigInt(b) + BigInt(d);
	}
	if (fn === 'ParseUint') return v > 0xffffffffffffffffn ? range : v;
	if (neg) v = -v;
	if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) return range;
	return v;
}

function parseValue(f: FlagSpec, raw: string): FlagValue | { error: string } {
	switch (f.type) {
		case 'bool': {
			const b = parseGoBool(raw);
			return b === null
				? { error: `strconv.ParseBool: parsing ${goQuote(raw)}: invalid syntax` }
				: b;
		}
		case 'string':
			return raw;
		case 'int':
		case 'int64': {
			const v = parseGoInt(raw, 0);
			return typeof v === 'string' ? { error: v } : Number(v);
		}
		case 'duration': {
			const d = parseGoDuration(raw);
			return typeof d === 'string' ? { error: d } : d;
		}
		case 'stringSlice':
			return raw === '' ? [] : splitCSV(raw);
	}
}

/** encoding/csv for one record, as pflag's stringSlice reads it. */
function splitCSV(s: string): string[] {
	const out: string[] = [];
	let cur = '';
	let i = 0;
	let quoted = false;
	while (i < s.length) {
		const c = s[i];
		if (quoted) {
			if (c === '"' && s[i + 1] === '"') {
				cur += '"';
				i += 2;
				continue;
			}
			if (c === '"') quoted = false;
			else cur += c;
		} else if (c === '"' && cur === '') quoted = true;
		else if (c === ',') {
			out.push(cur);
			cur = '';
		} else cur += c;
		i++;
	}
	out.push(cur);
	return out;
}

export class FlagError extends Error {}

function flagLabel(f: FlagSpec): string {
	return f.short ? `-${f.short}, --${f.name}` : `--${f.name}`;
}

/**
 * Parses argv against a flag set; returns the positional arguments and the index in them where
 * `--` was seen (-1 if none). Throws FlagError with pflag's message.
 */
export function parseFlags(fs: FlagSet, argv: string[]): { args: string[]; dashAt: number } {
	const args: string[] = [];
	let dashAt = -1;
	const setValue = (f: FlagSpec, value: string) => {
		const err = fs.set(f, value);
		if (err !== null) {
			throw new FlagError(
				`invalid argument ${goQuote(value)} for ${goQuote(flagLabel(f))} flag: ${err}`
			);
		}
	};
	let rest = [...argv];
	while (rest.length > 0) {
		const s = rest[0];
		rest = rest.slice(1);
		if (s.length === 0 || s[0] !== '-' || s.length === 1) {
			args.push(s);
			continue;
		}
		if (s[1] === '-') {
			if (s.length === 2) {
				dashAt = args.length;
				args.push(...rest);
				break;
			}
			const name = s.slice(2);
			if (name.length === 0 || name[0] === '-' || name[0] === '=') {
				throw new FlagError(`bad flag syntax: ${s}`);
			}
			const eq = name.indexOf('=');
			const fname = eq >= 0 ? name.slice(0, eq) : name;
			const f = fs.lookup(fname);
			if (!f) throw new FlagError(`unknown flag: --${fname}`);
			if (eq >= 0) setValue(f, name.slice(eq + 1));
			else if (f.type === 'bool') setValue(f, 'true');
			else if (rest.length > 0) {
				setValue(f, rest[0]);
				rest = rest.slice(1);
			} else throw new FlagError(`flag needs an argument: ${s}`);
			continue;
		}
		let shorthands = s.slice(1);
		while (shorthands.length > 0) {
			const c = shorthands[0];
			const f = fs.lookupShort(c);
			if (!f) throw new FlagError(`unknown shorthand flag: ${goRuneQuote(c)} in -${shorthands}`);
			if (shorthands.length > 2 && shorthands[1] === '=') {
				setValue(f, shorthands.slice(2));
				shorthands = '';
			} else if (f.type === 'bool') {
				setValue(f, 'true');
				shorthands = shorthands.slice(1);
			} else if (shorthands.length > 1) {
				setValue(f, shorthands.slice(1));
				shorthands = '';
			} else if (rest.length > 0) {
				setValue(f, rest[0]);
				rest = rest.slice(1);
				shorthands = '';
			} else {
				throw new FlagError(`flag needs an argument: ${goRuneQuote(c)} in -${shorthands}`);
			}
		}
	}
	return { args, dashAt };
}

function goRuneQuote(c: string): string {
	return c === "'" ? "'\\''" : `'${c}'`;
}
