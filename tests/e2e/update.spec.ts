import { expect, test, type Page } from '@playwright/test';
import { buildVersion, entryScript, startServer, type SwitchableServer } from './support/builds';
import { call, monitorInput, openApp } from './helpers';
import { waitForOfflineReady } from './support/pwa';

let v1: string;
let v2: string;
let server: SwitchableServer;

test.beforeAll(async () => {
	test.setTimeout(180_000);
	v1 = buildVersion(1);
	v2 = buildVersion(2);
	server = await startServer(v1);
});

test.afterAll(async () => {
	await server.close();
});

/** Which build a page runs: the entry script its document loaded. */
const runningEntry = (page: Page) =>
	page.locator('script[type="module"]').first().getAttribute('src');

/**
 * Holds IndexedDB from another page of the origin: it opens the app's database at a higher version and
 * keeps the upgrade transaction busy, so the app's connection is closed and every save waits.
 */
async function holdIndexedDb(holder: Page): Promise<void> {
	await holder.evaluate(async () => {
		const info = (await indexedDB.databases()).find((d) => d.name === 'monitor');
		const request = indexedDB.open('monitor', (info?.version ?? 1) + 1);
		const scope = globalThis as { __release?: boolean; __released?: Promise<void> };
		scope.__released = new Promise((resolve) => {
			request.onsuccess = () => {
				request.result.close();
				resolve();
			};
		});
		await new Promise<void>((upgrading) => {
			request.onupgradeneeded = () => {
				const store = request.transaction!.objectStore('database');
				const spin = () => {
					if (!scope.__release) store.count().onsuccess = spin;
				};
				spin();
				upgrading();
			};
		});
	});
}

async function releaseIndexedDb(holder: Page): Promise<void> {
	await holder.evaluate(async () => {
		const scope = globalThis as { __release?: boolean; __released?: Promise<void> };
		scope.__release = true;
		await scope.__released;
	});
}

test('a new version waits for its prompt; Reload saves pending writes first and brings up build 2 with every row intact; an older window stops and says reload', async ({
	context,
}) => {
	test.setTimeout(120_000);
	const entry1 = entryScript(v1);
	const entry2 = entryScript(v2);
	expect(entry1).not.toBe(entry2);

	server.serve(v1);
	const a = await context.newPage();
	await openApp(a, server.url);
	await Promise.all(
		Array.from({ length: 40 }, (_, i) => call(a, 'monitors.create', monitorInput(`Row ${i}`))),
	);
	await waitForOfflineReady(a);
	const b = await context.newPage();
	await openApp(b, server.url);
	await expect(b.getByRole('listitem')).toHaveCount(40);

	// Build 2 is deployed. The browser finds it when the page loads, installs it, and it waits.
	server.serve(v2);
	await a.reload();
	const prompt = a.getByTestId('update-prompt');
	await expect(prompt).toContainText('A new version is available');
	expect(await runningEntry(a)).toBe(entry1);

	// "Later" keeps the old version for this visit; the update is offered again on the next load.
	await prompt.getByRole('button', { name: 'Later' }).click();
	await expect(prompt).toHaveCount(0);
	await a.reload();
	await expect(prompt).toBeVisible();
	expect(await runningEntry(a)).toBe(entry1);

	// A write that is committed but not yet saved when Reload is pressed.
	const holder = await context.newPage();
	await holder.goto(`${server.url}/favicon.svg`);
	await holdIndexedDb(holder);
	await a.evaluate(() => {
		const handle = (
			globalThis as unknown as {
				monitor: { db: { call(m: string, x: unknown): Promise<unknown> } };
				__lastWrite?: Promise<unknown>;
			}
		).monitor;
		(globalThis as { __lastWrite?: Promise<unknown> }).__lastWrite = handle.db.call(
			'monitors.create',
			{ name: 'Written just before the update', url: 'http://127.0.0.2:9/last', intervalS: 60 },
		);
	});
	await expect(a.getByTestId('save-indicator')).toHaveText('Saving…');

	await prompt.getByRole('button', { name: 'Reload' }).click();
	await expect(prompt).toContainText('Saving your changes, then reloading');
	// It waits: the page still runs build 1 while the save cannot land.
	await expect(a.getByTestId('save-indicator')).toHaveText('Saving…');
	expect(await runningEntry(a)).toBe(entry1);

	const reloaded = a.waitForEvent('framenavigated');
	await releaseIndexedDb(holder);
	await holder.close();
	await reloaded;
	await expect.poll(() => runningEntry(a)).toBe(entry2);
	// 41 monitors: the list renders the rows near the screen, each saying it is one of 41.
	await expect(a.getByRole('listitem').first()).toHaveAttribute('aria-setsize', '41');
	await expect(a.getByTestId('update-prompt')).toHaveCount(0);
	const names = (await call(a, 'monitors.list')).map((m) => m.name).sort();
	expect(names).toEqual(
		[...Array.from({ length: 40 }, (_, i) => `Row ${i}`), 'Written just before the update'].sort(),
	);

	// The other window still runs build 1: build 2 owns the database now, so it must not write.
	await expect(b.getByText('A newer version of Monitor is open in another window')).toBeVisible();
	await expect(b.getByTestId('update-prompt')).toHaveCount(0);
	const refused = await b.evaluate(async () => {
		const handle = (
			globalThis as unknown as {
				monitor: { db: { call(m: string, x: unknown): Promise<unknown> } };
			}
		).monitor;
		try {
			await handle.db.call('monitors.create', {
				name: 'Stale write',
				url: 'http://127.0.0.2:9/stale',
				intervalS: 60,
			});
			return null;
		} catch (error) {
			return (error as { code: string }).code;
		}
	});
	expect(refused).toBe('app-outdated');

	await b.getByRole('button', { name: 'Reload' }).click();
	await expect.poll(() => runningEntry(b)).toBe(entry2);
	await expect(b.getByRole('listitem').first()).toHaveAttribute('aria-setsize', '41');
	await expect(b.getByText('A newer version of Monitor')).toHaveCount(0);
});

test('Reload when the changes cannot be saved (storage full): it stays on the old version, says why and offers an export; with space freed, Reload brings every row over', async ({
	context,
}) => {
	test.setTimeout(180_000);
	server.serve(v1);
	const page = await context.newPage();
	await openApp(page, server.url);
	for (let i = 0; i < 5; i++) await call(page, 'monitors.create', monitorInput(`Row ${i}`));
	await waitForOfflineReady(page);
	server.serve(v2);
	await page.reload();
	const prompt = page.getByTestId('update-prompt');
	await expect(prompt).toContainText('A new version is available');
	const entry1 = entryScript(v1);
	expect(await runningEntry(page)).toBe(entry1);

	// Little room left: writes with long URLs until a save is refused.
	const cdp = await context.newCDPSession(page);
	const { usage } = await page.evaluate(() => navigator.storage.estimate());
	await cdp.send('Storage.overrideQuotaForOrigin', {
		origin: new URL(server.url).origin,
		quotaSize: usage! + 200_000,
	});
	const filled = await page.evaluate(async () => {
		const db = (
			globalThis as unknown as {
				monitor: {
					db: {
						call(method: string, args: unknown): Promise<unknown>;
						on(event: 'save', fn: (s: { state: string; errorCode: string | null }) => void): void;
					};
				};
			}
		).monitor.db;
		let refused = false;
		const whenRefused = new Promise<void>((resolve) =>
			db.on('save', (s) => {
				if (s.state === 'error' && s.errorCode === 'quota-exceeded') {
					refused = true;
					resolve();
				}
			}),
		);
		const writes: Promise<unknown>[] = [];
		const until = Date.now() + 60_000;
		const create = (i: number) =>
			db.call('monitors.create', {
				name: `Filler ${i}`,
				url: `http://127.0.0.2:9/${String(i).padStart(4, '0')}/${crypto.randomUUID().repeat(50)}`,
				intervalS: 60,
				// Paused: their checks would be writes of their own.
				enabled: false,
			});
		for (let i = 0; !refused && Date.now() < until; i++) {
			const write = create(i);
			writes.push(write);
			await Promise.race([write, whenRefused]);
		}
		// Well past the edge: at the edge, the save Reload asks for sometimes lands after all once the
		// browser has compacted its files, and then there is nothing left to block the reload.
		if (refused) for (let i = writes.length, end = i + 25; i < end; i++) writes.push(create(i));
		(globalThis as { __writes?: Promise<unknown> }).__writes = Promise.all(writes);
		return { refused, count: writes.length };
	});
	expect(filled.refused).toBe(true);
	// The cold-open snapshot, a second copy of the file, went first.
	const snapshots = await page.evaluate(
		() =>
			new Promise<number>((resolve, reject) => {
				const open = indexedDB.open('monitor-snapshot');
				open.onerror = () => reject(open.error ?? new Error('cannot open'));
				open.onsuccess = () => {
					const count = open.result.transaction('snapshot').objectStore('snapshot').count();
					count.onsuccess = () => {
						open.result.close();
						resolve(count.result);
					};
				};
			}),
	);
	expect(snapshots).toBe(0);
	await expect(page.getByTestId('save-problem')).toContainText('out of storage space');
	await expect(
		page.getByTestId('save-problem').getByRole('button', { name: 'Export a copy' }),
	).toBeVisible();

	// Reload does not reload: the changes are only in this window.
	await prompt.getByRole('button', { name: 'Reload' }).click();
	const blocked = page.getByTestId('update-blocked');
	await expect(blocked).toContainText('Not reloaded: your latest changes could not be saved first');
	await expect(blocked).toContainText('out of storage space');
	await expect(prompt.getByRole('button', { name: 'Export a copy' })).toBeVisible();
	await expect(prompt.getByRole('button', { name: 'Reload' })).toBeEnabled();
	expect(await runningEntry(page)).toBe(entry1);

	// Space is freed: the pending writes land, and Reload brings build 2 with every row.
	await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(server.url).origin });
	await page.evaluate(() => (globalThis as { __writes?: Promise<unknown> }).__writes);
	const reloaded = page.waitForEvent('framenavigated');
	await prompt.getByRole('button', { name: 'Reload' }).click();
	await reloaded;
	await expect.poll(() => runningEntry(page)).toBe(entryScript(v2));
	await expect(page.getByTestId('save-indicator')).toHaveText('All changes saved');
	expect(await call(page, 'monitors.list')).toHaveLength(5 + filled.count);
});
