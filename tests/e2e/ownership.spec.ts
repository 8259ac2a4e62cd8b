import { expect, test } from '@playwright/test';
import { call, monitorInput, openApp } from './helpers';

test('a second tab waits for the owner instead of loading its own copy, and takes over when it closes', async ({
	context,
}) => {
	const first = await context.newPage();
	await openApp(first);
	await call(first, 'monitors.create', monitorInput('Written by the first tab'));

	const second = await context.newPage();
	await second.goto('/');
	await expect(second.getByText('Monitor is open in another tab or window')).toBeVisible();

	await first.close();
	await expect(second.getByText('Monitor is open in another tab or window')).toBeHidden();
	await expect(second.getByRole('listitem', { name: 'Written by the first tab' })).toBeVisible();
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
