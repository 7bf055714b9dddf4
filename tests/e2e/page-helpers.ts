import { expect, type Locator, type Page } from '@playwright/test';

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
