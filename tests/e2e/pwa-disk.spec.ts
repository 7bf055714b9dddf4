import { expect, test, type Locator, type Page } from '@playwright/test';
import { screenText, terminal, typeLine } from './page-helpers';

// A full disk: the origin's storage quota is the members' disk. When IndexedDB refuses a write
// for lack of space, the cluster raises etcd's NOSPACE alarm (writes fail as on a real etcd past
// its quota, reads still work), and etcd's recovery (delete, compact, defrag, alarm disarm)
// makes it writable again, with the data intact after a reload.
//
// Chromium's DevTools command Storage.overrideQuotaForOrigin shrinks the quota. Measured on
// Chromium 156: it binds only storage opened after it (so it is set before the page first
// opens IndexedDB), navigator.storage.estimate() keeps reporting the real quota, and the
// service worker's precache would take ~30 MB of it, so service workers are off here.

test.use({ serviceWorkers: 'block' });

/** Room for the page's own data, each member's 1 MiB reserve and a few MiB of keys. */
const QUOTA = 8 * 1024 * 1024;

/** Runs a line in the terminal and waits until its output so far matches `expected`. */
async function run(page: Page, term: Locator, line: string, expected: RegExp): Promise<string> {
	const before = (await screenText(term)).length;
	await typeLine(page, term, line);
	let out = '';
	await expect
		.poll(
			async () => {
				// The rows after the ones already there, with xterm's line wrapping undone.
				out = (await screenText(term)).slice(Math.max(0, before - 200));
				return out.replace(/\n/g, '');
			},
			{ timeout: 20_000 }
		)
		.toMatch(expected);
	return out;
}

async function put(page: Page, key: string, bytes: number): Promise<string> {
	return page.evaluate(
		async ({ key, bytes }) => {
			const pg = (window as any).etcdPlayground;
			const c = await pg.clients.connect({
				endpoints: ['127.0.0.1:2379'],
				dialTimeoutMs: 5000,
				commandTimeoutMs: 10_000
			});
			// Random bytes: IndexedDB compresses its values, so repeated ones would hardly fill it.
			const value = new Uint8Array(bytes);
			for (let i = 0; i < bytes; i += 65536) {
				crypto.getRandomValues(value.subarray(i, Math.min(bytes, i + 65536)));
			}
			try {
				await c.put({ key: new TextEncoder().encode(key), value });
				return 'OK';
			} catch (e) {
				return String((e as Error).message);
			} finally {
				c.close();
			}
		},
		{ key, bytes }
	);
}

test('a full disk raises NOSPACE; delete, compact, defrag and disarm recover it', async ({
	page
}) => {
	test.setTimeout(180_000);
	// Any page of the origin, to reach its storage before the playground opens IndexedDB.
	await page.goto('/icons/apple-touch-icon.png');
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Storage.overrideQuotaForOrigin', {
		origin: new URL(page.url()).origin,
		quotaSize: QUOTA
	});
	await page.goto('/');
	await expect(page.getByTestId('cluster-state')).toContainText('leader etcd-', {
		timeout: 30_000
	});
	const badge = page.getByTestId('storage-usage');
	await expect(badge).toContainText(/^Disk [\d.]+ (B|KiB|MiB) of /);
	const badgeBefore = await badge.innerText();
	expect(await put(page, 'kept', 16)).toBe('OK');

	// Fill the disk with 64 KiB values (each is written to every member's raft log and MVCC
	// store) until a write is refused.
	let refused = '';
	let written = 0;
	for (; written < 200; written++) {
		const r = await put(page, `fill/${String(written).padStart(3, '0')}`, 64 * 1024);
		if (r !== 'OK') {
			refused = r;
			break;
		}
	}
	expect(refused).toBe('etcdserver: mvcc: database space exceeded');
	expect(written).toBeGreaterThan(3);
	// No member stopped on the refused disk write: every one still answers.
	const states = await page.evaluate(async () =>
		((await (window as any).etcdPlayground.manager.status()) as { state: string }[]).map(
			(s) => s.state
		)
	);
	expect(states).not.toContain('Down');
	// The badge shows the usage growing.
	await expect.poll(() => badge.innerText(), { timeout: 15_000 }).not.toBe(badgeBefore);

	const term = terminal(page);
	await expect.poll(() => screenText(term)).toContain('root@etcd-1:~#');
	// etcdctl fails exactly as etcdctl 3.4 does against a member past its quota.
	const failed = await run(
		page,
		term,
		'etcdctl put more x',
		/Error: etcdserver: mvcc: database space exceeded/
	);
	expect(failed.replace(/\n/g, '')).toMatch(
		/\{"level":"warn","ts":"[^"]+","caller":"clientv3\/retry_interceptor\.go:62","msg":"retrying of unary invoker failed","target":"endpoint:\/\/client-[0-9a-f-]+\/127\.0\.0\.1:2379","attempt":0,"error":"rpc error: code = ResourceExhausted desc = etcdserver: mvcc: database space exceeded"\}Error: etcdserver: mvcc: database space exceeded/
	);
	await run(page, term, 'etcdctl alarm list', /(memberID:\d+ alarm:NOSPACE\s*){1,3}root@/);
	// Reads still work.
	await run(page, term, 'etcdctl get kept --keys-only', /get kept --keys-only\s*kept/);
	await run(
		page,
		term,
		'etcdctl get fill/ --prefix --keys-only | grep -c fill/',
		new RegExp(`grep -c fill/\\s*${written}\\s*root@`)
	);

	// etcd's recovery: free space, compact the history away, defragment, disarm.
	await run(
		page,
		term,
		'etcdctl del fill/ --prefix',
		new RegExp(`del fill/ --prefix\\s*${written}`)
	);
	const rev = await page.evaluate(async () => {
		const pg = (window as any).etcdPlayground;
		const c = await pg.clients.connect({
			endpoints: ['127.0.0.1:2379'],
			dialTimeoutMs: 5000,
			commandTimeoutMs: 10_000
		});
		const r = await c.range({ key: new TextEncoder().encode('kept') });
		c.close();
		return Number(r.header.revision);
	});
	await run(page, term, `etcdctl compact ${rev}`, new RegExp(`compacted revision ${rev}`));
	await run(
		page,
		term,
		'etcdctl defrag --cluster',
		/(Finished defragmenting etcd member\[http:\/\/etcd-\d:2379\]\s*){3}root@/
	);
	await run(
		page,
		term,
		'etcdctl alarm disarm',
		/alarm disarm\s*(memberID:\d+ alarm:NOSPACE\s*)+root@/
	);
	await run(page, term, 'etcdctl alarm list', /alarm list\s*root@/);
	await run(page, term, 'etcdctl put after-free ok', /put after-free ok\s*OK/);

	// A reload restarts the members from their databases: everything is there.
	await page.reload();
	await expect(page.getByTestId('cluster-state')).toContainText('leader etcd-', {
		timeout: 30_000
	});
	const again = terminal(page);
	await expect.poll(() => screenText(again)).toContain('root@etcd-1:~#');
	await run(page, again, 'etcdctl get after-free --print-value-only', /--print-value-only\s*ok/);
	await run(page, again, 'etcdctl get kept --keys-only', /get kept --keys-only\s*kept/);
	await run(
		page,
		again,
		'etcdctl get fill/ --prefix --keys-only | grep -c fill/',
		/fill\/\s*0\s*root@/
	);
	await run(page, again, 'etcdctl alarm list', /alarm list\s*root@/);
});
