import { chromium, defineConfig, devices } from '@playwright/test';
import { browserExecutable } from './tests/support/browser';

/**
 * End-to-end tests run in real Chromium against the built app (`vite preview`): the browser that
 * tests/support/browser.ts finds (CHROMIUM_PATH, a system Chromium or Chrome, or Playwright's own,
 * which `npm test`'s pretest step installs when there is none).
 */
const executablePath = browserExecutable(chromium);

export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

const port = Number(process.env.E2E_PORT ?? 4317);
/** The test harness (tests/harness) is served next to the app, one port up. */
export const HARNESS_URL = `http://127.0.0.1:${port + 1}`;

export default defineConfig({
	testDir: 'tests/e2e',
	outputDir: 'test-results',
	fullyParallel: false,
	// Two spec files at a time: most of a test is waiting (timers, a heartbeat, a build), so on two cores
	// the suite takes about a third less time than one at a time (measured under the same load: 18.9
	// against 29.3 min). Each test has its own browser context, so its own storage.
	workers: 2,
	retries: 0,
	forbidOnly: Boolean(process.env.CI),
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		...devices['Desktop Chrome'],
		baseURL: `http://127.0.0.1:${port}`,
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		launchOptions: {
			args: CHROMIUM_ARGS,
			...(executablePath ? { executablePath } : {}),
		},
	},
	webServer: [
		{
			command: `npx vite build --logLevel warn && npx vite preview --port ${port} --strictPort`,
			url: `http://127.0.0.1:${port}`,
			reuseExistingServer: false,
			timeout: 120_000,
			stdout: 'ignore',
			stderr: 'pipe',
		},
		{
			command: `npx vite build --config tests/harness/vite.config.ts --logLevel warn && npx vite preview --config tests/harness/vite.config.ts --port ${port + 1}`,
			url: HARNESS_URL,
			reuseExistingServer: false,
			timeout: 120_000,
			stdout: 'ignore',
			stderr: 'pipe',
		},
	],
});
