/**
 * txn: compares, a blank line, success requests, a blank line, failure requests, a blank line;
 * from stdin, or prompted for with -i. Parsing follows etcdctl's readCompares/readOps,
 * including the Go fmt.Sscanf behaviour its error messages reveal.
 */
import type { Compare, CompareResult, RequestOp } from '../../engine/api/types';
import { utf8 } from '../../engine/util/bytes';
import type { Context } from '../cli';
import { Exit, ExitCode, ExitError } from '../exit';
import { FlagError, FlagSet, parseFlags, parseGoInt } from '../flags';
import { goQuote } from '../go';
import { helpFlag, txnOpUsage } from '../help';
import { findCommand } from '../spec';
import { delOp, getOp, putOp } from './ops';
import { stdinText } from '../io';

/** Lines of input: from stdin's text, or asked for one by one on a terminal. */
class LineReader {
	private lines: string[] | null = null;
	private pos = 0;
	constructor(private ctx: Context) {}

	/** bufio.Reader.ReadString('\n'): null at EOF (a last line without newline is EOF too). */
	async next(): Promise<string | null> {
		if (this.lines === null) {
			const text = await stdinText(this.ctx.io);
			if (text === null && this.ctx.io.readLine) {
				const l = await this.ctx.io.readLine('');
				return l;
			}
			this.lines = (text ?? '').split('\n');
		}
		if (this.pos >= this.lines.length - 1) return null;
		return this.lines[this.pos++];
	}
}

export async function txn(ctx: Context): Promise<void> {
	if (ctx.args.length !== 0)
		throw new ExitError(ExitCode.BadArgs, 'txn command does not accept argument');
	const interactive = ctx.flags.bool('interactive');
	ctx.clientOptions();
	const reader = new LineReader(ctx);
	const prompt = (s: string) => {
		if (interactive) ctx.out(s + '\n');
	};
	prompt('compares:');
	const compare = await readCompares(ctx, reader);
	prompt('success requests (get, put, del):');
	const success = await readOps(ctx, reader);
	prompt('failure requests (get, put, del):');
	const failure = await readOps(ctx, reader);
	const resp = await ctx.call((c) => c.txn({ compare, success, failure }));
	ctx.out(ctx.display().txn(resp));
}

async function readCompares(ctx: Context, r: LineReader): Promise<Compare[]> {
	const out: Compare[] = [];
	for (;;) {
		const raw = await r.next();
		if (raw === null) throw new ExitError(ExitCode.InvalidInput, 'EOF');
		const line = raw.trim();
		if (line.length === 0) return out;
		out.push(parseCompare(ctx, line));
	}
}

async function readOps(ctx: Context, r: LineReader): Promise<RequestOp[]> {
	const out: RequestOp[] = [];
	for (;;) {
		const raw = await r.next();
		if (raw === null) throw new ExitError(ExitCode.InvalidInput, 'EOF');
		const line = raw.trim();
		if (line.length === 0) return out;
		out.push(parseRequest(ctx, line));
	}
}

/** A Go panic, as the real etcdctl 3.4.23 dies on some compares (exit status 2). */
function panic(ctx: Context, message: string): never {
	ctx.err(`panic: ${message}\n\ngoroutine 1 [running]:\nmain.main()\n\t/etcdctl/main.go\n`);
	throw new Exit(2);
}

function parseRequest(ctx: Context, line: string): RequestOp {
	const args = argify(line);
	if (args.length < 2)
		throw new ExitError(ExitCode.InvalidInput, `invalid txn compare request: ${line}`);
	const invalid = () => new ExitError(ExitCode.InvalidInput, `invalid txn request: ${line}`);
	// cobra under a nameless root: find the sub-command by name or unique prefix.
	const names = ['put', 'get', 'del'];
	const name = names.includes(args[0]) ? args[0] : names.filter((n) => n.startsWith(args[0]));
	const chosen = typeof name === 'string' ? name : name.length === 1 ? name[0] : undefined;
	if (!chosen) throw invalid();
	const spec = findCommand([chosen])!;
	const fs = new FlagSet([...spec.flags, helpFlag(spec)]);
	let parsed: { args: string[] };
	try {
		parsed = parseFlags(fs, args.slice(1));
	} catch (e) {
		if (e instanceof FlagError) {
			ctx.out(txnOpUsage(spec));
			throw invalid();
		}
		throw e;
	}
	if (fs.bool('help')) {
		ctx.out(txnOpUsage(spec).replace(/\n$/, ''));
		throw invalid();
	}
	if (chosen === 'put') {
		// The real one reads the value from (the rest of) stdin, which is the txn itself.
		return { request_put: putOp(parsed.args, fs, () => null) };
	}
	if (chosen === 'get') return { request_range: getOp(parsed.args, fs) };
	return { request_delete_range: delOp(parsed.args, fs) };
}

const RESULTS: Record<string, CompareResult> = {
	'=': 'EQUAL',
	'==': 'EQUAL',
	'!=': 'NOT_EQUAL',
	'>': 'GREATER',
	'<': 'LESS'
};

/** fmt.Sscanf(s, "%q) %s %q", &key, &op, &val): how many it filled, and the values. */
function scanCompare(s: string): { n: number; key: string; op: string; val: string } {
	const res = { n: 0, key: '', op: '', val: '' };
	let i = 0;
	const q = readGoQuoted(s, i);
	if (!q) return res;
	res.key = q.value;
	res.n = 1;
	i = q.end;
	if (s[i] !== ')') return res;
	i++;
	// a space in the format matches zero or more spaces
	while (s[i] === ' ' || s[i] === '\t') i++;
	const opStart = i;
	while (i < s.length && s[i] !== ' ' && s[i] !== '\t' && s[i] !== '\n') i++;
	if (i === opStart) return res;
	res.op = s.slice(opStart, i);
	res.n = 2;
	while (s[i] === ' ' || s[i] === '\t') i++;
	const v = readGoQuoted(s, i);
	if (!v) return res;
	res.val = v.value;
	res.n = 3;
	return res;
}

/** A Go double-quoted or back-quoted string literal at `i`. */
function readGoQuoted(s: string, i: number): { value: string; end: number } | null {
	while (s[i] === ' ' || s[i] === '\t') i++;
	if (s[i] === '`') {
		const end = s.indexOf('`', i + 1);
		return end < 0 ? null : { value: s.slice(i + 1, end), end: end + 1 };
	}
	if (s[i] !== '"') return null;
	let j = i + 1;
	while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
	if (j >= s.length) return null;
	const value = unquoteGo(s.slice(i, j + 1));
	return value === null ? null : { value, end: j + 1 };
}

export function unquoteGo(lit: string): string | null {
	try {
		// Go escapes are a superset of JSON's for the common cases; handle \x, \a, \v, octal.
		const body = lit
			.slice(1, -1)
			.replace(/\\x([0-9a-fA-F]{2})/g, (_, h) => `\\u00${h}`)
			.replace(/\\a/g, '\\u0007')
			.replace(/\\v/g, '\\u000b')
			.replace(/\\([0-7]{3})/g, (_, o) => `\\u${parseInt(o, 8).toString(16).padStart(4, '0')}`)
			.replace(/\\U([0-9a-fA-F]{8})/g, (_, h) => String.fromCodePoint(parseInt(h, 16)))
			.replace(/\\'/g, "'");
		return JSON.parse(`"${body}"`) as string;
	} catch {
		return null;
	}
}

function parseCompare(ctx: Context, line: string): Compare {
	const lp = line.indexOf('(');
	if (lp < 0) throw new ExitError(ExitCode.InvalidInput, `malformed comparison: ${line}`);
	const target = line.slice(0, lp);
	const { n, key, op, val } = scanCompare(line.slice(lp + 1));
	if (n !== 3) {
		throw new ExitError(
			ExitCode.InvalidInput,
			`malformed comparison: ${line}; got ${target}(${goQuote(key)}) ${op} ${goQuote(val)}`
		);
	}
	const result = RESULTS[op];
	const k = utf8(key);
	const intVal = (): number => {
		const v = parseGoInt(val, 10);
		if (typeof v === 'string')
			throw new ExitError(ExitCode.InvalidInput, `invalid txn compare request: ${line}`);
		return Number(v);
	};
	switch (target) {
		case 'ver':
		case 'version': {
			const v = intVal();
			if (!result) panic(ctx, 'Unknown result op');
			return { target: 'VERSION', result, key: k, version: v };
		}
		case 'c':
		case 'create': {
			const v = intVal();
			if (!result) panic(ctx, 'Unknown result op');
			return { target: 'CREATE', result, key: k, create_revision: v };
		}
		case 'm':
		case 'mod': {
			const v = intVal();
			if (!result) panic(ctx, 'Unknown result op');
			return { target: 'MOD', result, key: k, mod_revision: v };
		}
		case 'val':
		case 'value':
			if (!result) panic(ctx, 'Unknown result op');
			return { target: 'VALUE', result, key: k, value: utf8(val) };
		case 'lease':
			// etcdctl 3.4.23 passes the value as a string where clientv3 wants a number: it panics.
			if (!result) panic(ctx, 'Unknown result op');
			panic(ctx, 'bad value');
	}
	throw new ExitError(
		ExitCode.InvalidInput,
		`malformed comparison: ${line} (unknown target ${target})`
	);
}

/** etcdctl's argify: split on spaces, honouring "double" (Go-unquoted) and 'single' quotes. */
export function argify(s: string): string[] {
	const re = /"(?:[^"\\]|\\.)*"|'[^']*'|[^'"\s]\S*[^'"\s]?/g;
	const out: string[] = [];
	for (const m of s.matchAll(re)) {
		let a = m[0];
		if (a[0] === "'") {
			// etcdctl slices with len(args) here, a bug we reproduce only for the common case.
			a = a.slice(1, -1);
		} else if (a[0] === '"') {
			const u = unquoteGo(a);
			if (u === null) throw new ExitError(ExitCode.InvalidInput, `invalid syntax`);
			a = u;
		}
		out.push(a);
	}
	return out;
}
