/**
 * A monitor that sends a body: the form shows the body only for methods that take one, refuses a JSON
 * body that does not parse (nothing is saved), and the check's request carries the body and its content
 * type to a real server on 127.0.0.1.
 */
import { expect, test } from '@playwright/test';
import { call, openApp } from './helpers';
import { echoTarget } from './support/targets';

test('a POST monitor’s body and content type reach the server; a JSON body that does not parse is refused', async ({
	page,
}) => {
	const echo = await echoTarget();
	try {
		await openApp(page);
		await page.getByRole('button', { name: 'Add your first monitor' }).click();
		const dialog = page.getByRole('dialog', { name: 'Add monitor' });
		await dialog.getByLabel('Name').fill('Orders search');
		await dialog.getByLabel('URL').fill(echo.url);
		await expect(dialog.getByLabel('Request body')).toHaveCount(0);

		await dialog.getByLabel('Method').selectOption('POST');
		await expect(dialog.getByLabel('Content type')).toHaveValue('application/json');
		await dialog.getByLabel('Request body').fill('{"status": open}');
		await dialog.getByRole('button', { name: 'Add monitor' }).click();
		await expect(dialog.getByText(/^The body is not valid JSON \(.+\)\./)).toBeVisible();
		await expect(dialog.getByLabel('Request body')).toHaveAttribute('aria-invalid', 'true');
		const shots = process.env.FORM_SHOTS;
		for (const scheme of shots ? (['light', 'dark'] as const) : []) {
			await page.emulateMedia({ colorScheme: scheme });
			await dialog.screenshot({ path: `${shots}/monitor-form-post-${scheme}.png` });
		}
		await page.emulateMedia({ colorScheme: 'light' });
		expect(await call(page, 'monitors.list')).toEqual([]);
		expect(echo.received).toEqual([]);

		// A GET sends no body: the field goes, and comes back with what was typed.
		await dialog.getByLabel('Method').selectOption('GET');
		await expect(dialog.getByLabel('Request body')).toHaveCount(0);
		await dialog.getByLabel('Method').selectOption('POST');
		await dialog.getByLabel('Request body').fill('{"status": "open"}');
		await dialog.getByRole('button', { name: 'Add monitor' }).click();
		await expect(dialog).toBeHidden();

		await expect.poll(() => echo.received.length, { timeout: 15_000 }).toBeGreaterThan(0);
		expect(echo.received[0]).toEqual({
			method: 'POST',
			contentType: 'application/json',
			body: '{"status": "open"}',
		});
		const [monitor] = await call(page, 'monitors.list');
		expect(monitor).toMatchObject({
			method: 'POST',
			body: { contentType: 'application/json', text: '{"status": "open"}' },
		});
		await expect(page.getByRole('listitem', { name: 'Orders search' })).toContainText('Up');

		// Edited to a PUT with a plain-text body: the next check sends that.
		await page.getByRole('button', { name: 'Edit Orders search' }).click();
		const edit = page.getByRole('dialog', { name: 'Edit monitor' });
		await expect(edit.getByLabel('Request body')).toHaveValue('{"status": "open"}');
		await edit.getByLabel('Method').selectOption('PUT');
		await edit.getByLabel('Content type').fill('text/plain');
		await edit.getByLabel('Request body').fill('flag=on');
		await edit.getByRole('button', { name: 'Save changes' }).click();
		await expect(edit).toBeHidden();
		await expect
			.poll(() => echo.received.at(-1), { timeout: 15_000 })
			.toEqual({ method: 'PUT', contentType: 'text/plain', body: 'flag=on' });
	} finally {
		await echo.close();
	}
});
