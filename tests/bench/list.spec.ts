/**
 * The monitor list at scale (issue 22): 200 monitors checked every 10 s against the sustained scenario's
 * target servers on 127.0.0.1 (a mix of up, down, degraded and flapping), the list then shown, scrolled
 * and left open while checks land, with the same measurements as the sustained run's list part
 * (sustained/list.ts): the first screen and every row drawn, and the longest task and frame. It takes
 * about two minutes where the sustained run takes twenty, so a change to the list can be measured on its
 * own. BENCH_LIST_MONITORS (default 200), BENCH_LIST_WARM_S (default 40: how long checks run first).
 * BENCH_LIST_PROFILE=1 profiles the page's main thread (an unminified build) and prints where it went.
 * BENCH_LIST_SHOTS=<dir> saves screenshots of the list and of a monitor's page, light and dark, at the end.
 *
 * Run only this: BENCH_ONLY=list npm run bench.
 */
import { test, type Page } from '@playwright/test';
import { launchProfile } from './chromium';
import { machine, percentile } from './report';
import { mergeResults, selected, writeSection } from './scenarios';
import { serveApp } from './sustained/app';
import { measureList } from './sustained/list';
import {
	printSummary,
	startPageProfile,
	stopPageProfile,
	summarise,
} from './sustained/page-profile';
import { kindOf, monitorInput } from './sustained/plan';
import { startTargets } from './sustained/targets';
import { startTrace, stopTrace } from './sustained/trace';
import { call } from '../e2e/helpers';

const MONITORS = Number(process.env.BENCH_LIST_MONITORS ?? 200);
const WARM_S = Number(process.env.BENCH_LIST_WARM_S ?? 40);

/** The list (its top) and a monitor's page, in both colour schemes. */
async function screenshots(page: Page, id: number, dir: string): Promise<void> {
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		await page.evaluate(() => (location.hash = '#/monitors'));
		await page.locator('ul[aria-label="Monitors"] > li').first().waitFor();
		await page.screenshot({ path: `${dir}/list-${colorScheme}.png` });
		await page.evaluate((id) => (location.hash = `#/monitors/${id}`), id);
		await page.locator('#monitor-title').waitFor();
		await page.waitForTimeout(500);
		await page.screenshot({ path: `${dir}/monitor-${colorScheme}.png`, fullPage: true });
	}
}

const ms = (values: number[]) =>
	`${Math.round(percentile(values, 50))} / ${Math.round(Math.max(...values))} ms`;

test('monitor list at scale', async () => {
	test.skip(!selected('list'), 'not selected (BENCH_ONLY / BENCH_SKIP)');
	test.setTimeout(15 * 60_000);
	const targets = await startTargets(Math.ceil(MONITORS / 10));
	const profiling = Boolean(process.env.BENCH_LIST_PROFILE);
	const app = await serveApp({ minify: !profiling });
	const profile = await launchProfile();
	try {
		const page = await profile.context.newPage();
		await page.setViewportSize({ width: 1280, height: 900 });
		await page.goto(app.url);
		await call(page, 'database.status');
		for (let i = 0; i < MONITORS; i++)
			await call(page, 'monitors.create', monitorInput(i, targets.urlFor(kindOf(i), i), 10));
		console.log(`# List: ${MONITORS} monitors every 10 s; checks run ${WARM_S} s first`);
		await page.waitForTimeout(WARM_S * 1000);
		const ids = (await call(page, 'monitors.list')).map((m) => m.id);
		// BENCH_LIST_CSS: a style sheet added to the page, to see what a rule costs (diagnostics).
		if (process.env.BENCH_LIST_CSS) await page.addStyleTag({ content: process.env.BENCH_LIST_CSS });
		const session = await profile.context.newCDPSession(page);
		const tracing = Boolean(process.env.BENCH_LIST_TRACE);
		if (profiling) await startPageProfile(session);
		if (tracing) await startTrace(session);
		const list = await measureList(page, ids, { liveMs: 15_000 });
		if (profiling) console.log(printSummary(await summarise(await stopPageProfile(session))));
		if (tracing) console.log(await stopTrace(session));
		if (process.env.BENCH_LIST_SHOTS)
			await screenshots(page, ids[0]!, process.env.BENCH_LIST_SHOTS);
		const chromium = profile.context.browser()?.version() ?? 'unknown';
		const lines = [
			`## Monitor list, ${MONITORS} monitors (${new Date().toISOString()})`,
			'',
			`${machine(chromium)}; ${MONITORS} monitors every 10 s against 127.0.0.1, checked for ${WARM_S} s before; viewport 1280×900.`,
			'',
			'| Measure (5 visits from a monitor page) | p50 / max |',
			'| --- | --- |',
			`| first screen drawn (target ≤ 200 ms) | ${ms(list.screenMs)} |`,
			`| every row there | ${ms(list.renderMs)} |`,
			`| longest task of a visit (target < 50 ms) | ${ms(list.visitLongestTaskMs)} |`,
			`| scrolled top to bottom and back: longest task / frame | ${list.scrollLongestTaskMs} / ${Math.round(list.scrollLongestFrameMs)} ms |`,
			`| open ${list.liveMs / 1000} s while checks land: longest task / frame | ${list.liveLongestTaskMs} / ${Math.round(list.liveLongestFrameMs)} ms |`,
			'',
		];
		console.log(lines.join('\n'));
		writeSection('list', lines.join('\n'));
		mergeResults({ list: { date: new Date().toISOString(), monitors: MONITORS, ...list } });
	} finally {
		await profile.close();
		await app.close();
		await targets.close();
	}
});
