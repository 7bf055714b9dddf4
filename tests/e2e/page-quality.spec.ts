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

test('phone, tablet and laptop layouts: nothing covers the terminal, the header fits', async ({
	page
}) => {
	test.setTimeout(120_000);
	await freshPage(page);
	const boxOf = (testid: string) => page.getByTestId(testid).first().boundingBox();
	const overlaps = (
		a: { x: number; y: number; width: number; height: number },
		b: { x: number; y: number; width: number; height: number }
	) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
	for (const [name, w, h] of [
		['phone', 390, 844],
		['tablet', 820, 1180],
		['tablet-landscape', 1024, 768],
		['laptop', 1440, 900]
	] as const) {
		await page.setViewportSize({ width: w, height: h });
		for (const mode of ['light', 'dark'] as const) {
			if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== mode) {
				await page.getByTestId('theme-toggle').click();
			}
			await page.waitForTimeout(300);
			await page.screenshot({ path: `${SHOTS}/layout-${name}-${mode}.png` });
		}
		const where = `${name} ${w}x${h}`;
		expect(
			await page.evaluate(() => document.documentElement.scrollWidth - innerWidth),
			where
		).toBeLessThanOrEqual(0);
		// The disk usage is in the cluster heading, clear of the terminal.
		const term = await page.locator('[data-testid=terminal]').first().boundingBox();
		const disk = await boxOf('storage-usage');
		expect(term, where).not.toBeNull();
		if (disk) expect(overlaps(disk, term!), where).toBe(false);
		// The header's pieces do not run into one another, and from a tablet up it is one row.
		const header = await page.locator('header.top').boundingBox();
		const parts = await Promise.all(
			[
				'h1',
				'[data-testid=cluster-state]',
				'[data-testid=scenario-menu]',
				'[data-testid=theme-toggle]'
			].map((s) => page.locator(`header.top ${s}`).boundingBox())
		);
		for (let i = 0; i < parts.length; i++)
			for (let j = i + 1; j < parts.length; j++)
				expect(overlaps(parts[i]!, parts[j]!), `${where}: header parts ${i} and ${j}`).toBe(false);
		if (w >= 800) expect(header!.height, where).toBeLessThan(60);
		// Each part stays on screen.
		for (const p of parts) expect(p!.x + p!.width, where).toBeLessThanOrEqual(w);
	}
});
