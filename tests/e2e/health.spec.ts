import { expect, test, type Page } from '@playwright/test';
import { formatBytes } from '../../src/shared/format';
import { DEFAULT_THRESHOLDS } from '../../src/shared/health';
import { call, openApp } from './helpers';

const MB = 1024 * 1024;

/** Paused monitors with long URLs: about 1.2 KB of row each, so a few hundred grow the file visibly. */
async function addMonitors(page: Page, count: number, from = 0): Promise<void> {
	await Promise.all(
		Array.from({ length: count }, (_, i) =>
			call(page, 'monitors.create', {
				name: `Health ${from + i}`,
				url: `http://127.0.0.2:9/${String(from + i).padEnd(1200, 'x')}`,
				intervalS: 3600,
				enabled: false,
			}),
		),
	);
}

test('a database grown past a lowered warning threshold shows the warning, its action, and a banner once', async ({
	page,
}) => {
	await openApp(page, '/#/settings');
	const size = (await call(page, 'health.report')).sizeBytes;
	const warningMb = Math.round(((size + 150 * 1024) / MB) * 1000) / 1000;

	await page.getByLabel('Database size warning (MiB)').fill(String(warningMb));
	await page.getByLabel('Database size critical (MiB)').fill('1000');
	await page.getByRole('button', { name: 'Save thresholds' }).click();
	await expect(page.getByText('Health thresholds saved.')).toBeVisible();
	const stored = (await call(page, 'health.thresholds')).size.warning;
	expect(Math.abs(stored - warningMb * MB)).toBeLessThan(1);
	await expect(page.getByTestId('health-banner')).toHaveCount(0);

	await addMonitors(page, 200);
	expect((await call(page, 'health.report')).sizeBytes).toBeGreaterThan(warningMb * MB);

	// Levels are evaluated a few seconds after changes (throttled), in the window that owns the database.
	const banner = page.getByTestId('health-banner');
	await expect(banner).toHaveCount(1, { timeout: 20_000 });
	await expect(banner).toContainText('Warning: Database size is');
	await expect(banner).toContainText(`past the warning level of ${formatBytes(stored)}`);
	await expect(banner).toContainText('Rotate or archive old check history');

	await banner.getByRole('link', { name: 'Database health' }).click();
	await expect(page.getByTestId('health-size-level')).toHaveText(/Warning/);
	await expect(page.getByTestId('health-size-action')).toContainText(
		'Rotate or archive old check history',
	);
	await expect(page.getByTestId('health-queryP95-level')).toHaveText(/OK/);

	// More growth is the same crossing: still one banner; dismissed, it stays dismissed after a reload.
	await addMonitors(page, 20, 200);
	await page.getByRole('button', { name: 'Dismiss the database size alert' }).click();
	await expect(banner).toHaveCount(0);
	await page.reload();
	await expect(page.getByTestId('health-size-level')).toHaveText(/Warning/);
	await expect(page.getByTestId('health-banner')).toHaveCount(0);
	expect(await call(page, 'health.alerts')).toEqual([]);
});

test('thresholds that make no sense are refused with a reason, and nothing changes', async ({
	page,
}) => {
	await openApp(page, '/#/settings');
	await expect(page.getByLabel('Query time (P95) warning (ms)')).toHaveValue('100');
	await page.getByLabel('Query time (P95) warning (ms)').fill('900');
	await page.getByRole('button', { name: 'Save thresholds' }).click();
	await expect(page.getByText('The warning level must be below the critical level.')).toBeVisible();
	await expect(page.getByLabel('Query time (P95) warning (ms)')).toHaveAttribute(
		'aria-invalid',
		'true',
	);
	expect(await call(page, 'health.thresholds')).toEqual(DEFAULT_THRESHOLDS);
});

test('VACUUM after deleting half the rows shrinks the file and keeps every remaining row', async ({
	page,
}) => {
	await openApp(page, '/#/database');
	await addMonitors(page, 400);
	const all = await call(page, 'monitors.list');
	await Promise.all(
		all.filter((_, i) => i % 2 === 1).map((m) => call(page, 'monitors.delete', { id: m.id })),
	);
	const remaining = await call(page, 'monitors.list');
	expect(remaining).toHaveLength(200);
	const before = await call(page, 'database.status');
	expect(before.freePages).toBeGreaterThan(0);

	await page.getByRole('button', { name: 'Compact (VACUUM)' }).click();
	await expect(page.getByTestId('maintenance-outcome')).toContainText(
		/^Compacted from .* to .*\(VACUUM held the database for/,
	);
	const after = await call(page, 'database.status');
	// At least every free page is gone (half-empty pages are packed too).
	expect(after.sizeBytes).toBeLessThanOrEqual(
		before.sizeBytes - before.freePages * before.pageSize,
	);
	expect(after.freePages).toBe(0);
	expect(await call(page, 'monitors.list')).toEqual(remaining);

	// The rewritten file is what is stored: a reload opens exactly it.
	await page.reload();
	await expect(page.getByTestId('save-indicator')).toHaveText(/All changes saved/);
	expect(await call(page, 'monitors.list')).toEqual(remaining);
	expect((await call(page, 'database.status')).sizeBytes).toBe(after.sizeBytes);
});

test('maintenance: optimize, the integrity verdict, archive and rotation with nothing old enough', async ({
	page,
}) => {
	await openApp(page, '/#/database');
	await addMonitors(page, 30);
	const outcome = page.getByTestId('maintenance-outcome');

	await page.getByRole('button', { name: 'Optimize' }).click();
	await expect(outcome).toContainText(
		/Optimize refreshed the statistics of|statistics were current/,
	);

	await page.getByRole('button', { name: 'Check integrity' }).click();
	await expect(outcome).toContainText(/^Integrity check: ok \(.* checked in .*\)\.$/);

	await page.getByRole('button', { name: 'Archive' }).click();
	await expect(outcome).toHaveText(
		'Nothing is old enough to archive: every row is within the retention period.',
	);

	await page.getByRole('button', { name: 'Rotate now' }).click();
	await expect(outcome).toHaveText(
		'Rotation removed 0 checks, 0 rollup rows and 0 old notifications.',
	);
});

test('the Health section reports every metric, query times and tables, and says when it has no samples yet', async ({
	page,
}) => {
	await openApp(page, '/#/database');
	await addMonitors(page, 5);
	const section = page.getByTestId('health-section');
	for (const metric of ['size', 'memory', 'writeRate', 'queryP95']) {
		await expect(section.getByTestId(`health-${metric}-level`)).toHaveText(/OK/);
	}
	await expect(section.getByTestId('health-query-times')).toHaveText(/ms \/ .*ms \/ .*ms/);
	const report = await call(page, 'health.report');
	// sql.js's WebAssembly memory is read through Emscripten's instantiateWasm hook.
	expect(report.memory.wasmBytes).toBeGreaterThan(MB);
	expect(report.storage?.quota).toBeGreaterThan(0);
	expect(report.writes.lastHour).toBeGreaterThanOrEqual(5);
	expect(report.saves.count).toBeGreaterThan(0);
	expect(report.tables).toContainEqual({ name: 'monitors', rows: 5 });

	// Grouped by normalised SQL: literals never show, whatever statements are slowest right now.
	expect(report.queries.slowest.length).toBeGreaterThan(0);
	for (const s of report.queries.slowest) expect(s.sql).not.toMatch(/'/);
	await section.getByText('Slowest statements').click();
	const slowest = section.getByRole('table', { name: 'Slowest statements' });
	await expect(slowest.locator('tbody tr').first()).toContainText(
		/SELECT|INSERT|UPDATE|DELETE|PRAGMA|COMMIT/,
	);
	await section.getByText('Tables and row counts').click();
	await expect(section.getByRole('table', { name: 'Tables and row counts' })).toContainText(
		'health_samples',
	);
	await expect(section.getByText(/No samples in the last 24 hours yet/)).toBeVisible();
});
