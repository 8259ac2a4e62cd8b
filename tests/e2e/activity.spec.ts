/**
 * The activity log in Chromium: the migrations that made a new database, a backup made and a file
 * imported from the Database page appear in its Activity card (the import's entry is written into the
 * imported database, so it survives the swap), the kind filter narrows the list, and the log saves as
 * CSV.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { V001 } from '../fixtures/import/build';
import { call, monitorInput, openApp } from './helpers';
import { importDialog, pickFile } from './support/files';

test('the Activity card shows a backup and an import after doing them, filters by kind and saves as CSV', async ({
	page,
}) => {
	// Without the File System Access API (as in Firefox and Safari) the log is a download to read back.
	await page.addInitScript(() => {
		delete (globalThis as { showOpenFilePicker?: unknown }).showOpenFilePicker;
		delete (globalThis as { showSaveFilePicker?: unknown }).showSaveFilePicker;
	});
	await openApp(page, '/#/database');
	await call(page, 'monitors.create', monitorInput('Kept'));
	const card = page.getByRole('region', { name: 'Activity' });
	const log = card.getByRole('list', { name: 'Activity log' });
	// A new database's first line: the migrations that made it, with their timings.
	await expect(log.getByRole('listitem')).toHaveCount(1);
	await expect(log.getByRole('listitem').first()).toContainText(
		/Migrations\s*Database created\. Applied: 001_init\.sql \([\d.]+m?s\), .*Total time: .*per migration\./,
	);

	await page.getByRole('button', { name: 'Back up now' }).click();
	await expect(log.getByRole('listitem').first()).toContainText(
		/Backups\s*Backup #1 made \(manual/,
	);

	await pickFile(page, V001);
	await importDialog(page).getByRole('button', { name: 'Replace database' }).click();
	await expect(log.getByRole('listitem').first()).toContainText(
		/Imports\s*Imported v001\.db \(3 monitors\); the database before it is backup #2\./,
	);

	await card.getByLabel('Show').selectOption('import');
	await expect(log.getByRole('listitem')).toHaveCount(1);

	const download = page.waitForEvent('download');
	await card.getByRole('button', { name: 'Save as CSV' }).click();
	const file = await (await download).path();
	const csv = readFileSync(file, 'utf8').split('\r\n');
	expect(csv[0]).toBe('time,kind,level,message,details');
	expect(csv[1]).toMatch(/^"[^"]+","import","info","Imported v001\.db/);
});
