import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../vite.config';
import { monitorInput, openApp } from './helpers';
import { startServer } from './support/builds';
import { precachedUrls, waitForOfflineReady, watchForViolations } from './support/pwa';

interface ManifestIcon {
	src: string;
	sizes: string;
	type: string;
	purpose?: string;
}

test('the web app manifest is valid and installable, and every icon it names exists at its stated size', async ({
	page,
	request,
}) => {
	await page.goto('/');
	const href = await page.locator('link[rel="manifest"]').getAttribute('href');
	expect(href).toBeTruthy();
	const response = await request.get(new URL(href!, page.url()).href);
	expect(response.ok()).toBe(true);
	expect(response.headers()['content-type']).toMatch(/application\/manifest\+json/);
	const manifest = (await response.json()) as Record<string, unknown>;

	expect(manifest).toMatchObject({
		name: 'Monitor',
		short_name: 'Monitor',
		start_url: '/',
		scope: '/',
		display: 'standalone',
		theme_color: expect.stringMatching(/^#[0-9a-f]{6}$/i),
		background_color: expect.stringMatching(/^#[0-9a-f]{6}$/i),
		file_handlers: [{ action: '/', accept: { 'application/vnd.sqlite3': ['.db'] } }],
		launch_handler: { client_mode: 'focus-existing' },
	});
	expect(String(manifest.description).length).toBeGreaterThan(20);

	const icons = manifest.icons as ManifestIcon[];
	const sizes = (purpose: string) =>
		icons.filter((i) => (i.purpose ?? 'any') === purpose).map((i) => i.sizes);
	// Installability in Chromium wants 192 and 512; Android's adaptive icons want maskable ones.
	expect(sizes('any')).toEqual(expect.arrayContaining(['192x192', '512x512']));
	expect(sizes('maskable')).toEqual(expect.arrayContaining(['192x192', '512x512']));

	for (const icon of icons) {
		const url = new URL(icon.src, response.url()).href;
		const measured = await page.evaluate(async (src) => {
			const res = await fetch(src);
			const bitmap = await createImageBitmap(await res.blob());
			return {
				ok: res.ok,
				type: res.headers.get('content-type'),
				w: bitmap.width,
				h: bitmap.height,
			};
		}, url);
		expect(measured, icon.src).toMatchObject({ ok: true, type: icon.type });
		expect(`${measured.w}x${measured.h}`, icon.src).toBe(icon.sizes);
	}

	// Chromium's own verdict on the manifest. Playwright's contexts are incognito-like, which alone
	// blocks installing; nothing else may.
	const cdp = await page.context().newCDPSession(page);
	const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
		installabilityErrors: { errorId: string }[];
	};
	expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual(
		[],
	);
});

test('the app, its database worker and its service worker run under the strict CSP with no violation', async ({
	page,
}) => {
	const problems = await watchForViolations(page);
	const documentResponse = await page.goto('/');
	expect(documentResponse?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
	expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
	await openApp(page);

	// Use the app: the worker compiles sql.js's wasm (needs 'wasm-unsafe-eval'), writes, reads.
	await page.getByRole('button', { name: 'Add your first monitor' }).click();
	const dialog = page.getByRole('dialog', { name: 'Add monitor' });
	const input = monitorInput('Under CSP');
	await dialog.getByLabel('Name').fill(input.name);
	await dialog.getByLabel('URL').fill(input.url);
	await dialog.getByRole('button', { name: 'Add monitor' }).click();
	await expect(page.getByRole('listitem', { name: 'Under CSP' })).toBeVisible();
	await page.getByRole('link', { name: 'Database' }).click();
	await expect(page.getByLabel('Migration status report')).toContainText('001_init.sql');

	await waitForOfflineReady(page);
	const headers = await page.evaluate(async () => {
		const get = async (url: string) =>
			(await fetch(url, { cache: 'no-store' })).headers.get('content-security-policy');
		return { sw: await get('/sw.js') };
	});
	expect(headers.sw).toBe(CONTENT_SECURITY_POLICY);
	// No inline script anywhere in the shell: the service worker is registered from the bundle.
	expect(await page.locator('script:not([src])').count()).toBe(0);

	await page.getByRole('link', { name: 'Monitors' }).click();
	await page.reload();
	await expect(page.getByRole('listitem', { name: 'Under CSP' })).toBeVisible();
	expect(await problems()).toEqual([]);
});

test('served by a host that sends no headers, the page still runs under the policy, from its meta element', async ({
	page,
}) => {
	// The build the suite serves, from a plain static server with no security headers at all.
	const server = await startServer(join(import.meta.dirname, '../../dist'), {
		securityHeaders: false,
	});
	try {
		const problems = await watchForViolations(page);
		const response = await page.goto(`${server.url}/`);
		expect(response?.headers()['content-security-policy']).toBeUndefined();
		await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute(
			'content',
			META_CONTENT_SECURITY_POLICY,
		);
		await expect(page.getByTestId('save-indicator')).toHaveText('Nothing to save yet');
		expect(await problems()).toEqual([]);

		// What the policy is for: an injected inline script is refused.
		const ran = await page.evaluate(() => {
			const script = document.createElement('script');
			script.textContent = 'globalThis.__ran = true;';
			document.head.append(script);
			return (globalThis as { __ran?: boolean }).__ran === true;
		});
		expect(ran).toBe(false);
		expect(await problems()).toEqual(
			expect.arrayContaining([expect.stringMatching(/^script-src(-elem)? blocked inline/)]),
		);
	} finally {
		await server.close();
	}
});

test('the first install says "Ready to work offline" once; later visits do not repeat it', async ({
	page,
}) => {
	await openApp(page);
	await expect(page.getByText('Ready to work offline')).toBeVisible();
	await waitForOfflineReady(page);
	const urls = await precachedUrls(page);
	// The whole shell: page, app bundle, database worker, wasm, manifest and icons.
	for (const pattern of [
		/\/index\.html/,
		/\/assets\/index-.*\.js/,
		/\/assets\/main-.*\.js/,
		/\.wasm/,
		/\.css/,
		/manifest\.webmanifest/,
		/pwa-512x512\.png/,
	])
		expect(urls, String(pattern)).toContainEqual(expect.stringMatching(pattern));

	await page.reload();
	await openApp(page);
	await expect(page.getByRole('heading', { name: 'No monitors yet' })).toBeVisible();
	// Look only once this visit's registration is done, when a wrong announcement would have come.
	const registered = await page.evaluate(
		() =>
			(globalThis as unknown as { monitor: { updates: { registered: Promise<boolean> } } }).monitor
				.updates.registered,
	);
	expect(registered).toBe(true);
	await expect(page.getByText('Ready to work offline')).toHaveCount(0);
});
