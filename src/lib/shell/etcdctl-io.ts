/**
 * The shape of etcdctl's entry point as src/lib/etcdctl/ exports it (`runEtcdctl(io)`). The
 * shell only needs its structure: the session takes the function as an option, so the shell
 * module never pulls etcdctl (or its printers) into a bundle by itself.
 */
import type { ClientFactory } from '../client/types';

/** The slice of a file system etcdctl touches: snapshot files and TLS material. */
export interface EtcdctlFs {
	readFile(path: string): Uint8Array | null;
	writeFile(path: string, data: Uint8Array): void;
	exists(path: string): boolean;
	mkdirp?(path: string): void;
}

export interface EtcdctlIO {
	/** Arguments after `etcdctl`. */
	args: string[];
	/** The exported environment (ETCDCTL_* included), as a child process would see it. */
	env: Record<string, string>;
	/** Everything piped or redirected into etcdctl, or null when stdin is the terminal. */
	stdin: () => Promise<string | null>;
	/** Reads one line from the terminal (interactive prompts); absent when not interactive. */
	readLine?: (prompt: string) => Promise<string | null>;
	stdout: (text: string) => void;
	stderr: (text: string) => void;
	/** Aborted on Ctrl-C (foreground) or when a background job is stopped. */
	signal: AbortSignal;
	fs: EtcdctlFs;
	clients: ClientFactory;
	/** Runs another command (`etcdctl lock NAME cmd...`); resolves to its exit status. */
	exec?: (argv: string[], env: Record<string, string>) => Promise<number>;
	now: () => number;
}

export type EtcdctlRunner = (io: EtcdctlIO) => Promise<number>;
