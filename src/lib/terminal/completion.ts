/**
 * Tab completion: the word under the cursor -> candidates. Commands come from the shell's list,
 * etcdctl's subcommands and flags from its spec table (the same table that drives its parsing
 * and help), keys from the cluster (one segment of a `/`-separated key at a time, so
 * /registry/<Tab> lists the resource types), members for `playground`.
 */

/** The slice of etcdctl's command spec that completion reads (src/lib/etcdctl/spec.ts). */
export interface SpecNode {
	name: string;
	flags: { name: string; short?: string; type: string }[];
	children?: SpecNode[];
}

export interface CompletionSource {
	/** Command names the shell knows. */
	commands(): readonly string[];
	/** etcdctl's root command and global flags, or null while it is not loaded. */
	etcdctl(): Promise<{ root: SpecNode; global: SpecNode['flags'] } | null>;
	/** Keys starting with `prefix` (a bounded number). */
	keys(prefix: string): Promise<string[]>;
	members(): readonly string[];
}

export interface Completion {
	/** The word being completed spans text[start, end). */
	start: number;
	end: number;
	candidates: string[];
}

/** Subcommands whose first argument is a key. */
const KEY_COMMANDS = new Set(['get', 'put', 'del', 'watch']);
const OUTPUT_FORMATS = ['fields', 'json', 'protobuf', 'simple', 'table'];
const PLAYGROUND = [
	'status',
	'kill',
	'restart',
	'partition',
	'isolate',
	'heal',
	'latency',
	'drop',
	'member',
	'reset',
	'help'
];
const PLAYGROUND_MEMBER_ARG = new Set(['kill', 'restart', 'isolate', 'partition']);

/** Words of the current simple command before the cursor (quotes removed), and the last one. */
export function wordsBefore(text: string): { words: string[]; current: string; start: number } {
	const words: string[] = [];
	let word = '';
	let inWord = false;
	let start = 0;
	let quote: string | null = null;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quote) {
			if (c === quote) quote = null;
			else word += c;
			continue;
		}
		if (c === '"' || c === "'") {
			if (!inWord) start = i;
			inWord = true;
			quote = c;
			continue;
		}
		if (/[\s]/.test(c) || /[|;&()]/.test(c)) {
			if (inWord) words.push(word);
			if (/[|;&()]/.test(c)) words.length = 0;
			word = '';
			inWord = false;
			continue;
		}
		if (!inWord) start = i;
		inWord = true;
		word += c;
	}
	if (!inWord) start = text.length;
	return { words, current: word, start };
}

function unique(xs: string[]): string[] {
	return [...new Set(xs)].sort();
}

/** The words after `etcdctl` that name a subcommand path, and the spec node they reach. */
function etcdctlNode(root: SpecNode, args: string[], global: SpecNode['flags']) {
	let node = root;
	const positional: string[] = [];
	let prevFlag: SpecNode['flags'][number] | null = null;
	for (let i = 0; i < args.length; i++) {
		const a = args[i];
		if (prevFlag) {
			prevFlag = null;
			continue;
		}
		if (a.startsWith('-')) {
			if (!a.includes('=')) {
				const f = findFlag(a, [...node.flags, ...global]);
				if (f && f.type !== 'bool') prevFlag = f;
			}
			continue;
		}
		const child = positional.length === 0 ? node.children?.find((c) => c.name === a) : undefined;
		if (child) node = child;
		else positional.push(a);
	}
	return { node, positional, pendingFlag: prevFlag };
}

function findFlag(word: string, flags: SpecNode['flags']) {
	if (word.startsWith('--')) return flags.find((f) => f.name === word.slice(2)) ?? null;
	return flags.find((f) => f.short && f.short === word.slice(1)) ?? null;
}

async function keyCandidates(source: CompletionSource, prefix: string): Promise<string[]> {
	const keys = await source.keys(prefix);
	return unique(
		keys.map((k) => {
			const slash = k.indexOf('/', prefix.length);
			return slash >= 0 ? k.slice(0, slash + 1) : k;
		})
	);
}

export async function complete(text: string, source: CompletionSource): Promise<Completion> {
	let { words, current, start } = wordsBefore(text);
	const result = (candidates: string[]): Completion => ({
		start,
		end: text.length,
		candidates: unique(candidates.filter((c) => c.startsWith(current)))
	});
	// `sudo` and `VAR=value` prefixes do not change which command this is.
	while (words.length > 0 && (words[0] === 'sudo' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]))) {
		words = words.slice(1);
	}
	if (words.length === 0) {
		if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(current)) return result([]);
		return result([...source.commands()]);
	}
	const [cmd, ...args] = words;
	if (cmd === 'playground') {
		if (args.length === 0) return result(PLAYGROUND);
		if (args[0] === 'member' && args.length === 1) return result(['add', 'remove']);
		if (PLAYGROUND_MEMBER_ARG.has(args[0]) || (args[0] === 'member' && args[1] === 'remove')) {
			return result([...source.members()]);
		}
		if (args[0] === 'latency' && args.length === 2) return result([...source.members()]);
		if (args[0] === 'reset' && args.length === 1) return result(['--yes']);
		return result([]);
	}
	if (cmd !== 'etcdctl') return result([]);
	const spec = await source.etcdctl();
	if (!spec) return result([]);
	const { node, positional, pendingFlag } = etcdctlNode(spec.root, args, spec.global);
	const flags = [...node.flags, ...spec.global];
	if (pendingFlag) {
		if (pendingFlag.name === 'write-out') return result(OUTPUT_FORMATS);
		if (pendingFlag.name === 'endpoints') {
			return result(source.members().map((m) => `${m}:2379`));
		}
		return result([]);
	}
	if (current.startsWith('--') && current.includes('=')) {
		const [name, value] = [
			current.slice(0, current.indexOf('=')),
			current.slice(current.indexOf('=') + 1)
		];
		const values =
			name === '--write-out'
				? OUTPUT_FORMATS
				: name === '--endpoints'
					? source.members().map((m) => `${m}:2379`)
					: [];
		start += name.length + 1;
		current = value;
		return result(values);
	}
	if (current.startsWith('-')) {
		return result(flags.map((f) => `--${f.name}`));
	}
	if (node.children && positional.length === 0) {
		return result(node.children.map((c) => c.name));
	}
	if (KEY_COMMANDS.has(node.name) && positional.length === 0) {
		return { start, end: text.length, candidates: await keyCandidates(source, current) };
	}
	return result([]);
}

/** The longest prefix all candidates share. */
export function commonPrefix(xs: readonly string[]): string {
	if (xs.length === 0) return '';
	let p = xs[0];
	for (const x of xs) while (!x.startsWith(p)) p = p.slice(0, -1);
	return p;
}
