import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { freshPage, screenText, terminal, typeLine } from './page-helpers';

// Accessibility (axe-core: no serious or critical violations, in both themes) and screenshots
// of the main states at laptop, tablet and phone sizes, for review (test-results/screens/).

const SHOTS = process.env.SCREENSHOT_DIR ?? 'test-results/screens';

async function axe(page: Page) {
	const result = await new AxeBuilder({ page }).analyze();
	return result.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

test('no serious accessibility violations, light and dark; screenshots of the main states', async ({
	page
}) => {
	test.setTimeout(90_000);
	await page.setViewportSize({ width: 1280, height: 800 });
	await freshPage(page);
	const term = terminal(page);
	await typeLine(page, term, 'etcdctl put /registry/pods/default/web \'{"phase":"Running"}\'');
	await typeLine(page, term, 'etcdctl put /registry/services/default/api v1');
	await typeLine(page, term, 'etcdctl get /registry --prefix --keys-only');
	await expect.poll(() => screenText(term)).toContain('/registry/services/default/api');
	await page.getByTestId('key-tree').locator('[data-key="/registry/pods/default/web"]').click();
	for (const mode of ['light', 'dark'] as const) {
		if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== mode) {
			await page.getByTestId('theme-toggle').click();
		}
		await page.waitForTimeout(300);
		expect(await axe(page)).toEqual([]);
		await page.screenshot({ path: `${SHOTS}/laptop-${mode}.png` });
	}
	// A fault: the leader killed, a member isolated.
	const leader = page.locator('[data-testid=members] li[data-role=leader]');
	await leader.locator('button[data-action=kill]').click();
	await expect(page.locator('[data-testid=members] li[data-role=down]')).toHaveCount(1);
	await page.getByRole('tab', { name: 'Timeline' }).click();
	await page.waitForTimeout(1500);
	await page.screenshot({ path: `${SHOTS}/laptop-dark-fault.png` });
	expect(await axe(page)).toEqual([]);
	// The editor.
	await page.getByRole('tab', { name: 'Keys' }).click();
	await page.getByTestId('key-tree').locator('[data-key="/registry/pods/default/web"]').click();
	await page.getByTestId('edit-value').click();
	await expect(page.locator('.monaco-editor')).toBeVisible({ timeout: 20_000 });
	await page.waitForTimeout(500);
	await page.screenshot({ path: `${SHOTS}/laptop-dark-editor.png` });
	await page.keyboard.press('Escape');
	for (const [name, w, h] of [
		['tablet', 820, 1180],
		['phone', 390, 844]
	] as const) {
		await page.setViewportSize({ width: w, height: h });
		await page.waitForTimeout(500);
		await page.screenshot({ path: `${SHOTS}/${name}-dark.png`, fullPage: true });
		// Nothing overflows sideways.
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
		expect(overflow).toBeLessThanOrEqual(0);
	}
	await page.getByTestId('theme-toggle').click();
	await page.screenshot({ path: `${SHOTS}/phone-light.png`, fullPage: true });
	expect(await axe(page)).toEqual([]);
});

test('the controls are reachable and usable from the keyboard', async ({ page }) => {
	await freshPage(page);
	// Tab from the page start reaches the theme toggle and the terminal's bar; in the terminal
	// Tab completes, and Escape then Tab moves on to the cluster controls.
	await page.getByRole('heading', { level: 1 }).click();
	const reached = new Set<string>();
	for (let i = 0; i < 40; i++) {
		const inTerminal = await page.evaluate(() =>
			document.activeElement?.classList.contains('xterm-helper-textarea')
		);
		if (inTerminal) await page.keyboard.press('Escape');
		await page.keyboard.press('Tab');
		reached.add(
			await page.evaluate(() => {
				const el = document.activeElement as HTMLElement | null;
				return (
					el?.dataset.action ??
					el?.dataset.testid ??
					el?.getAttribute('aria-label') ??
					el?.tagName ??
					''
				);
			})
		);
	}
	expect([...reached]).toEqual(
		expect.arrayContaining(['theme-toggle', 'new-terminal', 'kill', 'isolate', 'add-member'])
	);
	// Space on a focused Kill button runs the command in the terminal.
	const kill = page.locator(
		'[data-testid=members] li[data-member=etcd-3] button[data-action=kill]'
	);
	await kill.focus();
	await page.keyboard.press('Enter');
	await expect.poll(() => screenText(terminal(page))).toContain('killed etcd-3');
});
