/**
 * `npm test`'s pretest step: the end-to-end tests need a Chromium. When the discovery (browser.ts)
 * finds one, say which and do nothing; when it finds none, install Playwright's Chromium; when that
 * download cannot happen, stop with one message that names both ways out instead of Playwright's
 * retries and stack traces.
 */
import { chromium } from '@playwright/test';
import { findBrowserHere, type BrowserSource } from './browser';
import {
	downloadFailureReason,
	installPlaywrightChromium,
	offlineMessage,
} from './install-browser';

const SOURCES: Record<BrowserSource, string> = {
	CHROMIUM_PATH: 'from CHROMIUM_PATH',
	system: 'installed on this system',
	playwright: "Playwright's own",
};

async function main(): Promise<number> {
	const discovery = findBrowserHere(chromium);
	if (discovery.found) {
		const { path, source } = discovery.found;
		console.log(`pretest: end-to-end browser ${path} (${SOURCES[source]}); nothing to install.`);
		return 0;
	}
	if (discovery.badChromiumPath !== undefined) {
		console.error(
			`pretest: CHROMIUM_PATH is ${discovery.badChromiumPath}, which does not exist. Point it at a Chromium or Chrome executable, or unset it to let npm test find or install one.`,
		);
		return 1;
	}
	console.log("pretest: no Chromium or Chrome found; installing Playwright's Chromium (once).");
	const install = await installPlaywrightChromium();
	const after = findBrowserHere(chromium);
	if (!install.ok || !after.found) {
		console.error(offlineMessage(downloadFailureReason(install.output)));
		return 1;
	}
	console.log(`pretest: installed ${after.found.path}.`);
	return 0;
}

process.exitCode = await main();
