/**
 * What a block's row says about its checks without inflating anything: the counts a chart and an uptime
 * figure need, with the same meaning as a rollup row (response times only of checks that got an acceptable
 * answer, up or degraded), and exact: durations in whole tenths of a millisecond.
 */
import { toTenths, type HistoryCheck } from './checks';

export interface BlockSummary {
	checks: number;
	up: number;
	degraded: number;
	down: number;
	/** The earliest and the latest start time (epoch ms). */
	firstAt: number;
	lastAt: number;
	/** Over the checks that were up or degraded; null when there were none. */
	minTenths: number | null;
	maxTenths: number | null;
	sumTenths: number;
}

export function summarize(checks: readonly HistoryCheck[]): BlockSummary {
	const summary: BlockSummary = {
		checks: checks.length,
		up: 0,
		degraded: 0,
		down: 0,
		firstAt: Infinity,
		lastAt: -Infinity,
		minTenths: null,
		maxTenths: null,
		sumTenths: 0,
	};
	for (const check of checks) {
		summary[check.outcome]++;
		summary.firstAt = Math.min(summary.firstAt, check.startedAt);
		summary.lastAt = Math.max(summary.lastAt, check.startedAt);
		if (check.outcome === 'down') continue;
		const tenths = toTenths(check.durationMs);
		summary.minTenths = Math.min(summary.minTenths ?? tenths, tenths);
		summary.maxTenths = Math.max(summary.maxTenths ?? tenths, tenths);
		summary.sumTenths += tenths;
	}
	return summary;
}

export function sameSummary(a: BlockSummary, b: BlockSummary): boolean {
	return (Object.keys(a) as (keyof BlockSummary)[]).every((key) => a[key] === b[key]);
}
