import { expect, test } from '@playwright/test';
import { call, monitorInput, openApp } from './helpers';

test.use({ acceptDownloads: true });

test('the export warns of secrets only when tokens or headers are stored in clear', async ({
	page,
}) => {
	// Headless Chromium has no save dialog to answer: take the download path browsers without one use.
	await page.addInitScript(() => {
		delete (globalThis as { showOpenFilePicker?: unknown }).showOpenFilePicker;
		delete (globalThis as { showSaveFilePicker?: unknown }).showSaveFilePicker;
	});
	await openApp(page, '/#/database');
	await call(page, 'monitors.create', { ...monitorInput('No secret'), enabled: false });
	await expect(page.getByTestId('export-secrets')).toContainText('an export holds no secret');
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Export database' }).click(),
	]);
	expect(download.suggestedFilename()).toMatch(/^monitor-.*\.db$/);
	await expect(page.getByRole('dialog', { name: 'The export holds secrets' })).toHaveCount(0);

	// A header is a secret: now the export holds one in clear, and says so before it starts.
	await call(page, 'monitors.create', {
		...monitorInput('Keyed'),
		enabled: false,
		headers: { 'X-Api-Key': 'k-123' },
	});
	await expect(page.getByTestId('export-secrets')).toContainText('stored in clear');
	await page.getByRole('button', { name: 'Export database' }).click();
	const warning = page.getByRole('dialog', { name: 'The export holds secrets' });
	await expect(warning).toBeVisible();
	await warning.getByRole('button', { name: 'Cancel' }).click();
	await expect(warning).toHaveCount(0);
});
