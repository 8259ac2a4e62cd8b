/**
 * The history benchmark's UI part (issue 21): W opened in the real app, built as it ships, in Chromium.
 * The file (w-file.ts, cached) goes in through the app's own import, the page is reloaded (a person
 * opening the app on W), and a monitor's 30-day chart is opened OPENS times, each a different monitor:
 * from setting the route to the frame that shows the drawn chart, through the worker RPC
 * (sustained/chart-open.ts, which splits each open by the app's User Timing marks). The same call the
 * chart makes is also timed alone, at the page, for the RPC's share. BENCH_HISTORY_PROFILE=1 builds the
 * app unminified and prints where the page's main thread spent the counted opens (sustained/page-profile.ts).
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { launchProfile } from '../chromium';
import { median, percentile } from '../report';
import { serveApp } from '../sustained/app';
import { describeSteps, openChart, type ChartOpen } from '../sustained/chart-open';
import {
	printSummary,
	startPageProfile,
	stopPageProfile,
	summarise,
} from '../sustained/page-profile';
import { startFileDrop } from '../sustained/targets';
import { wFile } from './w-file';
import { call } from '../../e2e/helpers';

const OPENS = 20;
const WARM_UP = 3;

type Db = {
	call(m: string, a?: unknown): Promise<unknown>;
	callTransfer(m: string, a: unknown, t: Transferable[]): Promise<unknown>;
};

/** Imports the file through the app (fetched from the drop, not pushed over CDP); monitors stay paused. */
async function importFile(page: Page, url: string): Promise<number> {
	return page.evaluate(async (from) => {
		const { db } = (globalThis as unknown as { monitor: { db: Db } }).monitor;
		const bytes = new Uint8Array(await (await fetch(`${from}/seed.db`)).arrayBuffer());
		const started = performance.now();
		const preview = (await db.callTransfer('import.inspect', { bytes, name: 'w.db' }, [
			bytes.buffer,
		])) as { token: string };
		await db.call('import.commit', { token: preview.token });
		return performance.now() - started;
	}, url);
}

function timeDetailCall(page: Page, id: number): Promise<number> {
	return page.evaluate(async (id) => {
		const { db } = (globalThis as unknown as { monitor: { db: Db } }).monitor;
		const started = performance.now();
		await db.call('monitors.detail', { id, range: '30d' });
		return performance.now() - started;
	}, id);
}

const ms = (values: number[]) =>
	`${median(values).toFixed(0)} / ${percentile(values, 95).toFixed(0)} ms`;

/** Measures and returns the report's lines (markdown). */
export async function measureUi(monitors: number): Promise<string[]> {
	const w = await wFile(monitors);
	const bytes = readFileSync(w.path);
	const drop = await startFileDrop(bytes);
	const profiling = Boolean(process.env.BENCH_HISTORY_PROFILE);
	const app = await serveApp({ minify: !profiling });
	const profile = await launchProfile();
	try {
		const page = await profile.context.newPage();
		page.on('console', (m) => {
			if (m.type() === 'error') console.error('[page]', m.text());
		});
		await page.goto(app.url);
		await call(page, 'database.status');
		const importMs = await importFile(page, drop.url);
		const reopened = Date.now();
		await page.reload();
		const list = await call(page, 'monitors.list');
		const coldOpenMs = Date.now() - reopened;
		// The chart range is a choice the monitor page keeps: pick 30 days once.
		await page.evaluate((id) => (location.hash = `#/monitors/${id}`), list[0]!.id);
		await page.getByRole('button', { name: 'Last 30 days' }).click();
		await page.locator('figure[aria-label*="30 days"] canvas').waitFor();
		const opens: ChartOpen[] = [];
		const calls: number[] = [];
		const session = await profile.context.newCDPSession(page);
		for (let i = 0; i < WARM_UP + OPENS; i++) {
			if (profiling && i === WARM_UP) await startPageProfile(session);
			// Stride through the monitors, so no open is of the monitor already shown.
			const m = list[(1 + i * 7) % list.length]!;
			const open = await openChart(page, m.id, m.name);
			const rpc = await timeDetailCall(page, m.id);
			if (i < WARM_UP) continue;
			opens.push(open);
			calls.push(rpc);
		}
		if (profiling) console.log(printSummary(await summarise(await stopPageProfile(session))));
		const totals = opens.map((o) => o.totalMs);
		const chromium = profile.context.browser()?.version() ?? 'unknown';
		const fraction = monitors < 100 ? ` (${monitors} % of W)` : '';
		const lines = [
			`# History in the UI, ${new Date().toISOString()}`,
			'',
			`W${fraction}: ${monitors} monitors × 60 s × 90 days, ${(bytes.length / 1e6).toFixed(1)} MB, history to ${new Date(w.to).toISOString()}; ` +
				`${w.buildMs === null ? 'from the cached file (tests/bench/.cache)' : `built in ${(w.buildMs / 1000).toFixed(0)} s`}. ` +
				`The app as it ships, Chromium ${chromium}, headless; monitors paused (as an import leaves them).`,
			'',
			'| measure | value |',
			'| --- | --- |',
			`| import (inspect, validate every block, commit) | ${(importMs / 1000).toFixed(1)} s |`,
			`| reload to the monitor list's answer | ${coldOpenMs} ms |`,
			`| 30-day chart opened in the UI, p50 / p95 (${OPENS} opens, ${WARM_UP} before them not counted) | ${ms(totals)} |`,
			`| the same \`monitors.detail\` call alone at the page, p50 / p95 | ${ms(calls)} |`,
			`| steps, p50 / p95 ms (opens) | ${describeSteps(opens)} |`,
			'',
		];
		for (const line of lines) console.log(line);
		return lines;
	} finally {
		await profile.close().catch(() => undefined);
		await app.close().catch(() => undefined);
		await drop.close().catch(() => undefined);
	}
}
