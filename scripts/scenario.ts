/**
 * Replays a scenario file against a fresh in-process cluster and prints its transcript:
 *
 *   npm run --silent scenario -- tests/conformance/kv.sh
 *
 * The format of both is in src/lib/scenario/ (parser.ts, transcript.ts). Exits 0 once the
 * transcript is printed, whatever the commands' statuses were; 1 when the file cannot be read or
 * the cluster cannot be started.
 */
import { readFileSync } from 'node:fs';
import { createNodeCluster } from '../src/lib/node-cluster/index';
import { runScenario } from '../src/lib/scenario/runner';

function fail(message: string): never {
	process.stderr.write(`scenario: ${message}\n`);
	process.exit(1);
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
	process.stdout.write(await runScenario(text, createNodeCluster));
}

main().then(
	// Exit explicitly: nothing of the cluster may keep the process alive after the transcript.
	() => process.exit(0),
	(e: unknown) => fail(e instanceof Error ? (e.stack ?? e.message) : String(e))
);
