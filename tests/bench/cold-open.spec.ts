/**
 * Cold open on W (issue 22: "cold open of the app to the monitor list ≤ 1 s on W"): W (history/w-file.ts,
 * 100 monitors × 60 s × 90 days) imported into the real app as it ships, left until its cold-open
 * snapshot is written, then opened again and again the way a person opens it:
 * - in a new tab (the browser already running): REOPENS times;
 * - after the browser itself was closed and started again on the same profile: RESTARTS times.
 * Each open is timed from navigation start to the frame that shows the list's rows, and split by the
 * page's navigation timing and the database worker's User Timing marks (`monitor:open:*`), read from the
 * worker over the DevTools protocol. The monitors stay paused (as an import leaves them): W's addresses
 * are not served here, and a cold open's own work is what is measured.
 *
 * Run only this: BENCH_ONLY=coldopen npm run bench. BENCH_HISTORY_MONITORS=n opens n of W's monitors.
 */
import { readFileSync } from 'node:fs';
import { test, type Page } from '@playwright/test';
import { launchProfile, relaunch } from './chromium';
import { median } from './report';
import { mergeResults, selected, writeSection } from './scenarios';
import { serveApp } from './sustained/app';
import { startFileDrop } from './sustained/targets';
import { wFile } from './history/w-file';
import { openAndTime, STEP_LABELS, type ColdOpen } from './cold-open/measure';
import { checkout, takeTurns, type Side } from './cold-open/side-by-side';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS } from './scenarios';

const MONITORS = Number(process.env.BENCH_HISTORY_MONITORS ?? 100);
const REOPENS = Number(process.env.BENCH_COLD_REOPENS ?? 7);
const RESTARTS = Number(process.env.BENCH_COLD_RESTARTS ?? 3);

type Db = {
	call(m: string, a?: unknown): Promise<unknown>;
	callTransfer(m: string, a: unknown, t: Transferable[]): Promise<unknown>;
};

async function importFile(page: Page, url: string): Promise<void> {
	await page.evaluate(async (from) => {
		const { db } = (globalThis as unknown as { monitor: { db: Db } }).monitor;
		const bytes = new Uint8Array(await (await fetch(`${from}/seed.db`)).arrayBuffer());
		const preview = (await db.callTransfer('import.inspect', { bytes, name: 'w.db' }, [
			bytes.buffer,
		])) as { token: string };
		await db.call('import.commit', { token: preview.token });
	}, url);
}

/** Median of each step over the opens, as "step a / b / c" text and as numbers. */
function summary(opens: ColdOpen[]): { text: string; medians: Record<string, number> } {
	const medians: Record<string, number> = {};
	for (const key of Object.keys(STEP_LABELS)) {
		const values = opens.map((o) => o.steps[key]).filter((v): v is number => v !== undefined);
		if (values.length > 0) medians[key] = Math.round(median(values));
	}
	const text = Object.entries(medians)
		.map(([key, v]) => `${STEP_LABELS[key]} ${v}`)
		.join(' · ');
	return { text, medians };
}

test('cold open on W', async () => {
	test.skip(!selected('coldopen'), 'not selected (BENCH_ONLY / BENCH_SKIP)');
	test.setTimeout(30 * 60_000);
	const w = await wFile(MONITORS);
	const bytes = readFileSync(w.path);
	const drop = await startFileDrop(bytes);
	const profiling = Boolean(process.env.BENCH_COLD_PROFILE);
	const app = await serveApp({ minify: !profiling });
	let profile = await launchProfile();
	try {
		let page = await profile.context.newPage();
		await page.goto(app.url);
		await page.evaluate(() =>
			(globalThis as unknown as { monitor: { db: Db } }).monitor.db.call('database.status'),
		);
		await importFile(page, drop.url);
		console.log(`# Cold open: W, ${MONITORS} monitors, ${(bytes.length / 1e6).toFixed(1)} MB`);
		// The first open after an import has no current snapshot (it reads every chunk record) and writes
		// one; a minute later the file is as a person's is on any later day.
		const first = await openAndTime(profile.context, app.url, page);
		page = first.page;
		console.log(
			`  first open after the import: ${first.open.totalMs} ms; waiting for the snapshot`,
		);
		await page.waitForTimeout(70_000);

		const tabs: ColdOpen[] = [];
		for (let i = 0; i < REOPENS; i++) {
			const next = await openAndTime(profile.context, app.url, page, {
				profile: profiling && i === REOPENS - 1,
			});
			page = next.page;
			tabs.push(next.open);
			console.log(`  new tab ${i + 1}: ${next.open.totalMs} ms`);
		}
		const restarts: ColdOpen[] = [];
		for (let i = 0; i < RESTARTS; i++) {
			await page.close();
			profile = await relaunch(profile);
			const next = await openAndTime(profile.context, app.url, null);
			page = next.page;
			restarts.push(next.open);
			console.log(`  browser restarted ${i + 1}: ${next.open.totalMs} ms`);
		}

		const tab = summary(tabs);
		const restart = summary(restarts);
		const totalTab = median(tabs.map((o) => o.totalMs));
		const totalRestart = median(restarts.map((o) => o.totalMs));
		const chromium = profile.context.browser()?.version() ?? 'unknown';
		const lines = [
			`## Cold open on W (${new Date().toISOString()})`,
			'',
			`W: ${MONITORS} monitors × 60 s × 90 days, ${(bytes.length / 1e6).toFixed(1)} MB, imported into the app as it ships; Chromium ${chromium}, headless. From navigation start to the frame that shows the monitor list; medians.`,
			'',
			'| Open | Target | Median | Max | Steps, ms from navigation start (medians) |',
			'| --- | --- | --- | --- | --- |',
			`| first after the import (no snapshot yet) | | ${first.open.totalMs} ms | | ${summary([first.open]).text} |`,
			`| new tab (${REOPENS}) | ≤ 1000 ms | ${Math.round(totalTab)} ms | ${Math.max(...tabs.map((o) => o.totalMs))} ms | ${tab.text} |`,
			`| browser restarted (${RESTARTS}) | ≤ 1000 ms | ${Math.round(totalRestart)} ms | ${Math.max(...restarts.map((o) => o.totalMs))} ms | ${restart.text} |`,
		];
		for (const line of lines) console.log(line);
		writeSection('coldopen', lines.join('\n'));
		mergeResults({
			coldOpen: {
				date: new Date().toISOString(),
				monitors: MONITORS,
				fileBytes: bytes.length,
				firstMs: first.open.totalMs,
				newTabMs: tabs.map((o) => o.totalMs),
				restartMs: restarts.map((o) => o.totalMs),
				newTabSteps: tab.medians,
				restartSteps: restart.medians,
			},
		});
	} finally {
		await profile.close().catch(() => undefined);
		await app.close().catch(() => undefined);
		await drop.close().catch(() => undefined);
	}
});

test('cold open on W, side by side with an earlier commit', async () => {
	const baseline = process.env.BENCH_COLD_BASELINE;
	test.skip(!selected('coldopen') || !baseline, 'BENCH_COLD_BASELINE=<commit> not set');
	test.setTimeout(45 * 60_000);
	const w = await wFile(MONITORS);
	const bytes = readFileSync(w.path);
	const drop = await startFileDrop(bytes);
	const tree = checkout(baseline!);
	const apps = [await serveApp({ root: tree.root }), await serveApp()];
	const profile = await launchProfile();
	try {
		const names = [`before (${baseline!.slice(0, 9)})`, 'after (this checkout)'];
		const sides: Side[] = [];
		for (const [i, app] of apps.entries()) {
			const page = await profile.context.newPage();
			await page.goto(app.url);
			await page.evaluate(() =>
				(globalThis as unknown as { monitor: { db: Db } }).monitor.db.call('database.status'),
			);
			await importFile(page, drop.url);
			const first = await openAndTime(profile.context, app.url, page);
			sides.push({ name: names[i]!, url: app.url, page: first.page, opens: [] });
		}
		// Each side's snapshot is written a minute after its first open.
		await sides[1]!.page.waitForTimeout(70_000);
		const rows = await takeTurns(profile.context, [sides[0]!, sides[1]!], REOPENS);
		const lines = [
			`## Cold open on W, two builds taking turns (${new Date().toISOString()})`,
			'',
			`W: ${MONITORS} monitors, ${(bytes.length / 1e6).toFixed(1)} MB; ${REOPENS} new-tab opens each, alternating. ms from navigation start, medians.`,
			'',
			'| Build | Open to list drawn | Range | Worker open starts | Database ready | Rows there |',
			'| --- | --- | --- | --- | --- | --- |',
			...rows,
		];
		for (const line of lines) console.log(line);
		writeFileSync(join(RESULTS, 'cold-open-side-by-side.md'), `${lines.join('\n')}\n`);
	} finally {
		await profile.close().catch(() => undefined);
		for (const app of apps) await app.close().catch(() => undefined);
		await drop.close().catch(() => undefined);
		tree.remove();
	}
});
