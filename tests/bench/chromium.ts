/**
 * Chromium for the benchmark and harness tests: the same browser (tests/support/browser.ts) and flags
 * as playwright.config.ts. The benchmark uses a persistent profile on disk, because an incognito-like
 * context keeps IndexedDB and OPFS in memory, which would make every durable write look free.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { browserExecutable } from '../support/browser';

export interface Profile {
	context: BrowserContext;
	userDataDir: string;
	close(): Promise<void>;
}

export async function launchProfile(
	userDataDir = mkdtempSync(join(tmpdir(), 'monitor-bench-')),
): Promise<Profile> {
	const executablePath = browserExecutable(chromium);
	const context = await chromium.launchPersistentContext(userDataDir, {
		headless: true,
		args: CHROMIUM_ARGS,
		...(executablePath ? { executablePath } : {}),
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

/** Closes the browser and starts it again on the same profile (what it stored is kept). */
export async function relaunch(profile: Profile): Promise<Profile> {
	await profile.context.close();
	return launchProfile(profile.userDataDir);
}
