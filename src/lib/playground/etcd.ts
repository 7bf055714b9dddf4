/**
 * The terminal's `etcd` command: start a member on a data dir that `etcdctl snapshot restore`
 * wrote, the way a CKA candidate finishes a restore on a plain host (`etcd --data-dir DIR
 * --name ...`). As with real etcd on an initialised data dir, who the member is comes from the
 * dir (member ID, cluster ID, membership), not from --initial-cluster; --name and
 * --advertise-client-urls are what it publishes to the cluster.
 *
 * A restored data dir belongs to a new cluster (restore computes a new cluster ID), and the
 * playground runs one cluster: starting its first member stops every member of the old
 * cluster, as stopping the old etcd (systemctl stop etcd, or kubelet replacing the static pod)
 * does on a real host. Members of the restored cluster that have not been started yet show as
 * Down until `etcd --data-dir` is run on their own restored dir. The command returns once the
 * member runs (a real etcd keeps the terminal; think of it as started in the background) and
 * prints the main lines etcd logs when it restarts from a restored dir.
 */
import { readDataDir, type BootFromDataDir } from '../engine/server/restore';

/**
 * The version the members report (SERVER_VERSION in engine/server/server.ts, which a test
 * compares; not imported, so the terminal's bundle does not pull in the whole server).
 */
export const SERVER_VERSION = '3.5.17';

/** etcd's default --election-timeout over --heartbeat-interval (1000 ms / 100 ms). */
const ELECTION_TICKS = 10;

/** Reads the shell's file system (paths as the user typed them, relative to the cwd). */
export interface ShellFiles {
	read(path: string): Uint8Array | null;
	/** Names in a directory; empty when it does not exist. */
	list(dir: string): string[];
}

/** What a shell hands its cluster control besides the arguments (`etcd` reads files). */
export interface ShellIo {
	files?: ShellFiles;
}

/** A member to boot from a restored data dir. */
export interface RestoredBoot extends BootFromDataDir {
	/** The member's name in the restored membership (the `--name` given to restore). */
	member: string;
	/** etcd's --name: what the member publishes (usually the same). */
	serverName: string;
	/** etcd's --advertise-client-urls. */
	clientURLs: string[];
	/** --data-dir as given. */
	dataDir: string;
}

/**
 * The member a terminal's 127.0.0.1:2379 reaches: its own host's (etcd-1 for the default
 * terminal) while that is a member, else the first member (a restored cluster whose only
 * member is `default` runs on this host).
 */
export function hostMember(names: readonly string[], preferred = 'etcd-1'): string {
	return names.includes(preferred) || names.length === 0 ? preferred : names[0];
}

/** What a cluster host does for `etcd`: see the file comment. */
export interface RestoredBootControl {
	/** Starts the member; resolves to the members of the old cluster it stopped (if any). */
	bootRestored(boot: RestoredBoot): Promise<{ stopped: string[] }>;
}

/** etcd's boolean flags (they take no separate value). */
const BOOL_FLAGS = new Set([
	'client-cert-auth',
	'peer-client-cert-auth',
	'auto-tls',
	'peer-auto-tls',
	'enable-v2',
	'enable-pprof',
	'strict-reconfig-check',
	'force-new-cluster',
	'debug',
	'version',
	'help',
	'h',
	'enable-grpc-gateway'
]);

function parseFlags(args: string[]): Map<string, string> | string {
	const flags = new Map<string, string>();
	for (let i = 0; i < args.length; i++) {
		const a = args[i];
		const m = /^--?([A-Za-z0-9][A-Za-z0-9-]*)(?:=(.*))?$/s.exec(a);
		if (!m) return `'${a}' is not a valid flag`;
		const [, name, inline] = m;
		if (inline !== undefined) flags.set(name, inline);
		else if (BOOL_FLAGS.has(name)) flags.set(name, 'true');
		else if (i + 1 < args.length) flags.set(name, args[++i]);
		else return `flag needs an argument: -${name}`;
	}
	return flags;
}

function pad(n: number, w = 2): string {
	return String(n).padStart(w, '0');
}

/** capnslog's line, as etcd 3.4 logs by default. */
function logLine(level: 'I' | 'N' | 'W', pkg: string, msg: string): string {
	const d = new Date();
	const ts = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}000`;
	return `${ts} ${level} | ${pkg}: ${msg}\n`;
}

function hex(id: bigint): string {
	return id.toString(16);
}

export const ETCD_HELP = `Usage:

  etcd --data-dir DIR [--name NAME] [--advertise-client-urls URLS] [flags]

In this playground, etcd starts a member on a data dir written by
\`etcdctl snapshot restore ... --data-dir DIR\`. Its identity (member ID, cluster ID,
members) comes from the data dir; --name and --advertise-client-urls are what it
publishes. Starting a restored cluster stops the old one. Other etcd flags are accepted
and have no effect here.
`;

/** Runs `etcd ARGS`; returns the exit status. */
export async function runEtcd(
	control: Partial<RestoredBootControl>,
	args: string[],
	out: (text: string) => void,
	files: ShellFiles | undefined
): Promise<number> {
	const flags = parseFlags(args);
	if (typeof flags === 'string') {
		out(`etcd: ${flags}\n`);
		return 2;
	}
	if (flags.has('version')) {
		out(
			`etcd Version: ${SERVER_VERSION}\nGit SHA: playground\nGo Version: none (TypeScript)\nGo OS/Arch: browser/wasm-free\n`
		);
		return 0;
	}
	if (flags.has('help') || flags.has('h')) {
		out(ETCD_HELP);
		return 0;
	}
	if (!control.bootRestored || !files) {
		out('etcd: this terminal cannot start members\n');
		return 1;
	}
	const name = flags.get('name') ?? 'default';
	const dataDir = (flags.get('data-dir') ?? `${name}.etcd`).replace(/\/+$/, '') || '/';
	const walDir = flags.get('wal-dir')?.replace(/\/+$/, '');
	const inDir = (p: string) =>
		walDir && p.startsWith('member/wal/')
			? `${walDir}/${p.slice('member/wal/'.length)}`
			: `${dataDir}/${p}`;
	const boot = readDataDir(
		(p) => files.read(inDir(p)),
		(d) => files.list(inDir(d))
	);
	if (typeof boot === 'string') {
		if (files.list(dataDir).length === 0) {
			out(
				`etcd: ${dataDir} holds no member data\n` +
					'(here etcd starts a member on a data dir that `etcdctl snapshot restore SNAPSHOT\n' +
					`--data-dir ${dataDir}\` wrote; the running members are already started: see\n` +
					'`playground status`)\n'
			);
		} else out(`etcd: ${boot}\n`);
		return 1;
	}
	const me = boot.members.find((m) => m.id === boot.memberId);
	if (!me) {
		out(`etcd: member ${hex(boot.memberId)} is not in the restored membership\n`);
		return 1;
	}
	const advertised = flags.get('advertise-client-urls');
	const clientURLs = advertised
		? advertised.split(',').filter((u) => u !== '')
		: [/^etcd-\d+$/.test(me.name) ? `http://${me.name}:2379` : 'http://localhost:2379'];
	out(logLine('I', 'etcdmain', `etcd Version: ${SERVER_VERSION}`));
	out(
		logLine(
			'N',
			'etcdmain',
			'the server is already initialized as member before, starting as etcd member...'
		)
	);
	out(logLine('I', 'embed', `name = ${name}`));
	out(logLine('I', 'embed', `data dir = ${dataDir}`));
	out(logLine('I', 'embed', `advertise client URLs = ${clientURLs.join(',')}`));
	const index = boot.snapshot.metadata.index;
	let stopped: string[];
	try {
		({ stopped } = await control.bootRestored({
			...boot,
			member: me.name,
			serverName: name,
			clientURLs,
			dataDir
		}));
	} catch (e) {
		out(`etcd: ${e instanceof Error ? e.message : String(e)}\n`);
		return 1;
	}
	out(logLine('I', 'etcdserver', `recovered store from snapshot at index ${index}`));
	out(
		logLine(
			'I',
			'etcdserver',
			`restarting member ${hex(boot.memberId)} in cluster ${hex(boot.clusterId)} at commit index ${boot.hardState.commit}`
		)
	);
	for (const m of boot.members) {
		out(
			logLine(
				'I',
				'etcdserver/membership',
				`added member ${hex(m.id)} [${m.peerURLs.join(' ')}] to cluster ${hex(boot.clusterId)} from store`
			)
		);
	}
	out(
		logLine(
			'I',
			'etcdserver',
			`starting server... [version: ${SERVER_VERSION}, cluster version: to_be_decided]`
		)
	);
	// The member's engine fast-forwards its election clock the same way (EtcdServer.start).
	if (boot.members.length === 1) {
		out(
			logLine(
				'I',
				'etcdserver',
				`${hex(boot.memberId)} as single-node; fast-forwarding ${ELECTION_TICKS - 1} ticks (election ticks ${ELECTION_TICKS})`
			)
		);
	}
	if (stopped.length > 0) {
		out(
			`playground: the old cluster's members (${stopped.join(', ')}) were stopped; ` +
				`${me.name} now runs cluster ${hex(boot.clusterId)} from ${dataDir}\n`
		);
	} else out(`playground: ${me.name} now runs from ${dataDir}\n`);
	return 0;
}
