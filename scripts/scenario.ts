/**
 * Replays a scenario file against a fresh in-process cluster and prints its transcript:
 *
 *   npm run --silent scenario -- tests/conformance/kv.sh
 *
 * The format of both is in src/lib/scenario/ (parser.ts, transcript.ts). Exits 0 once the
 * transcript is printed, whatever the commands' statuses were; 1 when the file cannot be read or
 * no cluster can be started.
 */
import { readFileSync } from 'node:fs';
import type { ClusterHostFactory } from '../src/lib/scenario/host';
import { runScenario } from '../src/lib/scenario/runner';
import type { EtcdctlRunner } from '../src/lib/shell/etcdctl-io';

/** Loaded by URL so this script type-checks before those modules exist. */
const NODE_CLUSTER = new URL('../src/lib/node-cluster/index.ts', import.meta.url).href;
const ETCDCTL = new URL('../src/lib/etcdctl/index.ts', import.meta.url).href;

function fail(message: string): never {
	process.stderr.write(`scenario: ${message}\n`);
	process.exit(1);
}

/** The module's export `name`, or null when the module does not exist (yet). */
async function tryLoad<T>(url: string, name: string): Promise<T | null> {
	let mod: Record<string, unknown>;
	try {
		mod = (await import(url)) as Record<string, unknown>;
	} catch (e) {
		const code = (e as { code?: string }).code;
		if (code === 'ERR_MODULE_NOT_FOUND' && String(e).includes(new URL(url).pathname)) return null;
		throw e;
	}
	if (typeof mod[name] !== 'function') fail(`${new URL(url).pathname} does not export ${name}`);
	return mod[name] as T;
}

async function load<T>(url: string, name: string, what: string): Promise<T> {
	const found = await tryLoad<T>(url, name);
	if (!found) fail(`${what} is not available yet (${new URL(url).pathname} is missing)`);
	return found;
}

async function main(): Promise<void> {
	const file = process.argv[2];
	if (!file || process.argv.length > 3) fail('usage: npm run --silent scenario -- FILE');
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (e) {
		fail(`cannot read ${file}: ${(e as Error).message}`);
	}
	const createNodeCluster = await load<ClusterHostFactory>(
		NODE_CLUSTER,
		'createNodeCluster',
		'the in-process Node cluster'
	);
	const runEtcdctl = await tryLoad<EtcdctlRunner>(ETCDCTL, 'runEtcdctl');
	if (!runEtcdctl) {
		process.stderr.write(
			`scenario: etcdctl is not available yet (${new URL(ETCDCTL).pathname} is missing); ` +
				'etcdctl lines will say so\n'
		);
	}
	const transcript = await runScenario(text, createNodeCluster, {
		etcdctl: runEtcdctl ?? undefined
	});
	process.stdout.write(transcript);
}

main().then(
	() => process.exit(0),
	(e: unknown) => fail(e instanceof Error ? (e.stack ?? e.message) : String(e))
);
