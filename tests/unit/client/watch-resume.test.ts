/**
 * The client keeps a watch when its member goes away, as clientv3 (etcdctl watch) does: it is
 * created again on a member that answers, from the revision after the last event it delivered,
 * with no second created response and no event lost or delivered twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeCluster } from '../../../src/lib/node-cluster/index';
import type { ClusterHost } from '../../../src/lib/scenario/host';
import type { EtcdClient } from '../../../src/lib/client/types';
import type { WatchResponse } from '../../../src/lib/engine/api/types';
import type { MemberApi } from '../../../src/lib/engine/server/api';
import { LocalCluster } from '../../../src/lib/engine/cluster/local-cluster';
import { createClientFactory } from '../../../src/lib/client/client';
import { memberForEndpoint } from '../../../src/lib/playground/endpoints';

const enc = new TextEncoder();
const dec = new TextDecoder();

let host: ClusterHost | null = null;
const clients: EtcdClient[] = [];

afterEach(async () => {
	for (const c of clients.splice(0)) c.close();
	await host?.close();
	host = null;
});

async function cluster(seed: number): Promise<ClusterHost> {
	host = await createNodeCluster({ size: 3, seed });
	await host.waitForLeader(10_000);
	return host;
}

async function client(h: ClusterHost, endpoints: string[]): Promise<EtcdClient> {
	const c = await h.clients.connect({ endpoints, dialTimeoutMs: 2000, commandTimeoutMs: 5000 });
	clients.push(c);
	return c;
}

/** Runs `playground <args>`; after a kill, waits for the rest to elect a leader (etcd-1 led). */
async function control(h: ClusterHost, ...args: string[]): Promise<void> {
	let out = '';
	const code = await h.control(args, (t) => (out += t));
	expect(code, out).toBe(0);
	await h.waitForLeader(10_000);
}

async function until(what: string, ok: () => boolean, ms = 8000): Promise<void> {
	const end = Date.now() + ms;
	while (!ok()) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

const put = (c: EtcdClient, key: string, value: string) =>
	c.put({ key: enc.encode(key), value: enc.encode(value) });

/** The events a watch delivered, as `TYPE key=value@mod_revision`. */
function events(rs: WatchResponse[]): string[] {
	return rs.flatMap((r) =>
		r.events.map(
			(e) => `${e.type} ${dec.decode(e.kv.key)}=${dec.decode(e.kv.value)}@${e.kv.mod_revision}`
		)
	);
}

describe('watch resume', () => {
	it('keeps a watch on a single endpoint across kill and restart of its member', async () => {
		const seed = 11;
		const h = await cluster(seed);
		const w = await client(h, ['127.0.0.1:2379']);
		const other = await client(h, ['http://etcd-2:2379']);
		const got: WatchResponse[] = [];
		const handle = w.watch({ key: enc.encode('foo') }, (r) => got.push(r));
		const id = await handle.id;
		const r1 = await put(other, 'foo', '1');
		await until('the first event', () => events(got).length === 1);
		await control(h, 'kill', 'etcd-1');
		const r2 = await put(other, 'foo', '2');
		// Nothing arrives while the only endpoint is down.
		await new Promise((r) => setTimeout(r, 700));
		expect(events(got), `seed ${seed}`).toHaveLength(1);
		await control(h, 'restart', 'etcd-1');
		await until('the event missed while down', () => events(got).length === 2);
		const r3 = await put(other, 'foo', '3');
		await until('the event after the restart', () => events(got).length === 3);
		await new Promise((r) => setTimeout(r, 700));
		expect(events(got), `seed ${seed}`).toEqual([
			`PUT foo=1@${r1.header.revision}`,
			`PUT foo=2@${r2.header.revision}`,
			`PUT foo=3@${r3.header.revision}`
		]);
		expect(got.filter((r) => r.created)).toHaveLength(1);
		expect(got.every((r) => r.watch_id === id && !r.canceled)).toBe(true);
		// Progress requests go to the stream the watch lives on now.
		await handle.requestProgress();
		await until('the progress response', () => got.some((r) => !r.created && !r.events.length));
		await handle.cancel();
	});

	it('fails over to the next endpoint while its member is down', async () => {
		const seed = 12;
		const h = await cluster(seed);
		const w = await client(h, ['http://etcd-1:2379', 'http://etcd-2:2379']);
		const other = await client(h, ['http://etcd-3:2379']);
		const got: WatchResponse[] = [];
		w.watch({ key: enc.encode('a'), range_end: enc.encode('b') }, (r) => got.push(r));
		await until('created', () => got.some((r) => r.created));
		await put(other, 'a1', 'x');
		await until('the first event', () => events(got).length === 1);
		await control(h, 'kill', 'etcd-1');
		const r2 = await put(other, 'a2', 'y');
		// etcd-1 stays down: the watch carries on through etcd-2.
		await until('the event through etcd-2', () => events(got).length === 2);
		expect(got[got.length - 1].header.member_id, `seed ${seed}`).not.toBe(got[0].header.member_id);
		const r3 = await put(other, 'a3', 'z');
		await until('the next event', () => events(got).length === 3);
		await new Promise((r) => setTimeout(r, 700));
		expect(events(got).slice(1), `seed ${seed}`).toEqual([
			`PUT a2=y@${r2.header.revision}`,
			`PUT a3=z@${r3.header.revision}`
		]);
		expect(got.filter((r) => r.created)).toHaveLength(1);
	});

	it('delivers the cancel when the revision to resume from was compacted', async () => {
		const seed = 13;
		// The cluster itself, behind a connector that can keep a member unreachable after it
		// restarted (a slow network) until it has applied what it missed, compaction included.
		const c = await LocalCluster.create({ size: 3, seed, clock: () => Date.now(), tickMs: 100 });
		const ticker = setInterval(() => c.tick(), 100);
		try {
			while (!c.leader()) await new Promise((r) => setTimeout(r, 20));
			const hidden = new Set<string>();
			const factory = createClientFactory({
				resolve: (ep) => memberForEndpoint(ep, 'etcd-1'),
				api: (name) => (hidden.has(name) ? null : c.api(name))
			});
			const opts = { dialTimeoutMs: 2000, commandTimeoutMs: 5000 };
			const w = await factory.connect({ ...opts, endpoints: ['127.0.0.1:2379'] });
			const other = await factory.connect({ ...opts, endpoints: ['http://etcd-2:2379'] });
			clients.push(w, other);
			const got: WatchResponse[] = [];
			const handle = w.watch({ key: enc.encode('foo') }, (r) => got.push(r));
			const id = await handle.id;
			const r1 = await put(other, 'foo', '1');
			await until('the first event', () => events(got).length === 1);
			hidden.add('etcd-1');
			c.kill('etcd-1');
			while (!c.leader()) await new Promise((r) => setTimeout(r, 20));
			await put(other, 'foo', '2');
			const r3 = await put(other, 'bar', '1');
			await other.compact({ revision: r3.header.revision });
			await c.start('etcd-1');
			const e1 = c.api('etcd-1') as MemberApi;
			await until(
				'etcd-1 applied the compaction',
				() => c.server('etcd-1')?.info().revision === r3.header.revision
			);
			await expect(
				e1.range({ key: enc.encode('foo'), revision: r1.header.revision })
			).rejects.toThrow('mvcc: required revision has been compacted');
			hidden.delete('etcd-1');
			await until('the cancel', () => got.some((r) => r.canceled));
			const cancel = got[got.length - 1];
			expect(cancel.canceled, `seed ${seed}`).toBe(true);
			expect(cancel.compact_revision).toBe(r3.header.revision);
			expect(cancel.watch_id).toBe(id);
			expect(events(got)).toEqual([`PUT foo=1@${r1.header.revision}`]);
			expect(got.filter((r) => r.created)).toHaveLength(1);
		} finally {
			clearInterval(ticker);
			c.close();
		}
	});

	it('stops checking once canceled', async () => {
		const h = await cluster(14);
		const w = await client(h, ['127.0.0.1:2379']);
		const other = await client(h, ['http://etcd-2:2379']);
		const got: WatchResponse[] = [];
		const handle = w.watch({ key: enc.encode('foo') }, (r) => got.push(r));
		await handle.id;
		await handle.cancel();
		await control(h, 'kill', 'etcd-1');
		await put(other, 'foo', '1');
		await control(h, 'restart', 'etcd-1');
		await new Promise((r) => setTimeout(r, 1000));
		expect(events(got)).toEqual([]);
	});
});
