// Lighthouse's PWA audits on the built site, with Debian's Chromium: fails unless Chromium
// finds the app installable and every automatic PWA audit passes. Lighthouse 11 is the last
// release with the PWA category. Usage: node scripts/lighthouse-pwa.mjs [url]
// (default http://127.0.0.1:4173/, e.g. `npm run build && npx vite preview` first).
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const url = process.argv[2] ?? process.env.PW_BASE_URL ?? 'http://127.0.0.1:4173/';
const chrome = await chromeLauncher.launch({
	chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	chromeFlags: [
		'--headless=new',
		'--no-sandbox',
		'--disable-gpu',
		'--disable-background-networking',
		'--disable-component-update',
		'--no-first-run'
	]
});
let failed = false;
try {
	const result = await lighthouse(url, {
		port: chrome.port,
		onlyCategories: ['pwa'],
		output: 'json',
		logLevel: 'error',
		formFactor: 'desktop',
		screenEmulation: { disabled: true },
		throttlingMethod: 'provided'
	});
	if (!result) throw new Error('lighthouse returned nothing');
	const { categories, audits } = result.lhr;
	for (const ref of categories.pwa.auditRefs) {
		const a = audits[ref.id];
		if (a.scoreDisplayMode === 'manual' || a.scoreDisplayMode === 'notApplicable') continue;
		const ok = a.score === 1;
		if (!ok) failed = true;
		console.log(`${ok ? 'pass' : 'FAIL'}  ${a.id}: ${a.title}`);
		if (!ok && a.details && 'items' in a.details) {
			for (const item of a.details.items) console.log('      ', JSON.stringify(item));
		}
	}
	const installable = audits['installable-manifest'];
	console.log(`installable: ${installable?.score === 1 ? 'yes' : 'no'}`);
	if (installable?.score !== 1) failed = true;
} finally {
	await chrome.kill();
}
process.exit(failed ? 1 : 0);
