/** What the time charts (TimeChart.svelte) share besides the component: their theme, set-up and columns. */
import type uPlot from 'uplot';

/** The theme's colours, read from its CSS variables, and the axis style built from them. */
export interface ChartTheme {
	accent: string;
	muted: string;
	grid: string;
	danger: string;
	warn: string;
	/** Maintenance: shaded bands. */
	maint: string;
	axis: uPlot.Axis;
}

/** A chart's own part: its series, their axes and scales (the x scale is the component's). */
export interface ChartSetup {
	series: uPlot.Series[];
	axes: uPlot.Axis[];
	scales?: uPlot.Scales;
	bands?: uPlot.Band[];
	hooks?: uPlot.Hooks.Arrays;
}

/**
 * One series as uPlot takes it: a Float64Array when every value is there, otherwise an array with null
 * gaps (uPlot breaks a line only at null, which a typed array cannot hold; NaN would be bridged).
 */
export function column<T>(
	items: readonly T[],
	value: (item: T) => number | null,
): Float64Array | (number | null)[] {
	const out = new Float64Array(items.length);
	for (let i = 0; i < items.length; i++) {
		const v = value(items[i]!);
		if (v === null) return items.map(value);
		out[i] = v;
	}
	return out;
}

/** Points on a line only while few are shown: a sparse series reads better with them. */
export const fewPoints = (_u: uPlot, _series: number, first: number, last: number): boolean =>
	last - first < 40;
