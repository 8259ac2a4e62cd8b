/** Service worker and browser-storage helpers for the end-to-end tests (Chromium). */
import { expect, type Page } from '@playwright/test';

/**
 * Waits until the service worker controls the page and its precache holds sql.js's wasm: from then on
 * the app starts with no network (Playwright maintainers: wait for activation and caches before going
 * offline, microsoft/playwright#19677).
 */
export async function waitForOfflineReady(page: Page): Promise<void> {
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
		if (navigator.serviceWorker.controller) return;
		await new Promise((resolve) =>
			navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
		);
	});
	await expect.poll(() => precachedUrls(page)).toContainEqual(expect.stringMatching(/\.wasm$/));
}

/** Every URL in the page's Cache Storage. */
export function precachedUrls(page: Page): Promise<string[]> {
	return page.evaluate(async () => {
		const urls: string[] = [];
		for (const name of await caches.keys()) {
			const cache = await caches.open(name);
			for (const request of await cache.keys()) urls.push(request.url);
		}
		return urls;
	});
}

/**
 * Collects Content Security Policy violations the page reports, and console errors, from before the
 * first script runs.
 */
export async function watchForViolations(page: Page): Promise<() => Promise<string[]>> {
	const errors: string[] = [];
	page.on('console', (message) => {
		if (message.type() === 'error') errors.push(`console: ${message.text()}`);
	});
	page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
	await page.addInitScript(() => {
		const seen: string[] = [];
		(globalThis as { __violations?: string[] }).__violations = seen;
		document.addEventListener('securitypolicyviolation', (event) =>
			seen.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`),
		);
	});
	return async () => [
		...errors,
		...(await page.evaluate(() => (globalThis as { __violations?: string[] }).__violations ?? [])),
	];
}

/**
 * Puts the page (and its workers) offline again after a navigation. Playwright's `setOffline` is lost
 * across a reload in this Chromium (navigator.onLine reads true again in the page and its worker while
 * requests still fail), so a test that reloads offline re-applies the emulation on the new document.
 */
export async function offlineAgain(page: Page): Promise<void> {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.emulateNetworkConditions', {
		offline: true,
		latency: 0,
		downloadThroughput: -1,
		uploadThroughput: -1,
	});
	await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(false);
}
