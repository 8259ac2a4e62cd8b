import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import initSqlJs from 'sql.js';
import { call, monitorInput, openApp } from './helpers';

async function addMonitorThroughUi(page: Page, name: string, first: boolean): Promise<void> {
	await page
		.getByRole('button', { name: first ? 'Add your first monitor' : 'Add monitor' })
		.click();
	const dialog = page.getByRole('dialog', { name: 'Add monitor' });
	await dialog.getByLabel('Name').fill(name);
	await dialog.getByLabel('URL').fill(`http://127.0.0.2:9/${name.length}`);
	await dialog.getByRole('button', { name: 'Add monitor' }).click();
	await expect(page.getByRole('listitem', { name })).toBeVisible();
}

test('persistent storage is asked for when the first monitor is saved, never on load; the Database page shows how safe the data is', async ({
	page,
}) => {
	await page.addInitScript(() => {
		const calls = { persist: 0 };
		(globalThis as { __storageCalls?: typeof calls }).__storageCalls = calls;
		const proto = StorageManager.prototype;
		const original = Object.getOwnPropertyDescriptor(proto, 'persist')?.value as (
			this: StorageManager,
		) => Promise<boolean>;
		proto.persist = function (this: StorageManager) {
			calls.persist++;
			return original.call(this);
		};
	});
	const persistCalls = () =>
		page.evaluate(
			() => (globalThis as { __storageCalls?: { persist: number } }).__storageCalls?.persist,
		);

	await openApp(page, '/#/database');
	const card = page.getByTestId('storage-card');
	await expect(card.getByRole('heading', { name: 'Keeping your data' })).toBeVisible();
	await expect(page.getByTestId('storage-persisted')).toHaveText(/^(Yes|No)$/);
	await expect(page.getByTestId('storage-usage')).toHaveText(/^\d+(\.\d)? (B|KiB|MiB) of \d/);
	await expect(page.getByTestId('last-export')).toHaveText('never');
	expect(await persistCalls()).toBe(0);

	await page.getByRole('link', { name: 'Monitors' }).click();
	await addMonitorThroughUi(page, 'First one', true);
	await expect.poll(persistCalls).toBe(1);
	await addMonitorThroughUi(page, 'Second one', false);
	expect(await persistCalls()).toBe(1);

	// The button asks again, on purpose; the page then says what the browser answered.
	await page.getByRole('link', { name: 'Database' }).click();
	const persisted = await page.evaluate(() => navigator.storage.persisted());
	if (!persisted) {
		await card.getByRole('button', { name: 'Ask the browser to keep my data' }).click();
		await expect.poll(persistCalls).toBe(2);
		await expect(card.getByRole('status')).toContainText('The browser said not yet');
	}
	await page.reload();
	expect(await persistCalls()).toBe(0);
});

test.describe('storage deleted under the open app', () => {
	test.use({ acceptDownloads: true });

	test('IndexedDB cleared through DevTools while the app runs: the window saves everything again, says so and offers an export; after a reload nothing acknowledged is missing', async ({
		page,
		context,
		baseURL,
	}) => {
		// Without the File System Access API the export is a download the test can read.
		await page.addInitScript(() => {
			delete (globalThis as { showOpenFilePicker?: unknown }).showOpenFilePicker;
			delete (globalThis as { showSaveFilePicker?: unknown }).showSaveFilePicker;
		});
		await openApp(page);
		for (let i = 0; i < 5; i++) await call(page, 'monitors.create', monitorInput(`Before ${i}`));

		const cdp = await context.newCDPSession(page);
		await cdp.send('Storage.clearDataForOrigin', {
			origin: new URL(baseURL!).origin,
			storageTypes: 'indexeddb',
		});
		const banner = page.getByTestId('storage-lost');
		await expect(banner).toContainText("The browser deleted Monitor's stored data.");
		await expect(banner).toHaveAttribute('role', 'alert');
		await expect(page.getByTestId('save-indicator')).toHaveText('All changes saved');

		// Keep working: writes are acknowledged as before.
		for (let i = 0; i < 3; i++) await call(page, 'monitors.create', monitorInput(`After ${i}`));
		await page.getByRole('button', { name: 'Add monitor' }).click();
		const dialog = page.getByRole('dialog', { name: 'Add monitor' });
		await dialog.getByLabel('Name').fill('Added in the page');
		await dialog.getByLabel('URL').fill('http://127.0.0.2:9/page');
		await dialog.getByRole('button', { name: 'Add monitor' }).click();
		await expect(page.getByRole('listitem', { name: 'Added in the page' })).toBeVisible();
		const expected = [
			...Array.from({ length: 5 }, (_, i) => `Before ${i}`),
			...Array.from({ length: 3 }, (_, i) => `After ${i}`),
			'Added in the page',
		].sort();

		// The export the banner offers holds everything (no secret is stored, so no warning comes first).
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			banner.getByRole('button', { name: 'Export a copy' }).click(),
		]);
		const SQL = await initSqlJs();
		const exported = new SQL.Database(readFileSync(await download.path()));
		expect(exported.exec('SELECT name FROM monitors ORDER BY name')[0]!.values.flat()).toEqual(
			expected,
		);
		exported.close();

		await page.reload();
		await expect(page.getByRole('listitem', { name: 'Added in the page' })).toBeVisible();
		expect((await call(page, 'monitors.list')).map((m) => m.name).sort()).toEqual(expected);
		await expect(banner).toHaveCount(0);
	});
});

test.describe('a full disk', () => {
	// Cache Storage shares the quota; without the service worker's precache the numbers stay small.
	test.use({ serviceWorkers: 'block' });

	test('a save refused for lack of space says so clearly, keeps the data in memory, and lands once space is freed', async ({
		page,
		context,
		baseURL,
	}) => {
		test.setTimeout(120_000);
		const origin = new URL(baseURL!).origin;
		const cdp = await context.newCDPSession(page);
		// Chromium caches an origin's free space for up to 30 s once IndexedDB asked for it, so the
		// smaller quota is set before the app's first visit: enough to start, little to grow.
		await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 400_000 });
		await openApp(page);

		// Fill the quota: add monitors with long URLs until a save is refused. None of them is lost.
		const filled = await page.evaluate(async () => {
			const db = (
				globalThis as unknown as {
					monitor: {
						db: {
							call(method: string, args: unknown): Promise<unknown>;
							on(
								event: 'save',
								fn: (s: { state: string; errorCode: string | null; pending: number }) => void,
							): () => void;
						};
					};
				}
			).monitor.db;
			let refused = false;
			// The status as the refusal was announced: a retry may land before the test could ask, once the
			// browser has compacted its files and the same quota holds the data after all.
			let status = null as { state: string; errorCode: string | null; pending: number } | null;
			const whenRefused = new Promise<void>((resolve) =>
				db.on('save', (s) => {
					if (s.state === 'error' && !refused) {
						refused = true;
						status = s;
						resolve();
					}
				}),
			);
			const writes: Promise<unknown>[] = [];
			const create = (i: number) =>
				db.call('monitors.create', {
					name: `Filler ${i}`,
					url: `http://127.0.0.2:9/${String(i).padStart(4, '0')}/${crypto.randomUUID().repeat(50)}`,
					intervalS: 60,
					// Paused: their checks would be writes of their own, and the last step closes with none.
					enabled: false,
				});
			for (let i = 0; i < 2000 && !refused; i++) {
				const write = create(i);
				writes.push(write);
				await Promise.race([write, whenRefused]);
			}
			// Well past the edge: at the edge, a retry sometimes lands after all once the browser has
			// compacted its files, and then closing would have nothing left to ask about.
			if (refused) for (let i = writes.length, end = i + 25; i < end; i++) writes.push(create(i));
			(globalThis as { __writes?: Promise<unknown> }).__writes = Promise.all(writes);
			return { refused, count: writes.length, status };
		});
		expect(filled.refused).toBe(true);

		const banner = page.getByTestId('save-problem');
		await expect(banner).toContainText('This browser is out of storage space for Monitor.');
		await expect(banner).toContainText('Your latest changes are safe in this window');
		await expect(banner).toHaveAttribute('role', 'alert');
		await expect(page.getByTestId('save-indicator')).toHaveText('Not saved: out of storage space');
		expect(filled.status).toMatchObject({ state: 'error', errorCode: 'quota-exceeded' });
		expect(filled.status!.pending).toBeGreaterThan(0);
		// Still in memory: the newest monitor can be read although it is not saved yet.
		const inMemory = await call(page, 'monitors.list');
		expect(inMemory).toHaveLength(filled.count);

		// Closing the tab now would lose them: the browser asks first (Chromium asks only on a page the
		// person has interacted with), and staying keeps them.
		await page.getByTestId('save-indicator').click();
		const asked = new Promise<string>((resolve) =>
			page.once('dialog', (dialog) => {
				resolve(dialog.type());
				void dialog.dismiss();
			}),
		);
		await page.close({ runBeforeUnload: true });
		expect(await asked).toBe('beforeunload');
		expect(page.isClosed()).toBe(false);

		// Space is freed: "Try again now" saves everything that waited at once (not after the backoff, up
		// to 30 s), and the writes are acknowledged. The writes went well past the quota, so the save
		// leaving asked for was refused too and the banner is still there.
		const retry = banner.getByRole('button', { name: 'Try again now' });
		await expect(retry).toBeEnabled();
		if (process.env.BANNER_SHOT) await page.screenshot({ path: process.env.BANNER_SHOT });
		await cdp.send('Storage.overrideQuotaForOrigin', { origin });
		// (A retry whose backoff ran out just now may land first and take the banner with it.)
		await retry.click({ timeout: 5_000 }).catch(() => expect(banner).toHaveCount(0));
		await page.evaluate(() => (globalThis as { __writes?: Promise<unknown> }).__writes);
		await expect(page.getByTestId('save-indicator')).toHaveText('All changes saved');
		await expect(banner).toHaveCount(0);

		await page.reload();
		// Past 40 rows the list draws only those near the screen, so the newest row may be out of the DOM:
		// the list says how many it holds, and the worker has every one.
		const first = page.getByRole('listitem').first();
		await expect(first).toBeVisible();
		if (filled.count > 40)
			await expect(first).toHaveAttribute('aria-setsize', String(filled.count));
		else await expect(page.getByRole('listitem')).toHaveCount(filled.count);
		const names = (await call(page, 'monitors.list')).map((m) => m.name);
		expect(names).toHaveLength(filled.count);
		expect(names).toContain(`Filler ${filled.count - 1}`);

		// Everything saved: leaving asks nothing.
		await page.getByTestId('save-indicator').click();
		let askedAgain = false;
		page.on('dialog', (dialog) => {
			askedAgain = true;
			void dialog.dismiss();
		});
		await page.close({ runBeforeUnload: true });
		await expect.poll(() => page.isClosed()).toBe(true);
		expect(askedAgain).toBe(false);
	});
});

test('a calm reminder offers an export after 14 days without one, and "Later" puts it off', async ({
	page,
}) => {
	const DAY = 24 * 60 * 60 * 1000;
	await openApp(page);
	await call(page, 'monitors.create', monitorInput('Worth keeping'));
	await page.reload();
	await expect(page.getByRole('listitem', { name: 'Worth keeping' })).toBeVisible();
	await expect(page.getByTestId('backup-reminder')).toHaveCount(0);

	// Fifteen days on (the page's clock only; timers keep running).
	await page.clock.setFixedTime(Date.now() + 15 * DAY);
	await page.reload();
	const reminder = page.getByTestId('backup-reminder');
	await expect(reminder).toContainText('An exported copy of monitor.db keeps them safe');
	await expect(reminder.getByRole('link', { name: 'Export a copy' })).toHaveAttribute(
		'href',
		'#/database',
	);
	await reminder.getByRole('button', { name: 'Later' }).click();
	await expect(reminder).toHaveCount(0);
	await page.reload();
	await expect(page.getByRole('listitem', { name: 'Worth keeping' })).toBeVisible();
	await expect(reminder).toHaveCount(0);

	// Past the snooze it comes back.
	await page.clock.setFixedTime(Date.now() + 20 * DAY);
	await page.reload();
	await expect(reminder).toBeVisible();
});
