/** Which browser `npm test` drives (tests/support/browser.ts), on a fake filesystem for each platform. */
import { describe, expect, it } from 'vitest';
import { findBrowser, HIDE_SYSTEM_BROWSERS, type BrowserProbe } from '../support/browser';

const PLAYWRIGHT_LINUX = '/home/ann/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome';

function probe(
	platform: NodeJS.Platform,
	files: string[],
	env: BrowserProbe['env'] = {},
	playwrightChromium = PLAYWRIGHT_LINUX,
): BrowserProbe {
	const present = new Set(files);
	return { platform, env, exists: (path) => present.has(path), playwrightChromium };
}

describe('finding a browser', () => {
	it('takes CHROMIUM_PATH first, and only it: a path that does not exist is reported, not skipped', () => {
		const env = { CHROMIUM_PATH: '/opt/chromium/chrome' };
		expect(findBrowser(probe('linux', ['/opt/chromium/chrome', '/usr/bin/chromium'], env))).toEqual(
			{
				found: { path: '/opt/chromium/chrome', source: 'CHROMIUM_PATH' },
			},
		);
		expect(findBrowser(probe('linux', ['/usr/bin/chromium', PLAYWRIGHT_LINUX], env))).toEqual({
			badChromiumPath: '/opt/chromium/chrome',
		});
		expect(findBrowser(probe('linux', ['/usr/bin/chromium'], { CHROMIUM_PATH: '  ' }))).toEqual({
			found: { path: '/usr/bin/chromium', source: 'system' },
		});
	});

	it.each([
		[['/usr/bin/chromium', '/usr/bin/google-chrome'], '/usr/bin/chromium'],
		[['/usr/bin/google-chrome-stable', PLAYWRIGHT_LINUX], '/usr/bin/google-chrome-stable'],
		[['/usr/bin/google-chrome'], '/usr/bin/google-chrome'],
		[['/usr/bin/chromium-browser'], '/usr/bin/chromium-browser'],
		[['/snap/bin/chromium'], '/snap/bin/chromium'],
	])('on Linux, among %j, picks %s (Debian, Chrome, then Ubuntu)', (files, expected) => {
		expect(findBrowser(probe('linux', files)).found).toEqual({ path: expected, source: 'system' });
	});

	it("on Linux, prefers an installed Playwright Chromium to Ubuntu's confined snap", () => {
		const files = ['/usr/bin/chromium-browser', '/snap/bin/chromium', PLAYWRIGHT_LINUX];
		expect(findBrowser(probe('linux', files)).found).toEqual({
			path: PLAYWRIGHT_LINUX,
			source: 'playwright',
		});
	});

	it('on macOS, finds Chromium or Chrome in /Applications or ~/Applications', () => {
		const chrome = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
		const userChromium = '/Users/ann/Applications/Chromium.app/Contents/MacOS/Chromium';
		const env = { HOME: '/Users/ann' };
		expect(findBrowser(probe('darwin', [chrome, userChromium], env)).found?.path).toBe(chrome);
		expect(findBrowser(probe('darwin', [userChromium], env)).found?.path).toBe(userChromium);
		// Linux paths mean nothing on a Mac.
		expect(findBrowser(probe('darwin', ['/usr/bin/chromium'], env)).found).toBeUndefined();
	});

	it('on Windows, finds Chromium or Chrome under LOCALAPPDATA and Program Files', () => {
		const env = {
			LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local',
			ProgramFiles: 'D:\\Programs',
		};
		const userChrome = 'C:\\Users\\ann\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe';
		const chrome = 'D:\\Programs\\Google\\Chrome\\Application\\chrome.exe';
		const chromeX86 = 'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe';
		const chromium = 'D:\\Programs\\Chromium\\Application\\chrome.exe';
		expect(findBrowser(probe('win32', [userChrome, chromium], env)).found?.path).toBe(chromium);
		expect(findBrowser(probe('win32', [chrome, userChrome], env)).found?.path).toBe(userChrome);
		expect(findBrowser(probe('win32', [chromeX86], env)).found?.path).toBe(chromeX86);
		expect(findBrowser(probe('win32', [chrome], {})).found).toBeUndefined();
	});

	it("falls back to Playwright's own Chromium, and finds nothing when it is not installed", () => {
		const mac = '/Users/ann/Library/Caches/ms-playwright/chromium-1255/chrome-mac/Chromium.app';
		expect(findBrowser(probe('darwin', [mac], {}, mac)).found).toEqual({
			path: mac,
			source: 'playwright',
		});
		expect(findBrowser(probe('linux', []))).toEqual({ found: undefined });
	});

	it('hides CHROMIUM_PATH and every system browser when the test switch is on', () => {
		const env = { CHROMIUM_PATH: '/usr/bin/chromium', [HIDE_SYSTEM_BROWSERS]: '1' };
		expect(findBrowser(probe('linux', ['/usr/bin/chromium'], env))).toEqual({ found: undefined });
		expect(findBrowser(probe('linux', ['/usr/bin/chromium', PLAYWRIGHT_LINUX], env)).found).toEqual(
			{
				path: PLAYWRIGHT_LINUX,
				source: 'playwright',
			},
		);
	});
});
