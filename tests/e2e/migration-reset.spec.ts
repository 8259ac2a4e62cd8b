/**
 * "Reset from here" and "Dry run pending migrations" on the Database page, in Chromium: a reset on a
 * database with data keeps every row (the file exported before and after, compared table by table in
 * Node with sql.js), lists its before-reset backup, reports the seed's timings, is saved (a reload
 * sees the same rows) and is in the activity log.
 */
import { expect, test, type Page } from '@playwright/test';
import initSqlJs from 'sql.js';
import { call, monitorInput, openApp } from './helpers';

type Dump = Record<string, unknown[]>;

/** Every table of the live database (as an export gives it), rows in rowid or primary key order. */
async function dump(page: Page): Promise<Dump> {
	const base64 = await page.evaluate(async () => {
		const handle = (
			globalThis as unknown as {
				monitor: { db: { call(m: string): Promise<{ bytes: Uint8Array }> } };
			}
		).monitor;
		const { bytes } = await handle.db.call('database.export');
		let text = '';
		for (const byte of bytes) text += String.fromCharCode(byte);
		return btoa(text);
	});
	const SQL = await initSqlJs();
	const db = new SQL.Database(Buffer.from(base64, 'base64'));
	try {
		const tables = db.exec(
			"SELECT name, (SELECT wr FROM pragma_table_list WHERE name = s.name) FROM sqlite_schema s WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_migrations' ORDER BY name",
		)[0]!.values;
		const rows: Dump = {};
		for (const [name, withoutRowid] of tables) {
			const order = withoutRowid ? '1, 2, 3' : 'rowid';
			rows[String(name)] =
				db.exec(`SELECT * FROM "${String(name)}" ORDER BY ${order}`)[0]?.values ?? [];
		}
		return rows;
	} finally {
		db.close();
	}
}

/** The rows of `before` are all in `after`, unchanged; only the tables listed may have gained rows. */
function expectKept(before: Dump, after: Dump, mayGrow: readonly string[]): void {
	expect(Object.keys(after)).toEqual(Object.keys(before));
	for (const [table, rows] of Object.entries(before)) {
		// A table that may grow keeps every row it had (in a WITHOUT ROWID table a new key may sort
		// between old ones: the reset's own `_requests` row, say).
		if (mayGrow.includes(table)) expect(after[table], table).toEqual(expect.arrayContaining(rows));
		else expect(after[table], table).toEqual(rows);
	}
}

test('a reset from the Database page keeps every row, lists its backup and reports the timings', async ({
	page,
}) => {
	await openApp(page, '/#/database');
	for (const name of ['Alpha', 'Beta', 'Gamma']) {
		await call(page, 'monitors.create', { ...monitorInput(name, 10), timeoutMs: 500 });
	}
	// Checks of an unreachable address, so the checks, status, events and rollups tables hold rows.
	await expect
		.poll(
			async () => (await call(page, 'monitors.overview')).filter((m) => m.status.lastCheck).length,
			{
				timeout: 20_000,
			},
		)
		.toBe(3);
	for (const monitor of await call(page, 'monitors.list')) {
		await call(page, 'monitors.setEnabled', { id: monitor.id, enabled: false });
	}
	await call(page, 'database.flush');
	const before = await dump(page);
	expect(before.checks!.length).toBeGreaterThan(0);
	expect(before.monitors).toHaveLength(3);

	const card = page.getByRole('region', { name: 'Migrations' });
	await card.getByRole('button', { name: 'Reset from here (003_checks.sql)' }).click();
	const dialog = page.getByRole('dialog');
	await expect(dialog).toContainText('undoes it and the 8 later migrations');
	await dialog.getByRole('button', { name: 'Back up and reset' }).click();

	const report = card.getByRole('status', { name: 'Reset report' });
	await expect(report).toContainText(
		/Reset from 003_checks\.sql; the database before it is backup #\d+/,
	);
	await expect(report).toContainText(/↩️ {2}Undone: 011_maintenance_windows\.sql \([\d.]+m?s\)/);
	await expect(report).toContainText(/✅ Applied: 003_checks\.sql \([\d.]+m?s\)/);
	await expect(report).toContainText(
		/⏱️ {2}Performance:\s+Total time: [\d.]+m?s\s+Average: [\d.]+m?s per migration/,
	);
	await expect(report).toContainText(/Whole reset: [\d.]+m?s, [\d,]+ rows of \d+ tables kept/);

	const shots = process.env.A11Y_SCREENSHOTS;
	if (shots) {
		for (const colorScheme of ['light', 'dark'] as const) {
			await page.emulateMedia({ colorScheme });
			await card.screenshot({ path: `${shots}/Migrations-reset-${colorScheme}.png` });
		}
	}

	const backups = page.getByRole('table', { name: 'Backups' });
	await expect(backups.getByRole('row', { name: /Backup #\d+/ }).first()).toContainText(
		'before reset from 003_checks.sql',
	);
	const activity = page.getByRole('list', { name: 'Activity log' });
	await expect(activity.getByRole('listitem').first()).toContainText(
		/Resets\s*Reset from 003_checks\.sql: undone 011_maintenance_windows\.sql/,
	);

	await call(page, 'database.flush');
	const after = await dump(page);
	// The reset's own line in the log, and whatever the health sampler wrote meanwhile, are new.
	expectKept(before, after, ['app_log', 'health_samples', '_requests']);
	expect(after.app_log!.length).toBeGreaterThan(before.app_log!.length);

	// Saved: a reload reads the same rows back from IndexedDB.
	await openApp(page, '/#/database');
	expectKept(after, await dump(page), ['app_log', 'health_samples', '_requests']);
	expect((await call(page, 'database.status')).migrations.verdict).toBe('up-to-date');
});

test('a dry run of pending migrations runs on a copy and says what it found', async ({ page }) => {
	await openApp(page, '/#/database');
	const card = page.getByRole('region', { name: 'Migrations' });
	const status = await call(page, 'database.status');
	await card.getByRole('button', { name: 'Dry run pending migrations' }).click();
	const report = card.getByRole('status', { name: 'Dry run report' });
	await expect(report).toContainText('🧪 Dry run on a copy of the database: nothing was written');
	await expect(report).toContainText(
		`✅ Nothing pending: schema version ${status.migrations.appSchemaVersion} is this app's latest.`,
	);
	expect((await call(page, 'database.status')).generation).toBe(status.generation);
	await report.getByRole('button', { name: 'Close' }).click();
	await expect(report).toHaveCount(0);
});
