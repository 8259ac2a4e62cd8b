/**
 * Sessions in the Security card, with two windows (two pages of one context, as tabs.spec.ts does):
 * without a passphrase the card says what a session means; with one, each window has its session, and
 * ending the other window's locks that window alone (its calls are refused, a reload keeps it locked)
 * until the passphrase is entered there. SESSION_SHOTS=<dir> saves the card, light and dark.
 */
import { expect, test, type Page } from '@playwright/test';
import { call, openApp } from './helpers';

const PASSPHRASE = 'correct horse battery staple';
const SHOTS = process.env.SESSION_SHOTS;

function security(page: Page) {
	return page.getByRole('region', { name: 'Security' });
}

async function shoot(page: Page, name: string) {
	if (!SHOTS) return;
	for (const scheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme: scheme });
		await security(page).screenshot({ path: `${SHOTS}/${name}-${scheme}.png` });
	}
	await page.emulateMedia({ colorScheme: 'light' });
}

test('ending another window’s session locks that window alone, also after a reload, until it unlocks', async ({
	page,
}) => {
	await openApp(page, '/#/settings');
	await expect(security(page).getByTestId('sessions-meaning')).toContainText(
		'Without a passphrase nothing locks, so there are no sessions',
	);
	await shoot(page, 'security-no-passphrase');

	await security(page).getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
	await security(page).getByLabel('Repeat it').fill(PASSPHRASE);
	await security(page).getByRole('button', { name: 'Set passphrase' }).click();
	await expect(security(page).getByText('A passphrase protects this app')).toBeVisible();

	const second = await page.context().newPage();
	await openApp(second, '/#/settings');
	await expect(second.getByRole('navigation', { name: 'Main' })).toBeVisible();
	// Each window has its own session, and each sees its own marked.
	const mine = security(page).getByRole('listitem', { name: 'This window' });
	const other = security(page).getByRole('listitem', { name: 'Another window' });
	await expect(mine).toContainText('current');
	await expect(other).toBeVisible();
	await expect(security(second).getByRole('listitem', { name: 'This window' })).toBeVisible();
	await expect(security(second).getByRole('listitem', { name: 'Another window' })).toBeVisible();
	await expect(mine.getByRole('button', { name: 'End session' })).toHaveCount(0);
	await shoot(page, 'security-sessions');

	await other.getByRole('button', { name: 'End session' }).click();
	await expect(second.getByRole('heading', { name: 'Monitor is locked' })).toBeVisible();
	await expect(second.getByTestId('session-ended')).toContainText(
		'This window’s session was ended from another window'.replace('’', "'"),
	);
	// The window that ended it goes on.
	await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
	await expect(security(page).getByRole('listitem', { name: 'Another window' })).toHaveCount(0);
	await expect(security(page).getByRole('listitem', { name: 'Ended session' })).toContainText(
		'ended from another window',
	);
	// The lock holds for calls too, not only on screen, and through a reload of that window.
	await expect(call(second, 'monitors.list')).rejects.toThrow(/locked/i);
	expect(await call(page, 'monitors.list')).toEqual([]);
	await second.reload();
	await expect(second.getByRole('heading', { name: 'Monitor is locked' })).toBeVisible();
	await expect(call(second, 'monitors.list')).rejects.toThrow(/locked/i);

	await second.getByLabel('Passphrase').fill(PASSPHRASE);
	await second.getByRole('button', { name: 'Unlock' }).click();
	await expect(second.getByRole('navigation', { name: 'Main' })).toBeVisible();
	expect(await call(second, 'monitors.list')).toEqual([]);
	await expect(security(page).getByRole('listitem', { name: 'Another window' })).toBeVisible({
		timeout: 40_000,
	});
	await second.close();
});
