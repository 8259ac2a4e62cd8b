/**
 * Which rows of a long list to render: those on screen and a screenful on each side, so a scroll of a
 * few rows a frame never shows a blank. Rows are assumed to be `pitch` apart (the monitor rows all have
 * one layout); before a row was measured, the first few are rendered so one can be.
 */

/** Lists longer than this render a window of their rows; shorter ones render them all. */
export const WINDOW_FROM = 40;

/** Rows rendered before any was measured. */
const FIRST = 12;

export interface RowRange {
	/** First row rendered (0-based). */
	start: number;
	/** One past the last row rendered. */
	end: number;
}

/**
 * `top`: how far the viewport's top is below the list's top (negative while the list starts lower
 * down the screen); `height`: the viewport's height, both in px.
 */
export function rowWindow(total: number, pitch: number, top: number, height: number): RowRange {
	if (!(pitch > 0)) return { start: 0, end: Math.min(total, FIRST) };
	const margin = Math.max(height, pitch);
	const clamp = (n: number, low: number) => Math.min(total, Math.max(low, n));
	const start = clamp(Math.floor((top - margin) / pitch), 0);
	const end = clamp(Math.ceil((top + height + margin) / pitch), start);
	return { start, end };
}
