/**
 * Reads for the monitor list and the monitor page. Charts read rollups, so a 30-day chart reads a few
 * hundred rows whatever the interval; only the latest checks are read raw.
 */
import type {
	ChartPoint,
	ChartRange,
	CheckRecord,
	MonitorDetail,
	MonitorOverview,
	MonitorStatus,
	RecentCheck,
} from '../../../shared/history';
import type { Monitor } from '../../../shared/monitors';
import type { Engine } from '../../core/engine';
import { lastChecks, latestChecks, recentChecks } from '../../stores/checks';
import { latestEvents, statuses } from '../../stores/monitor-status';
import { rollupBuckets, uptimeSince, uptimesSince } from '../../stores/rollups';
import { getMonitor, listMonitors } from '../monitors/service';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RECENT = 30;

/** A monitor not checked yet has no status row: it reads as unknown, due at once. */
function toStatus(
	status: Omit<MonitorStatus, 'lastCheck'> | undefined,
	last: CheckRecord | undefined,
): MonitorStatus {
	return {
		state: status?.state ?? 'unknown',
		stateSince: status?.stateSince ?? null,
		retrying: status?.retrying ?? false,
		failures: status?.failures ?? 0,
		nextDueAt: status?.nextDueAt ?? 0,
		corsBlocked: status?.corsBlocked ?? false,
		lastCheck: last ?? null,
	};
}

/**
 * Everything the list shows, for some or all monitors, in four queries whatever their number: statuses
 * with their last checks, 24 h uptimes from hour rollups, and the latest checks of each monitor.
 */
function overviews(engine: Engine, monitors: Monitor[], now: number): MonitorOverview[] {
	const one = monitors.length === 1 ? monitors[0]!.id : null;
	const status = statuses(engine, one);
	const last = lastChecks(engine, one);
	const uptimes = uptimesSince(engine, now - DAY);
	const recents = recentChecks(
		engine,
		monitors.map((m) => m.id),
		RECENT,
	);
	return monitors.map((monitor, i) => {
		const intervalMs = monitor.intervalS * 1000;
		return {
			monitor,
			status: toStatus(status.get(monitor.id), last.get(monitor.id)),
			uptime24h: uptimes.get(monitor.id) ?? null,
			recent: recents[i]!.map((r): RecentCheck => ({
				at: r.startedAt,
				outcome: r.outcome,
				durationMs: r.durationMs,
				late: r.startedAt - r.dueAt > intervalMs,
			})),
		};
	});
}

export function overview(engine: Engine, now: number): MonitorOverview[] {
	return overviews(engine, listMonitors(engine), now);
}

const CHARTS: Record<
	ChartRange,
	{ span: number; resolution: 'minute' | 'hour'; bucketMs: number }
> = {
	'1h': { span: HOUR, resolution: 'minute', bucketMs: 60_000 },
	'24h': { span: DAY, resolution: 'minute', bucketMs: 5 * 60_000 },
	'7d': { span: 7 * DAY, resolution: 'hour', bucketMs: HOUR },
	'30d': { span: 30 * DAY, resolution: 'hour', bucketMs: 4 * HOUR },
};

/** The response-time chart: per bucket the min, the average of answered checks, the max and the counts. */
export function chart(
	engine: Engine,
	monitorId: number,
	range: ChartRange,
	now: number,
): { bucketMs: number; points: ChartPoint[] } {
	const { span, resolution, bucketMs } = CHARTS[range];
	const buckets = rollupBuckets(engine, monitorId, resolution, bucketMs, now - span);
	return {
		bucketMs,
		points: buckets.map((b) => {
			const answered = b.up + b.degraded;
			return {
				t: b.t,
				min: b.minMs,
				avg: answered ? b.sumMs / answered : null,
				max: b.maxMs,
				checks: b.checks,
				up: b.up,
				degraded: b.degraded,
				down: b.down,
			};
		}),
	};
}

export function detail(engine: Engine, id: number, range: ChartRange, now: number): MonitorDetail {
	const monitor = getMonitor(engine, id);
	return {
		...overviews(engine, [monitor], now)[0]!,
		range,
		from: now - CHARTS[range].span,
		to: now,
		...chart(engine, monitor.id, range, now),
		uptime: {
			'24h': uptimeSince(engine, monitor.id, now - DAY),
			'7d': uptimeSince(engine, monitor.id, now - 7 * DAY),
			'30d': uptimeSince(engine, monitor.id, now - 30 * DAY),
		},
		events: latestEvents(engine, monitor.id, 50),
		checks: latestChecks(engine, monitor.id, 50),
	};
}
