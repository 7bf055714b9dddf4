import { expect, test, type Page } from '@playwright/test';

// Three real Web Workers, each a full etcd member, talking over BroadcastChannel and keeping
// their disks in IndexedDB. The page exposes its cluster manager and client factory as
// window.etcdPlayground; these tests drive them as the terminal would.

async function ready(page: Page) {
	await page.goto('/');
	await expect(page.getByTestId('cluster-state')).toContainText('Cluster ready', {
		timeout: 20_000
	});
}

async function wipe(page: Page) {
	await page.evaluate(async () => {
		const pg = (window as any).etcdPlayground;
		await pg.manager.wipe();
	});
}

test.beforeEach(async ({ page }) => {
	await ready(page);
	await wipe(page);
	await page.reload();
	await expect(page.getByTestId('cluster-state')).toContainText('Cluster ready', {
		timeout: 20_000
	});
});

test('three workers elect a leader over BroadcastChannel and commit writes', async ({ page }) => {
	const result = await page.evaluate(async () => {
		const pg = (window as any).etcdPlayground;
		const enc = (s: string) => new TextEncoder().encode(s);
		const dec = (b: Uint8Array) => new TextDecoder().decode(b);
		const c = await pg.clients.connect({
			endpoints: ['http://etcd-2:2379'],
			dialTimeoutMs: 2000,
			commandTimeoutMs: 5000
		});
		const put = await c.put({ key: enc('foo'), value: enc('bar') });
		const reads = [];
		for (const ep of ['127.0.0.1:2379', 'etcd-2:2379', 'etcd-3:2379']) {
			const cc = await pg.clients.connect({
				endpoints: [ep],
				dialTimeoutMs: 2000,
				commandTimeoutMs: 5000
			});
			const r = await cc.range({ key: enc('foo') });
			reads.push(dec(r.kvs[0].value));
		}
		const members = await c.memberList(true);
		return {
			revision: put.header.revision,
			clusterId: put.header.cluster_id.toString(),
			reads,
			members: members.members.map((m: any) => m.ID.toString(16)).sort()
		};
	});
	expect(result.revision).toBe(2);
	expect(result.clusterId).toBe('1673413939312283752');
	expect(result.reads).toEqual(['bar', 'bar', 'bar']);
	expect(result.members).toEqual(['8b6469a22517ddab', '9f62c65b34c1424b', 'ac50589ee05989df']);
});

test('killing the leader worker elects a new leader and loses no acknowledged write', async ({
	page
}) => {
	const out = await page.evaluate(async () => {
		const pg = (window as any).etcdPlayground;
		const enc = (s: string) => new TextEncoder().encode(s);
		const all = ['127.0.0.1:2379', 'etcd-2:2379', 'etcd-3:2379'];
		const c = await pg.clients.connect({
			endpoints: all,
			dialTimeoutMs: 2000,
			commandTimeoutMs: 5000
		});
		for (let i = 0; i < 20; i++) await c.put({ key: enc(`k${i}`), value: enc(`v${i}`) });
		const old = await pg.manager.waitForLeader(5000);
		await pg.manager.kill(old);
		const deadline = Date.now() + 10000;
		let leader = null;
		while (Date.now() < deadline) {
			const st = await pg.manager.status();
			const l = st.find((m: any) => m.state === 'Leader');
			if (l && l.name !== old) {
				leader = l.name;
				break;
			}
			await new Promise((r) => setTimeout(r, 50));
		}
		const r = await c.range({ key: enc('k'), range_end: enc('l') });
		return { old, leader, count: r.count };
	});
	expect(out.leader).not.toBeNull();
	expect(out.leader).not.toBe(out.old);
	expect(out.count).toBe(20);
});

test('a partitioned minority cannot commit and catches up after healing', async ({ page }) => {
	const out = await page.evaluate(async () => {
		const pg = (window as any).etcdPlayground;
		const enc = (s: string) => new TextEncoder().encode(s);
		const leader = await pg.manager.waitForLeader(5000);
		const minority = ['etcd-1', 'etcd-2', 'etcd-3'].find((n) => n !== leader);
		pg.manager.partition([[minority]]);
		const ep = `${minority}:2379`;
		const m = await pg.clients.connect({
			endpoints: [ep],
			dialTimeoutMs: 2000,
			commandTimeoutMs: 2500
		});
		let minorityError = '';
		try {
			await m.put({ key: enc('lost'), value: enc('x') });
		} catch (e) {
			minorityError = (e as Error).message;
		}
		const l = await pg.clients.connect({
			endpoints: [`${leader}:2379`],
			dialTimeoutMs: 2000,
			commandTimeoutMs: 5000
		});
		await l.put({ key: enc('majority'), value: enc('ok') });
		pg.manager.heal();
		const deadline = Date.now() + 10000;
		let seen = 0;
		while (Date.now() < deadline) {
			const r = await m.range({ key: enc('majority'), serializable: true });
			seen = r.count;
			if (seen === 1) break;
			await new Promise((r) => setTimeout(r, 100));
		}
		return { minorityError, seen };
	});
	expect(out.minorityError).toBe('context deadline exceeded');
	expect(out.seen).toBe(1);
});

test('a restarted member recovers its data from IndexedDB', async ({ page }) => {
	const out = await page.evaluate(async () => {
		const pg = (window as any).etcdPlayground;
		const enc = (s: string) => new TextEncoder().encode(s);
		const c = await pg.clients.connect({
			endpoints: ['etcd-3:2379'],
			dialTimeoutMs: 2000,
			commandTimeoutMs: 5000
		});
		for (let i = 0; i < 5; i++) await c.put({ key: enc(`d${i}`), value: enc(`${i}`) });
		await pg.manager.kill('etcd-3');
		pg.manager.partition([['etcd-3']]);
		await pg.manager.restart('etcd-3');
		const r = await c.range({ key: enc('d'), range_end: enc('e'), serializable: true });
		pg.manager.heal();
		return { count: r.count };
	});
	expect(out.count).toBe(5);
});

test('the cluster survives a page reload with the same data', async ({ page }) => {
	await page.evaluate(async () => {
		const pg = (window as any).etcdPlayground;
		const c = await pg.clients.connect({
			endpoints: ['127.0.0.1:2379'],
			dialTimeoutMs: 2000,
			commandTimeoutMs: 5000
		});
		await c.put({
			key: new TextEncoder().encode('durable'),
			value: new TextEncoder().encode('yes')
		});
	});
	await page.reload();
	await expect(page.getByTestId('cluster-state')).toContainText('Cluster ready', {
		timeout: 20_000
	});
	const value = await page.evaluate(async () => {
		const pg = (window as any).etcdPlayground;
		const c = await pg.clients.connect({
			endpoints: ['127.0.0.1:2379'],
			dialTimeoutMs: 2000,
			commandTimeoutMs: 5000
		});
		const r = await c.range({ key: new TextEncoder().encode('durable') });
		return { value: new TextDecoder().decode(r.kvs[0].value), revision: r.header.revision };
	});
	expect(value).toEqual({ value: 'yes', revision: 2 });
});

test('a watch streams events back to the page through comlink', async ({ page }) => {
	const events = await page.evaluate(async () => {
		const pg = (window as any).etcdPlayground;
		const enc = (s: string) => new TextEncoder().encode(s);
		const dec = (b: Uint8Array) => new TextDecoder().decode(b);
		const w = await pg.clients.connect({
			endpoints: ['etcd-3:2379'],
			dialTimeoutMs: 2000,
			commandTimeoutMs: 5000
		});
		const seen: string[] = [];
		const h = w.watch({ key: enc('watched') }, (r: any) => {
			for (const e of r.events) seen.push(`${e.type} ${dec(e.kv.key)} ${dec(e.kv.value)}`);
		});
		await h.id;
		const c = await pg.clients.connect({
			endpoints: ['127.0.0.1:2379'],
			dialTimeoutMs: 2000,
			commandTimeoutMs: 5000
		});
		await c.put({ key: enc('watched'), value: enc('1') });
		await c.deleteRange({ key: enc('watched') });
		const deadline = Date.now() + 5000;
		while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
		await h.cancel();
		return seen;
	});
	expect(events).toEqual(['PUT watched 1', 'DELETE watched ']);
});

test('adding and removing a member changes the cluster as member add/remove would', async ({
	page
}) => {
	const out = await page.evaluate(async () => {
		const pg = (window as any).etcdPlayground;
		const enc = (s: string) => new TextEncoder().encode(s);
		const c = await pg.clients.connect({
			endpoints: ['127.0.0.1:2379'],
			dialTimeoutMs: 2000,
			commandTimeoutMs: 5000
		});
		await c.put({ key: enc('before-join'), value: enc('x') });
		const name = await pg.manager.addMember(false);
		const n = await pg.clients.connect({
			endpoints: [`${name}:2379`],
			dialTimeoutMs: 5000,
			commandTimeoutMs: 5000
		});
		const deadline = Date.now() + 10000;
		let count = 0;
		while (Date.now() < deadline) {
			const r = await n.range({ key: enc('before-join'), serializable: true });
			count = r.count;
			if (count === 1) break;
			await new Promise((r) => setTimeout(r, 100));
		}
		// A new member publishes its name through raft once it has caught up (as etcd does).
		let withNew: string[] = [];
		while (Date.now() < deadline + 5000) {
			withNew = (await c.memberList(true)).members.map((m: any) => m.name).sort();
			if (!withNew.includes('')) break;
			await new Promise((r) => setTimeout(r, 100));
		}
		await pg.manager.removeMember(name);
		const after = (await c.memberList(true)).members.map((m: any) => m.name).sort();
		return { name, count, withNew, after };
	});
	expect(out.name).toBe('etcd-4');
	expect(out.count).toBe(1);
	expect(out.withNew).toEqual(['etcd-1', 'etcd-2', 'etcd-3', 'etcd-4']);
	expect(out.after).toEqual(['etcd-1', 'etcd-2', 'etcd-3']);
});
