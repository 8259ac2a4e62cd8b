/**
 * Installing Playwright's Chromium for `npm test`, and what to say when that cannot happen. Playwright
 * prints each of its five attempts with a stack trace; a person needs one line of progress and, on
 * failure, the cause and the two ways out.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/** Playwright prints every retry and a stack; keep its progress lines, each once. */
const PROGRESS = /^(Downloading |.* downloaded to |\|.*%)/;
// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

export interface Install {
	ok: boolean;
	output: string;
}

export function installPlaywrightChromium(): Promise<Install> {
	const cli = createRequire(import.meta.url).resolve('@playwright/test/cli');
	// The tests launch the full Chromium headless, so Playwright's separate headless shell is not needed.
	const child = spawn(process.execPath, [cli, 'install', 'chromium', '--no-shell'], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	// Whole lines only, so that the two streams' output never interleaves inside a line.
	const lines: string[] = [];
	const shown = new Set<string>();
	const take = (line: string) => {
		lines.push(line);
		if (PROGRESS.test(line) && !shown.has(line)) {
			shown.add(line);
			console.log(`  ${line}`);
		}
	};
	const partials = [child.stdout, child.stderr].map((stream) => {
		const state = { partial: '' };
		stream.on('data', (chunk: Buffer) => {
			const parts = (state.partial + chunk.toString()).split(/\r?\n/);
			state.partial = parts.pop() ?? '';
			parts.map(plain).forEach(take);
		});
		return state;
	});
	return new Promise((resolve) => {
		child.on('error', (error) => resolve({ ok: false, output: `Error: ${error.message}` }));
		child.on('close', (code) => {
			for (const { partial } of partials) if (partial) take(plain(partial));
			resolve({ ok: code === 0, output: lines.join('\n') });
		});
	});
}

/** The first underlying error Playwright reported (say, a DNS failure), without its stack. */
export function downloadFailureReason(output: string): string {
	const errors = plain(output)
		.split(/\r?\n/)
		.map((line) => /^\s*Error: (.+)$/.exec(line)?.[1]?.trim())
		.filter((message): message is string => Boolean(message));
	const cause = errors.find(
		(message) => !/^(Failed to download|Download failure|Failed to install)/.test(message),
	);
	return cause ?? errors[0] ?? 'the download failed';
}

export function offlineMessage(reason: string): string {
	return [
		`pretest: the end-to-end tests need Chromium or Chrome. None is installed here, and Playwright's Chromium could not be downloaded (${reason}).`,
		'Either install Chromium or Google Chrome (on Debian: sudo apt install chromium) and, if it is not in a usual place, set CHROMIUM_PATH to its executable;',
		"or connect to the network and run npm test again: it downloads Playwright's Chromium once.",
	].join('\n');
}
