import { expect, type BrowserContext, type Locator, type Page } from '@playwright/test';

/** Opens the page on a fresh cluster (wiped, reloaded) and waits for a leader. */
export async function freshPage(page: Page): Promise<void> {
	await page.goto('/');
	await expect(page.getByTestId('cluster-state')).toContainText('Cluster ready', {
		timeout: 20_000
	});
	await page.evaluate(async () => {
		localStorage.removeItem('etcd-playground/history');
		await (window as any).etcdPlayground.manager.wipe();
	});
	await page.reload();
	await expect(page.getByTestId('cluster-state')).toContainText('leader etcd-', {
		timeout: 20_000
	});
}

/** The terminal view on screen for `host` (the first if several). */
export function terminal(page: Page, host = 'etcd-1'): Locator {
	return page.locator(`[data-testid=terminal][data-host=${host}]`).first();
}

/** The terminal's visible text, one line per row. */
export async function screenText(term: Locator): Promise<string> {
	return term.locator('.xterm-rows').innerText();
}

/** Types a line into the terminal as a learner would and presses Enter. */
export async function typeLine(page: Page, term: Locator, line: string): Promise<void> {
	await term.click();
	await page.keyboard.type(line);
	await page.keyboard.press('Enter');
}

/** How the tests' own clients dial: etcd-1's 127.0.0.1:2379, as the terminal's etcdctl does. */
export interface ClientOptions {
	/** Leave the client open after `fn` (a watch that goes on streaming). */
	keepOpen?: boolean;
	/** etcdctl's --command-timeout, in ms. */
	commandTimeoutMs?: number;
}

/**
 * Runs `fn` inside the page with a client of the page's own (window.etcdPlayground.clients)
 * connected to 127.0.0.1:2379, and closes the client afterwards unless `keepOpen`. `fn` runs in
 * the page, as a page.evaluate callback: it sees only the client and `arg` (JSON), not this
 * module's scope.
 */
export async function withClient<R, A = undefined>(
	page: Page,
	fn: (c: any, arg: A) => R | Promise<R>,
	arg?: A,
	opts: ClientOptions = {}
): Promise<R> {
	const dial = {
		endpoints: ['127.0.0.1:2379'],
		dialTimeoutMs: 5000,
		commandTimeoutMs: opts.commandTimeoutMs ?? 10_000
	};
	// An expression, not a callback taking the source: the page may not eval strings itself.
	return page.evaluate(`(async () => {
		const c = await window.etcdPlayground.clients.connect(${JSON.stringify(dial)});
		try {
			return await (${fn.toString()})(c, ${JSON.stringify(arg ?? null)});
		} finally {
			${opts.keepOpen ? '' : 'c.close();'}
		}
	})()`) as Promise<R>;
}

/** Puts `key` = `value` (text) through the page's own client. */
export async function putKey(page: Page, key: string, value: string): Promise<void> {
	await withClient(
		page,
		async (c, kv) => {
			await c.put({
				key: new TextEncoder().encode(kv.key),
				value: new TextEncoder().encode(kv.value)
			});
		},
		{ key, value }
	);
}

/** `key`'s value (text) through the page's own client, or null when there is no such key. */
export async function getKey(page: Page, key: string): Promise<string | null> {
	return withClient(
		page,
		async (c, k) => {
			const r = await c.range({ key: new TextEncoder().encode(k) });
			return r.kvs.length ? (new TextDecoder().decode(r.kvs[0].value) as string) : null;
		},
		key
	);
}

/** The tab's part in sharing the cluster: 'owner' (runs the members) or 'guest'. */
export async function role(page: Page): Promise<string> {
	return page.evaluate(() => (window as any).etcdPlayground.manager.role);
}

/** Opens another tab of the page in the same browser context and waits until it sees a leader. */
export async function openTab(context: BrowserContext): Promise<Page> {
	const tab = await context.newPage();
	await tab.goto('/');
	await expect(tab.getByTestId('cluster-state')).toContainText('leader etcd-', {
		timeout: 30_000
	});
	return tab;
}
