/**
 * Which Chromium the end-to-end tests and the benchmark drive. One list, used by playwright.config.ts,
 * tests/bench and the `pretest` step, so that what `npm test` installs is what the tests then launch.
 *
 * Order: CHROMIUM_PATH when set (and then only it: a typo must not quietly pick another browser), a
 * system Chromium or Chrome in its usual place for the platform, Playwright's own Chromium, and last
 * Ubuntu's snap Chromium (a confined browser; an installed Playwright Chromium is the safer choice).
 *
 * `findBrowser` is a pure function of the platform, the environment and a file-exists probe, so the
 * unit tests can run it for every platform on a fake filesystem.
 */
import { existsSync } from 'node:fs';
import { posix, win32 } from 'node:path';

export type BrowserSource = 'CHROMIUM_PATH' | 'system' | 'playwright';

export interface Browser {
	path: string;
	source: BrowserSource;
}

export interface BrowserProbe {
	platform: NodeJS.Platform;
	env: Readonly<Record<string, string | undefined>>;
	exists(path: string): boolean;
	/** Where Playwright's own Chromium is (or would be, once installed). */
	playwrightChromium: string;
}

/** What the discovery found: a browser, a CHROMIUM_PATH that points at nothing, or nothing. */
export interface Discovery {
	found?: Browser;
	badChromiumPath?: string;
}

/**
 * For testing the no-browser path only: with this set to 1 the discovery sees neither CHROMIUM_PATH nor
 * any system browser, as on a machine that has none.
 */
export const HIDE_SYSTEM_BROWSERS = 'MONITOR_TEST_HIDE_SYSTEM_BROWSERS';

const LINUX = ['/usr/bin/chromium', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'];
const LINUX_SNAP = ['/usr/bin/chromium-browser', '/snap/bin/chromium'];

function macCandidates(env: BrowserProbe['env']): string[] {
	const apps = ['/Applications'];
	if (env.HOME) apps.push(posix.join(env.HOME, 'Applications'));
	return apps.flatMap((dir) => [
		posix.join(dir, 'Chromium.app/Contents/MacOS/Chromium'),
		posix.join(dir, 'Google Chrome.app/Contents/MacOS/Google Chrome'),
	]);
}

function windowsCandidates(env: BrowserProbe['env']): string[] {
	const programFiles = env.ProgramFiles ?? env.PROGRAMFILES ?? 'C:\\Program Files';
	const programFilesX86 =
		env['ProgramFiles(x86)'] ?? env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)';
	const localAppData = env.LOCALAPPDATA ?? env.LocalAppData;
	const roots = [localAppData, programFiles, programFilesX86].filter(
		(root): root is string => root !== undefined,
	);
	return [
		...roots.map((root) => win32.join(root, 'Chromium', 'Application', 'chrome.exe')),
		...roots.map((root) => win32.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe')),
	];
}

/** The system browsers worth trying on this platform, most preferred first; snap Chromium apart. */
export function systemCandidates(
	platform: NodeJS.Platform,
	env: BrowserProbe['env'],
): { preferred: string[]; snap: string[] } {
	if (platform === 'darwin') return { preferred: macCandidates(env), snap: [] };
	if (platform === 'win32') return { preferred: windowsCandidates(env), snap: [] };
	return { preferred: LINUX, snap: LINUX_SNAP };
}

export function findBrowser(probe: BrowserProbe): Discovery {
	const hideSystem = probe.env[HIDE_SYSTEM_BROWSERS] === '1';
	const fromEnv = hideSystem ? undefined : probe.env.CHROMIUM_PATH?.trim();
	if (fromEnv) {
		return probe.exists(fromEnv)
			? { found: { path: fromEnv, source: 'CHROMIUM_PATH' } }
			: { badChromiumPath: fromEnv };
	}
	const { preferred, snap } = hideSystem
		? { preferred: [], snap: [] }
		: systemCandidates(probe.platform, probe.env);
	const ordered: Browser[] = [
		...preferred.map((path) => ({ path, source: 'system' as const })),
		{ path: probe.playwrightChromium, source: 'playwright' },
		...snap.map((path) => ({ path, source: 'system' as const })),
	];
	return { found: ordered.find((browser) => probe.exists(browser.path)) };
}

/** Playwright's `chromium`: it says where its own Chromium goes (honouring PLAYWRIGHT_BROWSERS_PATH). */
export interface PlaywrightChromium {
	executablePath(): string;
}

/** The discovery on this machine. */
export function findBrowserHere(playwright: PlaywrightChromium): Discovery {
	return findBrowser({
		platform: process.platform,
		env: process.env,
		exists: existsSync,
		playwrightChromium: playwright.executablePath(),
	});
}

/**
 * The executable to launch: the one found, else a CHROMIUM_PATH that points at nothing (so the launch
 * error names it), else Playwright's default, whose error says to install it (`npm test` does).
 */
export function browserExecutable(playwright: PlaywrightChromium): string | undefined {
	const discovery = findBrowserHere(playwright);
	return discovery.found?.path ?? discovery.badChromiumPath;
}
