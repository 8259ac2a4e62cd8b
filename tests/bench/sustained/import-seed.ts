/** The sustained seed (seed.ts) loaded into the app, as the sustained and chart scenarios start. */
import type { Page } from '@playwright/test';

/** Loads the seed through the app's own import (fetched from the file drop, not pushed over CDP). */
export async function importSeed(page: Page, url: string): Promise<void> {
	await page.evaluate(async (from) => {
		const { db } = (
			globalThis as unknown as {
				monitor: {
					db: {
						call(m: string, a?: unknown): Promise<unknown>;
						callTransfer(m: string, a: unknown, t: Transferable[]): Promise<unknown>;
					};
				};
			}
		).monitor;
		const bytes = new Uint8Array(await (await fetch(`${from}/seed.db`)).arrayBuffer());
		const preview = (await db.callTransfer('import.inspect', { bytes, name: 'seed.db' }, [
			bytes.buffer,
		])) as { token: string };
		// The file's Bot API server is the fake one on 127.0.0.1: keep it (an import drops it by default,
		// and alerts would then go to the real Telegram, which a benchmark must never reach).
		await db.call('import.commit', { token: preview.token, keepApiBase: true });
		// An import pauses the file's running monitors; the benchmark runs them, as "Resume all" does.
		await db.call('import.resumeMonitors');
	}, url);
}
