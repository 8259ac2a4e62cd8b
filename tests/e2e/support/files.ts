/** Import and export helpers for the end-to-end tests: handing files to the app, and fingerprinting its data. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';

/**
 * SHA-256 over everything the app stores of the database in IndexedDB: the manifest and every chunk.
 * Equal before and after means the stored database is byte-for-byte unchanged.
 */
export function storedHash(page: Page): Promise<string> {
	return page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const request = indexedDB.open('monitor');
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(new Error(String(request.error)));
		});
		const get = <T>(request: IDBRequest<T>) =>
			new Promise<T>((resolve, reject) => {
				request.onsuccess = () => resolve(request.result);
				request.onerror = () => reject(new Error(String(request.error)));
			});
		const store = db.transaction('database').objectStore('database');
		const chunks = IDBKeyRange.bound(0, Infinity);
		const [manifest, keys, values] = await Promise.all([
			get(store.get('manifest')),
			get(store.getAllKeys(chunks)),
			get(store.getAll(chunks)),
		]);
		db.close();
		// 64-bit chunk hashes are BigInts (a BigUint64Array): written out as decimal text.
		const text = new TextEncoder().encode(
			JSON.stringify({ manifest, keys }, (_key, value: unknown) =>
				typeof value === 'bigint' ? value.toString() : value,
			),
		);
		const parts = [text, ...(values as Uint8Array[])];
		const all = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
		let at = 0;
		for (const part of parts) {
			all.set(part, at);
			at += part.byteLength;
		}
		const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
		return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
	});
}

/** SHA-256 of the live database as an export gives it (computed in the page: no large copy to Node). */
export function exportHash(page: Page): Promise<string> {
	return page.evaluate(async () => {
		const handle = (
			globalThis as unknown as {
				monitor: { db: { call(m: string): Promise<{ bytes: Uint8Array<ArrayBuffer> }> } };
			}
		).monitor;
		const { bytes } = await handle.db.call('database.export');
		const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
		return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
	});
}

/** Drags a file over the page and drops it, as a person does from their file manager. */
export async function dropFile(page: Page, name: string, bytes: Uint8Array): Promise<void> {
	await page.evaluate(
		([fileName, base64]) => {
			const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
			const transfer = new DataTransfer();
			transfer.items.add(new File([data], fileName));
			for (const type of ['dragenter', 'dragover', 'drop']) {
				document.body.dispatchEvent(
					new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }),
				);
			}
		},
		[name, Buffer.from(bytes).toString('base64')] as const,
	);
}

/** Chooses a file with the Database page's "Import a database file…" button. */
export async function pickFile(page: Page, path: string): Promise<void> {
	const [chooser] = await Promise.all([
		page.waitForEvent('filechooser'),
		page.getByRole('button', { name: 'Import a database file…' }).click(),
	]);
	await chooser.setFiles(path);
}

/** The import dialog, whatever its stage. */
export const importDialog = (page: Page) => page.getByTestId('import-dialog');

/** Waits for the import's answer to a bad file and closes the dialog. */
export async function expectRefusal(page: Page, says: string): Promise<void> {
	const message = page.getByTestId('import-error');
	await expect(message).toContainText(says);
	await expect(importDialog(page)).toContainText('Your database was not changed.');
	await importDialog(page).getByRole('button', { name: 'Close' }).click();
	await expect(importDialog(page)).toHaveCount(0);
}

const SQLITE3 = ['/usr/bin/sqlite3', '/usr/local/bin/sqlite3'].find((p) => existsSync(p));

/** Runs statements with Debian's sqlite3 tool; one output line per row, columns joined with `|`. */
export function sqlite3(file: string, sql: string): string[] {
	if (!SQLITE3) throw new Error('sqlite3 is not installed (apt-get install sqlite3)');
	return execFileSync(SQLITE3, [file, sql], { encoding: 'utf8' }).trim().split('\n');
}

/** The same with Python's sqlite3 module: a second, independent SQLite build. */
export function python3(file: string, sql: string): string[] {
	const script = [
		'import sqlite3, sys',
		'c = sqlite3.connect(sys.argv[1])',
		'for s in sys.argv[2].split(";"):',
		'    s = s.strip()',
		'    if s:',
		'        for r in c.execute(s): print("|".join(map(str, r)))',
	].join('\n');
	return execFileSync('python3', ['-c', script, file, sql], { encoding: 'utf8' })
		.trim()
		.split('\n');
}
