// Runs the deterministic simulators over many seeds: the Raft-only one (raft-sim.ts) and the
// whole-node one (etcd-sim.ts: EtcdServer members, clients, linearizability).
//   npm run sim -- --seeds 1000                  seeds 1..1000, both suites
//   npm run sim -- --mode etcd --seed 42         replay one seed exactly (--history prints it)
//   npm run sim -- --seeds 100 --start 5000 --faults drop,partition --mode raft
// Ends with `sim: N seeds, 0 violations` (exit 0) or the failing seeds (exit 1).
import {
	DEFAULT_ETCD_SIM_OPTIONS,
	DEFAULT_SIM_OPTIONS,
	FAULT_KINDS,
	runEtcdSeed,
	runSeed,
	type FaultKind
} from '../src/lib/engine/sim';

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
const mode = arg('mode') ?? 'all';
if (!['raft', 'etcd', 'all'].includes(mode)) {
	console.error(`sim: --mode must be raft, etcd or all (got ${mode})`);
	process.exit(2);
}
const faultArg = arg('faults');
const faults = faultArg
	? (faultArg
			.split(',')
			.filter((f) => (FAULT_KINDS as readonly string[]).includes(f)) as FaultKind[])
	: FAULT_KINDS;

const failed: string[] = [];
const times: string[] = [];

function report(kind: string, seed: number, checker: string, details: string): void {
	failed.push(`${kind === 'etcd' ? 'etcd:' : ''}${seed}`);
	console.log(`sim: ${kind} seed ${seed} violated ${checker}: ${details}`);
	const m = kind === 'etcd' ? ' --mode etcd' : ' --mode raft';
	console.log(`sim: replay with: npm run sim --${m} --seed ${seed}`);
}

if (mode !== 'etcd') {
	const began = Date.now();
	const opts = { ...DEFAULT_SIM_OPTIONS, faults };
	for (let seed = start; seed < start + count; seed++) {
		const r = runSeed(seed, opts);
		if (verbose) {
			const s = r.stats;
			console.log(
				`raft seed ${seed}: applied=${s.applied} msgs=${s.messages} crashes=${s.crashes} confChanges=${s.confChanges} transfers=${s.transfers} reads=${s.reads} trace=${r.trace.toString(16)}`
			);
		}
		if (r.violation) report('raft', seed, r.violation.checker, r.violation.details);
	}
	times.push(`raft ${((Date.now() - began) / 1000).toFixed(1)}s`);
}

if (mode !== 'raft') {
	const began = Date.now();
	const opts = {
		...DEFAULT_ETCD_SIM_OPTIONS,
		faults,
		keepHistory: process.argv.includes('--history')
	};
	for (let seed = start; seed < start + count; seed++) {
		const r = await runEtcdSeed(seed, opts);
		if (verbose) {
			const s = r.stats;
			console.log(
				`etcd seed ${seed}: members=${s.members} ops=${s.ops} acked=${s.acked} unknown=${s.unknown} revision=${s.revision} msgs=${s.messages} crashes=${s.crashes} transfers=${s.transfers} memberChanges=${s.memberChanges} verified=${s.verified} linSteps=${s.linSteps} trace=${r.trace.toString(16)}`
			);
		}
		if (r.history) {
			const text = (v: unknown) =>
				JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString(16) : x));
			r.history.forEach((h, i) => console.log(`  #${i} ${text(h)}`));
		}
		if (r.violation) report('etcd', seed, r.violation.checker, r.violation.details);
	}
	times.push(`etcd ${((Date.now() - began) / 1000).toFixed(1)}s`);
}

const secs = times.join(', ');
if (failed.length === 0) {
	console.log(`sim: ${count} seeds, 0 violations (${secs})`);
} else {
	console.log(
		`sim: ${count} seeds, ${failed.length} violations: seeds ${failed.join(' ')} (${secs})`
	);
	process.exit(1);
}
