/**
 * Reads for the monitor list and the monitor page. Charts of the last day read the raw rows; longer ones
 * hour rollups, so a 90-day chart reads a few thousand rows whatever the interval and never a block.
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
import { fromTenths } from '../../stores/history/checks';
import type { Compression } from '../../stores/history/compression';
import { rowBuckets, type RowBucket } from '../../stores/history/rows';
import { rollupBuckets, uptimeSince, uptimesSince, type Bucket } from '../../stores/rollups';
import { getMonitor, listMonitors } from '../monitors/service';
import { newestFromBlocks } from './latest';
import { maintenanceBands } from '../maintenance/bands';
import { latestMaintenanceEvents } from '../../stores/maintenance';

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
		maintenance: status?.maintenance ?? null,
	};
}

/**
 * Everything the list shows, for some or all monitors, in four queries whatever their number: statuses
 * with their last checks, 24 h uptimes from hour rollups, and the latest checks of each monitor. A
 * monitor whose checks are all in blocks (none in the last day) takes them from its newest block
 * (latest.ts): its last check keeps the id its status names, as it had while it was a row.
 */
async function overviews(
	engine: Engine,
	compression: Compression,
	monitors: Monitor[],
	now: number,
): Promise<MonitorOverview[]> {
	const one = monitors.length === 1 ? monitors[0]!.id : null;
	const status = statuses(engine, one);
	const last = lastChecks(engine, one);
	// One monitor's page needs its own 24 h uptime, not every monitor's (a hundred times the rows on W).
	const uptimes =
		one === null
			? uptimesSince(engine, now - DAY)
			: new Map([[one, uptimeSince(engine, one, now - DAY)]]);
	const ids = monitors.map((m) => m.id);
	const recents = recentChecks(engine, ids, RECENT);
	// A status naming no row while rows exist (a generated history): the newest row is the last check.
	for (const [i, id] of ids.entries())
		if (!last.has(id) && recents[i]!.length > 0) {
			const [newest] = latestChecks(engine, id, 1);
			if (newest) last.set(id, newest);
		}
	const compacted = ids.filter((_, i) => recents[i]!.length === 0);
	const fromBlocks = await newestFromBlocks(engine, compacted, RECENT)(compression);
	return monitors.map((monitor, i) => {
		const intervalMs = monitor.intervalS * 1000;
		const stored = status.get(monitor.id);
		const tail = fromBlocks.get(monitor.id);
		const newest = tail?.at(-1);
		const lastCheck =
			last.get(monitor.id) ?? (newest && { id: stored?.lastCheckId ?? 0, ...newest });
		const recent = tail ?? recents[i]!;
		return {
			monitor,
			status: toStatus(stored, lastCheck),
			uptime24h: uptimes.get(monitor.id) ?? null,
			recent: recent.map((r): RecentCheck => ({
				at: r.startedAt,
				outcome: r.outcome,
				durationMs: r.durationMs,
				late: r.startedAt - r.dueAt > intervalMs,
			})),
		};
	});
}

export function overview(
	engine: Engine,
	compression: Compression,
	now: number,
): Promise<MonitorOverview[]> {
	return overviews(engine, compression, listMonitors(engine), now);
}

/** Short ranges read the raw rows of the last day (see compaction.ts); longer ones hour rollups. */
const CHARTS: Record<ChartRange, { span: number; source: 'rows' | 'hour'; bucketMs: number }> = {
	'1h': { span: HOUR, source: 'rows', bucketMs: 60_000 },
	'24h': { span: DAY, source: 'rows', bucketMs: 5 * 60_000 },
	'7d': { span: 7 * DAY, source: 'hour', bucketMs: HOUR },
	'30d': { span: 30 * DAY, source: 'hour', bucketMs: 4 * HOUR },
	'90d': { span: 90 * DAY, source: 'hour', bucketMs: 12 * HOUR },
};

function fromRows(b: RowBucket): Bucket {
	return {
		...b,
		minMs: b.minTenths === null ? null : fromTenths(b.minTenths),
		maxMs: b.maxTenths === null ? null : fromTenths(b.maxTenths),
		sumMs: fromTenths(b.sumTenths),
	};
}

/** The response-time chart: per bucket the min, the average of answered checks, the max and the counts. */
export function chart(
	engine: Engine,
	monitorId: number,
	range: ChartRange,
	now: number,
): { bucketMs: number; points: ChartPoint[] } {
	const { span, source, bucketMs } = CHARTS[range];
	const buckets =
		source === 'rows'
			? rowBuckets(engine, monitorId, bucketMs, now - span).map(fromRows)
			: rollupBuckets(engine, monitorId, 'hour', bucketMs, now - span);
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

export async function detail(
	engine: Engine,
	compression: Compression,
	id: number,
	range: ChartRange,
	now: number,
): Promise<MonitorDetail> {
	const monitor = getMonitor(engine, id);
	const rest = {
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
		maintenance: maintenanceBands(engine, monitor.id, now - CHARTS[range].span, now),
		maintenanceEvents: latestMaintenanceEvents(engine, monitor.id, 20),
	};
	// The overview reads its rows before its first await: all of it is one state of the database.
	return { ...(await overviews(engine, compression, [monitor], now))[0]!, ...rest };
}
