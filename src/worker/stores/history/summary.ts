/**
 * What a block's row says about its checks without inflating anything: the counts a chart and an uptime
 * figure need, with the same meaning as a rollup row (response times only of checks that got an acceptable
 * answer, up or degraded), and exact: durations in whole tenths of a millisecond.
 */
import { toTenths, type HistoryCheck } from './checks';

/** Counts of checks and their response times, the way a rollup row counts them. */
export interface CheckCounts {
	checks: number;
	up: number;
	degraded: number;
	down: number;
	/** Checks run in a maintenance window: counted in `checks`, in no uptime and no response time. */
	maintenance: number;
	/** Over the checks that were up or degraded; null when there were none. */
	minTenths: number | null;
	maxTenths: number | null;
	sumTenths: number;
}

export interface BlockSummary extends CheckCounts {
	/** The earliest and the latest start time (epoch ms). */
	firstAt: number;
	lastAt: number;
}

export const noChecks = (): CheckCounts => ({
	checks: 0,
	up: 0,
	degraded: 0,
	down: 0,
	maintenance: 0,
	minTenths: null,
	maxTenths: null,
	sumTenths: 0,
});

export function countCheck(counts: CheckCounts, check: HistoryCheck): void {
	counts.checks++;
	counts[check.outcome]++;
	if (check.outcome === 'down' || check.outcome === 'maintenance') return;
	const tenths = toTenths(check.durationMs);
	counts.minTenths = Math.min(counts.minTenths ?? tenths, tenths);
	counts.maxTenths = Math.max(counts.maxTenths ?? tenths, tenths);
	counts.sumTenths += tenths;
}

export function summarize(checks: readonly HistoryCheck[]): BlockSummary {
	const summary: BlockSummary = { ...noChecks(), firstAt: Infinity, lastAt: -Infinity };
	for (const check of checks) {
		countCheck(summary, check);
		summary.firstAt = Math.min(summary.firstAt, check.startedAt);
		summary.lastAt = Math.max(summary.lastAt, check.startedAt);
	}
	return summary;
}

export function sameSummary(a: BlockSummary, b: BlockSummary): boolean {
	return (Object.keys(a) as (keyof BlockSummary)[]).every((key) => a[key] === b[key]);
}
