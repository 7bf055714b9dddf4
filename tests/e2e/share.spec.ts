/**
 * Share links across browser contexts (separate storage, as two people's browsers): a link made
 * from one learner's session replays identically wherever it is opened, in a cluster of its own,
 * and bad links change nothing.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { freshPage, screenText, terminal, typeLine } from './page-helpers';

async function replay(
	browser: Browser,
	link: string
): Promise<{ scenario: string; transcript: string }> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(link);
	const dialog = page.getByTestId('replay-dialog');
	await expect(dialog).toBeVisible({ timeout: 20_000 });
	const scenario = await page.getByTestId('replay-scenario').innerText();
	await page.getByTestId('replay-run').click();
	const transcript = page.getByTestId('replay-transcript');
	await expect(transcript).toBeVisible({ timeout: 45_000 });
	const text = await transcript.innerText();
	// Values that look like markup stay text: no element was made from them.
	expect(await dialog.locator('b, script, img').count()).toBe(0);
	await context.close();
	return { scenario, transcript: text };
}

async function linkFrom(page: Page): Promise<string> {
	await page.getByTestId('scenario-menu').click();
	await page.getByTestId('share-button').click();
	const link = page.getByTestId('share-link');
	await expect(link).toBeVisible();
	return link.inputValue();
}

test('a link made in one context replays identically in others', async ({ page, browser }) => {
	test.setTimeout(180_000);
	await freshPage(page);
	const term = terminal(page);
	await typeLine(page, term, "etcdctl put greeting '<b>hi</b><script>alert(1)</script>'");
	await typeLine(page, term, 'etcdctl put counter 1');
	await typeLine(page, term, 'etcdctl put counter 2');
	await typeLine(page, term, "etcdctl get counter -w json | jq '.kvs[0].version'");
	await typeLine(page, term, 'etcdctl get greeting');
	await expect(term).toContainText('<b>hi</b>', { timeout: 10_000 });
	const link = await linkFrom(page);
	expect(link).toMatch(/#v1\.\d+\.[0-9a-f]{8}\./);

	const a = await replay(browser, link);
	const b = await replay(browser, link);
	expect(a.scenario).toContain("etcdctl put greeting '<b>hi</b><script>alert(1)</script>'");
	expect(a.transcript).toContain(
		'$ etcdctl get greeting\ngreeting\n<b>hi</b><script>alert(1)</script>'
	);
	expect(a.transcript).toContain("$ etcdctl get counter -w json | jq '.kvs[0].version'\n2\n");
	expect(b.transcript).toBe(a.transcript);

	// The learner's own cluster was not touched by the replays.
	await typeLine(page, term, 'etcdctl get counter --print-value-only');
	await expect(term).toContainText('2');
});

test('bad links say what is wrong and run nothing', async ({ page }) => {
	await freshPage(page);
	for (const [fragment, message] of [
		['#v1.500.0123abcd.AAAA', /cut short/],
		['#v7.4.0123abcd.AAAA', /different version/],
		['#v1.4.0123abcd.A*A!', /damaged/],
		[`#v1.${'A'.repeat(20_000)}`, /too large/]
	] as const) {
		await page.goto('/' + fragment);
		await expect(page.getByTestId('replay-error')).toContainText(message, { timeout: 20_000 });
		await expect(page.getByTestId('replay-run')).toHaveCount(0);
	}
});

test('export a scenario, import it elsewhere, download its transcript', async ({
	page,
	browser
}) => {
	test.setTimeout(120_000);
	await freshPage(page);
	const term = terminal(page);
	await typeLine(page, term, 'etcdctl put exported yes');
	await expect(term).toContainText('OK', { timeout: 10_000 });
	await page.getByTestId('scenario-menu').click();
	const [exported] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('export-button').click()
	]);
	const scenario = await streamText(await exported.createReadStream());
	expect(scenario).toMatch(/^# cluster: 3\n/);
	expect(scenario).toContain('etcdctl put exported yes\n');
	// The same menu downloads the session's own transcript: commands, output, failed statuses.
	await typeLine(page, term, 'etcdctl get missing-key --print-value-only; false');
	await expect
		.poll(() => screenText(term), { timeout: 10_000 })
		.toMatch(/; false\nroot@etcd-1:~#\s*$/);
	await page.getByTestId('scenario-menu').click();
	const [session] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('session-transcript-button').click()
	]);
	expect(await streamText(await session.createReadStream())).toBe(
		'$ etcdctl put exported yes\nOK\n$ etcdctl get missing-key --print-value-only; false\n[exit 1]\n'
	);

	const context = await browser.newContext();
	const other = await context.newPage();
	await other.goto('/');
	await other.getByTestId('import-file').setInputFiles({
		name: 'scenario.sh',
		mimeType: 'text/plain',
		buffer: Buffer.from(scenario + 'etcdctl get exported\n')
	});
	await expect(other.getByTestId('replay-scenario')).toContainText('etcdctl get exported');
	await other.getByTestId('replay-run').click();
	await expect(other.getByTestId('replay-transcript')).toContainText('exported\nyes', {
		timeout: 45_000
	});
	const [transcript] = await Promise.all([
		other.waitForEvent('download'),
		other.getByTestId('transcript-download').click()
	]);
	expect(await streamText(await transcript.createReadStream())).toContain(
		'$ etcdctl get exported\nexported\nyes\n'
	);
	await context.close();
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
	return Buffer.concat(chunks).toString('utf8');
}
