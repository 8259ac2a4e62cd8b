import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import initSqlJs from 'sql.js';
import type { TaskProgress } from '../../src/shared/backups';
import { planSave } from '../../src/worker/core/persistence/plan';
import { call, monitorInput, openApp } from './helpers';

const SQLITE3 = ['/usr/bin/sqlite3', '/usr/local/bin/sqlite3'].find((p) => existsSync(p));

/** Asks the stock sqlite3 (or Python's sqlite3 module) about a downloaded file. */
function query(file: string, sql: string): string[] {
	const out = SQLITE3
		? execFileSync(SQLITE3, [file, sql], { encoding: 'utf8' })
		: execFileSync(
				'python3',
				[
					'-c',
					'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nfor s in sys.argv[2].split(";"):\n  s=s.strip()\n  if s:\n    for r in c.execute(s): print("|".join(map(str,r)))',
					file,
					sql,
				],
				{ encoding: 'utf8' },
			);
	return out.trim().split('\n');
}

const names = async (page: Page) => (await call(page, 'monitors.list')).map((m) => m.name).sort();

const backupsTable = (page: Page) => page.getByRole('table', { name: 'Backups' });

test('back up now, download a plain .db file, restore it (backing up first), and delete a backup', async ({
	page,
}) => {
	const dir = mkdtempSync(join(tmpdir(), 'monitor-e2e-'));
	await openApp(page, '/#/database');
	for (const name of ['Alpha', 'Beta', 'Gamma'])
		await call(page, 'monitors.create', monitorInput(name));

	await expect(page.getByText('keeps the last 10 of these automatic backups')).toBeVisible();
	await expect(page.getByText('kept until you delete them')).toBeVisible();
	await page.getByRole('button', { name: 'Back up now' }).click();
	const row = backupsTable(page).getByRole('row', { name: 'Backup #1' });
	await expect(row).toContainText('manual');
	await expect(row).toContainText('kept until deleted');
	const schema = String((await call(page, 'database.status')).migrations.appSchemaVersion);
	await expect(row.getByRole('cell').nth(3)).toHaveText(schema);
	await expect(row.getByRole('cell').nth(4)).toHaveText('3'); // monitors

	// The download is the database file itself: stock sqlite3 opens it and finds the rows.
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		row.getByRole('button', { name: /^Download backup #1 from/ }).click(),
	]);
	expect(download.suggestedFilename()).toMatch(/^monitor-\d{4}-\d\d-\d\d-\d{6}-manual\.db$/);
	const file = join(dir, download.suggestedFilename());
	await download.saveAs(file);
	expect(query(file, 'PRAGMA integrity_check')).toEqual(['ok']);
	expect(query(file, 'SELECT name FROM monitors ORDER BY name')).toEqual([
		'Alpha',
		'Beta',
		'Gamma',
	]);
	expect(query(file, 'PRAGMA user_version')).toEqual([schema]);

	// Change things, then restore the backup.
	const [alpha] = (await call(page, 'monitors.list')).filter((m) => m.name === 'Alpha');
	await call(page, 'monitors.delete', { id: alpha!.id });
	await call(page, 'monitors.create', monitorInput('Delta'));
	await page.goto('/#/monitors');
	await expect(page.getByRole('listitem', { name: 'Delta' })).toBeVisible();
	await page.goto('/#/database');

	await backupsTable(page)
		.getByRole('row', { name: 'Backup #1' })
		.getByRole('button', { name: /^Restore backup #1/ })
		.click();
	const dialog = page.getByRole('dialog', { name: 'Restore this backup?' });
	await expect(dialog).toContainText('backs up the current database first');
	await dialog.getByRole('button', { name: 'Restore' }).click();
	await expect(
		page.getByText(/Restored backup #1\. The database as it was before is backup #2\./),
	).toBeVisible();
	expect(await names(page)).toEqual(['Alpha', 'Beta', 'Gamma']);

	// The state the restore replaced was backed up first.
	const safety = backupsTable(page).getByRole('row', { name: 'Backup #2' });
	await expect(safety).toContainText('before restore of backup #1');
	await expect(safety).toContainText('automatic');
	const before = await call(page, 'backups.download', { id: 2 });
	const beforeFile = join(dir, 'before-restore.db');
	writeFileSync(beforeFile, new Uint8Array(Object.values(before.bytes)));
	expect(query(beforeFile, 'SELECT name FROM monitors ORDER BY name')).toEqual([
		'Beta',
		'Delta',
		'Gamma',
	]);

	// Every view refreshed from the 'changed' event, and the restore is durable.
	await page.goto('/#/monitors');
	await expect(page.getByRole('listitem', { name: 'Alpha' })).toBeVisible();
	await expect(page.getByRole('listitem', { name: 'Delta' })).toHaveCount(0);
	await page.reload();
	await expect(page.getByRole('listitem', { name: 'Alpha' })).toBeVisible();
	expect(await names(page)).toEqual(['Alpha', 'Beta', 'Gamma']);

	await page.goto('/#/database');
	await backupsTable(page)
		.getByRole('row', { name: 'Backup #1' })
		.getByRole('button', { name: /^Delete backup #1/ })
		.click();
	await page
		.getByRole('dialog', { name: 'Delete this backup?' })
		.getByRole('button', { name: 'Delete' })
		.click();
	await expect(backupsTable(page).getByRole('row', { name: 'Backup #1' })).toHaveCount(0);
	await expect(backupsTable(page).getByRole('row', { name: 'Backup #2' })).toBeVisible();
	expect((await call(page, 'backups.list')).map((b) => b.id)).toEqual([2]);
});

test('retention: of 12 automatic backups the last 10 are kept, and every manual one', async ({
	page,
}) => {
	await openApp(page, '/#/database');
	await call(page, 'monitors.create', monitorInput('Only'));
	const manual = await call(page, 'backups.create');
	// Each restore makes an automatic "before restore" backup.
	for (let i = 0; i < 12; i++) await call(page, 'backups.restore', { id: manual.id });
	const manual2 = await call(page, 'backups.create');

	const list = await call(page, 'backups.list');
	const automatic = list.filter((b) => b.reason !== 'manual');
	expect(automatic).toHaveLength(10);
	expect(automatic.map((b) => b.id)).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4]);
	expect(list.filter((b) => b.reason === 'manual').map((b) => b.id)).toEqual([
		manual2.id,
		manual.id,
	]);

	await page.reload();
	await expect(backupsTable(page).getByRole('row')).toHaveCount(1 + 12);
	await expect(
		backupsTable(page).getByRole('row', { name: 'Backup #1', exact: true }),
	).toBeVisible();
});

test('a backup reports its progress and stores compressed chunks below 64 KiB in its own database', async ({
	page,
}) => {
	await openApp(page, '/#/database');
	await Promise.all(
		Array.from({ length: 300 }, (_, i) =>
			call(page, 'monitors.create', monitorInput(`Monitor ${i}`)),
		),
	);
	await page.evaluate(() => {
		const w = globalThis as unknown as {
			progress: TaskProgress[];
			monitor: { db: { on(e: string, l: (p: TaskProgress) => void): void } };
		};
		w.progress = [];
		w.monitor.db.on('progress', (p) => w.progress.push(p));
	});
	const info = await call(page, 'backups.create');
	expect(info.compression).toBe('gzip');
	expect(info.storedBytes).toBeLessThan(info.sizeBytes / 2);

	const progress = await page.evaluate(
		() => (globalThis as unknown as { progress: TaskProgress[] }).progress,
	);
	expect(progress.some((p) => p.task === 'backup' && p.fraction === 1)).toBe(true);
	expect(progress.at(-1)).toEqual({ task: null, step: '', fraction: null });

	const stored = await page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const request = indexedDB.open('monitor-backups');
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(new Error(String(request.error)));
		});
		const store = db.transaction('backups').objectStore('backups');
		const chunks = await new Promise<Uint8Array[]>((resolve) => {
			const request = store.getAll(IDBKeyRange.bound([1, 0, 0], [1, Infinity, Infinity]));
			request.onsuccess = () => resolve(request.result as Uint8Array[]);
		});
		db.close();
		return { count: chunks.length, largest: Math.max(...chunks.map((c) => c.byteLength)) };
	});
	expect(stored.count).toBeGreaterThan(0);
	expect(stored.largest).toBeLessThanOrEqual(63 * 1024);
});

test('a migration that fails in the browser names the file and the reason, keeps the data read-only and the backup', async ({
	page,
}) => {
	// A stored database from before the ledger: it already has a `settings` table, so 001_init.sql fails.
	const SQL = await initSqlJs();
	const old = new SQL.Database();
	old.exec(
		"CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT); INSERT INTO settings VALUES ('theme', 'dark');",
	);
	const image = old.export();
	const plan = planSave(image, null, null, {
		chunkSize: 32 * 1024,
		pageSize: 4096,
		schemaVersion: 0,
		writerId: 'fixture',
		now: Date.now(),
	});
	await page.goto('/favicon.svg');
	await page.evaluate(
		async ({ writes, manifest }) => {
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const request = indexedDB.open('monitor');
				request.onupgradeneeded = () => request.result.createObjectStore('database');
				request.onsuccess = () => resolve(request.result);
				request.onerror = () => reject(new Error(String(request.error)));
			});
			const tx = db.transaction('database', 'readwrite');
			const store = tx.objectStore('database');
			for (const write of writes) store.put(new Uint8Array(write.bytes), write.index);
			store.put(manifest, 'manifest');
			await new Promise((resolve) => (tx.oncomplete = resolve));
			db.close();
		},
		{
			writes: plan.writes.map((w) => ({ index: w.index, bytes: Array.from(w.bytes) })),
			manifest: plan.manifest,
		},
	);

	await page.goto('/#/database');
	await expect(page.getByText('The database is open read-only')).toBeVisible();
	const alert = page.getByRole('alert').filter({ hasText: 'Read-only.' });
	await expect(alert).toContainText(
		'Updating the database failed in 001_init.sql: table settings already exists.',
	);
	await expect(alert).toContainText('Nothing was changed: the database stays on schema version 0');
	await expect(alert).toContainText('A backup from before the update (#1) is listed under Backups');
	const row = backupsTable(page).getByRole('row', { name: 'Backup #1' });
	await expect(row).toContainText('before migration 001_init.sql');
	await expect(row.getByRole('cell').nth(3)).toHaveText('0');

	// The backup is the stored file, byte for byte; the stored file itself was not touched.
	const backup = await call(page, 'backups.download', { id: 1 });
	expect(Buffer.from(Object.values(backup.bytes)).equals(Buffer.from(image))).toBe(true);
	await page.reload();
	await expect(page.getByText('Updating the database failed in 001_init.sql')).toBeVisible();
	// The retry at the next start does not pile up copies of the same file.
	expect((await call(page, 'backups.list')).map((b) => b.id)).toEqual([1]);
	const status = await call(page, 'database.status');
	expect(status.migrations.dbSchemaVersion).toBe(0);
});
