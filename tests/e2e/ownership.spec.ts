import { expect, test } from '@playwright/test';
import { call, monitorInput, openApp } from './helpers';

test('a second window works at once through the owner, and takes over when the owner closes', async ({
	context,
}) => {
	const first = await context.newPage();
	await openApp(first);
	await call(first, 'monitors.create', monitorInput('Written by the first window'));

	const second = await context.newPage();
	await openApp(second);
	await expect(second.getByRole('listitem', { name: 'Written by the first window' })).toBeVisible();

	await first.close();
	await call(second, 'monitors.create', monitorInput('Written after the hand-over'));
	await second.reload();
	await expect(second.getByRole('listitem')).toHaveCount(2);
	await expect(second.getByTestId('save-indicator')).toHaveAttribute(
		'title',
		/Saved by this window/,
	);
});

test('sql.js compiles its wasm with streaming instantiation from a hashed asset', async ({
	page,
}) => {
	const messages: string[] = [];
	page.on('console', (m) => messages.push(m.text()));
	const wasm = page.waitForResponse((r) => r.url().endsWith('.wasm'));
	await openApp(page);
	const response = await wasm;
	expect(response.url()).toMatch(/\/assets\/sql-wasm-browser-[\w-]{8}\.wasm$/);
	expect(response.headers()['content-type']).toBe('application/wasm');
	expect(messages.filter((m) => /streaming compile failed|falling back/i.test(m))).toEqual([]);
});
