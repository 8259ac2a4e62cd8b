import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import initSqlJs from 'sql.js';
import { planSave } from '../../src/worker/core/persistence/plan';
import { realMigrations } from '../unit/helpers';
import { call, monitorInput, openApp } from './helpers';
import { sqlite3 } from './support/files';

const PASSPHRASE = 'correct horse battery staple';

test.use({ acceptDownloads: true });

/** The live database as an export gives it, copied out of the page. */
async function exported(page: Page): Promise<Uint8Array> {
	const bytes = await page.evaluate(async () => {
		const handle = (
			globalThis as unknown as {
				monitor: { db: { call(m: string): Promise<{ bytes: Uint8Array }> } };
			}
		).monitor;
		return Array.from((await handle.db.call('database.export')).bytes);
	});
	return new Uint8Array(bytes);
}

/** Stores `image` as the origin's database, in place of the one there, while no window is open. */
async function storeImage(page: Page, image: Uint8Array): Promise<void> {
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
			await new Promise((resolve, reject) => {
				const request = indexedDB.deleteDatabase('monitor');
				request.onsuccess = resolve;
				request.onerror = () => reject(new Error(String(request.error)));
			});
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
}

test('a database from a newer app, protected by a passphrase, opens read-only: it unlocks, and exports', async ({
	page,
}) => {
	// Headless Chromium has no save dialog to answer: take the download path browsers without one use.
	await page.addInitScript(() => {
		delete (globalThis as { showOpenFilePicker?: unknown }).showOpenFilePicker;
		delete (globalThis as { showSaveFilePicker?: unknown }).showSaveFilePicker;
	});
	await openApp(page);
	await call(page, 'monitors.create', { ...monitorInput('Kept', 3600), enabled: false });
	await call(page, 'account.setPassphrase', { passphrase: PASSPHRASE });

	// The same database as a newer app leaves it: a migration this build does not know.
	const SQL = await initSqlJs();
	const file = new SQL.Database(await exported(page));
	const next = (await realMigrations()).length + 1;
	file.run(
		'INSERT INTO _migrations (id, filename, checksum, applied_at, duration_ms) VALUES (?, ?, ?, ?, 1)',
		[next, `${String(next).padStart(3, '0')}_from_the_future.sql`, 'f'.repeat(64), Date.now()],
	);
	file.exec(`PRAGMA user_version = ${next}`);
	const image = file.export();
	file.close();
	await storeImage(page, image);

	await page.goto('/');
	await expect(page.getByRole('heading', { name: 'Monitor is locked' })).toBeVisible();
	await page.getByLabel('Passphrase').fill('not the passphrase');
	await page.getByRole('button', { name: 'Unlock' }).click();
	await expect(page.getByText('That passphrase is not the right one.')).toBeVisible();
	await page.getByLabel('Passphrase').fill(PASSPHRASE);
	await page.getByRole('button', { name: 'Unlock' }).click();
	await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();

	await page.goto('/#/database');
	await expect(page.getByText('The database is open read-only')).toBeVisible();
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Export database' }).click(),
	]);
	const saved = join(mkdtempSync(join(tmpdir(), 'monitor-read-only-')), 'monitor.db');
	await download.saveAs(saved);
	expect(sqlite3(saved, 'SELECT name FROM monitors')).toEqual(['Kept']);
	expect(sqlite3(saved, 'SELECT count(*) FROM users')).toEqual(['1']);

	// The lock still works on a database that cannot be written.
	await page.getByRole('button', { name: 'Lock Monitor' }).click();
	await expect(page.getByRole('heading', { name: 'Monitor is locked' })).toBeVisible();
});
