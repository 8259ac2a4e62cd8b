/**
 * What the persistence layer sustains, for the default write-rate threshold (src/shared/health.ts):
 * in Chromium, through the test harness (tests/harness/measure.ts), databases grown to each size take
 * durable check writes one at a time (each awaited) and 32 at a time (group commit); VACUUM,
 * integrity_check and export() are timed at each size too. Nothing is asserted.
 *
 *   npx tsx tests/bench/health-write-rate.ts [--sizes 1,10,50,100] [--seconds 8] [--port 4449]
 */
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { browserExecutable } from '../support/browser';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const sizes = option('sizes', '1,10,50,100').split(',').map(Number);
const seconds = Number(option('seconds', '8'));
const port = Number(option('port', '4449'));

const configFile = fileURLToPath(new URL('../harness/vite.config.ts', import.meta.url));
await build({ configFile, logLevel: 'warn' });
const server = await preview({ configFile, preview: { port, strictPort: true } });
const executablePath = browserExecutable(chromium);
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
try {
	const page = await browser.newPage();
	await page.goto(`http://127.0.0.1:${port}`);
	await page.waitForSelector('body[data-ready=true]', { state: 'attached' });
	console.log(
		'size MB | one at a time /s (/h) | 32 in flight /s | VACUUM ms | integrity_check ms | export ms',
	);
	for (const mb of sizes) {
		// A string, not a function: tsx's esbuild adds helpers (__name) that do not exist in the page.
		const r = await page.evaluate<{
			megabytes: number;
			sequentialPerS: number;
			concurrentPerS: number;
			vacuumMs: number;
			integrityMs: number;
			exportMs: number;
		}>(`globalThis.harness.writeRate(${mb}, ${seconds * 1000})`);
		console.log(
			[
				r.megabytes.toFixed(1),
				`${r.sequentialPerS.toFixed(1)} (${Math.round(r.sequentialPerS * 3600).toLocaleString('en-US')})`,
				r.concurrentPerS.toFixed(0),
				r.vacuumMs.toFixed(0),
				r.integrityMs.toFixed(0),
				r.exportMs.toFixed(0),
			].join(' | '),
		);
	}
} finally {
	await browser.close();
	server.httpServer.close();
}
