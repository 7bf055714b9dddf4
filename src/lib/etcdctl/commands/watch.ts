/**
 * watch: one watch (key, range or prefix, optional start revision and prev-kv) printed until
 * Ctrl-C or until the server cancels it; `-- cmd` runs a command per event; `-i` reads
 * `watch ...` and `progress` lines from stdin.
 */
import type { WatchCreateRequest, WatchResponse } from '../../engine/api/types';
import { prefixEnd, utf8 } from '../../engine/util/bytes';
import type { EtcdClient, WatchHandle } from '../../client/types';
import { errorMessage, type Context } from '../cli';
import { Exit, ExitCode, ExitError, SIGINT_STATUS } from '../exit';
import { FlagError, FlagSet, parseFlags } from '../flags';
import { goQuote, goQuoteBytes } from '../go';
import { findCommand } from '../spec';
import { argify } from './txn';
import { stdinText } from '../io';

const errBadArgsNum = 'bad number of arguments';
const errBadArgsNumConflictEnv = 'bad number of arguments (found conflicting environment key)';
const errBadArgsNumSeparator = 'bad number of arguments (found separator --, but no commands)';

interface WatchOpts {
	prefix: boolean;
	rev: number;
	prevKV: boolean;
	progressNotify: boolean;
}

function optsFrom(f: FlagSet): WatchOpts {
	return {
		prefix: f.bool('prefix'),
		rev: f.number('rev'),
		prevKV: f.bool('prev-kv'),
		progressNotify: f.bool('progress-notify')
	};
}

/** etcdctl's parseWatchArgs for the command line (not interactive). */
function parseWatchArgs(
	rawAll: string[],
	commandArgs: string[],
	envKey: string,
	envRange: string
): { watchArgs: string[]; execArgs: string[] } {
	const at = rawAll.indexOf('watch');
	const raw = at >= 0 ? rawAll.slice(at + 1) : ['etcdctl', ...rawAll];
	let watchArgs = [...commandArgs];
	const execIdx = raw.indexOf('--');
	const execExist = execIdx >= 0;
	if (execExist && execIdx === raw.length - 1)
		throw new ExitError(ExitCode.BadArgs, errBadArgsNumSeparator);
	if (!execExist && raw.length < 1 && envKey === '')
		throw new ExitError(ExitCode.BadArgs, errBadArgsNum);
	if (execExist && envKey !== '') {
		let ridx = raw.length - 1;
		for (let widx = watchArgs.length - 1; widx >= 0; widx--) {
			if (watchArgs[widx] === raw[ridx]) {
				ridx--;
				continue;
			}
			if (ridx === execIdx) throw new ExitError(ExitCode.BadArgs, errBadArgsNumConflictEnv);
		}
	}
	if (!execExist && watchArgs.length > 0 && envKey !== '') {
		throw new ExitError(ExitCode.BadArgs, errBadArgsNumConflictEnv);
	}
	let execArgs: string[] = [];
	if (execExist) execArgs = raw.slice(execIdx + 1);
	if (envKey !== '') watchArgs = [envKey, ...(envRange !== '' ? [envRange] : []), ...watchArgs];
	if (!execExist) return { watchArgs, execArgs };
	let endIdx = watchArgs.length - 1;
	for (; endIdx >= 0; endIdx--) if (watchArgs[endIdx] === raw[execIdx + 1]) break;
	return { watchArgs: watchArgs.slice(0, Math.max(endIdx, 0)), execArgs };
}

/** getWatchChan's request, or its error. */
function watchRequest(args: string[], o: WatchOpts): WatchCreateRequest | string {
	if (args.length < 1) return errBadArgsNum;
	const req: WatchCreateRequest = { key: utf8(args[0]) };
	if (o.rev !== 0) req.start_revision = o.rev;
	if (args.length === 2) {
		if (o.prefix) return '`range_end` and `--prefix` are mutually exclusive';
		req.range_end = utf8(args[1]);
	}
	if (o.prefix) {
		req.range_end = req.key.length === 0 ? new Uint8Array([0]) : prefixEnd(req.key);
		if (req.key.length === 0) req.key = new Uint8Array([0]);
	}
	if (o.prevKV) req.prev_kv = true;
	if (o.progressNotify) req.progress_notify = true;
	return req;
}

function isProgressNotify(r: WatchResponse): boolean {
	return (
		r.events.length === 0 &&
		!r.canceled &&
		!r.created &&
		r.compact_revision === 0 &&
		r.header.revision !== 0
	);
}

/** Prints a watch's responses until it is canceled (resolves) or Ctrl-C (rejects with Exit). */
async function printWatch(
	ctx: Context,
	c: EtcdClient,
	req: WatchCreateRequest,
	execArgs: string[],
	handles: WatchHandle[] = []
): Promise<void> {
	const queue: WatchResponse[] = [];
	let wake: (() => void) | undefined;
	const handle = c.watch(req, (r) => {
		queue.push(r);
		wake?.();
	});
	handles.push(handle);
	const aborted = new Promise<void>((resolve) => {
		if (ctx.io.signal.aborted) resolve();
		ctx.io.signal.addEventListener('abort', () => resolve(), { once: true });
	});
	try {
		for (;;) {
			while (queue.length === 0) {
				if (ctx.io.signal.aborted) throw new Exit(SIGINT_STATUS);
				await Promise.race([new Promise<void>((r) => (wake = r)), aborted]);
			}
			const resp = queue.shift()!;
			if (resp.created && !resp.canceled && resp.events.length === 0) continue;
			if (resp.canceled) {
				const reason =
					resp.compact_revision !== 0
						? 'etcdserver: mvcc: required revision has been compacted'
						: resp.cancel_reason;
				ctx.err(`watch was canceled (${reason})\n`);
			}
			if (isProgressNotify(resp)) ctx.out(`progress notify: ${resp.header.revision}\n`);
			ctx.out(ctx.display().watch(resp));
			if (execArgs.length > 0) await runExec(ctx, resp, execArgs);
			if (resp.canceled) return;
		}
	} finally {
		void handle.cancel().catch(() => undefined);
	}
}

async function runExec(ctx: Context, resp: WatchResponse, execArgs: string[]): Promise<void> {
	for (const ev of resp.events) {
		const env = {
			...ctx.io.env,
			ETCD_WATCH_REVISION: String(resp.header.revision),
			ETCD_WATCH_EVENT_TYPE: goQuote(ev.type),
			ETCD_WATCH_KEY: goQuoteBytes(ev.kv.key),
			ETCD_WATCH_VALUE: goQuoteBytes(ev.kv.value)
		};
		const status = ctx.io.exec ? await ctx.io.exec(execArgs, env) : 127;
		if (status !== 0) {
			const q = '[' + execArgs.map(goQuote).join(' ') + ']';
			ctx.err(
				`command ${q} error (${ctx.io.exec ? `exit status ${status}` : `exec: ${goQuote(execArgs[0])}: executable file not found in $PATH`})\n`
			);
			throw new Exit(ExitCode.Error);
		}
	}
}

export async function watch(ctx: Context): Promise<number | void> {
	const envKey = ctx.io.env.ETCDCTL_WATCH_KEY ?? '';
	const envRange = ctx.io.env.ETCDCTL_WATCH_RANGE_END ?? '';
	if (envKey === '' && envRange !== '') {
		throw new ExitError(
			ExitCode.BadArgs,
			`ETCDCTL_WATCH_KEY is empty but got ETCDCTL_WATCH_RANGE_END=${goQuote(envRange)}`
		);
	}
	if (ctx.flags.bool('interactive')) return watchInteractive(ctx, envKey, envRange);
	const { watchArgs, execArgs } = parseWatchArgs(ctx.io.args, ctx.args, envKey, envRange);
	ctx.clientOptions(['watch-key', 'watch-range-end']);
	const req = watchRequest(watchArgs, optsFrom(ctx.flags));
	if (typeof req === 'string') throw new ExitError(ExitCode.BadArgs, req);
	const c = await ctx.client();
	try {
		await printWatch(ctx, c, req, execArgs);
	} catch (e) {
		if (e instanceof Exit || e instanceof ExitError) throw e;
		throw new ExitError(ExitCode.Error, errorMessage(e));
	}
	throw new ExitError(ExitCode.Interrupted, 'watch is canceled by the server');
}

async function watchInteractive(ctx: Context, envKey: string, envRange: string): Promise<number> {
	const c = await ctx.client(['watch-key', 'watch-range-end']);
	const handles: WatchHandle[] = [];
	let lines: string[] | null = null;
	const stdin = await stdinText(ctx.io);
	if (stdin !== null) lines = stdin.split('\n');
	let pos = 0;
	const nextLine = async (): Promise<string | null> => {
		if (lines) return pos < lines.length - 1 ? lines[pos++] : null;
		return ctx.io.readLine ? ctx.io.readLine('') : null;
	};
	const failed: unknown[] = [];
	for (;;) {
		if (ctx.io.signal.aborted) throw new Exit(SIGINT_STATUS);
		if (failed.length) throw failed[0];
		const l = await nextLine();
		if (l === null) {
			if (ctx.io.signal.aborted) throw new Exit(SIGINT_STATUS);
			throw new ExitError(ExitCode.InvalidInput, 'Error reading watch request line: EOF');
		}
		const args = argify(l);
		if (args.length < 1) {
			ctx.err(`Invalid command: ${l} (watch and progress supported)\n`);
			continue;
		}
		if (args[0] === 'watch') {
			if (args.length < 2 && envKey === '') {
				ctx.err(`Invalid command ${l} (command type or key is not provided)\n`);
				continue;
			}
			const rest = args.slice(1);
			const sep = rest.indexOf('--');
			if (sep >= 0 && sep === rest.length - 1)
				throw new ExitError(ExitCode.BadArgs, errBadArgsNumSeparator);
			const fs = new FlagSet(findCommand(['watch'])!.flags);
			let parsed: string[];
			try {
				parsed = parseFlags(fs, rest).args;
			} catch (e) {
				if (e instanceof FlagError) throw new ExitError(ExitCode.BadArgs, e.message);
				throw e;
			}
			if (sep < 0 && envKey === '' && parsed.length < 1)
				throw new ExitError(ExitCode.BadArgs, errBadArgsNum);
			if (sep < 0 && parsed.length > 0 && envKey !== '')
				throw new ExitError(ExitCode.BadArgs, errBadArgsNumConflictEnv);
			let execArgs: string[] = [];
			let watchArgs = parsed;
			if (envKey !== '') watchArgs = [envKey, ...(envRange !== '' ? [envRange] : []), ...watchArgs];
			if (sep >= 0) {
				execArgs = rest.slice(sep + 1);
				let endIdx = watchArgs.length - 1;
				for (; endIdx >= 0; endIdx--) if (watchArgs[endIdx] === execArgs[0]) break;
				watchArgs = watchArgs.slice(0, Math.max(endIdx, 0));
			}
			const req = watchRequest(watchArgs, optsFrom(fs));
			if (typeof req === 'string') {
				ctx.err(`Invalid command ${l} (${req})\n`);
				continue;
			}
			void printWatch(ctx, c, req, execArgs, handles).catch((e) => void failed.push(e));
		} else if (args[0] === 'progress') {
			if (handles.length > 0) await ctx.call(() => handles[0].requestProgress());
		} else {
			ctx.err(`Invalid command ${l} (only support watch)\n`);
		}
	}
}
