// Renders the app icons (static/icons/*.png) from SVG with Debian's Chromium, as the manifest
// needs PNGs: `any` icons are the favicon; maskable ones put the same mark inside the central
// safe zone (a circle of 40% radius) on a full-bleed background, so any mask shape keeps it.
import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';

const mark =
	'<circle cx="32" cy="32" r="17" fill="none" stroke="#4fb3ff" stroke-width="5"/>' +
	'<circle cx="32" cy="15" r="6" fill="#8be28b"/><circle cx="17" cy="41" r="6" fill="#4fb3ff"/>' +
	'<circle cx="47" cy="41" r="6" fill="#4fb3ff"/>';
const favicon = readFileSync(new URL('../static/favicon.svg', import.meta.url), 'utf8');
const maskable =
	'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#0f1720"/>' +
	`<g transform="translate(32 32) scale(0.6) translate(-32 -32)">${mark}</g></svg>`;
const opaque = favicon.replace('rx="14" ', '');

const jobs = [
	['icon-192.png', favicon, 192],
	['icon-512.png', favicon, 512],
	['maskable-192.png', maskable, 192],
	['maskable-512.png', maskable, 512],
	['apple-touch-icon.png', opaque, 180]
];

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--no-sandbox']
});
const page = await browser.newPage();
for (const [file, svg, size] of jobs) {
	await page.setViewportSize({ width: size, height: size });
	const sized = svg.replace('<svg ', `<svg width="${size}" height="${size}" `);
	await page.setContent(`<style>html,body{margin:0;background:transparent}</style>${sized}`);
	await page.screenshot({
		path: new URL(`../static/icons/${file}`, import.meta.url).pathname,
		omitBackground: true,
		clip: { x: 0, y: 0, width: size, height: size }
	});
}
await browser.close();
