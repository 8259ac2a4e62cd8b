import { describe, expect, it } from 'vitest';
import { rowWindow, WINDOW_FROM } from '../../src/ui/components/row-window';

describe('rowWindow', () => {
	it('renders the first rows until one was measured', () => {
		expect(rowWindow(200, 0, 0, 900)).toEqual({ start: 0, end: 12 });
		expect(rowWindow(5, 0, 0, 900)).toEqual({ start: 0, end: 5 });
	});

	it('covers the screen and a screenful on each side', () => {
		// Rows 150 px apart, the viewport 900 px tall, scrolled 3,000 px into the list: rows 20–25 show.
		const r = rowWindow(200, 150, 3_000, 900);
		expect(r.start).toBeLessThanOrEqual(20 - 6);
		expect(r.end).toBeGreaterThanOrEqual(26 + 6);
		expect(r.end - r.start).toBeLessThanOrEqual(3 * 6 + 2);
	});

	it('stays inside the list at both ends, and while the list is still below the screen', () => {
		expect(rowWindow(200, 150, -2_000, 900)).toEqual({ start: 0, end: 0 });
		expect(rowWindow(200, 150, -500, 900)).toEqual({ start: 0, end: 9 });
		expect(rowWindow(200, 150, 0, 900)).toEqual({ start: 0, end: 12 });
		expect(rowWindow(200, 150, 200 * 150, 900)).toEqual({ start: 194, end: 200 });
		expect(rowWindow(200, 150, 1e9, 900)).toEqual({ start: 200, end: 200 });
	});

	it('every scroll position renders the rows on screen', () => {
		for (let top = -1_000; top < 31_000; top += 37) {
			const { start, end } = rowWindow(200, 150, top, 900);
			const firstSeen = Math.max(0, Math.floor(top / 150));
			const lastSeen = Math.min(199, Math.floor((top + 900) / 150));
			if (lastSeen < firstSeen || top + 900 < 0) continue;
			expect(start).toBeLessThanOrEqual(firstSeen);
			expect(end).toBeGreaterThan(lastSeen);
		}
	});

	it('short lists are not windowed at all', () => {
		expect(WINDOW_FROM).toBeGreaterThanOrEqual(30);
	});
});
