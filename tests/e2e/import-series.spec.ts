/**
 * A person imports file after file in one window, some accepted and some refused. Nothing may go wrong
 * in the page along the way: no uncaught error, no rejected call that nobody handled.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { expectedOutcomes, FIXTURES, V001, V003 } from '../fixtures/import/build';
import { call, monitorInput, openApp } from './helpers';
import { dropFile, expectRefusal, importDialog } from './support/files';

test('a dozen imports in a row, accepted and refused, leave no error in the page', async ({
	page,
}) => {
	test.setTimeout(180_000);
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
	page.on('console', (message) => {
		if (message.type() === 'error') errors.push(`console: ${message.text()}`);
	});
	// The Database page reads the most while files are swapped in: status, health, backups.
	await openApp(page, '/#/database');
	await call(page, 'monitors.create', monitorInput('Checked all along', 10));

	const bad = Object.entries(expectedOutcomes());
	const good = [V001, V003];
	for (let i = 0; i < 12; i++) {
		if (i % 2 === 0) {
			const file = good[(i / 2) % good.length]!;
			await dropFile(page, `good-${i}.db`, readFileSync(file));
			await importDialog(page).getByRole('button', { name: 'Replace database' }).click();
			await expect(page.getByText(new RegExp(`Imported “good-${i}\\.db”`))).toBeVisible();
			await expect(importDialog(page)).toHaveCount(0);
		} else {
			const [name, outcome] = bad[((i - 1) / 2) % bad.length]!;
			await dropFile(page, name, readFileSync(join(FIXTURES, name)));
			await expectRefusal(page, outcome.says);
		}
	}
	await call(page, 'database.flush');
	await page.waitForTimeout(1000);
	expect(errors).toEqual([]);
});
