/**
 * What an imported file is not trusted with, in real Chromium: its running monitors arrive paused and
 * the Monitors page offers "Resume all" (which resumes just those); its own Telegram Bot API server is
 * shown in the confirm step and dropped unless the person keeps it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { healthyEngine } from '../fixtures/import/build';
import { call, openApp } from './helpers';
import { importDialog, pickFile } from './support/files';

const BOT_API = 'http://127.0.0.1:9/bot-api';
let dir = '';
test.beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'monitor-e2e-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** v001.db (Homepage and API health running, Webhook paused) with its own Bot API server. */
async function fileWithApiBase(): Promise<string> {
	const engine = await healthyEngine();
	try {
		engine.run("INSERT INTO settings (key, value, updated_at) VALUES ('telegram_api_base', ?, 1)", [
			BOT_API,
		]);
		const path = join(dir, 'elsewhere.db');
		writeFileSync(path, engine.db.export());
		return path;
	} finally {
		engine.db.close();
	}
}

const states = async (page: Parameters<typeof call>[0]) =>
	(await call(page, 'monitors.list')).map((m) => `${m.name}:${m.enabled ? 'on' : 'paused'}`).sort();

for (const keep of [false, true]) {
	test(`imported monitors arrive paused until "Resume all"; the file's Bot API server is ${keep ? 'kept when the person says so' : 'dropped'}`, async ({
		page,
	}) => {
		await openApp(page, '/#/database');
		await pickFile(page, await fileWithApiBase());
		const dialog = importDialog(page);
		await expect(dialog.getByTestId('import-paused')).toContainText('2 of its monitors run');
		await expect(dialog).toContainText(`its own Bot API server, ${BOT_API}`);
		const keepIt = dialog.getByRole('checkbox', { name: 'Keep this Bot API server' });
		await expect(keepIt).not.toBeChecked();
		if (keep) await keepIt.check();
		await dialog.getByRole('button', { name: 'Replace database' }).click();
		await expect(page.getByText(/Imported “elsewhere\.db”.*Its monitors are paused/)).toBeVisible();

		expect((await call(page, 'telegram.overview')).apiBase).toBe(
			keep ? BOT_API : 'https://api.telegram.org',
		);
		expect(await states(page)).toEqual(['API health:paused', 'Homepage:paused', 'Webhook:paused']);

		await page.goto('/#/monitors');
		const held = page.getByRole('status').filter({ hasText: 'imported monitors are paused' });
		await expect(held).toContainText('2 imported monitors are paused.');
		// Still paused after a reload: the list is stored with the database.
		await page.reload();
		await held.getByRole('button', { name: 'Resume all' }).click();
		await expect(held).toHaveCount(0);
		// Webhook was paused in the file: it stays paused.
		expect(await states(page)).toEqual(['API health:on', 'Homepage:on', 'Webhook:paused']);
	});
}
