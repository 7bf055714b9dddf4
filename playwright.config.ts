import { defineConfig } from '@playwright/test';

// Playwright drives Debian's Chromium (package `chromium`): downloading a browser build does
// not work on our machines. As root, Chromium needs --no-sandbox; the networking flags stop it
// from dialling Google's services, which this machine cannot reach.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// PW_BASE_URL points the tests at a site that is already served (no preview server started).
const externalBaseURL = process.env.PW_BASE_URL;

export default defineConfig({
	testDir: 'tests/e2e',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 60_000,
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		baseURL: externalBaseURL ?? 'http://127.0.0.1:4173',
		browserName: 'chromium',
		launchOptions: {
			executablePath,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		}
	},
	webServer: externalBaseURL
		? undefined
		: {
				command: 'npx vite preview --host 127.0.0.1 --port 4173 --strictPort',
				url: 'http://127.0.0.1:4173',
				reuseExistingServer: !process.env.CI,
				timeout: 60_000
			}
});
