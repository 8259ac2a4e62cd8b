/**
 * Which browser `npm test` drives (tests/support/browser.ts), on a fake filesystem for each platform;
 * the messages of the pretest step when Playwright's download fails (tests/support/install-browser.ts);
 * and the pretest step itself, run as `npm test` runs it, with a browser, with a wrong CHROMIUM_PATH,
 * and with no browser and no way to download one.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBrowser, HIDE_SYSTEM_BROWSERS, type BrowserProbe } from '../support/browser';
import { downloadFailureReason, offlineMessage } from '../support/install-browser';

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

describe('when the download fails', () => {
	// What `playwright install chromium` printed here, offline (ANSI colours and all), shortened.
	const offline = [
		'Downloading Chrome for Testing 159.0.8154.6 (playwright chromium v1255)\u001b[2m from https://cdn.playwright.dev/builds/cft/159.0.8154.6/linux64/chrome-linux64.zip\u001b[22m',
		'Error: getaddrinfo ENOTFOUND cdn.playwright.dev',
		'    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:internal/dns/promises:99:17) {',
		"  code: 'ENOTFOUND',",
		'}',
		'Failed to install browsers',
		'Error: Failed to download Chrome for Testing 159.0.8154.6 (playwright chromium v1255), caused by',
		'Error: Download failure, code=1',
		'    at ChildProcess.<anonymous> (node_modules/playwright-core/lib/coreBundle.js:34127:32)',
	].join('\n');

	it("names Playwright's underlying error, not its wrapper, and no stack", () => {
		expect(downloadFailureReason(offline)).toBe('getaddrinfo ENOTFOUND cdn.playwright.dev');
		expect(downloadFailureReason('Error: Download failure, code=1')).toBe(
			'Download failure, code=1',
		);
		expect(downloadFailureReason('')).toBe('the download failed');
	});

	it('says both ways out: a system browser (or CHROMIUM_PATH), or the network', () => {
		const message = offlineMessage('connect ECONNREFUSED 127.0.0.2:9');
		expect(message).toContain('connect ECONNREFUSED 127.0.0.2:9');
		expect(message).toMatch(/install Chromium or Google Chrome/);
		expect(message).toContain('CHROMIUM_PATH');
		expect(message).toMatch(/connect to the network and run npm test again/);
		expect(message).not.toMatch(/\n\s+at /);
	});
});

const ROOT = join(import.meta.dirname, '../..');

interface Run {
	status: number | null;
	stdout: string;
	stderr: string;
}

/** The pretest step as `npm test` runs it, with Playwright's browsers kept in a fresh directory. */
function pretest(env: Record<string, string>): Promise<Run & { browsers: string }> {
	const browsers = mkdtempSync(join(tmpdir(), 'monitor-pw-browsers-'));
	const child = spawn(
		process.execPath,
		[join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'tests/support/pretest.ts')],
		{
			cwd: ROOT,
			// Should anything try to download, it reaches a closed loopback port, never the network.
			env: {
				...process.env,
				CHROMIUM_PATH: '',
				PLAYWRIGHT_BROWSERS_PATH: browsers,
				PLAYWRIGHT_DOWNLOAD_HOST: 'http://127.0.0.2:9',
				...env,
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	return new Promise((resolve) => {
		child.on('close', (status) => resolve({ status, stdout, stderr, browsers }));
	});
}

describe('the pretest step', () => {
	it('with a browser, names it and installs nothing', async () => {
		// Any existing file passes for a browser here: the step only looks, it does not launch.
		const run = await pretest({ CHROMIUM_PATH: process.execPath });
		expect(run).toMatchObject({ status: 0, stderr: '' });
		expect(run.stdout).toBe(
			`pretest: end-to-end browser ${process.execPath} (from CHROMIUM_PATH); nothing to install.\n`,
		);
		expect(readdirSync(run.browsers)).toEqual([]);
	});

	it('with a CHROMIUM_PATH that points at nothing, says so and installs nothing', async () => {
		const missing = join(tmpdir(), 'no-such-chromium', 'chrome');
		const run = await pretest({ CHROMIUM_PATH: missing });
		expect(run.status).toBe(1);
		expect(run.stderr).toBe(
			`pretest: CHROMIUM_PATH is ${missing}, which does not exist. Point it at a Chromium or Chrome executable, or unset it to let npm test find or install one.\n`,
		);
		expect(readdirSync(run.browsers)).toEqual([]);
	});

	it('with no browser and no download, stops with the one message and no stack trace', async () => {
		const run = await pretest({ [HIDE_SYSTEM_BROWSERS]: '1' });
		expect(run.status).toBe(1);
		expect(run.stdout).toContain("installing Playwright's Chromium");
		expect(run.stderr).toBe(`${offlineMessage('connect ECONNREFUSED 127.0.0.2:9')}\n`);
		expect(`${run.stdout}${run.stderr}`).not.toMatch(/^\s+at /m);
		expect(existsSync(join(run.browsers, 'chromium-1255'))).toBe(false);
	}, 120_000);
});
