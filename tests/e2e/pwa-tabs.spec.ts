import { expect, test, type Page } from '@playwright/test';
import {
	freshPage,
	getKey as get,
	openTab,
	putKey as put,
	role,
	screenText,
	terminal,
	typeLine,
	withClient
} from './page-helpers';

// Two tabs of the origin share one cluster: the first holds the Web Lock and runs the member
// workers; the second attaches to it as another terminal and never starts a member of its own
// on the same databases. When the owner closes, the other tab takes over from IndexedDB.

/** The member workers this page runs (the page's own, not Monaco's or another tab's). */
async function memberWorkers(page: Page): Promise<string[]> {
	return page
		.workers()
		.map((w) => w.url())
		.filter((u) => /\/workers\/member\/|index-[\w-]+\.js$/.test(u) && !/\.worker-/.test(u));
}

test('a second tab attaches to the owner tab’s cluster and takes over when it closes', async ({
	page,
	context
}) => {
	test.setTimeout(150_000);
	await freshPage(page);
	expect(await role(page)).toBe('owner');
	await expect.poll(() => memberWorkers(page).then((w) => w.length)).toBe(3);

	const second = await openTab(context);
	expect(await role(second)).toBe('guest');
	// Only the owner runs members: the second tab has no member worker at all.
	expect(await memberWorkers(second)).toEqual([]);
	expect(await memberWorkers(page)).toHaveLength(3);

	// The second tab is a full terminal on the same cluster: writes go both ways.
	const term2 = terminal(second);
	await typeLine(second, term2, 'etcdctl put from-second tab2');
	await expect.poll(() => screenText(term2), { timeout: 15_000 }).toContain('OK');
	expect(await get(page, 'from-second')).toBe('tab2');
	const term1 = terminal(page);
	await typeLine(page, term1, 'etcdctl put from-first tab1');
	await expect.poll(() => screenText(term1), { timeout: 15_000 }).toContain('OK');
	await typeLine(second, term2, 'etcdctl get from-first --print-value-only');
	await expect.poll(() => screenText(term2), { timeout: 15_000 }).toMatch(/\btab1\b/);
	// Cluster controls and the cluster view work from the guest too.
	await typeLine(second, term2, 'playground kill etcd-3');
	await expect
		.poll(() => page.evaluate(() => (window as any).etcdPlayground.manager.isRunning('etcd-3')))
		.toBe(false);
	await typeLine(second, term2, 'playground restart etcd-3');
	await expect
		.poll(() => page.evaluate(() => (window as any).etcdPlayground.manager.isRunning('etcd-3')))
		.toBe(true);
	await page.evaluate(() => (window as any).etcdPlayground.manager.waitForLeader(15_000));
	// A watch in the guest tab streams the owner's writes.
	const watched = withClient(
		second,
		(c) =>
			new Promise<string>((resolve) => {
				c.watch({ key: new TextEncoder().encode('watched') }, (r: any) => {
					for (const e of r.events ?? []) resolve(new TextDecoder().decode(e.kv.value));
				});
			}),
		undefined,
		{ keepOpen: true }
	);
	await expect
		.poll(
			async () => {
				await put(page, 'watched', 'seen');
				return Promise.race([watched, new Promise((r) => setTimeout(() => r(null), 500))]);
			},
			{ timeout: 30_000 }
		)
		.toBe('seen');

	// The owner closes: the second tab starts the members from IndexedDB and keeps the data.
	await page.close();
	await expect.poll(() => role(second), { timeout: 15_000 }).toBe('owner');
	await expect.poll(() => memberWorkers(second).then((w) => w.length), { timeout: 15_000 }).toBe(3);
	await expect
		.poll(() => get(second, 'from-first').catch(() => null), { timeout: 30_000 })
		.toBe('tab1');
	expect(await get(second, 'from-second')).toBe('tab2');
	await typeLine(second, term2, 'etcdctl put after-takeover yes');
	await expect.poll(() => screenText(term2), { timeout: 15_000 }).toMatch(/OK[\s\S]*OK/);
});

test('a watch in a guest tab carries on, without losing or repeating an event, when the owner closes', async ({
	page,
	context
}) => {
	test.setTimeout(150_000);
	await freshPage(page);
	const guest = await openTab(context);
	expect(await role(guest)).toBe('guest');

	// Two watches in the guest: etcdctl in its terminal, and one through the client API that
	// records every response.
	const term = terminal(guest);
	await expect.poll(() => screenText(term)).toContain('root@etcd-1:~#');
	await typeLine(guest, term, 'etcdctl watch resume --prefix');
	// The watch is open once it shows a write (etcdctl prints nothing when it starts).
	await expect
		.poll(
			async () => {
				await put(guest, 'resume/0', 'ready');
				return screenText(term);
			},
			{ timeout: 20_000 }
		)
		.toContain('resume/0\nready\n');
	await withClient(
		guest,
		async (c) => {
			const seen: { rev: number; key: string; value: string }[] = [];
			const responses: { created: boolean; canceled: boolean; id: number }[] = [];
			(window as any).watchSeen = seen;
			(window as any).watchResponses = responses;
			const h = c.watch(
				{ key: new TextEncoder().encode('resume'), range_end: new TextEncoder().encode('resumf') },
				(r: any) => {
					responses.push({ created: r.created, canceled: r.canceled, id: r.watch_id });
					for (const e of r.events) {
						seen.push({
							rev: e.kv.mod_revision,
							key: new TextDecoder().decode(e.kv.key),
							value: new TextDecoder().decode(e.kv.value)
						});
					}
				}
			);
			await h.id;
		},
		undefined,
		{ keepOpen: true }
	);
	const seen = () =>
		guest.evaluate(() => (window as any).watchSeen.map((e: any) => `${e.key}=${e.value}`));
	// Events before the owner closes: one written by the owner, one by the guest.
	await put(page, 'resume/1', 'from-owner');
	await put(guest, 'resume/2', 'from-guest');
	await expect
		.poll(seen, { timeout: 15_000 })
		.toEqual(['resume/1=from-owner', 'resume/2=from-guest']);
	await expect
		.poll(() => screenText(term), { timeout: 15_000 })
		.toMatch(/PUT\nresume\/1\nfrom-owner\nPUT\nresume\/2\nfrom-guest\n/);

	// The owner closes; the guest takes over, restarts the members and resumes both watches.
	await page.close();
	await expect.poll(() => role(guest), { timeout: 15_000 }).toBe('owner');
	await guest.evaluate(() => (window as any).etcdPlayground.manager.waitForLeader(30_000));
	await put(guest, 'resume/3', 'after-takeover');
	await expect
		.poll(seen, { timeout: 20_000 })
		.toEqual(['resume/1=from-owner', 'resume/2=from-guest', 'resume/3=after-takeover']);
	await expect
		.poll(() => screenText(term), { timeout: 20_000 })
		.toMatch(/from-guest\nPUT\nresume\/3\nafter-takeover\n/);
	// Exactly once each, in revision order, and the watch kept its ID (one created response).
	const revs: number[] = await guest.evaluate(() =>
		(window as any).watchSeen.map((e: any) => e.rev)
	);
	expect(revs).toEqual([...revs].sort((a, b) => a - b));
	expect(new Set(revs).size).toBe(3);
	const responses: { created: boolean; canceled: boolean; id: number }[] = await guest.evaluate(
		() => (window as any).watchResponses
	);
	expect(responses.filter((r) => r.created)).toHaveLength(1);
	expect(responses.some((r) => r.canceled)).toBe(false);
	expect(new Set(responses.map((r) => r.id)).size).toBe(1);
	const text = await screenText(term);
	expect(text.match(/after-takeover/g)).toHaveLength(1);
	expect(text.match(/from-guest/g)).toHaveLength(1);
	expect(text.match(/from-owner/g)).toHaveLength(1);
	// The etcdctl watch is still running (no prompt after it); Ctrl-C ends it.
	expect(text).not.toMatch(/after-takeover\n[\s\S]*root@etcd-1:~#/);
	await term.click();
	await guest.keyboard.press('Control+c');
	await expect.poll(() => screenText(term)).toMatch(/\^C\nroot@etcd-1:~#\s*$/);
});

test('a guest’s call to an owner tab that stops answering fails with etcd’s deadline error', async ({
	page,
	context
}) => {
	test.setTimeout(120_000);
	await freshPage(page);
	const guest = await openTab(context);
	expect(await role(guest)).toBe('guest');
	const term = terminal(guest);
	await expect.poll(() => screenText(term)).toContain('root@etcd-1:~#');

	// Freeze the owner tab's page (its JavaScript stops at the next statement, as a hung tab):
	// it still holds the lock, so the guest neither gets answers nor takes over.
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Debugger.enable');
	await cdp.send('Debugger.pause');

	// etcdctl's call gets no answer and fails at its --command-timeout (5 s), as against a hung
	// etcd: `Error: context deadline exceeded`. (The warning line's desc is the playground
	// client's usual one for a deadline, the balancer's, where etcd 3.4.23 says "context
	// deadline exceeded" for a server that accepted the call and hung.)
	const t0 = Date.now();
	await typeLine(guest, term, 'etcdctl put frozen x');
	await expect
		.poll(() => screenText(term).then((t) => t.replace(/\n/g, '')), { timeout: 15_000 })
		.toMatch(
			/\{"level":"warn","ts":"[^"]+","caller":"clientv3\/retry_interceptor\.go:62","msg":"retrying of unary invoker failed","target":"endpoint:\/\/client-[0-9a-f-]+\/127\.0\.0\.1:2379","attempt":0,"error":"rpc error: code = DeadlineExceeded desc = (context deadline exceeded|latest balancer error: all SubConns are in TransientFailure)"\}Error: context deadline exceeded/
		);
	// After etcdctl's default --command-timeout (5 s), not at once.
	expect(Date.now() - t0).toBeGreaterThanOrEqual(4500);
	// A cluster control gives up after the same time.
	await typeLine(guest, term, 'playground kill etcd-2');
	await expect
		.poll(() => screenText(term), { timeout: 15_000 })
		.toContain('playground: context deadline exceeded');
	// The guest's cluster view counts the members it cannot hear from as down.
	const states = await guest.evaluate(async () =>
		((await (window as any).etcdPlayground.manager.status()) as { state: string }[]).map(
			(s) => s.state
		)
	);
	expect(states).toEqual(['Down', 'Down', 'Down']);

	// The owner answers again: so does everything in the guest.
	await cdp.send('Debugger.resume');
	await typeLine(guest, term, 'etcdctl put thawed y');
	await expect.poll(() => screenText(term), { timeout: 15_000 }).toMatch(/put thawed y\nOK\n/);
	// The frozen owner closes with a control in flight: the guest fails it or takes over.
	await cdp.send('Debugger.pause');
	await typeLine(guest, term, 'etcdctl get thawed --print-value-only');
	await page.close({ runBeforeUnload: false });
	await expect.poll(() => role(guest), { timeout: 20_000 }).toBe('owner');
	// The read was retried on the members this tab now runs, or failed at its deadline: it
	// did not hang. Afterwards reads work on the new owner.
	await expect
		.poll(() => screenText(term), { timeout: 20_000 })
		.toMatch(
			/get thawed --print-value-only\n(y|\{"level":"warn"[\s\S]*?Error: context deadline exceeded)\nroot@etcd-1:~#\s*$/
		);
	await typeLine(guest, term, 'etcdctl get thawed --print-value-only');
	await expect
		.poll(() => screenText(term), { timeout: 20_000 })
		.toMatch(/get thawed --print-value-only\ny\nroot@etcd-1:~#\s*$/);
});

test('with three tabs, a watch in the tab that stays a guest carries on with the new owner', async ({
	page,
	context
}) => {
	test.setTimeout(150_000);
	await freshPage(page);
	const next = await openTab(context);
	const third = await openTab(context);
	expect(await role(next)).toBe('guest');
	expect(await role(third)).toBe('guest');
	await withClient(
		third,
		async (c) => {
			const seen: string[] = [];
			(window as any).watchSeen = seen;
			(window as any).watchCanceled = false;
			const h = c.watch(
				{ key: new TextEncoder().encode('three'), range_end: new TextEncoder().encode('thref') },
				(r: any) => {
					if (r.canceled) (window as any).watchCanceled = r.cancel_reason || true;
					for (const e of r.events) {
						seen.push(`${e.kv.mod_revision}:${new TextDecoder().decode(e.kv.value)}`);
					}
				}
			);
			await h.id;
		},
		undefined,
		{ keepOpen: true }
	);
	const values = () =>
		third.evaluate(() => (window as any).watchSeen.map((s: string) => s.split(':')[1]));
	await put(page, 'three/a', 'before');
	await expect.poll(values, { timeout: 15_000 }).toEqual(['before']);

	// The owner closes: the tab that asked for the lock first takes over, the third stays a guest
	// and its watch moves to the new owner.
	await page.close();
	await expect.poll(() => role(next), { timeout: 15_000 }).toBe('owner');
	expect(await role(third)).toBe('guest');
	await next.evaluate(() => (window as any).etcdPlayground.manager.waitForLeader(30_000));
	await expect
		.poll(() => put(third, 'three/b', 'after').then(() => 'ok'), { timeout: 30_000 })
		.toBe('ok');
	await put(next, 'three/c', 'from-new-owner');
	await expect.poll(values, { timeout: 20_000 }).toEqual(['before', 'after', 'from-new-owner']);
	expect(await third.evaluate(() => (window as any).watchCanceled)).toBe(false);
	const revs: number[] = await third.evaluate(() =>
		(window as any).watchSeen.map((s: string) => Number(s.split(':')[0]))
	);
	expect(new Set(revs).size).toBe(3);
	expect(revs).toEqual([...revs].sort((a, b) => a - b));
});
