// Runs the deterministic Raft simulator over many seeds.
//   npm run sim -- --seeds 1000          seeds 1..1000
//   npm run sim -- --seed 42 [--verbose] replay one seed exactly
//   npm run sim -- --seeds 100 --start 5000 --faults drop,partition
// Ends with `sim: N seeds, 0 violations` (exit 0) or the failing seeds (exit 1).
import { FAULT_KINDS, runSeed, DEFAULT_SIM_OPTIONS, type FaultKind } from '../src/lib/engine/sim';

function arg(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	if (i >= 0) return process.argv[i + 1];
	const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
	return eq?.slice(name.length + 3);
}

const single = arg('seed');
const count = Number(arg('seeds') ?? (single ? 1 : 100));
const start = single ? Number(single) : Number(arg('start') ?? 1);
const verbose = process.argv.includes('--verbose') || single !== undefined;
const faultArg = arg('faults');
const faults = faultArg
	? (faultArg
			.split(',')
			.filter((f) => (FAULT_KINDS as readonly string[]).includes(f)) as FaultKind[])
	: FAULT_KINDS;
const opts = { ...DEFAULT_SIM_OPTIONS, faults };

const began = Date.now();
const failed: number[] = [];
for (let seed = start; seed < start + count; seed++) {
	const r = runSeed(seed, opts);
	if (verbose) {
		const s = r.stats;
		console.log(
			`seed ${seed}: applied=${s.applied} msgs=${s.messages} crashes=${s.crashes} confChanges=${s.confChanges} transfers=${s.transfers} reads=${s.reads} trace=${r.trace.toString(16)}`
		);
	}
	if (r.violation) {
		failed.push(seed);
		console.log(`sim: seed ${seed} violated ${r.violation.checker}: ${r.violation.details}`);
		console.log(`sim: replay with: npm run sim -- --seed ${seed}`);
	}
}
const secs = ((Date.now() - began) / 1000).toFixed(1);
if (failed.length === 0) {
	console.log(`sim: ${count} seeds, 0 violations (${secs}s)`);
} else {
	console.log(
		`sim: ${count} seeds, ${failed.length} violations: seeds ${failed.join(' ')} (${secs}s)`
	);
	process.exit(1);
}
