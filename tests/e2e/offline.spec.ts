import { expect, test } from '@playwright/test';
import { CONTENT_SECURITY_POLICY } from '../../vite.config';
import { call, monitorInput, openApp } from './helpers';
import { offlineAgain, waitForOfflineReady } from './support/pwa';

test('after one online visit the app starts offline, shows its data, takes writes, and keeps them across offline reloads', async ({
	page,
	context,
}) => {
	await openApp(page);
	await call(page, 'monitors.create', monitorInput('Saved while online'));
	await waitForOfflineReady(page);

	await context.setOffline(true);
	// Nothing may reach the network from here on, not even a request the browser would retry later.
	const escaped: string[] = [];
	page.on('requestfailed', (request) => escaped.push(request.url()));

	const offline = await page.reload();
	await offlineAgain(page);
	expect(offline?.fromServiceWorker()).toBe(true);
	// The cached shell keeps the headers it was served with, so the CSP holds offline too.
	expect(offline?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
	await expect(page.getByRole('listitem', { name: 'Saved while online' })).toBeVisible();

	// A write through the UI while offline.
	await page.getByRole('button', { name: 'Add monitor' }).click();
	const dialog = page.getByRole('dialog', { name: 'Add monitor' });
	await dialog.getByLabel('Name').fill('Written offline');
	await dialog.getByLabel('URL').fill('http://127.0.0.2:9/offline/');
	await dialog.getByRole('button', { name: 'Add monitor' }).click();
	await expect(page.getByRole('listitem', { name: 'Written offline' })).toBeVisible();
	await expect(page.getByTestId('save-indicator')).toHaveText('All changes saved');

	await page.reload();
	await offlineAgain(page);
	await expect(page.getByRole('listitem', { name: 'Written offline' })).toBeVisible();
	await expect(page.getByRole('listitem', { name: 'Saved while online' })).toBeVisible();
	const names = (await call(page, 'monitors.list')).map((m) => m.name);
	expect(names).toEqual(['Saved while online', 'Written offline']);

	// Any other address of the app opens offline too: navigations fall back to the cached shell.
	const deep = await page.goto('/launch?from=shortcut#/database');
	expect(deep?.fromServiceWorker()).toBe(true);
	await offlineAgain(page);
	await expect(page.getByLabel('Migration status report')).toContainText('001_init.sql');
	expect(escaped).toEqual([]);
});
