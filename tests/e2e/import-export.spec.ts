/**
 * Import and export in real Chromium: every bad file of the corpus, dropped or picked, is refused with
 * its own message and leaves the stored database byte-for-byte as it was; a good file is previewed
 * against the current database and swapped in only on confirmation; an export is a plain SQLite file
 * that Debian's sqlite3 and Python's sqlite3 open; and export -> fresh browser -> import gives back
 * everything.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectedOutcomes, FIXTURES, newerAppImage, V001, V003 } from '../fixtures/import/build';
import { call, monitorInput, openApp } from './helpers';
import {
	dropFile,
	expectRefusal,
	exportHash,
	importDialog,
	pickFile,
	python3,
	sqlite3,
	storedHash,
} from './support/files';

const made: string[] = [];
/** A private temporary directory (the machine's /tmp is shared), removed after the tests. */
const tmp = () => {
	const dir = mkdtempSync(join(tmpdir(), 'monitor-e2e-'));
	made.push(dir);
	return dir;
};
test.afterAll(() => {
	for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A database with two paused monitors (nothing runs in the background to change it). */
async function withData(page: Page): Promise<void> {
	await openApp(page, '/#/database');
	for (const name of ['Kept one', 'Kept two'])
		await call(page, 'monitors.create', { ...monitorInput(name), enabled: false });
	await call(page, 'database.flush');
}

async function fingerprint(page: Page) {
	await call(page, 'database.flush');
	return {
		stored: await storedHash(page),
		exported: await exportHash(page),
		backups: (await call(page, 'backups.list')).length,
	};
}

test('every bad file of the corpus is refused with its own message, and the stored database stays byte-for-byte the same', async ({
	page,
}) => {
	test.setTimeout(120_000);
	await withData(page);
	const before = await fingerprint(page);
	const dir = tmp();
	const newer = join(dir, 'newer-app.db');
	writeFileSync(newer, await newerAppImage());
	const cases = [
		...Object.entries(expectedOutcomes()).map(([name, outcome]) => ({
			name,
			path: join(FIXTURES, name),
			says: outcome.says,
		})),
		{ name: 'newer-app.db', path: newer, says: 'was made by a newer version of Monitor' },
	];

	for (const [i, c] of cases.entries()) {
		// Half of them dropped onto the page, half chosen with the picker.
		if (i % 2 === 0) await dropFile(page, c.name, readFileSync(c.path));
		else await pickFile(page, c.path);
		await expectRefusal(page, c.says);
		expect(await fingerprint(page), c.name).toEqual(before);
	}
	await expect(page.getByRole('table', { name: 'Backups' })).toHaveCount(0);
	expect((await call(page, 'monitors.list')).map((m) => m.name)).toEqual(['Kept one', 'Kept two']);
});

test('strings from a hostile file are shown as text, never as markup', async ({ page }) => {
	await withData(page);
	await dropFile(
		page,
		'<img src=x onerror=alert(1)>.db',
		readFileSync(join(FIXTURES, 'extra-trigger.db')),
	);
	await expect(page.getByTestId('import-error')).toContainText(
		'an extra view “<img src=x onerror=alert(1)>”',
	);
	await expect(importDialog(page)).toContainText('<img src=x onerror=alert(1)>.db');
	await expect(page.locator('img[src="x"]')).toHaveCount(0);
});

test('a good file: read, check, migrate, then a side-by-side summary; nothing changes until confirmed; then backed up, swapped, durable', async ({
	page,
}) => {
	await withData(page);
	const before = await fingerprint(page);
	const app = (await call(page, 'database.status')).migrations.appSchemaVersion;

	// Cancel first: nothing changes.
	await pickFile(page, V001);
	const dialog = page.getByRole('dialog', { name: 'Replace your database with this file?' });
	await expect(dialog).toBeVisible();
	// Keyboard: the safe choice has the focus, and Escape cancels.
	await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(dialog).toHaveCount(0);
	expect(await fingerprint(page)).toEqual(before);

	await pickFile(page, V001);
	const table = dialog.getByRole('table', { name: 'Current and incoming database' });
	const row = (name: string) => table.getByRole('row', { name: new RegExp(`^${name}`) });
	await expect(row('File')).toContainText('v001.db');
	await expect(row('Schema version').getByRole('cell')).toHaveText([
		String(app),
		`1 (updated to ${app} on import)`,
	]);
	await expect(row('Monitors').getByRole('cell')).toHaveText(['2', '3']);
	await expect(row('Size').getByRole('cell').nth(1)).toHaveText('36 KiB');
	await expect(row('Newest activity').getByRole('cell').first()).toHaveText(/^\d{4}-\d\d-\d\d /);
	await expect(dialog).toContainText('integrity_check');
	expect(await fingerprint(page)).toEqual(before);

	await dialog.getByRole('button', { name: 'Replace database' }).click();
	await expect(
		page.getByText(
			/Imported “v001\.db” \(3 monitors\)\. The database as it was before is backup #1\./,
		),
	).toBeVisible();
	await expect(dialog).toHaveCount(0);
	const backup = page
		.getByRole('table', { name: 'Backups' })
		.getByRole('row', { name: 'Backup #1' });
	await expect(backup).toContainText('before import of v001.db');
	await expect(backup).toContainText('automatic');

	await page.goto('/#/monitors');
	for (const name of ['Homepage', 'API health', 'Webhook'])
		await expect(page.getByRole('listitem', { name })).toBeVisible();
	await page.reload();
	await expect(page.getByRole('listitem', { name: 'Webhook' })).toBeVisible();
	expect((await call(page, 'database.status')).migrations.dbSchemaVersion).toBe(app);
});

test('dropping anywhere shows an overlay; the import reports its stages; a file is taken from another window too', async ({
	page,
}) => {
	await withData(page);
	await page.goto('/#/monitors');
	await page.evaluate(() => {
		const w = globalThis as unknown as {
			stages: string[];
			monitor: { db: { on(e: string, l: (p: { task: string; stage?: string }) => void): void } };
		};
		w.stages = [];
		w.monitor.db.on('progress', (p) => {
			if (p.task === 'import' && p.stage && w.stages.at(-1) !== p.stage) w.stages.push(p.stage);
		});
	});
	await page.evaluate(() => {
		const transfer = new DataTransfer();
		transfer.items.add(new File(['x'], 'x.db'));
		document.body.dispatchEvent(
			new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: transfer }),
		);
	});
	await expect(page.getByTestId('drop-overlay')).toContainText('Drop a database file to import it');
	await page.evaluate(() => {
		const transfer = new DataTransfer();
		transfer.items.add(new File(['x'], 'x.db'));
		document.body.dispatchEvent(
			new DragEvent('dragleave', { bubbles: true, cancelable: true, dataTransfer: transfer }),
		);
	});
	await expect(page.getByTestId('drop-overlay')).toHaveCount(0);

	await dropFile(page, 'v001.db', readFileSync(V001));
	await importDialog(page).getByRole('button', { name: 'Replace database' }).click();
	await expect(page.getByRole('listitem', { name: 'Webhook' })).toBeVisible();
	expect(await page.evaluate(() => (globalThis as unknown as { stages: string[] }).stages)).toEqual(
		['check', 'migrate', 'save'],
	);

	// A second window follows the first; a file dropped there is checked and swapped in by the owner.
	const other = await page.context().newPage();
	await openApp(other, '/#/monitors');
	await dropFile(other, 'v003.db', readFileSync(V003));
	const dialog = importDialog(other);
	await expect(dialog.getByRole('table')).toContainText('v003.db');
	await dialog.getByRole('button', { name: 'Replace database' }).click();
	await expect(other.getByText(/Imported “v003\.db”/)).toBeVisible();
	// Both windows refresh.
	expect((await call(page, 'backups.list')).map((b) => b.detail)).toEqual([
		'of v003.db',
		'of v001.db',
	]);
	await expect(page.getByRole('listitem', { name: 'Homepage' })).toBeVisible();
});

test('the installed app opened with a .db file imports it (launchQueue)', async ({ page }) => {
	await page.addInitScript(() => {
		const w = globalThis as unknown as {
			launchQueue: unknown;
			launch?: (params: unknown) => void;
		};
		// Chromium has a launchQueue of its own (read-only); only an installed app's launch fills it.
		Object.defineProperty(w, 'launchQueue', {
			configurable: true,
			value: { setConsumer: (consumer: (params: unknown) => void) => (w.launch = consumer) },
		});
	});
	await withData(page);
	await page.evaluate(
		([base64]) => {
			const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
			const file = new File([data], 'opened.db');
			const w = globalThis as unknown as { launch: (params: unknown) => void };
			w.launch({
				files: [{ kind: 'file', name: 'opened.db', getFile: () => Promise.resolve(file) }],
			});
		},
		[readFileSync(V003).toString('base64')] as const,
	);
	const dialog = page.getByRole('dialog', { name: 'Replace your database with this file?' });
	await expect(dialog).toContainText('opened.db');
	await dialog.getByRole('button', { name: 'Replace database' }).click();
	await expect(page.getByText(/Imported “opened\.db” \(3 monitors\)/)).toBeVisible();
});

test('the page hands the file to the worker: its buffer is transferred, not copied', async ({
	page,
}) => {
	await withData(page);
	const sizes = await page.evaluate(async (base64) => {
		const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
		const before = bytes.byteLength;
		const handle = (
			globalThis as unknown as {
				monitor: {
					db: {
						callTransfer(m: string, a: unknown, t: Transferable[]): Promise<{ token: string }>;
						call(m: string, a: unknown): Promise<unknown>;
					};
				};
			}
		).monitor;
		const pending = handle.db.callTransfer('import.inspect', { bytes, name: 'a.db' }, [
			bytes.buffer,
		]);
		const after = bytes.byteLength;
		const { token } = await pending;
		await handle.db.call('import.cancel', { token });
		return { before, after };
	}, readFileSync(V003).toString('base64'));
	expect(sizes).toEqual({ before: readFileSync(V003).length, after: 0 });
});

test.describe('export', () => {
	test.use({ acceptDownloads: true });

	test('a download where there is no save picker: a plain SQLite file, warned about secrets once, recorded, on Ctrl+Shift+E too', async ({
		page,
	}) => {
		// Firefox and Safari have no File System Access API: take it away so browser-fs-access downloads.
		await page.addInitScript(() => {
			delete (globalThis as { showOpenFilePicker?: unknown }).showOpenFilePicker;
			delete (globalThis as { showSaveFilePicker?: unknown }).showSaveFilePicker;
		});
		await withData(page);
		await call(page, 'monitors.create', {
			...monitorInput('With secret'),
			enabled: false,
			headers: { Authorization: 'Bearer s3cret' },
		});
		await expect(page.getByTestId('export-facts')).toContainText('saved to your downloads');
		await expect(page.getByTestId('export-facts')).toContainText('Last export: never');
		await expect(page.getByTestId('export-secrets')).toContainText('stored in clear');

		await page.getByRole('button', { name: 'Export database' }).click();
		const warning = page.getByRole('dialog', { name: 'The export holds secrets' });
		await expect(warning).toContainText('request headers of your monitors');
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			warning.getByRole('button', { name: 'Export' }).click(),
		]);
		const today = await page.evaluate(() => {
			const d = new Date();
			const pad = (n: number) => String(n).padStart(2, '0');
			return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
		});
		expect(download.suggestedFilename()).toBe(`monitor-${today}.db`);
		const file = join(tmp(), download.suggestedFilename());
		await download.saveAs(file);
		await expect(
			page.getByText(`Exported: monitor-${today}.db is in your downloads.`),
		).toBeVisible();

		// Outside the app: Debian's sqlite3 and Python's sqlite3 open it, find it whole, read every table.
		const bytes = readFileSync(file);
		expect([bytes[18], bytes[19]]).toEqual([1, 1]);
		for (const run of [sqlite3, python3]) {
			expect(run(file, 'PRAGMA integrity_check')).toEqual(['ok']);
			expect(run(file, 'PRAGMA journal_mode')).toEqual(['delete']);
			const tables = run(file, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
			expect(tables).toEqual(
				expect.arrayContaining(['_migrations', 'checks', 'monitors', 'settings']),
			);
			const counts = run(file, tables.map((t) => `SELECT '${t}', count(*) FROM "${t}"`).join(';'));
			expect(counts).toHaveLength(tables.length);
			expect(run(file, 'SELECT name, headers FROM monitors ORDER BY name')).toEqual([
				'Kept one|{}',
				'Kept two|{}',
				'With secret|{"Authorization":"Bearer s3cret"}',
			]);
		}

		// The export is recorded (the Database page and the backup reminder read it).
		await expect(page.getByTestId('export-facts')).toContainText(`Last export: ${today}`);
		await expect(page.getByTestId('last-export')).toContainText(today);
		const recorded = (await call(page, 'database.status')).lastExportAt;
		expect(recorded).toBeGreaterThan(0);

		// The warning is remembered; the shortcut exports too.
		await page.reload();
		await expect(page.getByRole('button', { name: 'Export database' })).toHaveAttribute(
			'aria-keyshortcuts',
			'Control+Shift+E Meta+Shift+E',
		);
		await expect(page.getByText('or press')).toContainText('Ctrl+Shift+E');
		const [again] = await Promise.all([
			page.waitForEvent('download'),
			page.keyboard.press('Control+Shift+E'),
		]);
		expect(again.suggestedFilename()).toBe(`monitor-${today}.db`);
		await expect(page.getByRole('dialog', { name: 'The export holds secrets' })).toHaveCount(0);
		await expect
			.poll(async () => (await call(page, 'database.status')).lastExportAt)
			.toBeGreaterThanOrEqual(recorded!);
	});

	test('the save picker where the browser has one: suggested name, the whole file written', async ({
		page,
	}) => {
		// Headless Chromium cannot show the native picker: stand in for it and keep what is written.
		await page.addInitScript(() => {
			const w = globalThis as unknown as {
				saved: { name: string; bytes: number[]; types: unknown } | null;
				showSaveFilePicker: (options: { suggestedName: string; types: unknown }) => unknown;
			};
			w.saved = null;
			w.showSaveFilePicker = (options) => {
				const parts: Blob[] = [];
				return Promise.resolve({
					kind: 'file',
					name: options.suggestedName,
					createWritable: () =>
						Promise.resolve({
							write: (data: Blob) => {
								parts.push(data);
								return Promise.resolve();
							},
							close: async () => {
								const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
								w.saved = { name: options.suggestedName, bytes: [...bytes], types: options.types };
							},
						}),
				});
			};
			localStorage.setItem('monitor.export.secretsWarnedAt', '1');
		});
		await withData(page);
		await expect(page.getByTestId('export-facts')).toContainText('You choose where to save it.');
		await page.getByRole('button', { name: 'Export database' }).click();
		await expect(page.getByText(/^Exported monitor-\d{4}-\d\d-\d\d\.db\.$/)).toBeVisible();
		const saved = await page.evaluate(
			() =>
				(globalThis as unknown as { saved: { name: string; bytes: number[]; types: unknown } })
					.saved,
		);
		expect(saved.name).toMatch(/^monitor-\d{4}-\d\d-\d\d\.db$/);
		expect(saved.types).toEqual([
			{ description: 'Monitor database', accept: { 'application/vnd.sqlite3': ['.db'] } },
		]);
		const file = join(tmp(), saved.name);
		writeFileSync(file, new Uint8Array(saved.bytes));
		expect(sqlite3(file, 'SELECT name FROM monitors ORDER BY name')).toEqual([
			'Kept one',
			'Kept two',
		]);
	});
});

test('done means: export, clear site data (a fresh browser profile), import, and everything is as it was', async ({
	browser,
}) => {
	test.setTimeout(120_000);
	const dir = tmp();
	const first = await browser.newContext({ acceptDownloads: true });
	const a = await first.newPage();
	await a.addInitScript(() => localStorage.setItem('monitor.export.secretsWarnedAt', '1'));
	await a.addInitScript(() => {
		delete (globalThis as { showOpenFilePicker?: unknown }).showOpenFilePicker;
		delete (globalThis as { showSaveFilePicker?: unknown }).showSaveFilePicker;
	});
	// History to keep: the v003 fixture (checks, events, rollups), plus a monitor and a setting of our own.
	await openApp(a, '/#/database');
	await pickFile(a, V003);
	await importDialog(a).getByRole('button', { name: 'Replace database' }).click();
	await expect(a.getByText(/Imported “v003\.db”/)).toBeVisible();
	for (const m of await call(a, 'monitors.list'))
		await call(a, 'monitors.setEnabled', { id: m.id, enabled: false });
	await call(a, 'monitors.create', {
		...monitorInput('Mine'),
		enabled: false,
		headers: { 'X-Api-Key': 'k' },
	});
	await call(a, 'settings.update', { retentionDays: 45 });
	const monitorsBefore = await call(a, 'monitors.list');
	const [download] = await Promise.all([
		a.waitForEvent('download'),
		a.getByRole('button', { name: 'Export database' }).click(),
	]);
	const exported = join(dir, 'exported.db');
	await download.saveAs(exported);
	await first.close();

	const second = await browser.newContext({ acceptDownloads: true });
	const b = await second.newPage();
	await openApp(b, '/#/database');
	expect(await call(b, 'monitors.list')).toEqual([]);
	await pickFile(b, exported);
	const dialog = importDialog(b);
	await expect(dialog.getByRole('row', { name: /^Monitors/ }).getByRole('cell')).toHaveText([
		'0',
		String(monitorsBefore.length),
	]);
	await dialog.getByRole('button', { name: 'Replace database' }).click();
	await expect(b.getByText(/Imported “exported\.db”/)).toBeVisible();

	expect(await call(b, 'monitors.list')).toEqual(monitorsBefore);
	expect(await call(b, 'settings.get')).toEqual({ retentionDays: 45 });
	// Every table, row for row: the live database exported again equals the file it came from.
	const again = join(dir, 'again.db');
	const bytes = await b.evaluate(async () => {
		const handle = (
			globalThis as unknown as {
				monitor: { db: { call(m: string): Promise<{ bytes: Uint8Array }> } };
			}
		).monitor;
		return [...(await handle.db.call('database.export')).bytes];
	});
	writeFileSync(again, new Uint8Array(bytes));
	// The one difference: the activity log's line telling of this import, written into the new database.
	const [told] = sqlite3(
		again,
		"SELECT message FROM app_log WHERE message LIKE 'Imported exported.db%'",
	);
	expect(told).toMatch(
		/^Imported exported\.db \(\d+ monitors\); the database before it is backup #\d+\.$/,
	);
	sqlite3(again, "DELETE FROM app_log WHERE message LIKE 'Imported exported.db%'");
	// And the request ledger's row for the import call itself (a retry after a hand-over is answered
	// from it, not imported twice: runtime/handlers/once.ts).
	const importCall = 'FROM _requests WHERE result LIKE \'{"safety":%"filename":"exported.db"%\'';
	expect(sqlite3(again, `SELECT count(*) ${importCall}`)).toEqual(['1']);
	sqlite3(again, `DELETE ${importCall}`);
	expect(sqlite3(again, '.dump')).toEqual(sqlite3(exported, '.dump'));
	await b.goto('/#/monitors');
	await b.reload();
	await expect(b.getByRole('listitem', { name: 'Mine' })).toBeVisible();
	await second.close();
});
