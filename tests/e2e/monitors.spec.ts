import { expect, test } from '@playwright/test';
import { call, monitorInput, openApp } from './helpers';

test('adds, edits and deletes a monitor through the UI, and finds the result after a reload', async ({
	page,
}) => {
	await openApp(page);
	await expect(page.getByRole('heading', { name: 'No monitors yet' })).toBeVisible();

	await page.getByRole('button', { name: 'Add your first monitor' }).click();
	const dialog = page.getByRole('dialog', { name: 'Add monitor' });
	await dialog.getByLabel('Name').fill('Example API');
	await dialog.getByLabel('URL').fill('http://127.0.0.2:9/api/health');
	await dialog.getByLabel('Check every').fill('5');
	await dialog.getByLabel('Interval unit').selectOption({ label: 'minutes' });
	await dialog.getByRole('button', { name: 'Add monitor' }).click();
	await expect(dialog).toBeHidden();

	const row = page.getByRole('listitem', { name: 'Example API' });
	await expect(row).toContainText('http://127.0.0.2:9/api/health');
	await expect(row).toContainText('5 min');

	await page.reload();
	await expect(row).toContainText('5 min');

	await row.getByRole('button', { name: 'Edit Example API' }).click();
	const edit = page.getByRole('dialog', { name: 'Edit monitor' });
	await expect(edit.getByLabel('Check every')).toHaveValue('5');
	await edit.getByLabel('Name').fill('Example API v2');
	await edit.getByLabel('Check every').fill('30');
	await edit.getByLabel('Interval unit').selectOption({ label: 'seconds' });
	await edit.getByRole('button', { name: 'Save changes' }).click();
	await expect(edit).toBeHidden();
	const renamed = page.getByRole('listitem', { name: 'Example API v2' });
	await expect(renamed).toContainText('30 s');

	await page.reload();
	await expect(renamed).toContainText('30 s');
	await renamed.getByRole('button', { name: 'Delete Example API v2' }).click();
	await page
		.getByRole('dialog', { name: 'Delete monitor?' })
		.getByRole('button', { name: 'Delete' })
		.click();
	await expect(page.getByRole('heading', { name: 'No monitors yet' })).toBeVisible();

	await page.reload();
	await expect(page.getByRole('heading', { name: 'No monitors yet' })).toBeVisible();
	expect(await call(page, 'monitors.list')).toEqual([]);
});

test('shows each invalid field next to it and saves nothing', async ({ page }) => {
	await openApp(page);
	await page.getByRole('button', { name: 'Add your first monitor' }).click();
	const dialog = page.getByRole('dialog', { name: 'Add monitor' });
	await dialog.getByLabel('URL').fill('ftp://127.0.0.2/files');
	await dialog.getByLabel('Check every').fill('5');
	await dialog.getByLabel('Interval unit').selectOption({ label: 'seconds' });
	await dialog.getByRole('button', { name: 'Add monitor' }).click();

	await expect(dialog.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
	await expect(dialog.getByText('Give the monitor a name.')).toBeVisible();
	await expect(dialog.getByText('Only http:// and https:// URLs can be checked.')).toBeVisible();
	await expect(dialog.getByText('Choose an interval between 10 seconds and 1 day')).toBeVisible();
	await expect(dialog.getByLabel('URL')).toHaveAccessibleDescription(
		'Only http:// and https:// URLs can be checked.',
	);

	await dialog.getByRole('button', { name: 'Cancel' }).click();
	expect(await call(page, 'monitors.list')).toEqual([]);
});

test('the worker refuses invalid input on its own, with field errors as data', async ({ page }) => {
	await openApp(page);
	const error = await page.evaluate(async () => {
		const handle = (
			globalThis as unknown as {
				monitor: { db: { call(m: string, a: unknown): Promise<unknown> } };
			}
		).monitor;
		try {
			await handle.db.call('monitors.create', {
				name: '',
				url: 'javascript:alert(1)',
				intervalS: 1,
			});
			return null;
		} catch (e) {
			const err = e as { code: string; detail: unknown };
			return { code: err.code, detail: err.detail };
		}
	});
	expect(error).toMatchObject({
		code: 'invalid-input',
		detail: {
			fields: { name: expect.any(String), url: expect.any(String), intervalS: expect.any(String) },
		},
	});
	expect(await call(page, 'monitors.list')).toEqual([]);
});

test('200 writes issued at once are all there after a reload', async ({ page }) => {
	await openApp(page);
	const created = await page.evaluate(async () => {
		const handle = (
			globalThis as unknown as {
				monitor: { db: { call(m: string, a: unknown): Promise<{ id: number }> } };
			}
		).monitor;
		const writes = Array.from({ length: 200 }, (_, i) =>
			handle.db.call('monitors.create', {
				name: `Burst ${String(i).padStart(3, '0')}`,
				url: `http://127.0.0.2:9/${i}`,
				intervalS: 60,
			}),
		);
		return (await Promise.all(writes)).map((m) => m.id);
	});
	expect(new Set(created).size).toBe(200);

	await page.reload();
	// The list renders the rows near the screen, and each says it is one of 200.
	await expect(page.getByRole('listitem').first()).toHaveAttribute('aria-setsize', '200');
	const names = (await call(page, 'monitors.list')).map((m) => m.name);
	expect(names).toEqual(
		Array.from({ length: 200 }, (_, i) => `Burst ${String(i).padStart(3, '0')}`),
	);
});

test('a write whose promise resolved survives closing the page at once', async ({ context }) => {
	const page = await context.newPage();
	await openApp(page);
	await call(page, 'monitors.create', monitorInput('Survivor'));
	await page.close();

	const again = await context.newPage();
	await openApp(again);
	await expect(again.getByRole('listitem', { name: 'Survivor' })).toBeVisible();
});
