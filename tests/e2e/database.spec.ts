import { expect, test } from '@playwright/test';
import { call, monitorInput, openApp } from './helpers';

test('the Database page shows migration status in the seed format, the schema version and the file size', async ({
	page,
}) => {
	await openApp(page, '/#/database');
	await expect(page.getByRole('heading', { name: 'Database', level: 1 })).toBeVisible();
	const report = page.getByLabel('Migration status report');
	await expect(report).toContainText('📊 Migration Status Report');
	await expect(report).toContainText(
		/✅\s*001_init\.sql\s*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(\d+(\.\d+)?m?s\)/,
	);
	await expect(report).toContainText(/Total time: \d/);
	await expect(report).toContainText(/Average: .* per migration/);
	const versions = await call(page, 'database.status');
	const latest = versions.migrations.appSchemaVersion;
	expect(versions.migrations.dbSchemaVersion).toBe(latest);
	await expect(
		page.getByText(`Schema version ${latest} in the database, ${latest} in this app.`),
	).toBeVisible();
	await expect(page.getByTestId('db-size')).toHaveText(/KiB/);

	const pagesBefore = await page.getByTestId('db-pages').textContent();
	await Promise.all(
		Array.from({ length: 100 }, (_, i) => call(page, 'monitors.create', monitorInput(`Grow ${i}`))),
	);
	// The page refreshes itself on every durable change.
	await expect(page.getByTestId('db-pages')).not.toHaveText(pagesBefore ?? '');
	const status = await call(page, 'database.status');
	expect(status.pageCount * status.pageSize).toBe(status.sizeBytes);
	expect(status.migrations.verdict).toBe('up-to-date');
});
