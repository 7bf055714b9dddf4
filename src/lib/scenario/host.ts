/**
 * What the scenario runner (and the terminal) needs from a running cluster. The browser page
 * implements it over Web Workers; `src/lib/node-cluster/` implements it in-process for Node
 * (`npm run scenario`, tests). The shell only forwards to it: it parses none of the
 * `playground` grammar (documented in src/lib/shell/README.md).
 */
import type { ClientFactory } from '../client/types';
import type { ShellIo } from '../playground/etcd';

export interface ClusterHost {
	/** Opens clients for etcdctl; `127.0.0.1:2379` (the default endpoint) reaches etcd-1. */
	readonly clients: ClientFactory;
	/**
	 * Files every terminal on this cluster starts with (a preset's certificates, for example),
	 * path -> text.
	 */
	readonly files?: Readonly<Record<string, string>>;
	/** Current member names (etcd-1, etcd-2, ...), including stopped ones. */
	readonly members: () => string[];
	/**
	 * Runs `playground <args>` (kill, restart, partition, heal, latency, drop, member add/remove,
	 * status, help). Writes what the command prints through `out` (text with `\n` line ends)
	 * and resolves to its exit status: 0 on success, 1 on a failed action, 2 on a usage error.
	 */
	control(args: string[], out: (text: string) => void, io?: ShellIo): Promise<number>;
	/** Resolves once the cluster has a leader; rejects after `timeoutMs` without one. */
	waitForLeader(timeoutMs: number): Promise<void>;
	/** Stops every member and releases timers, so a Node process can exit. */
	close(): Promise<void>;
}

export interface ClusterHostOptions {
	/** Members to start: etcd-1..etcd-N, token `playground`. */
	size: number;
	/** A named starting state (for example a Kubernetes-like key layout); host-defined. */
	preset?: string;
	/** Seeds every random choice the host makes (elections, drop/latency faults). */
	seed?: number;
}

export type ClusterHostFactory = (opts: ClusterHostOptions) => Promise<ClusterHost>;
