/**
 * Opening charts at scale (issue 22, "no task of 50 ms or more"): the sustained run's chart part on its
 * own, in a few minutes instead of twenty. The sustained seed (200 monitors every 30 s, 30 days of
 * history, BENCH_CHARTS_MB of it, default 10) is imported into the app as it ships, the monitors run
 * against the target servers on 127.0.0.1, and a monitor's 30-day chart is opened BENCH_CHARTS_OPENS
 * times (default 40), another monitor each time, one every BENCH_CHARTS_GAP_MS (default 1500). Each open
 * is watched until its page is complete (the sections below the chart too) and a little after; the
 * longest task (Long Tasks API) of each open and of the gaps between them is reported.
 * BENCH_CHARTS_TRACE=1 adds a Chromium trace of the main thread (what fills the long tasks);
 * BENCH_CHARTS_PROFILE=1 a CPU profile (an unminified build).
 *
 * Run only this: BENCH_ONLY=charts npm run bench.
 */
import { test, type Page } from '@playwright/test';
import { FakeTelegram } from '../e2e/support/fake-telegram';
import { launchProfile } from './chromium';
import { machine, median } from './report';
import { selected, writeSection } from './scenarios';
import { serveApp } from './sustained/app';
import { openChart, describeSteps, type ChartOpen } from './sustained/chart-open';
import { importSeed } from './sustained/import-seed';
import {
	printSummary,
	startPageProfile,
	stopPageProfile,
	summarise,
} from './sustained/page-profile';
import { sustainedSettings } from './sustained/plan';
import { buildSeed } from './sustained/seed';
import { startFileDrop, startTargets } from './sustained/targets';
import { startTrace, stopTrace } from './sustained/trace';
import { call } from '../e2e/helpers';

const OPENS = Number(process.env.BENCH_CHARTS_OPENS ?? 40);
const GAP_MS = Number(process.env.BENCH_CHARTS_GAP_MS ?? 1500);
const TOKEN = '4242:AAbenchbenchbenchbenchbenchbenchbench';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Tasks = { benchTasks: { at: number; ms: number }[] };

/** Every long task from now on, kept in the page (`benchTasks`). */
function watchLongTasks(page: Page): Promise<void> {
	return page.evaluate(() => {
		const g = globalThis as unknown as Tasks;
		g.benchTasks = [];
		new PerformanceObserver((list) => {
			for (const e of list.getEntries()) g.benchTasks.push({ at: e.startTime, ms: e.duration });
		}).observe({ type: 'longtask', buffered: false });
	});
}

/** The page's clock now. */
const now = (page: Page) => page.evaluate(() => performance.now());

/** The longest task that started in [from, to) of the page's clock (0: none). */
function longestBetween(page: Page, from: number, to: number): Promise<number> {
	return page.evaluate(
		([from, to]) =>
			Math.max(
				0,
				...(globalThis as unknown as Tasks).benchTasks
					.filter((t) => t.at >= from! && t.at < to!)
					.map((t) => t.ms),
			),
		[from, to],
	);
}

/** Until the sections below the chart are built, and two frames more. */
function pageComplete(page: Page): Promise<void> {
	return page.evaluate(async () => {
		const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
		while (document.getElementById('events-title') === null) await frame();
		await frame();
		await frame();
	});
}

test('charts opened at scale', async () => {
	test.skip(!selected('charts'), 'not selected (BENCH_ONLY / BENCH_SKIP)');
	test.setTimeout(20 * 60_000);
	const settings = {
		...sustainedSettings(),
		targetMB: Number(process.env.BENCH_CHARTS_MB ?? 10),
	};
	const targets = await startTargets(Math.ceil(settings.monitors / 10));
	const telegram = new FakeTelegram();
	telegram.addBot(TOKEN, 'bench_bot');
	await telegram.start();
	const cleanup: (() => Promise<void>)[] = [() => targets.close(), () => telegram.stop()];
	try {
		const seed = await buildSeed({
			settings,
			urlFor: (kind, index) => targets.urlFor(kind, index),
			telegram: { url: telegram.url, token: TOKEN, chatId: -1001234567890 },
			end: Date.now(),
		});
		console.log(
			`# Charts: ${settings.monitors} monitors every ${settings.intervalS} s, seed ${(seed.bytes.length / 1048576).toFixed(1)} MB built in ${(seed.buildMs / 1000).toFixed(0)} s`,
		);
		const drop = await startFileDrop(seed.bytes);
		cleanup.push(() => drop.close());
		const profiling = Boolean(process.env.BENCH_CHARTS_PROFILE);
		const tracing = Boolean(process.env.BENCH_CHARTS_TRACE);
		const app = await serveApp({ minify: !profiling });
		cleanup.push(() => app.close());
		const profile = await launchProfile();
		cleanup.push(() => profile.close());
		const page = await profile.context.newPage();
		await page.setViewportSize({ width: 1280, height: 900 });
		await page.goto(app.url);
		await call(page, 'database.status');
		await importSeed(page, drop.url);
		await page.reload();
		const monitors = await call(page, 'monitors.list');
		await page.evaluate((id) => (location.hash = `#/monitors/${id}`), monitors[0]!.id);
		await page.getByRole('button', { name: 'Last 30 days' }).click();
		await page.locator('figure[aria-label*="30 days"] canvas').waitFor();
		// One interval of checks first: the reopened monitors' catch-up is not what this measures.
		await sleep(settings.intervalS * 1000);
		await watchLongTasks(page);
		const session = await profile.context.newCDPSession(page);
		if (profiling) await startPageProfile(session);
		if (tracing) await startTrace(session);
		const opens: ChartOpen[] = [];
		const openLongest: number[] = [];
		const gapLongest: number[] = [];
		for (let i = 0; i < OPENS; i++) {
			const m = monitors[(1 + i * 7) % monitors.length]!;
			const started = await now(page);
			opens.push(await openChart(page, m.id, m.name));
			await pageComplete(page);
			await sleep(100);
			const complete = await now(page);
			openLongest.push(await longestBetween(page, started, complete));
			await sleep(GAP_MS);
			gapLongest.push(await longestBetween(page, complete, await now(page)));
		}
		if (profiling) console.log(printSummary(await summarise(await stopPageProfile(session))));
		if (tracing) console.log(await stopTrace(session));
		const chromium = profile.context.browser()?.version() ?? 'unknown';
		const max = (values: number[]) => Math.round(Math.max(...values));
		const withLong = openLongest.filter((v) => v > 0).length;
		const lines = [
			`## Charts opened at scale (${new Date().toISOString()})`,
			'',
			`${machine(chromium)}; ${settings.monitors} monitors every ${settings.intervalS} s against 127.0.0.1 on a ${(seed.bytes.length / 1048576).toFixed(0)} MB seed; viewport 1280×900; ${OPENS} 30-day charts opened, one every ${GAP_MS} ms after the last was complete.`,
			'',
			'| Measure | value |',
			'| --- | --- |',
			`| chart drawn, p50 / max | ${Math.round(median(opens.map((o) => o.totalMs)))} / ${max(opens.map((o) => o.totalMs))} ms |`,
			`| opens with a task ≥ 50 ms (until the page is complete) | ${withLong} of ${OPENS} |`,
			`| longest task of an open, p50 / max (0: none) | ${Math.round(median(openLongest))} / ${max(openLongest)} ms |`,
			`| longest task between opens (checks landing), max | ${max(gapLongest)} ms |`,
			`| steps, p50 / p95 ms | ${describeSteps(opens)} |`,
			'',
		];
		console.log(`  longest task of each open: ${openLongest.map(Math.round).join(', ')}`);
		console.log(lines.join('\n'));
		writeSection('charts', lines.join('\n'));
	} finally {
		for (const close of cleanup.reverse()) await close().catch(() => undefined);
	}
});
