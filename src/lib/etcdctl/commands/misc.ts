/** help, snapshot, make-mirror, migrate, completion and check: commands outside the KV core. */
import type { Context } from '../cli';
import { findCommand as cobraFind } from '../cli';
import { Exit, ExitCode, ExitError } from '../exit';
import { goQuote, hexID, humanizeBytes } from '../go';
import { crc32c } from '../../engine/mvcc/crc32c';
import { readSnapshotFile, restoreSnapshot } from '../../engine/server/restore';
import { usage } from '../help';
import { ROOT } from '../spec';

function goBackquote(s: string): string {
	const control = [...s].some((ch) => {
		const c = ch.charCodeAt(0);
		return (c < 0x20 && c !== 0x09) || c === 0x7f;
	});
	return control || s.includes('`') ? goQuote(s) : '`' + s + '`';
}

export async function help(ctx: Context): Promise<void> {
	const found = cobraFind(ctx.args);
	if (found.error) {
		ctx.err(`Unknown help topic [${ctx.args.map(goBackquote).join(' ')}]\n`);
		ctx.out(usage([ROOT], false));
		return;
	}
	ctx.out(usage(found.path));
}

/** zap's production JSON line (the logger snapshot save and restore use). */
function zapInfo(
	ctx: Context,
	caller: string,
	msg: string,
	fields: [string, string | number | string[]][]
): void {
	const ts = (ctx.io.now() / 1000).toFixed(7).replace(/0+$/, '');
	const extra = fields.map(([k, v]) => `,"${k}":${JSON.stringify(v)}`).join('');
	ctx.err(`{"level":"info","ts":${ts},"caller":"${caller}","msg":"${msg}"${extra}}\n`);
}

export async function snapshotSave(ctx: Context): Promise<void> {
	if (ctx.args.length !== 1)
		throw new ExitError(ExitCode.BadArgs, 'snapshot save expects one argument');
	const opts = ctx.clientOptions();
	if (opts.endpoints.length !== 1) {
		throw new ExitError(
			ExitCode.Interrupted,
			`snapshot must be requested to one selected node, not multiple [${opts.endpoints.join(' ')}]`
		);
	}
	const path = ctx.args[0];
	const part = path + '.part';
	const dir = part.includes('/') ? part.slice(0, part.lastIndexOf('/')) : '';
	if (dir !== '' && !ctx.io.fs.exists(dir)) {
		throw new ExitError(
			ExitCode.Interrupted,
			`could not open ${part} (open ${part}: no such file or directory)`
		);
	}
	zapInfo(ctx, 'snapshot/v3_snapshot.go:119', 'created temporary db file', [['path', part]]);
	const ep = opts.endpoints[0];
	const start = ctx.io.now();
	const c = await ctx.connect(opts);
	ctx.err(
		`{"level":"info","ts":"${new Date(ctx.io.now()).toISOString().replace(/\.(\d{3})\d*Z$/, '.$1Z')}","caller":"clientv3/maintenance.go:200","msg":"opened snapshot stream; downloading"}\n`
	);
	zapInfo(ctx, 'snapshot/v3_snapshot.go:127', 'fetching snapshot', [['endpoint', ep]]);
	let data: Uint8Array;
	try {
		data = await c.snapshot(ep);
	} catch (e) {
		throw new ExitError(ExitCode.Interrupted, e instanceof Error ? e.message : String(e));
	}
	ctx.err(
		`{"level":"info","ts":"${new Date(ctx.io.now()).toISOString()}","caller":"clientv3/maintenance.go:208","msg":"completed snapshot read; closing"}\n`
	);
	ctx.io.fs.writeFile(path, data);
	zapInfo(ctx, 'snapshot/v3_snapshot.go:142', 'fetched snapshot', [
		['endpoint', ep],
		['size', humanizeBytes(data.length)],
		['took', (ctx.io.now() - start) / 1000]
	]);
	zapInfo(ctx, 'snapshot/v3_snapshot.go:152', 'saved', [['path', path]]);
	ctx.out(`Snapshot saved at ${path}\n`);
}

/** The snapshot file the playground's server writes (`snapshot save`), as far as status needs. */
interface PlaygroundSnapshot {
	format: string;
	state: {
		mvcc: { revisions: { main: number }[]; leases: unknown[]; meta: { compactRevision: number } };
		auth: { users: unknown[]; roles: unknown[] };
		members: { members: unknown[] };
	};
}

function readSnapshot(data: Uint8Array): PlaygroundSnapshot | null {
	try {
		const s = JSON.parse(new TextDecoder().decode(data)) as PlaygroundSnapshot;
		return s && s.format === 'etcd-playground-snapshot' && s.state?.mvcc ? s : null;
	} catch {
		return null;
	}
}

export async function snapshotStatus(ctx: Context): Promise<void> {
	if (ctx.args.length !== 1)
		throw new ExitError(ExitCode.BadArgs, 'snapshot status requires exactly one argument');
	const display = ctx.display();
	const path = ctx.args[0];
	const data = ctx.io.fs.readFile(path);
	if (data === null) throw new ExitError(ExitCode.Error, `stat ${path}: no such file or directory`);
	const snap = readSnapshot(data);
	if (!snap) throw new ExitError(ExitCode.Error, 'invalid database');
	const { mvcc, auth, members } = snap.state;
	const revision = mvcc.revisions.reduce((m, r) => Math.max(m, r.main), 0);
	// bolt keys etcd keeps besides the key revisions: consistent_index, clusterVersion and
	// authRevision always, the two compaction marks once compacted, one per lease, member,
	// user and role.
	const totalKey =
		mvcc.revisions.length +
		mvcc.leases.length +
		members.members.length +
		auth.users.length +
		auth.roles.length +
		3 +
		(mvcc.meta.compactRevision > 0 ? 2 : 0);
	ctx.out(display.dbStatus({ hash: crc32c(data), revision, totalKey, totalSize: data.length }));
}

export async function snapshotRestore(ctx: Context): Promise<void> {
	if (ctx.args.length !== 1)
		throw new ExitError(ExitCode.BadArgs, 'snapshot restore requires exactly one argument');
	const name = ctx.flags.string('name');
	const dataDir = ctx.flags.string('data-dir') || name + '.etcd';
	const walDir = ctx.flags.string('wal-dir') || `${dataDir}/member/wal`;
	const snapDir = `${dataDir}/member/snap`;
	const path = ctx.args[0];
	const peerURLs = ctx.flags.string('initial-advertise-peer-urls').split(',');
	const token = ctx.flags.string('initial-cluster-token');
	const cluster: [string, string[]][] = [];
	for (const part of ctx.flags.string('initial-cluster').split(',')) {
		const eq = part.indexOf('=');
		if (eq < 0)
			throw new ExitError(ExitCode.Error, `cannot parse ${goQuote(part)} into a member URL`);
		const [n, u] = [part.slice(0, eq), part.slice(eq + 1)];
		const found = cluster.find((c) => c[0] === n);
		if (found) found[1].push(u);
		else cluster.push([n, [u]]);
	}
	const mine = cluster.find((c) => c[0] === name);
	if (!mine || [...mine[1]].sort().join(',') !== [...peerURLs].sort().join(',')) {
		throw new ExitError(
			ExitCode.Error,
			`--initial-cluster has ${name}=${mine ? mine[1].join(',') : ''} but missing from --initial-advertise-peer-urls=${peerURLs.join(',')} (resolved urls: ${goQuote(mine ? mine[1].join(',') : '')} != ${goQuote(peerURLs.join(','))})`
		);
	}
	if (ctx.io.fs.exists(dataDir))
		throw new ExitError(ExitCode.Error, `data-dir ${goQuote(dataDir)} exists`);
	const where: [string, string][] = [
		['path', path],
		['wal-dir', walDir],
		['data-dir', dataDir],
		['snap-dir', snapDir]
	];
	zapInfo(ctx, 'snapshot/v3_snapshot.go:296', 'restoring snapshot', where);
	const data = ctx.io.fs.readFile(path);
	if (data === null) throw new ExitError(ExitCode.Error, `open ${path}: no such file or directory`);
	const snapshot = readSnapshotFile(data);
	if (!ctx.flags.bool('skip-hash-check') && (!snapshot || snapshot.hashless)) {
		throw new ExitError(ExitCode.Error, 'snapshot missing hash but --skip-hash-check=false');
	}
	if (!snapshot) throw new ExitError(ExitCode.Error, 'invalid database');
	const restored = restoreSnapshot(snapshot, {
		name,
		initialCluster: cluster.map(([n, peerURLs]) => ({ name: n, peerURLs })),
		token
	});
	for (const m of restored.members) {
		zapInfo(ctx, 'membership/cluster.go:392', 'added member', [
			['cluster-id', hexID(restored.clusterId)],
			['local-member-id', '0'],
			['added-peer-id', hexID(m.id)],
			['added-peer-peer-urls', m.peerURLs]
		]);
	}
	ctx.io.fs.mkdirp?.(walDir);
	ctx.io.fs.mkdirp?.(snapDir);
	for (const [file, bytes] of Object.entries(restored.files)) {
		const target = file.startsWith('member/wal/')
			? `${walDir}/${file.slice('member/wal/'.length)}`
			: `${dataDir}/${file}`;
		ctx.io.fs.writeFile(target, bytes);
	}
	zapInfo(ctx, 'snapshot/v3_snapshot.go:309', 'restored snapshot', where);
}

export async function makeMirror(ctx: Context): Promise<void> {
	if (ctx.args.length !== 1)
		throw new ExitError(ExitCode.BadArgs, 'make-mirror takes one destination argument');
	throw new ExitError(ExitCode.BadFeature, 'make-mirror is not supported in the playground');
}

export async function migrate(ctx: Context): Promise<void> {
	ctx.out('using default transformer\n');
	throw new ExitError(ExitCode.Error, 'open member/snap: no such file or directory');
}

export async function completion(ctx: Context): Promise<void> {
	ctx.err('completion scripts are for a real shell; the playground terminal completes with Tab\n');
	throw new Exit(ExitCode.Error);
}

const LOADS: Record<string, { clients: number; rate: number }> = {
	s: { clients: 50, rate: 150 },
	m: { clients: 200, rate: 1000 },
	l: { clients: 500, rate: 8000 },
	xl: { clients: 1000, rate: 15000 }
};

export async function checkDatascale(ctx: Context): Promise<void> {
	const load = ctx.flags.string('load');
	if (!(load in LOADS)) throw new ExitError(ExitCode.BadFeature, `unknown load option ${load}`);
	throw new ExitError(ExitCode.BadFeature, 'check datascale is not supported in the playground');
}
