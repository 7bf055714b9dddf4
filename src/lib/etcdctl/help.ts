/**
 * Help and usage text, rendered from the spec table the way etcdctl 3.4.23's usage template
 * and tabwriter lay it out (`etcdctl help get`, `etcdctl get --help`, usage after flag errors),
 * plus cobra's default usage template that etcdctl shows for flag errors inside txn requests.
 */
import { ROOT, type CommandSpec, type FlagSpec } from './spec';
import { tabwrite } from './tabwriter';
import { goQuote } from './go';

export const VERSION = '3.4.23';
export const API_VERSION = '3.4';

/** The flag cobra adds to every command. */
export function helpFlag(cmd: CommandSpec): FlagSpec {
	return { name: 'help', short: 'h', type: 'bool', def: 'false', usage: `help for ${cmd.name}` };
}

/** Names from the root (exclusive) to `cmd`: `['lease', 'grant']`. */
export type CommandPath = CommandSpec[];

function byName(a: FlagSpec, b: FlagSpec): number {
	return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The flags a command defines itself (its persistent ones included) plus help. */
export function localFlags(path: CommandPath): FlagSpec[] {
	const cmd = path[path.length - 1];
	return [...cmd.flags, helpFlag(cmd)].sort(byName);
}

/** Persistent flags of the ancestors (the global flags and e.g. endpoint's --cluster). */
export function inheritedFlags(path: CommandPath): FlagSpec[] {
	const out: FlagSpec[] = [];
	const seen = new Set(path[path.length - 1].flags.map((f) => f.name));
	seen.add('help');
	for (let i = path.length - 2; i >= 0; i--) {
		for (const f of path[i].flags) {
			if (f.persistent && !seen.has(f.name)) {
				out.push(f);
				seen.add(f.name);
			}
		}
	}
	return out.sort(byName);
}

function flagUsages(flags: FlagSpec[]): string {
	let out = '';
	for (const f of flags) {
		if (f.hidden) continue;
		let line = f.short ? `  -${f.short}, --${f.name}` : `      --${f.name}`;
		const def = f.type === 'string' ? goQuote(f.def) : f.def;
		line += f.type === 'bool' ? `[=${def}]` : `=${def}`;
		out += `${line}\t${f.usage}\n`;
	}
	return out;
}

function useLine(path: CommandPath): string {
	const cmd = path[path.length - 1];
	const parents = path.slice(0, -1).map((c) => c.name);
	const line = [...parents, cmd.use].join(' ');
	return cmd.noFlagsInUseLine || line.includes('[flags]') ? line : `${line} [flags]`;
}

/** Every runnable descendant with its name relative to `cmd`, in cobra's (sorted) order. */
function subCommands(cmd: CommandSpec, prefix: string[] = []): [string, CommandSpec][] {
	const out: [string, CommandSpec][] = [];
	for (const c of [...(cmd.children ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1))) {
		const name = [...prefix, c.name];
		if (!c.children) out.push([name.join(' '), c]);
		out.push(...subCommands(c, name));
	}
	return out;
}

/** etcdctl's usage text for a command (what `--help` prints). */
/** `withHelpFlag` false: cobra's Usage() on a command that never ran (no -h/--help line). */
export function usage(path: CommandPath, withHelpFlag = true): string {
	const cmd = path[path.length - 1];
	const isRoot = path.length === 1;
	const name = isRoot
		? cmd.name
		: path
				.slice(1)
				.map((c) => c.name)
				.join(' ');
	let t = `NAME:\n\t${name} - ${cmd.short}\n\nUSAGE:\n\t${useLine(path)}\n`;
	if (isRoot) t += `\nVERSION:\n\t${VERSION}\n`;
	if (cmd.children) {
		t += `\nAPI VERSION:\n\t${API_VERSION}\n`;
		t += '\n\nCOMMANDS:\n';
		for (const [n, c] of subCommands(cmd)) t += `\t${n}\t${c.short}\n`;
	}
	if (cmd.long) {
		t += '\nDESCRIPTION:\n';
		for (const l of cmd.long.replace(/^[\n\t ]+|[\n\t ]+$/g, '').split('\n')) t += `\t${l}\n`;
	}
	const own = isRoot ? [...cmd.flags, helpFlag(cmd)].sort(byName) : localFlags(path);
	const local = flagUsages(withHelpFlag ? own : own.filter((f) => f.name !== 'help'));
	if (local) t += `\nOPTIONS:\n${local}`;
	if (!isRoot) {
		const inherited = flagUsages(inheritedFlags(path));
		if (inherited) t += `\nGLOBAL OPTIONS:\n${inherited}`;
	}
	t += '\n';
	return tabwrite(t);
}

export function rootPath(): CommandPath {
	return [ROOT];
}

/** pflag's FlagUsages (cobra's default template), as printed for bad flags inside txn. */
export function defaultFlagUsages(flags: FlagSpec[]): string {
	const lines: [string, string][] = [];
	let maxlen = 0;
	for (const f of flags) {
		if (f.hidden) continue;
		let line = f.short ? `  -${f.short}, --${f.name}` : `      --${f.name}`;
		const varname = {
			bool: '',
			string: 'string',
			int: 'int',
			int64: 'int',
			duration: 'duration',
			stringSlice: 'strings'
		}[f.type];
		if (varname) line += ' ' + varname;
		line += '\x00';
		if (line.length > maxlen) maxlen = line.length;
		let usageText = f.usage;
		if (
			f.type === 'string'
				? f.def !== ''
				: f.type === 'bool'
					? f.def !== 'false'
					: f.def !== '0' && f.def !== '[]' && f.def !== '0s'
		) {
			usageText += f.type === 'string' ? ` (default ${goQuote(f.def)})` : ` (default ${f.def})`;
		}
		lines.push([line, usageText]);
	}
	let out = '';
	for (const [line, u] of lines) {
		const sidx = line.indexOf('\x00');
		const spacing = ' '.repeat(maxlen - sidx);
		out += line.slice(0, sidx) + ' ' + spacing + ' ' + u + '\n';
	}
	return out;
}

/** cobra's default usage for a txn request command (`get`, `put`, `del` without a parent). */
export function txnOpUsage(cmd: CommandSpec): string {
	let t = `Usage:\n   ${cmd.use} [flags]\n\nFlags:\n`;
	t += defaultFlagUsages([...cmd.flags, helpFlag(cmd)].sort(byName));
	return t + '\n';
}
