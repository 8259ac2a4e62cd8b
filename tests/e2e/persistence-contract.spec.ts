import { expect, test } from '@playwright/test';
import { startHarness, type Harness } from '../bench/harness';
import { contractCases } from '../contract/persistence';

/**
 * The persistence contract (the same cases the unit tests run against the memory store) in Chromium,
 * against the real IndexedDB store, for both image sources. The harness is built from the app's worker
 * code with the same sql.js hook (tests/bench/vite.config.ts) and served on a free port.
 */
let harness: Harness;

test.beforeAll(async () => {
	test.setTimeout(180_000);
	harness = await startHarness(0);
});

test.afterAll(async () => {
	await harness?.close();
});

for (const kind of ['tracked', 'export'] as const) {
	test.describe(`persistence contract, ${kind} source, IndexedDB`, () => {
		for (const { name } of contractCases) {
			test(name, async ({ page }) => {
				await page.goto(`${harness.url}/contract.html`);
				await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
				await page.evaluate(
					([n, k]) =>
						(
							globalThis as unknown as {
								contract: { run(name: string, kind: string): Promise<void> };
							}
						).contract.run(n, k),
					[name, kind] as const,
				);
			});
		}
	});
}
