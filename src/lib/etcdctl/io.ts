/** The host interface etcdctl runs against (the terminal, the scenario runner or a test). */
import type { ClientFactory } from '../client/types';

export interface EtcdctlFS {
	readFile(path: string): Uint8Array | null;
	writeFile(path: string, data: Uint8Array): void;
	exists(path: string): boolean;
	mkdirp?(path: string): void;
}

export interface EtcdctlIO {
	/** argv after `etcdctl`. */
	args: string[];
	/** The process environment (ETCDCTL_* and others). */
	env: Record<string, string>;
	/**
	 * The whole of stdin as bytes (a pipe may carry any bytes: `printf '\xff' | etcdctl put k`),
	 * or null when stdin is a terminal. `stdinText` decodes it where etcdctl reads text.
	 */
	stdin: () => Promise<Uint8Array | null>;
	/** Interactive line input when stdin is a terminal (txn -i, passwords); null at EOF. */
	readLine?: (prompt: string) => Promise<string | null>;
	/** Text as printed, newlines included. */
	stdout: (text: string) => void;
	stderr: (text: string) => void;
	/** Ctrl-C / end of scenario: long-running commands stop, exit status as on SIGINT. */
	signal: AbortSignal;
	fs: EtcdctlFS;
	clients: ClientFactory;
	/** Runs a command for `watch -- cmd` and `lock name cmd`; resolves to its exit status. */
	exec?: (argv: string[], env: Record<string, string>) => Promise<number>;
	/** stdout is a terminal (check perf then draws its progress bar, as pb does on a tty). */
	stdoutIsTerminal?: boolean;
	/** Milliseconds clock (check perf, took = ..., log timestamps). */
	now: () => number;
}

/** stdin as text (UTF-8, as Go's string(bytes) prints it), or null when it is a terminal. */
export async function stdinText(io: EtcdctlIO): Promise<string | null> {
	const bytes = await io.stdin();
	return bytes === null ? null : new TextDecoder().decode(bytes);
}
