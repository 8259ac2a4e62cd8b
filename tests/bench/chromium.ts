/**
 * Chromium for the benchmark and harness tests: the same executable detection and flags as
 * playwright.config.ts. The benchmark uses a persistent profile on disk, because an incognito-like
 * context keeps IndexedDB and OPFS in memory, which would make every durable write look free.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';

export const systemChromium = [
	process.env.CHROMIUM_PATH,
	'/usr/bin/chromium',
	'/usr/bin/chromium-browser',
].find((path): path is string => Boolean(path && existsSync(path)));

export interface Profile {
	context: BrowserContext;
	userDataDir: string;
	close(): Promise<void>;
}

export async function launchProfile(): Promise<Profile> {
	const userDataDir = mkdtempSync(join(tmpdir(), 'monitor-bench-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
		headless: true,
		args: CHROMIUM_ARGS,
		...(systemChromium ? { executablePath: systemChromium } : {}),
	});
	return {
		context,
		userDataDir,
		async close() {
			await context.close();
			rmSync(userDataDir, { recursive: true, force: true });
		},
	};
}
