/**
 * `npm run bench`: the benchmark is one long Playwright test (Playwright runs the TypeScript and ships
 * the browser driver); it launches its own Chromium with a profile on disk (chromium.ts).
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
	testDir: '.',
	testMatch: [
		'bench.spec.ts',
		'sustained.spec.ts',
		'history.spec.ts',
		'cold-open.spec.ts',
		'tabs.spec.ts',
		'list.spec.ts',
		'charts.spec.ts',
	],
	outputDir: '../../test-results/bench',
	timeout: 0,
	workers: 1,
	retries: 0,
	reporter: [['list']],
});
