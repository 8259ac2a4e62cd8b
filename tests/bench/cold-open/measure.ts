/**
 * One cold open of the app, timed: the previous tab (which owns the database) is closed, a new one
 * navigates to the app, and the open ends at the frame after the monitor list's first row is there. Its
 * steps come from the page's navigation timing and the database worker's `monitor:open:*` marks, all as
 * ms from the page's navigation start (the worker's marks are moved by the difference of time origins).
 */
import type { BrowserContext, Page } from '@playwright/test';
import { topSelfTime, WorkerProbe } from '../probes';
import { inclusiveTime, WorkerStartProfile } from './worker-profile';
import {
	printSummary,
	startPageProfile,
	stopPageProfile,
	summarise,
} from '../sustained/page-profile';

export interface ColdOpen {
	totalMs: number;
	/** ms from navigation start, by step (see STEP_LABELS). */
	steps: Record<string, number>;
}

export const STEP_LABELS: Record<string, string> = {
	html: 'html',
	script: 'script run',
	'worker:start': 'worker open starts',
	'worker:claimed': 'claimed',
	'worker:snapshot': 'snapshot read',
	'worker:manifest': 'manifest read',
	'worker:stored': 'sql.js + file ready',
	'worker:engine': 'engine',
	'worker:inspected': 'migrations checked',
	'worker:ready': 'ready',
	rows: 'rows there',
	painted: 'drawn',
};

/** Set in the page before its own scripts: when the list's first row is there, and the frame after. */
function watchRows(): void {
	const g = globalThis as unknown as { coldOpen: { rowsAt?: number; paintedAt?: number } };
	g.coldOpen = {};
	const tick = () => {
		if (document.querySelector('ul[aria-label="Monitors"] > li')) {
			g.coldOpen.rowsAt = performance.now();
			requestAnimationFrame(() => (g.coldOpen.paintedAt = performance.now()));
			return;
		}
		requestAnimationFrame(tick);
	};
	requestAnimationFrame(tick);
}

export async function openAndTime(
	context: BrowserContext,
	url: string,
	previous: Page | null,
	{ profile = false } = {},
): Promise<{ page: Page; open: ColdOpen }> {
	// The tab that owns the database goes first, as when a person closes the app and opens it again.
	if (previous) await previous.close({ runBeforeUnload: false });
	const page = await context.newPage();
	await page.addInitScript(watchRows);
	// BENCH_COLD_PROFILE: the page's main thread, profiled from navigation on (an unminified build).
	const session = profile ? await context.newCDPSession(page) : null;
	if (session) await startPageProfile(session);
	const workerProfile = session ? await WorkerStartProfile.start(session, 'monitor-db') : null;
	await page.goto(url);
	await page.waitForFunction(
		() => (globalThis as unknown as { coldOpen: { paintedAt?: number } }).coldOpen.paintedAt,
		undefined,
		{ timeout: 120_000, polling: 50 },
	);
	if (session) console.log(printSummary(await summarise(await stopPageProfile(session))));
	const worker = await workerProfile?.stop();
	if (worker)
		console.log(
			`Worker, self time:\n    ${topSelfTime(worker, 25).join('\n    ')}\nWorker, inclusive time:\n    ${inclusiveTime(worker, 60).join('\n    ')}`,
		);
	const inPage = await page.evaluate(() => {
		const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
		const script = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find(
			(r) => /\/assets\/index-.*\.js/.test(r.name),
		);
		const cold = (globalThis as unknown as { coldOpen: { rowsAt: number; paintedAt: number } })
			.coldOpen;
		return {
			origin: performance.timeOrigin,
			marks: performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)]),
			html: nav.responseEnd,
			script: script?.responseEnd,
			rows: cold.rowsAt,
			painted: cold.paintedAt,
		};
	});
	if (process.env.BENCH_COLD_MARKS) console.log('    page', JSON.stringify(inPage.marks));
	const steps: Record<string, number> = {
		html: inPage.html,
		rows: inPage.rows,
		painted: inPage.painted,
	};
	if (inPage.script !== undefined) steps.script = inPage.script;
	const probe = await WorkerProbe.attach(await context.newCDPSession(page));
	const expression =
		'JSON.stringify({ origin: performance.timeOrigin, marks: performance.getEntriesByType("mark").map((m) => [m.name, m.startTime]) })';
	type Marks = { result?: { value?: string } } | null;
	let marks = null as Marks;
	// The worker is attached a moment after auto-attach is turned on.
	for (let i = 0; i < 40 && marks === null; i++) {
		marks = (await probe.command('monitor-db', 'Runtime.evaluate', {
			expression,
			returnByValue: true,
		})) as Marks;
		if (marks === null) await page.waitForTimeout(50);
	}
	const value = marks?.result?.value;
	if (value) {
		const worker = JSON.parse(value) as { origin: number; marks: [string, number][] };
		if (process.env.BENCH_COLD_MARKS)
			console.log(
				`    worker origin ${Math.round(worker.origin - inPage.origin)}\n` +
					worker.marks
						.map(([n, at]) => `    ${Math.round(worker.origin + at - inPage.origin)} ${n}`)
						.join('\n'),
			);
		for (const [name, at] of worker.marks) {
			const step = name.replace(/^monitor:open:/, 'worker:');
			if (step !== name && steps[step] === undefined)
				steps[step] = worker.origin + at - inPage.origin;
		}
	}
	for (const key of Object.keys(steps)) steps[key] = Math.round(steps[key]!);
	return { page, open: { totalMs: Math.round(inPage.painted), steps } };
}
