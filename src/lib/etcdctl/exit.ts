/** etcdctl's exit codes and the error that carries one up to runEtcdctl. */

export const ExitCode = {
	Success: 0,
	Error: 1,
	BadConnection: 2,
	InvalidInput: 3,
	BadFeature: 4,
	Interrupted: 5,
	IO: 6,
	BadArgs: 128
} as const;

/** The shell's status for a process killed by SIGINT (Ctrl-C). */
export const SIGINT_STATUS = 130;

/** ExitWithError: prints `Error: <message>` then exits with `code`. */
export class ExitError extends Error {
	constructor(
		readonly code: number,
		message: string
	) {
		super(message);
		this.name = 'ExitError';
	}
}

/** os.Exit(code) without a message (what was to be said is already printed). */
export class Exit extends Error {
	constructor(readonly code: number) {
		super(`exit ${code}`);
		this.name = 'Exit';
	}
}
