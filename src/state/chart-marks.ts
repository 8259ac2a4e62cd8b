/**
 * User Timing marks of a chart open, from the request (a route or range change) to the chart drawn:
 * DevTools shows them, and the benchmark reads them to say where an open's time goes. Each mark
 * replaces the previous one of its name, so a page left open all day holds a handful of entries, not
 * one per refresh (marks are kept until cleared).
 */
export const CHART_STEPS = ['request', 'call', 'reply', 'render', 'shaped', 'drawn'] as const;
export type ChartStep = (typeof CHART_STEPS)[number];

export function markChart(step: ChartStep): void {
	const name = `monitor:chart:${step}`;
	performance.clearMarks(name);
	performance.mark(name);
}
