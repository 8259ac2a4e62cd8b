import { expect, type Page } from '@playwright/test';
import type { ArgsOf, Method, ResultOf } from '../../src/shared/api';

interface MonitorHandle {
	db: { call(method: string, args?: unknown): Promise<unknown> };
}

/** Calls the worker API from inside the page, through the app's own client (window.monitor). */
export async function call<M extends Method>(
	page: Page,
	method: M,
	args?: ArgsOf<M>,
): Promise<ResultOf<M>> {
	return (await page.evaluate(
		async ([m, a]) => (globalThis as unknown as { monitor: MonitorHandle }).monitor.db.call(m, a),
		[method, args] as const,
	)) as ResultOf<M>;
}

/** Opens the app and waits until the database is open and saved. */
export async function openApp(page: Page, path = '/'): Promise<void> {
	await page.goto(path);
	await expect(page.getByTestId('save-indicator')).toHaveText(
		/All changes saved|Nothing to save yet/,
	);
}

export function monitorInput(name: string, intervalS = 60) {
	return { name, url: `http://127.0.0.2:9/${encodeURIComponent(name)}`, intervalS };
}
