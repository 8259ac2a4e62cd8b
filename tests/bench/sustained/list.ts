/**
 * The monitor list under the sustained load: how long it takes to show every monitor after coming back
 * from a monitor's page, and how smooth it stays while scrolled and while checks land. "Longest task"
 * is the Long Tasks API's (tasks of 50 ms or more; 0 when there was none); "longest frame" is the longest
 * gap between animation frames, which also shows slowness below 50 ms.
 */
import type { Page } from '@playwright/test';

export interface ListResult {
	/** From the route change to the frame that shows the first screen of rows, per visit (ms). */
	screenMs: number[];
	/** To the frame that shows every monitor's row (a windowed list: every row it renders), per visit (ms). */
	renderMs: number[];
	/** The longest task of each visit. */
	visitLongestTaskMs: number[];
	scrollLongestTaskMs: number;
	scrollLongestFrameMs: number;
	/** Shown, unscrolled, while checks land for `liveMs`. */
	liveLongestTaskMs: number;
	liveLongestFrameMs: number;
	liveMs: number;
}

interface Visit {
	/** Until the rows that fill the screen were drawn. */
	screenMs: number;
	/** Until every monitor's row was there and drawn. */
	allMs: number;
	longestTaskMs: number;
}

/** From a monitor's page back to the list: when the first screen and when every row was drawn. */
function showList(page: Page, monitorId: number, count: number): Promise<Visit> {
	return page.evaluate(
		async ({ monitorId, count }) => {
			const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
			location.hash = `#/monitors/${monitorId}`;
			while (document.getElementById('monitor-title') === null) await frame();
			await frame();
			let longestTaskMs = 0;
			const observer = new PerformanceObserver((list) => {
				for (const e of list.getEntries()) longestTaskMs = Math.max(longestTaskMs, e.duration);
			});
			observer.observe({ type: 'longtask', buffered: false });
			const started = performance.now();
			location.hash = '#/monitors';
			let screenMs: number | null = null;
			for (;;) {
				// Checked at each frame's start: what is there now is drawn by the end of this frame.
				await frame();
				const list = document.querySelector<HTMLElement>('ul[aria-label="Monitors"]');
				const rows = list?.querySelectorAll(':scope > li') ?? [];
				const last = rows[rows.length - 1];
				// A windowed list (MonitorTable) is complete with its window: rows past the screen's end.
				const full =
					rows.length >= count ||
					(list?.dataset.windowed === 'true' &&
						last !== undefined &&
						last.getBoundingClientRect().top > innerHeight);
				if (screenMs === null && last && (full || last.getBoundingClientRect().top > innerHeight)) {
					await frame();
					screenMs = performance.now() - started;
				}
				if (full) break;
			}
			await frame();
			const allMs = performance.now() - started;
			await frame();
			observer.disconnect();
			return { screenMs: screenMs ?? allMs, allMs, longestTaskMs };
		},
		{ monitorId, count },
	);
}

/**
 * Watches long tasks and frame gaps while `during` runs in the page: `scroll` scrolls the page to the
 * bottom and back, 120 px a frame; `wait` lets `ms` pass.
 */
function smoothness(
	page: Page,
	during: { scroll: true } | { wait: number },
): Promise<{ longestTaskMs: number; longestFrameMs: number }> {
	return page.evaluate(async (during) => {
		let longestTaskMs = 0;
		const observer = new PerformanceObserver((list) => {
			for (const e of list.getEntries()) longestTaskMs = Math.max(longestTaskMs, e.duration);
		});
		observer.observe({ type: 'longtask', buffered: false });
		let longestFrameMs = 0;
		let last = performance.now();
		let frames = true;
		const frame = (at: number) => {
			longestFrameMs = Math.max(longestFrameMs, at - last);
			last = at;
			if (frames) requestAnimationFrame(frame);
		};
		requestAnimationFrame(frame);
		const scroller = document.scrollingElement ?? document.documentElement;
		if ('scroll' in during) {
			for (const direction of [1, -1]) {
				for (;;) {
					const before = scroller.scrollTop;
					scroller.scrollBy(0, 120 * direction);
					await new Promise((resolve) => requestAnimationFrame(resolve));
					if (scroller.scrollTop === before) break;
				}
			}
		} else {
			await new Promise((resolve) => setTimeout(resolve, during.wait));
		}
		// Entries of the last task arrive after it; give them a frame.
		await new Promise((resolve) => requestAnimationFrame(resolve));
		frames = false;
		observer.disconnect();
		return { longestTaskMs, longestFrameMs };
	}, during);
}

export async function measureList(
	page: Page,
	monitorIds: number[],
	{ visits = 5, liveMs = 30_000 } = {},
): Promise<ListResult> {
	const visited: Visit[] = [];
	for (let i = 0; i < visits; i++)
		visited.push(
			await showList(page, monitorIds[(i * 13) % monitorIds.length]!, monitorIds.length),
		);
	const scroll = await smoothness(page, { scroll: true });
	const live = await smoothness(page, { wait: liveMs });
	return {
		screenMs: visited.map((v) => v.screenMs),
		renderMs: visited.map((v) => v.allMs),
		visitLongestTaskMs: visited.map((v) => v.longestTaskMs),
		scrollLongestTaskMs: scroll.longestTaskMs,
		scrollLongestFrameMs: scroll.longestFrameMs,
		liveLongestTaskMs: live.longestTaskMs,
		liveLongestFrameMs: live.longestFrameMs,
		liveMs,
	};
}
