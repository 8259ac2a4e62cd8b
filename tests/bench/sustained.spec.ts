/**
 * The sustained-monitoring scenario (issue 8): the real app, built as it ships, checks 200 monitors every
 * 30 s against HTTP servers on 127.0.0.1 for BENCH_SUSTAINED_MINUTES (default 10) of wall time, on a
 * ~50 MB database that already holds 30 days of history, while a 30-day chart is opened every few
 * seconds in the UI. It reports the database worker's CPU share, the delay from a check's due time to
 * its start, the time to open a 30-day chart, and memory at the start and end of the window, against
 * the goals in sustained/goals.ts.
 *
 * Run only this: BENCH_ONLY=sustained npm run bench. Skip it: BENCH_SKIP=sustained. Settings:
 * sustained/plan.ts (BENCH_SUSTAINED_MINUTES, _MONITORS, _INTERVAL_S, _MB, _START).
 * BENCH_SUSTAINED_PROFILE=1 profiles the page's main thread over the window (an unminified build;
 * the profile is written to the system's temporary directory) and prints where its time went.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type Page } from '@playwright/test';
import { FakeTelegram } from '../e2e/support/fake-telegram';
import { launchProfile } from './chromium';
import { cpuByProcessType, rendererPids, topSelfTime, WorkerProbe } from './probes';
import { machine } from './report';
import { selected } from './scenarios';
import { serveApp } from './sustained/app';
import { describeSteps, openChart, type ChartOpen } from './sustained/chart-open';
import {
	printSummary,
	startPageProfile,
	stopPageProfile,
	summarise,
} from './sustained/page-profile';
import { analyseRun } from './sustained/analyse';
import { publish, type SustainedResult } from './sustained/publish';
import { sustainedSettings } from './sustained/plan';
import { buildSeed } from './sustained/seed';
import { importSeed } from './sustained/import-seed';
import { startFileDrop, startTargets } from './sustained/targets';
import { cpuBetween, threadCpu } from './sustained/threads';
import { measureList } from './sustained/list';
import { memory } from './sustained/memory';
import { call } from '../e2e/helpers';

const MB = 1024 * 1024;
const TOKEN = '4242:AAbenchbenchbenchbenchbenchbenchbench';
const CHAT_ID = -1001234567890;
const WORKER = 'monitor-db';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls the worker API through the app's own client, from inside the page (window.monitor.db). */

/** The same call the chart makes, timed in the page. */
function timeDetailCall(page: Page, id: number): Promise<number> {
	return page.evaluate(async (id) => {
		const { db } = (
			globalThis as unknown as {
				monitor: { db: { call(m: string, a?: unknown): Promise<unknown> } };
			}
		).monitor;
		const started = performance.now();
		await db.call('monitors.detail', { id, range: '30d' });
		return performance.now() - started;
	}, id);
}

/** Main-thread tasks over 50 ms from now on (Long Tasks API); read back with `longestTask`. */
function watchLongTasks(page: Page): Promise<void> {
	return page.evaluate(() => {
		const g = globalThis as unknown as { benchLongest: number };
		g.benchLongest = 0;
		new PerformanceObserver((list) => {
			for (const e of list.getEntries()) g.benchLongest = Math.max(g.benchLongest, e.duration);
		}).observe({ type: 'longtask', buffered: false });
	});
}

/** The worker's own count of time spent running tasks and script (Performance domain), if it answers. */
async function workerMetrics(probe: WorkerProbe): Promise<Record<string, number> | null> {
	const result = (await probe.command(WORKER, 'Performance.getMetrics')) as {
		metrics?: { name: string; value: number }[];
	} | null;
	if (!result?.metrics) return null;
	return Object.fromEntries(result.metrics.map((m) => [m.name, m.value]));
}

test('sustained monitoring', async () => {
	test.skip(!selected('sustained'), 'not selected (BENCH_ONLY / BENCH_SKIP)');
	const settings = sustainedSettings();
	const intervalMs = settings.intervalS * 1000;
	const windowMs = settings.minutes * 60_000;
	const targets = await startTargets(Math.ceil(settings.monitors / 10));
	const telegram = new FakeTelegram();
	telegram.addBot(TOKEN, 'bench_bot');
	await telegram.start();
	const cleanup: (() => Promise<void>)[] = [() => targets.close(), () => telegram.stop()];
	try {
		console.log(
			`# Sustained: ${settings.monitors} monitors every ${settings.intervalS} s for ${settings.minutes} min, ~${settings.targetMB} MB (${settings.start})`,
		);
		const seed = await buildSeed({
			settings,
			urlFor: (kind, index) => targets.urlFor(kind, index),
			telegram: { url: telegram.url, token: TOKEN, chatId: CHAT_ID },
			end: Date.now(),
		});
		console.log(
			`  seed: ${(seed.bytes.length / MB).toFixed(1)} MB in ${(seed.buildMs / 1000).toFixed(0)} s, raw checks from ${new Date(seed.rawFrom).toISOString()}, rows ${JSON.stringify(seed.rows)}`,
		);
		const drop = await startFileDrop(seed.bytes);
		cleanup.push(() => drop.close());
		const profiling = Boolean(process.env.BENCH_SUSTAINED_PROFILE);
		const app = await serveApp({ minify: !profiling });
		cleanup.push(() => app.close());
		const profile = await launchProfile();
		cleanup.push(() => profile.close());

		const page = await profile.context.newPage();
		page.on('console', (m) => {
			if (m.type() === 'error') console.error('[page]', m.text());
		});
		await page.goto(app.url);
		await call(page, 'database.status');
		await importSeed(page, drop.url);
		// Reopened on the imported file: the monitors fell due while the "app was closed".
		const reopened = Date.now();
		await page.reload();
		await call(page, 'monitors.list');
		const coldOpenMs = Date.now() - reopened;
		const probe = await WorkerProbe.attach(await profile.context.newCDPSession(page));
		await probe.command(WORKER, 'Performance.enable');
		const monitors = await call(page, 'monitors.list');
		if (settings.start === 'staggered') {
			for (const m of monitors) {
				await call(page, 'monitors.setEnabled', { id: m.id, enabled: true });
				await sleep(intervalMs / monitors.length);
			}
		}
		console.log(`  reopened in ${coldOpenMs} ms; warming up for one interval`);
		// The chart range is a choice the monitor page keeps: pick 30 days once.
		await page.evaluate((id) => (location.hash = `#/monitors/${id}`), monitors[0]!.id);
		await page.getByRole('button', { name: 'Last 30 days' }).click();
		await page.locator('figure[aria-label*="30 days"] canvas').waitFor();
		await sleep(intervalMs);

		const pids = rendererPids(profile.userDataDir);
		const pageSession = await profile.context.newCDPSession(page);
		const fileBytes = async () => (await call(page, 'database.status')).sizeBytes;
		const wasmBytes = async () => (await call(page, 'health.report')).memory.wasmBytes;
		const memoryStart = await memory(pageSession, probe, WORKER, pids, fileBytes, wasmBytes);
		await watchLongTasks(page);
		const hitsStart = { ...targets.hits };
		const sentStart = telegram.sent.length;
		const metricsStart = await workerMetrics(probe);
		const processStart = cpuByProcessType(profile.userDataDir);
		const threadsStart = threadCpu(pids);
		if (profiling) {
			await startPageProfile(pageSession);
			await probe.startProfile(WORKER);
		}
		const t0 = Date.now();
		const chartOpens: number[] = [];
		const chartSteps: ChartOpen[] = [];
		const chartCalls: number[] = [];
		for (let i = 0; Date.now() - t0 < windowMs; i++) {
			const next = t0 + (i + 1) * settings.chartEveryMs;
			// Stride through the monitors so every kind gets opened.
			const m = monitors[(i * 7) % monitors.length]!;
			const open = await openChart(page, m.id, m.name);
			chartOpens.push(open.totalMs);
			chartSteps.push(open);
			chartCalls.push(await timeDetailCall(page, m.id));
			if (i % 20 === 19)
				console.log(
					`  ${((Date.now() - t0) / 60_000).toFixed(1)} min: ${chartOpens.length} charts opened`,
				);
			await sleep(Math.max(0, Math.min(next, t0 + windowMs) - Date.now()));
		}
		const t1 = Date.now();
		console.log(`  chart open steps, ms p50 / p95 (opens): ${describeSteps(chartSteps)}`);
		if (profiling) {
			const cpu = await stopPageProfile(pageSession);
			const file = join(tmpdir(), `sustained-page-${Date.now()}.cpuprofile`);
			writeFileSync(file, JSON.stringify(cpu));
			console.log(`  page profile: ${file}\n${printSummary(await summarise(cpu))}`);
			const worker = await probe.stopProfile(WORKER);
			if (worker) {
				const workerFile = join(tmpdir(), `sustained-worker-${Date.now()}.cpuprofile`);
				writeFileSync(workerFile, JSON.stringify(worker));
				console.log(
					`  worker profile: ${workerFile}\n    ${topSelfTime(worker, 30).join('\n    ')}`,
				);
			}
		}
		const threadsEnd = threadCpu(pids);
		const processEnd = cpuByProcessType(profile.userDataDir);
		const metricsEnd = await workerMetrics(probe);
		const longestMainTaskMs = await page.evaluate(
			() => (globalThis as unknown as { benchLongest: number }).benchLongest,
		);
		const memoryEnd = await memory(pageSession, probe, WORKER, pids, fileBytes, wasmBytes);

		console.log('  the monitor list: shown 5 times, scrolled, then left open for 30 s');
		if (profiling) await startPageProfile(pageSession);
		const list = await measureList(
			page,
			monitors.map((m) => m.id),
		);
		if (profiling) {
			const cpu = await stopPageProfile(pageSession);
			const file = join(tmpdir(), `sustained-list-${Date.now()}.cpuprofile`);
			writeFileSync(file, JSON.stringify(cpu));
			console.log(`  page profile of the list: ${file}\n${printSummary(await summarise(cpu))}`);
		}

		// The final file: due and start times of every check, as the app recorded them.
		const exportedAt = Date.now();
		await page.evaluate(async (to) => {
			const { db } = (
				globalThis as unknown as {
					monitor: { db: { call(m: string, a?: unknown): Promise<unknown> } };
				}
			).monitor;
			const file = (await db.call('database.export')) as { bytes: Uint8Array<ArrayBuffer> };
			await fetch(`${to}/final.db`, { method: 'POST', body: file.bytes });
		}, drop.url);
		const final = drop.received();
		if (!final) throw new Error('the exported database did not arrive');
		const run = await analyseRun(final, { from: t0, to: t1, exportedAt, settings });

		const wallMs = t1 - t0;
		const workerCpuMs = cpuBetween(threadsStart, threadsEnd, 'DedicatedWorker');
		const processCpu = Object.fromEntries(
			Object.entries(processEnd).map(([k, v]) => [k, (v - (processStart[k] ?? 0)) / wallMs]),
		);
		const hits: Record<string, number> = {};
		for (const [k, v] of Object.entries(targets.hits)) hits[k] = v - (hitsStart[k] ?? 0);
		const result: SustainedResult = {
			date: new Date().toISOString(),
			machine: machine(profile.context.browser()?.version() ?? 'unknown'),
			settings,
			seed: {
				fileMB: seed.bytes.length / MB,
				rows: seed.rows,
				rawHours: (seed.rawFrom === Infinity ? 0 : t0 - seed.rawFrom) / 3_600_000,
				buildS: seed.buildMs / 1000,
			},
			coldOpenMs,
			wallMs,
			workerCpuMs,
			workerCpuShare: (100 * workerCpuMs) / wallMs,
			workerMetrics:
				metricsStart && metricsEnd
					? {
							taskShare:
								(100 * 1000 * (metricsEnd.TaskDuration! - metricsStart.TaskDuration!)) / wallMs,
							scriptShare:
								(100 * 1000 * (metricsEnd.ScriptDuration! - metricsStart.ScriptDuration!)) / wallMs,
						}
					: null,
			chromiumCpuShare: processCpu,
			...run,
			chartOpens,
			chartCalls,
			longestMainTaskMs,
			memory: { start: memoryStart, end: memoryEnd },
			list,
			targetHits: hits,
			alertsSent: telegram.sent.length - sentStart,
		};
		console.log('\n' + publish(result));
	} finally {
		for (const close of cleanup.reverse()) await close().catch(() => undefined);
	}
});
