import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { MonitorInput } from '../../src/shared/monitors';
import { call, openApp } from './helpers';
import { FakeTelegram } from './support/fake-telegram';
import { importDialog, pickFile, sqlite3 } from './support/files';

const TOKEN = '4242424242:AAFakeBotTokenForAccountTestsOnly_98765';
const PASSPHRASE = 'correct horse battery staple';
let telegram: FakeTelegram;

test.beforeEach(async () => {
	telegram = new FakeTelegram();
	await telegram.start();
	telegram.addBot(TOKEN, 'monitor_alerts_bot');
});

test.afterEach(() => telegram.stop());

/** Opens the app with the fake Telegram bot added and one monitor: the secrets the account protects. */
async function openWithSecrets(page: Page, monitor: MonitorInput) {
	await openApp(page);
	await call(page, 'telegram.setApiBase', { base: telegram.url });
	await call(page, 'telegram.addBot', { token: TOKEN });
	await call(page, 'monitors.create', monitor);
}

async function setPassphrase(page: Page) {
	await page.goto('/#/settings');
	const security = page.getByRole('region', { name: 'Security' });
	await security.getByLabel('Passphrase', { exact: true }).fill('short');
	await expect(security.getByText(/Too short or too common/)).toBeVisible();
	await security.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
	await expect(security.getByText(/Good|Strong/)).toBeVisible();
	await security.getByLabel('Repeat it').fill(PASSPHRASE);
	await security.getByRole('button', { name: 'Set passphrase' }).click();
	await expect(security.getByText('A passphrase protects this app')).toBeVisible();
}

async function unlock(page: Page, passphrase = PASSPHRASE) {
	await page.getByLabel('Passphrase').fill(passphrase);
	await page.getByRole('button', { name: 'Unlock' }).click();
}

test('a passphrase locks the app after a reload, secrets stay encrypted, and unlocking works in every window', async ({
	page,
	context,
}) => {
	await openWithSecrets(page, {
		name: 'Private API',
		url: 'http://127.0.0.2:9/api',
		intervalS: 3600,
		headers: { Authorization: 'Bearer header-secret-42' },
	});
	await setPassphrase(page);

	const secrets = await page.evaluate(async () => {
		const handle = (
			globalThis as unknown as { monitor: { db: { call(m: string): Promise<unknown> } } }
		).monitor;
		return JSON.stringify(await handle.db.call('telegram.overview'));
	});
	expect(secrets).not.toContain(TOKEN.split(':')[1]);

	await page.reload();
	await expect(page.getByRole('heading', { name: 'Monitor is locked' })).toBeVisible();
	await expect(
		page.getByText(/Waiting for your passphrase: 1 monitor with saved headers/),
	).toBeVisible();
	await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
	// Calls other than the lock screen's are refused while locked, from a console too.
	const refused = await page.evaluate(async () => {
		const handle = (
			globalThis as unknown as { monitor: { db: { call(m: string): Promise<unknown> } } }
		).monitor;
		return handle.db.call('monitors.list').then(
			() => 'answered',
			(e: { code: string }) => e.code,
		);
	});
	expect(refused).toBe('app-locked');

	const second = await context.newPage();
	await second.goto('/');
	await expect(second.getByRole('heading', { name: 'Monitor is locked' })).toBeVisible();

	await unlock(page, 'not the passphrase');
	await expect(page.getByText('That passphrase is not the right one.')).toBeVisible();
	await unlock(page);
	await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
	// Unlocking in one window unlocks the others.
	await expect(second.getByRole('navigation', { name: 'Main' })).toBeVisible();
	await page.goto('/#/monitors');
	await page.getByRole('button', { name: 'Edit Private API' }).click();
	await expect(page.getByLabel('Headers, one per line')).toHaveValue(
		'Authorization: Bearer header-secret-42',
	);
	await page.keyboard.press('Escape');

	// Locking locks every window.
	await second.getByRole('button', { name: 'Lock Monitor' }).click();
	await expect(page.getByRole('heading', { name: 'Monitor is locked' })).toBeVisible();
	await expect(second.getByRole('heading', { name: 'Monitor is locked' })).toBeVisible();
	await expect(
		page.getByText('Monitoring and alerts keep running while the app is locked.'),
	).toBeVisible();
	// The key is still in the worker's memory (checks run on): a wrong passphrase must not open it.
	await unlock(page, 'not the passphrase');
	await expect(page.getByText('That passphrase is not the right one.')).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Monitor is locked' })).toBeVisible();
	await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
	expect(await call(second, 'account.status')).toMatchObject({ locked: true, failedAttempts: 1 });
});

test('locks itself after the idle time', async ({ page }) => {
	test.setTimeout(150_000);
	await openApp(page);
	await setPassphrase(page);
	await page.getByLabel('Lock after (minutes without activity)').fill('1');
	await page.getByRole('button', { name: 'Save', exact: true }).last().click();
	await expect(page.getByText('Idle lock saved.')).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Monitor is locked' })).toBeVisible({
		timeout: 100_000,
	});
	const sessions = await page.evaluate(async () => {
		const handle = (
			globalThis as unknown as {
				monitor: { db: { call(m: string): Promise<{ hasPassphrase: boolean; locked: boolean }> } };
			}
		).monitor;
		return handle.db.call('account.status');
	});
	expect(sessions).toMatchObject({ hasPassphrase: true, locked: true });
});

test('a forgotten passphrase can be reset: the secrets go, everything else stays', async ({
	page,
}) => {
	await openWithSecrets(page, {
		name: 'Stays',
		url: 'http://127.0.0.2:9/stays',
		intervalS: 3600,
		enabled: false,
	});
	await setPassphrase(page);
	await page.reload();
	await page.getByRole('button', { name: 'Forgot the passphrase?' }).click();
	await page
		.getByRole('dialog', { name: 'Remove the encrypted secrets?' })
		.getByRole('button', { name: 'Remove secrets' })
		.click();
	await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
	await page.goto('/#/monitors');
	await expect(page.getByRole('listitem', { name: 'Stays' })).toBeVisible();
	await page.goto('/#/settings');
	await expect(page.getByText(/Secrets to enter again: 1 bot token/)).toBeVisible();
});

test.use({ acceptDownloads: true });

test('an export holds no secret in any form; a fresh browser imports it with and without its passphrase', async ({
	page,
	browser,
}) => {
	// Headless Chromium has no save dialog to answer: take the download path browsers without one use.
	await page.addInitScript(() => {
		delete (globalThis as { showOpenFilePicker?: unknown }).showOpenFilePicker;
		delete (globalThis as { showSaveFilePicker?: unknown }).showSaveFilePicker;
	});
	await openWithSecrets(page, {
		name: 'Private API',
		url: 'http://127.0.0.2:9/api',
		intervalS: 3600,
		enabled: false,
		headers: { Authorization: 'Bearer header-secret-42' },
	});
	await setPassphrase(page);

	await page.goto('/#/database');
	// With a passphrase, the secrets are sealed: the card says so and no warning stands in the way.
	await expect(page.getByTestId('export-secrets')).toContainText('encrypted with your passphrase');
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Export database' }).click(),
	]);
	await expect(page.getByRole('dialog', { name: 'The export holds secrets' })).toHaveCount(0);
	const file = join(mkdtempSync(join(tmpdir(), 'monitor-account-')), 'monitor.db');
	await download.saveAs(file);

	const bytes = readFileSync(file);
	const secret = TOKEN.split(':')[1]!;
	for (const form of [secret, secret.slice(0, 16), secret.slice(-16), 'header-secret-42']) {
		for (const encoded of [
			form,
			Buffer.from(form).toString('base64'),
			Buffer.from(form).toString('hex'),
		]) {
			expect(bytes.includes(encoded), `${form} as ${encoded}`).toBe(false);
		}
		expect(bytes.includes(Buffer.from(form, 'utf16le'))).toBe(false);
	}
	expect(sqlite3(file, 'PRAGMA integrity_check')).toEqual(['ok']);
	expect(sqlite3(file, '.dump').join('\n')).not.toContain(secret);

	// A fresh profile without the passphrase: everything but the secrets.
	const without = await browser.newContext({ acceptDownloads: true });
	const a = await without.newPage();
	await openApp(a, '/#/database');
	await pickFile(a, file);
	await expect(importDialog(a).getByLabel('The file’s passphrase')).toBeVisible();
	await importDialog(a).getByRole('button', { name: 'Replace database' }).click();
	await expect(a.getByText(/Imported “monitor\.db”/)).toBeVisible();
	expect(await call(a, 'account.status')).toMatchObject({
		hasPassphrase: false,
		locked: false,
		needsReentry: { bots: 1, monitors: 1, channels: 0 },
	});
	const [lost] = await call(a, 'monitors.list');
	expect(lost).toMatchObject({ name: 'Private API', headers: {}, needsHeaders: true });
	// The person is told what to enter again, and entering it clears the mark.
	await a.goto('/#/telegram');
	await expect(a.getByTestId('needs-token')).toContainText('token must be entered again');
	await a.goto(`/#/monitors/${lost!.id}`);
	await expect(a.getByTestId('needs-headers')).toBeVisible();
	await expect(a.locator('[data-state]').first()).toHaveText('Needs headers');
	await a.getByRole('button', { name: 'Enter headers' }).click();
	await a.getByLabel('Headers, one per line').fill('Authorization: Bearer typed-again');
	await a.getByRole('button', { name: 'Save changes' }).click();
	await expect(a.getByTestId('needs-headers')).toHaveCount(0);
	expect((await call(a, 'account.status')).needsReentry).toEqual({
		bots: 1,
		monitors: 0,
		channels: 0,
	});
	await without.close();

	// Another fresh profile, with the passphrase: the secrets come along, still encrypted.
	const withIt = await browser.newContext({ acceptDownloads: true });
	const b = await withIt.newPage();
	await openApp(b, '/#/database');
	await call(b, 'telegram.setApiBase', { base: telegram.url });
	await pickFile(b, file);
	await importDialog(b).getByLabel('The file’s passphrase').fill('not it');
	await importDialog(b).getByRole('button', { name: 'Replace database' }).click();
	await expect(
		importDialog(b).getByText('That is not the passphrase this file was protected with.'),
	).toBeVisible();
	await importDialog(b).getByLabel('The file’s passphrase').fill(PASSPHRASE);
	// The file's Bot API server is the test's fake Telegram: kept, or the import would drop it.
	await importDialog(b).getByRole('checkbox', { name: 'Keep this Bot API server' }).check();
	await importDialog(b).getByRole('button', { name: 'Replace database' }).click();
	await expect(b.getByText(/Imported “monitor\.db”/)).toBeVisible();
	expect(await call(b, 'account.status')).toMatchObject({
		hasPassphrase: true,
		locked: false,
		needsReentry: { bots: 0, monitors: 0, channels: 0 },
	});
	expect((await call(b, 'monitors.list'))[0]!.headers).toEqual({
		Authorization: 'Bearer header-secret-42',
	});
	const chats = (await call(b, 'telegram.overview')).bots;
	expect(chats[0]).toMatchObject({ username: 'monitor_alerts_bot', needsToken: false });
	// The secrets work: Telegram accepts the token.
	await call(b, 'telegram.discover', { botId: chats[0]!.id });
	await b.reload();
	await expect(b.getByRole('heading', { name: 'Monitor is locked' })).toBeVisible();
	await unlock(b);
	await expect(b.getByRole('navigation', { name: 'Main' })).toBeVisible();
	await withIt.close();
});
