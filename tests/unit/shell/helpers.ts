import { ShellSession, type ShellOptions } from '../../../src/lib/shell/session';

/** A session whose output is collected; `out()` returns and clears it. */
export async function shell(opts: Partial<ShellOptions> = {}) {
	let text = '';
	const jobs: string[] = [];
	const session = await ShellSession.create({
		...opts,
		write: (t, from) => {
			text += t;
			if (from.job !== undefined) jobs.push(t);
		}
	});
	return {
		session,
		/** Runs a command; returns what it printed (foreground and background) and its status. */
		async run(line: string, signal?: AbortSignal): Promise<{ out: string; code: number }> {
			const code = await session.run(line, { signal });
			const out = text;
			text = '';
			return { out, code };
		},
		/** Output printed since the last run() or pending(), left in place. */
		peek(): string {
			return text;
		},
		/** Output printed since the last call (for background jobs). */
		pending(): string {
			const out = text;
			text = '';
			return out;
		},
		jobs
	};
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `check` holds (fails the test after `timeoutMs`), so slow machines do not flake. */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > until) throw new Error('condition not met in time');
		await sleep(5);
	}
}
