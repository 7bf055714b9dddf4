/**
 * Pulls the commands a learner would type from the seed guides (shared/seeds/*.txt): the lines
 * of ```bash/```sh blocks, joined into whole commands as the shell joins them (continuations,
 * loops, multi-line quotes), keeping those that run etcdctl, kubectl or podman and the shell
 * lines they depend on (exports, variables, the echo that prints them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario, type CompletenessCheck } from '../../../src/lib/scenario/parser';

export const SEEDS_DIR = new URL('../../../../shared/seeds/', import.meta.url).pathname;

/**
 * Placeholders the guides leave for the reader to fill in, filled as a learner on the preset's
 * cluster would (its node, the etcd pod, a key and a prefix it holds).
 */
export const PLACEHOLDERS: Record<string, string> = {
	'<node-name>': 'playground-control-plane',
	'<etcd-pod>': 'etcd-playground-control-plane',
	'<key>': '/registry/configmaps/default/my-cm',
	'<prefix>': '/registry/pods/',
	'<operator-pod>': 'configmapapp-operator-7d9f8b6c5-x2x4k',
	'<revision>': '10',
	'<old-revision>': '10'
};

export interface SeedCommand {
	file: string;
	/** The command as the guide writes it (placeholders filled). */
	text: string;
	kind: 'etcdctl' | 'elsewhere' | 'shell';
}

function fenced(text: string): string[] {
	const blocks: string[] = [];
	const re = /^```(bash|sh)[ \t]*\n([\s\S]*?)^```/gm;
	for (const m of text.matchAll(re)) blocks.push(m[2]);
	return blocks;
}

function fill(text: string): string {
	let out = text;
	for (const [k, v] of Object.entries(PLACEHOLDERS)) out = out.split(k).join(v);
	return out;
}

const ASSIGNMENT = /^(export\s+)?[A-Za-z_][A-Za-z0-9_]*=/;

export function seedCommands(file: string, isComplete: CompletenessCheck): SeedCommand[] {
	const out: SeedCommand[] = [];
	for (const block of fenced(readFileSync(join(SEEDS_DIR, file), 'utf8'))) {
		const variables = new Set<string>();
		for (const step of parseScenario(fill(block), isComplete).steps) {
			const text = step.echo.join('\n');
			const assigned = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/.exec(text.trim());
			if (assigned) variables.add(assigned[1]);
			if (/\betcdctl\b/.test(text)) out.push({ file, text, kind: 'etcdctl' });
			else if (
				/^\s*(sudo\s+)?(kubectl|podman)\b/.test(text) ||
				/\$\((kubectl|podman)\b/.test(text)
			) {
				out.push({ file, text, kind: 'elsewhere' });
			} else if (ASSIGNMENT.test(text.trim())) {
				out.push({ file, text, kind: 'shell' });
			} else if (/^\s*echo\b/.test(text) && [...variables].some((v) => text.includes(`$${v}`))) {
				out.push({ file, text, kind: 'shell' });
			} else if (/^\s*sleep\s+\d+\s*$/.test(text) && variables.size > 0) {
				out.push({ file, text, kind: 'shell' });
			}
		}
	}
	return out;
}

export function seedFiles(): string[] {
	return readdirSync(SEEDS_DIR)
		.filter((f) => f.endsWith('.txt'))
		.sort();
}
