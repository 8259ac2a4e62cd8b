/**
 * Compacted history in Chromium: a file whose checks are blocks (written by the CLI's generator through
 * the app's stores) is imported through the app, every block decoded with the browser's own
 * CompressionStream and checked against its row before the confirm step; the Database page shows the
 * tiers and bytes per check, and a monitor's 90-day chart reads the rollups. Hostile blocks are refused
 * in the browser as they are in Node, with nothing changed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { main } from '../../src/cli/main';
import { call, monitorInput, openApp } from './helpers';
import { expectRefusal, importDialog, pickFile, storedHash } from './support/files';

const HOSTILE = join(import.meta.dirname, '../fixtures/import-history');
const made: string[] = [];
test.afterAll(() => {
	for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

test('a file with compacted history imports through the browser codec, and its tiers and 90-day chart show', async ({
	page,
}) => {
	const dir = mkdtempSync(join(tmpdir(), 'monitor-history-'));
	made.push(dir);
	const file = join(dir, 'history.db');
	const quiet = { out: () => {}, err: (l: string) => console.error(l), cwd: dir, now: Date.now };
	const args = ['--monitors', '2', '--interval', '60', '--days', '4', '--seed', '7'];
	expect(await main(['generate-history', file, ...args], quiet)).toBe(0);

	await openApp(page, '/#/database');
	await pickFile(page, file);
	await importDialog(page).getByRole('button', { name: 'Replace database' }).click();
	await expect(importDialog(page)).toHaveCount(0);

	const card = page.getByTestId('history-size');
	await expect(card.getByRole('row', { name: /Compacted blocks/ })).toContainText(
		/[1-9][\d,]* checks in/,
	);
	await expect(page.getByTestId('history-bytes-per-check')).toContainText(/About \d+\.\d bytes/);
	const blocks = await call(page, 'health.report');
	expect(blocks.history?.blocks.checks).toBeGreaterThan(2 * 3 * 1440 * 0.9);

	const [monitor] = await call(page, 'monitors.list');
	await page.goto(`/#/monitors/${monitor!.id}`);
	await page.getByRole('button', { name: /^90d/ }).click();
	const detail = await call(page, 'monitors.detail', { id: monitor!.id, range: '90d' });
	expect(detail.points.length).toBeGreaterThan(3);
	await expect(page.locator('.uplot canvas').first()).toBeVisible();
});

test('hostile history blocks are refused in the browser with the same message, and nothing changes', async ({
	page,
}) => {
	await openApp(page, '/#/database');
	// A database with a monitor, every change saved: what must stay byte for byte as it is.
	await call(page, 'monitors.create', { ...monitorInput('Kept'), enabled: false });
	await call(page, 'database.flush');
	const before = await storedHash(page);
	const expected = JSON.parse(readFileSync(join(HOSTILE, 'expected.json'), 'utf8')) as Record<
		string,
		{ code: string; says: string }
	>;
	for (const [name, outcome] of Object.entries(expected)) {
		await pickFile(page, join(HOSTILE, name));
		await expectRefusal(page, outcome.says);
	}
	await call(page, 'database.flush');
	expect(await storedHash(page)).toBe(before);
});
