/**
 * "Publish status page" (issue 25): the HTML file, opened in a fresh browser with every request
 * refused, shows each chosen monitor and nothing secret; the JSON summary and the badges hold no
 * secret either.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { expect, test, type Download, type Page } from '@playwright/test';
import { call, monitorInput, openApp } from './helpers';

const SECRET = 'tok-SECRET-4b1d9e';

async function read(download: Promise<Download>): Promise<{ name: string; text: string }> {
	const d = await download;
	return { name: d.suggestedFilename(), text: readFileSync(await d.path(), 'utf8') };
}

async function seed(page: Page) {
	const tag = await call(page, 'tags.create', { name: 'Public', colour: '#2563eb' });
	await call(page, 'monitors.create', {
		...monitorInput('Payments API'),
		method: 'POST',
		headers: { 'X-Api-Key': SECRET, Authorization: `Bearer ${SECRET}` },
		body: { contentType: 'application/json', text: `{"token":"${SECRET}"}` },
		tags: [tag.id],
	});
	await call(page, 'monitors.create', { ...monitorInput('Website <main>'), tags: [tag.id] });
	await call(page, 'monitors.create', {
		...monitorInput('Search'),
		tags: [tag.id],
		enabled: false,
	});
	await call(page, 'monitors.create', monitorInput('Hidden internal'));
}

test('the published page opens offline with no request, shows every chosen monitor and no secret', async ({
	page,
	browser,
}, testInfo) => {
	// Without the File System Access API (as in Firefox and Safari) the files are downloads to read back.
	await page.addInitScript(() => {
		delete (globalThis as { showOpenFilePicker?: unknown }).showOpenFilePicker;
		delete (globalThis as { showSaveFilePicker?: unknown }).showSaveFilePicker;
	});
	await openApp(page);
	await seed(page);
	await page.reload();
	await page.getByRole('button', { name: 'Publish status page' }).click();
	const dialog = page.getByRole('dialog', { name: 'Publish status page' });
	await dialog.getByLabel('Title').fill('Acme status');
	await dialog.getByRole('combobox', { name: 'Tag to publish' }).selectOption({ label: 'Public' });
	await expect(dialog.getByRole('radio', { name: 'Those tagged' })).toBeChecked();

	let download = page.waitForEvent('download');
	await dialog.getByRole('button', { name: 'Save HTML page' }).click();
	const html = await read(download);
	expect(html.name).toBe('acme-status.html');
	download = page.waitForEvent('download');
	await dialog.getByRole('button', { name: 'Save JSON summary' }).click();
	const json = await read(download);
	await dialog.getByRole('button', { name: 'Make badges' }).click();
	const badges = dialog.getByRole('list', { name: 'Badges' });
	await expect(badges.getByRole('listitem')).toHaveCount(3);
	download = page.waitForEvent('download');
	await badges.getByRole('link', { name: /Download badge-1-/ }).click();
	const badge = await read(download);
	expect(badge.name).toBe('badge-1-payments-api.svg');
	expect(badge.text).toMatch(/>(unknown|no data|up|down) · [^<]+<\/text>/);

	// Nothing secret, and no URL (Show URLs was not ticked), in any of them.
	for (const file of [html, json, badge]) {
		expect(file.text).not.toContain(SECRET);
		expect(file.text).not.toContain('X-Api-Key');
		expect(file.text).not.toContain('Bearer');
		expect(file.text).not.toContain('127.0.0.2');
		expect(file.text).not.toContain('Hidden internal');
	}
	const summary = JSON.parse(json.text) as { format: string; monitors: { name: string }[] };
	expect(summary.format).toBe('monitor-status/1');
	expect(summary.monitors.map((m) => m.name)).toEqual(['Payments API', 'Search', 'Website <main>']);

	// A fresh browser, every request refused and counted: the page needs none.
	const path = testInfo.outputPath('acme-status.html');
	writeFileSync(path, html.text);
	const context = await browser.newContext();
	const requests: string[] = [];
	const refusals: string[] = [];
	context.on('request', (request) => {
		if (!request.url().startsWith('file:')) requests.push(request.url());
	});
	// The file itself is let through; anything else would be an attempt to reach the network.
	await context.route('**/*', (route) =>
		route.request().url() === pathToFileURL(path).href ? route.continue() : route.abort(),
	);
	const offline = await context.newPage();
	offline.on('console', (message) => {
		if (/refused|blocked|failed to load/i.test(message.text())) refusals.push(message.text());
	});
	await offline.goto(pathToFileURL(path).href);
	await expect(offline.getByRole('heading', { name: 'Acme status', level: 1 })).toBeVisible();
	for (const name of ['Payments API', 'Website <main>', 'Search']) {
		const section = offline.getByRole('region', { name });
		await expect(section.getByRole('heading', { name, level: 2 })).toBeVisible();
		await expect(section.getByRole('img', { name: /Uptime per day over 90 days/ })).toBeVisible();
	}
	await expect(offline.getByRole('region', { name: 'Search' })).toContainText('Paused');
	await expect(offline.getByText('Hidden internal')).toHaveCount(0);
	const shots = process.env.A11Y_SCREENSHOTS;
	if (shots) {
		for (const colorScheme of ['light', 'dark'] as const) {
			await offline.emulateMedia({ colorScheme });
			await offline.screenshot({ path: `${shots}/Status-page-${colorScheme}.png`, fullPage: true });
		}
	}
	await offline.waitForLoadState('load');
	expect(requests).toEqual([]);
	expect(refusals).toEqual([]);
	await context.close();
});

test('"Show URLs" puts the monitors\' addresses in the page', async ({ page }) => {
	// Without the File System Access API (as in Firefox and Safari) the files are downloads to read back.
	await page.addInitScript(() => {
		delete (globalThis as { showOpenFilePicker?: unknown }).showOpenFilePicker;
		delete (globalThis as { showSaveFilePicker?: unknown }).showSaveFilePicker;
	});
	await openApp(page);
	await seed(page);
	await page.reload();
	await page.getByRole('checkbox', { name: 'Select Website <main>' }).check();
	await page.getByRole('button', { name: 'Publish status page' }).click();
	const dialog = page.getByRole('dialog', { name: 'Publish status page' });
	await expect(dialog.getByRole('radio', { name: 'The selected ones (1)' })).toBeChecked();
	await dialog.getByRole('checkbox', { name: /Show URLs/ }).check();
	const download = page.waitForEvent('download');
	await dialog.getByRole('button', { name: 'Save HTML page' }).click();
	const html = await read(download);
	expect(html.text).toContain('http://127.0.0.2:9/Website%20%3Cmain%3E');
	expect(html.text).toContain('Website &lt;main&gt;');
	expect(html.text).not.toContain('Payments API');
	expect(html.text).not.toContain(SECRET);
});
