/**
 * The monitor list under the sustained load: how long it takes to show every monitor after coming back
 * from a monitor's page, and how smooth it stays while scrolled and while checks land. "Longest task"
 * is the Long Tasks API's (tasks of 50 ms or more; 0 when there was none); "longest frame" is the longest
 * gap between animation frames, which also shows slowness below 50 ms.
 */
import type { Page } from '@playwright/test';

export interface ListResult {
	/** ms from the route change to the frame that shows every monitor's row, per visit. */
	renderMs: number[];
	scrollLongestTaskMs: number;
	scrollLongestFrameMs: number;
	/** Shown, unscrolled, while checks land for `liveMs`. */
	liveLongestTaskMs: number;
	liveLongestFrameMs: number;
	liveMs: number;
}

/** From a monitor's page back to the list, until `count` rows are there and a frame has shown them. */
function showList(page: Page, monitorId: number, count: number): Promise<number> {
	return page.evaluate(
		async ({ monitorId, count }) => {
			location.hash = `#/monitors/${monitorId}`;
			await new Promise<void>((resolve) => {
				const ready = () => document.getElementById('monitor-title') !== null;
				if (ready()) return resolve();
				const observer = new MutationObserver(() => {
					if (!ready()) return;
					observer.disconnect();
					resolve();
				});
				observer.observe(document.body, { childList: true, subtree: true });
			});
			await new Promise((resolve) => requestAnimationFrame(resolve));
			const started = performance.now();
			location.hash = '#/monitors';
			const rows = () => document.querySelectorAll('ul[aria-label="Monitors"] > li').length;
			await new Promise<void>((resolve) => {
				if (rows() >= count) return resolve();
				const observer = new MutationObserver(() => {
					if (rows() < count) return;
					observer.disconnect();
					resolve();
				});
				observer.observe(document.body, { childList: true, subtree: true });
			});
			await new Promise((resolve) => requestAnimationFrame(resolve));
			return performance.now() - started;
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
	const renderMs: number[] = [];
	for (let i = 0; i < visits; i++)
		renderMs.push(
			await showList(page, monitorIds[(i * 13) % monitorIds.length]!, monitorIds.length),
		);
	const scroll = await smoothness(page, { scroll: true });
	const live = await smoothness(page, { wait: liveMs });
	return {
		renderMs,
		scrollLongestTaskMs: scroll.longestTaskMs,
		scrollLongestFrameMs: scroll.longestFrameMs,
		liveLongestTaskMs: live.longestTaskMs,
		liveLongestFrameMs: live.longestFrameMs,
		liveMs,
	};
}
