/**
 * lock and elect, built on the client the way clientv3/concurrency builds them: a session is a
 * lease kept alive; a lock or candidacy is a key `<name>/<lease %x>` under that lease, and the
 * owner is the key with the lowest create revision; waiters watch their predecessor's delete.
 */
import type { EtcdClient, KeepAliveHandle } from '../../client/types';
import type { KeyValue, RangeResponse } from '../../engine/api/types';
import { fromUtf8, prefixEnd, utf8 } from '../../engine/util/bytes';
import type { Context } from '../cli';
import { errorMessage } from '../cli';
import { ExitCode, ExitError } from '../exit';
import { hexID } from '../go';

class Session {
	private ka: KeepAliveHandle | undefined;
	lost = false;
	private lostWaiters: (() => void)[] = [];
	constructor(
		readonly c: EtcdClient,
		readonly lease: bigint
	) {}

	static async open(c: EtcdClient, ttl: number): Promise<Session> {
		const g = await c.grant(ttl);
		const s = new Session(c, g.ID);
		s.ka = c.keepAlive(
			g.ID,
			(r) => {
				if (r.TTL <= 0) s.markLost();
			},
			() => s.markLost()
		);
		return s;
	}

	private markLost(): void {
		this.lost = true;
		for (const w of this.lostWaiters.splice(0)) w();
	}

	done(): Promise<void> {
		return this.lost ? Promise.resolve() : new Promise((r) => this.lostWaiters.push(r));
	}

	close(): void {
		this.ka?.cancel();
	}
}

/** Resolves when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<void> {
	return new Promise((r) => {
		if (signal.aborted) r();
		else signal.addEventListener('abort', () => r(), { once: true });
	});
}

/** Waits until `key` is deleted (watching from `rev`), or the signal aborts. */
function waitDelete(
	c: EtcdClient,
	key: Uint8Array,
	rev: number,
	signal: AbortSignal
): Promise<void> {
	return new Promise((resolve) => {
		const h = c.watch({ key, start_revision: rev }, (r) => {
			if (r.canceled || r.events.some((e) => e.type === 'DELETE')) {
				void h.cancel().catch(() => undefined);
				resolve();
			}
		});
		signal.addEventListener(
			'abort',
			() => {
				void h.cancel().catch(() => undefined);
				resolve();
			},
			{ once: true }
		);
	});
}

/** concurrency's waitDeletes: until every key under pfx created before maxCreateRev is gone. */
async function waitDeletes(
	c: EtcdClient,
	pfx: Uint8Array,
	maxCreateRev: number,
	signal: AbortSignal
): Promise<void> {
	for (;;) {
		if (signal.aborted) return;
		const resp = await c.range({
			key: pfx,
			range_end: prefixEnd(pfx),
			max_create_revision: maxCreateRev,
			sort_target: 'CREATE',
			sort_order: 'DESCEND',
			limit: 1
		});
		if (resp.kvs.length === 0) return;
		await waitDelete(c, resp.kvs[0].key, resp.header.revision, signal);
	}
}

/** Creates (or finds) this session's key under pfx; returns it with its create revision. */
async function claim(
	s: Session,
	pfx: string,
	value: Uint8Array
): Promise<{ key: Uint8Array; rev: number; kv?: KeyValue }> {
	const key = utf8(pfx + hexID(s.lease));
	const r = await s.c.txn({
		compare: [{ target: 'CREATE', result: 'EQUAL', key, create_revision: 0 }],
		success: [{ request_put: { key, value, lease: s.lease } }],
		failure: [{ request_range: { key } }]
	});
	if (r.succeeded) return { key, rev: r.header.revision };
	const got = r.responses[0];
	const kv = 'response_range' in got ? got.response_range.kvs[0] : undefined;
	return { key, rev: kv?.create_revision ?? r.header.revision, kv };
}

export async function lock(ctx: Context): Promise<void> {
	if (ctx.args.length === 0) {
		throw new ExitError(
			ExitCode.BadArgs,
			'lock takes a lock name argument and an optional command to execute'
		);
	}
	const ttl = ctx.flags.number('ttl');
	ctx.cancelCallsOnInterrupt = false;
	const c = await ctx.call(async (cl) => cl);
	const signal = ctx.io.signal;
	let s: Session | undefined;
	try {
		s = await Session.open(c, ttl);
		const pfx = ctx.args[0] + '/';
		const { key, rev } = await claim(s, pfx, new Uint8Array());
		await waitDeletes(c, utf8(pfx), rev - 1, signal);
		if (signal.aborted) {
			await c.deleteRange({ key });
			return;
		}
		const cmdArgs = ctx.args.slice(1);
		if (cmdArgs.length > 0) {
			const env = { ETCD_LOCK_KEY: fromUtf8(key), ETCD_LOCK_REV: String(rev), ...ctx.io.env };
			const status = ctx.io.exec ? await ctx.io.exec(cmdArgs, env) : 127;
			await c.deleteRange({ key });
			if (status !== 0) {
				throw new ExitError(
					ExitCode.Error,
					ctx.io.exec
						? `exit status ${status}`
						: `exec: "${cmdArgs[0]}": executable file not found in $PATH`
				);
			}
			return;
		}
		const k: RangeResponse = await c.range({ key });
		if (k.kvs.length === 0) throw new ExitError(ExitCode.Error, 'lock lost on init');
		ctx.out(ctx.display().get(k));
		await Promise.race([aborted(signal), s.done()]);
		if (signal.aborted) {
			await c.deleteRange({ key });
			return;
		}
		throw new ExitError(ExitCode.Error, 'session expired');
	} catch (e) {
		if (e instanceof ExitError) throw e;
		// Interrupted while releasing: the key goes with the session's lease anyway.
		if (ctx.io.signal.aborted) return;
		throw new ExitError(ExitCode.Error, errorMessage(e));
	} finally {
		s?.close();
	}
}

export async function elect(ctx: Context): Promise<void> {
	const args = ctx.args;
	if (args.length !== 1 && args.length !== 2) {
		throw new ExitError(
			ExitCode.BadArgs,
			'elect takes one election name argument and an optional proposal argument'
		);
	}
	const listen = ctx.flags.bool('listen');
	if (args.length === 1 && !listen)
		throw new ExitError(ExitCode.BadArgs, 'no proposal argument but -l not set');
	if (args.length === 2 && listen)
		throw new ExitError(ExitCode.BadArgs, 'proposal given but -l is set');
	const c = await ctx.call(async (cl) => cl);
	let s: Session | undefined;
	try {
		s = await Session.open(c, 60);
		if (args.length === 1) await observe(ctx, c, args[0]);
		else await campaign(ctx, s, args[0], args[1]);
	} catch (e) {
		if (e instanceof ExitError) throw e;
		// Interrupted while releasing: the key goes with the session's lease anyway.
		if (ctx.io.signal.aborted) return;
		throw new ExitError(ExitCode.Error, errorMessage(e));
	} finally {
		s?.close();
	}
}

async function campaign(ctx: Context, s: Session, name: string, prop: string): Promise<void> {
	const signal = ctx.io.signal;
	const pfx = name + '/';
	const value = utf8(prop);
	const { key, rev, kv } = await claim(s, pfx, value);
	if (kv && fromUtf8(kv.value) !== prop) await s.c.put({ key, value, lease: s.lease });
	await waitDeletes(s.c, utf8(pfx), rev - 1, signal);
	if (signal.aborted) {
		await s.c.deleteRange({ key });
		return;
	}
	ctx.out(ctx.display().get(await s.c.range({ key })));
	await Promise.race([aborted(signal), s.done()]);
	if (!signal.aborted) throw new ExitError(ExitCode.Error, 'elect: session expired');
	await s.c.deleteRange({ key });
}

/** Prints the leader each time it changes (or proclaims a new value) until Ctrl-C. */
async function observe(ctx: Context, c: EtcdClient, name: string): Promise<void> {
	const signal = ctx.io.signal;
	const pfx = utf8(name + '/');
	const end = prefixEnd(pfx);
	let last: KeyValue | undefined;
	while (!signal.aborted) {
		const resp = await c.range({
			key: pfx,
			range_end: end,
			sort_target: 'CREATE',
			sort_order: 'ASCEND',
			limit: 1
		});
		const leader = resp.kvs[0];
		if (
			leader &&
			(!last ||
				leader.mod_revision !== last.mod_revision ||
				fromUtf8(leader.key) !== fromUtf8(last.key))
		) {
			ctx.out(ctx.display().get({ ...resp, kvs: [leader] }));
			last = leader;
		}
		// Wait for any change under the prefix, then look again.
		await new Promise<void>((resolve) => {
			const h = c.watch(
				{ key: pfx, range_end: end, start_revision: resp.header.revision + 1 },
				(r) => {
					if (r.events.length > 0 || r.canceled) {
						void h.cancel().catch(() => undefined);
						resolve();
					}
				}
			);
			signal.addEventListener(
				'abort',
				() => {
					void h.cancel().catch(() => undefined);
					resolve();
				},
				{ once: true }
			);
		});
	}
}
