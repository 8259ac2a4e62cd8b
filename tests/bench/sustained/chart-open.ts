/**
 * Opening a monitor's 30-day chart in the UI, timed from setting the route to the frame that shows the
 * drawn chart, and split into steps by the app's own User Timing marks (src/state/chart-marks.ts).
 */
import type { Page } from '@playwright/test';
import { median, percentile } from '../report';

/** Each step's end mark, in order; a step runs from the previous mark (or the route change) to it. */
const STEPS = [
	['route', 'request'],
	['wait', 'call'],
	['call', 'reply'],
	['render', 'render'],
	['shape', 'shaped'],
	['uplot', 'drawn'],
] as const;
export type Step = (typeof STEPS)[number][0] | 'frame';

export interface ChartOpen {
	totalMs: number;
	/** ms per step; a step whose marks are missing or out of order is left out. */
	steps: Partial<Record<Step, number>>;
}

/** Opens monitor `id`'s page and waits until its 30-day chart is drawn. */
export async function openChart(page: Page, id: number, name: string): Promise<ChartOpen> {
	const { totalMs, marks } = await page.evaluate(
		async ({ id, name }) => {
			const started = performance.now();
			location.hash = `#/monitors/${id}`;
			const shown = () =>
				document.getElementById('monitor-title')?.textContent === name &&
				document.querySelector('figure[aria-label*="30 days"] canvas') !== null;
			await new Promise<void>((resolve) => {
				if (shown()) return resolve();
				const observer = new MutationObserver(() => {
					if (!shown()) return;
					observer.disconnect();
					resolve();
				});
				observer.observe(document.body, { childList: true, subtree: true, characterData: true });
			});
			await new Promise((resolve) => requestAnimationFrame(resolve));
			const totalMs = performance.now() - started;
			const marks: Record<string, number> = {};
			for (const e of performance.getEntriesByType('mark'))
				if (e.name.startsWith('monitor:chart:') && e.startTime >= started)
					marks[e.name.slice('monitor:chart:'.length)] = e.startTime - started;
			return { totalMs, marks };
		},
		{ id, name },
	);
	const steps: ChartOpen['steps'] = {};
	let previous = 0;
	for (const [step, mark] of STEPS) {
		const at = marks[mark];
		if (at === undefined || at < previous) continue;
		steps[step] = at - previous;
		previous = at;
	}
	if (marks.drawn !== undefined) steps.frame = totalMs - marks.drawn;
	return { totalMs, steps };
}

/** "step p50 / p95" for each step over all opens, in the order they happen. */
export function describeSteps(opens: ChartOpen[]): string {
	const order: Step[] = [...STEPS.map(([s]) => s), 'frame'];
	return order
		.map((step) => {
			const values = opens.map((o) => o.steps[step]).filter((v) => v !== undefined);
			if (values.length === 0) return `${step} n/a`;
			return `${step} ${median(values).toFixed(0)} / ${percentile(values, 95).toFixed(0)} (${values.length})`;
		})
		.join(', ');
}
