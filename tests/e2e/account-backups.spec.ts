import { expect, test, type Page } from '@playwright/test';
import { call, monitorInput, openApp } from './helpers';

const PASSPHRASE = 'correct horse battery staple';
const SECRET = 'Bearer backup-secret-77';

/** Whether any stored backup holds the header in clear (the backup's file, as a download gives it). */
async function backupsHoldSecret(page: Page): Promise<boolean[]> {
	return page.evaluate(async (secret) => {
		const handle = (
			globalThis as unknown as {
				monitor: { db: { call(m: string, a?: unknown): Promise<unknown> } };
			}
		).monitor;
		const list = (await handle.db.call('backups.list')) as { id: number }[];
		const found: boolean[] = [];
		for (const { id } of list) {
			const { bytes } = (await handle.db.call('backups.download', { id })) as { bytes: Uint8Array };
			found.push(new TextDecoder('latin1').decode(bytes).includes(secret));
		}
		return found;
	}, SECRET);
}

test('setting a passphrase asks about older backups, seals them, and the lock screen says what it protects', async ({
	page,
}) => {
	await openApp(page);
	await call(page, 'monitors.create', {
		...monitorInput('Private', 3600),
		enabled: false,
		headers: { Authorization: SECRET },
	});
	await call(page, 'backups.create');
	expect(await backupsHoldSecret(page)).toEqual([true]);

	await page.goto('/#/settings');
	const security = page.getByRole('region', { name: 'Security' });
	await expect(security.getByTestId('passphrase-limits')).toContainText(
		'the lock is a privacy screen',
	);
	const older = security.getByRole('group', { name: /1 backup made before hold the secrets/ });
	await expect(older.getByLabel('Seal them with the passphrase too')).toBeChecked();
	await security.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
	await security.getByLabel('Repeat it').fill(PASSPHRASE);
	await security.getByRole('button', { name: 'Set passphrase' }).click();
	await expect(page.getByText(/Passphrase set: .* 1 backup sealed\./)).toBeVisible();
	expect(await backupsHoldSecret(page)).toEqual([false]);

	await page.reload();
	await expect(page.getByRole('heading', { name: 'Monitor is locked' })).toBeVisible();
	await expect(page.getByTestId('lock-limits')).toContainText('A forgotten passphrase cannot be');
	await page.getByLabel('Passphrase').fill(PASSPHRASE);
	await page.getByRole('button', { name: 'Unlock' }).click();
	await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
	// The sealed backup restores with its secret.
	const [backup] = await call(page, 'backups.list');
	await call(page, 'backups.restore', { id: backup!.id });
	expect((await call(page, 'monitors.list'))[0]!.headers).toEqual({ Authorization: SECRET });
});
