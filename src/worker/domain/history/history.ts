/**
 * Reads for the monitor list and the monitor page. Charts read rollups, so a 30-day chart reads a few
 * hundred rows whatever the interval; only the latest checks are read raw.
 */
import type { MonitorState, Outcome } from '../../../shared/checks';
import type {
	ChartPoint,
	ChartRange,
	CheckRecord,
	MonitorDetail,
	MonitorOverview,
	MonitorStatus,
	RecentCheck,
	StateEvent,
} from '../../../shared/history';
import type { Monitor } from '../../../shared/monitors';
import type { Engine } from '../../core/engine';
import { getMonitor, listMonitors } from '../monitors/service';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RECENT = 30;

interface CheckRow {
	id: number;
	due_at: number;
	started_at: number;
	duration_ms: number;
	outcome: string;
	http_status: number | null;
	message: string;
	mode: string;
}

const CHECK_COLUMNS = 'id, due_at, started_at, duration_ms, outcome, http_status, message, mode';

function toCheck(row: CheckRow): CheckRecord {
	return {
		id: row.id,
		dueAt: row.due_at,
		startedAt: row.started_at,
		durationMs: row.duration_ms,
		outcome: row.outcome as Outcome,
		httpStatus: row.http_status,
		message: row.message,
		mode: row.mode as CheckRecord['mode'],
	};
}

interface StatusRow {
	monitor_id: number;
	state: string;
	state_since: number | null;
	retrying: number;
	failures: number;
	next_due_at: number;
	cors_blocked: number;
}

type LastCheckRow = CheckRow & { monitor_id: number };

function toStatus(row: StatusRow | undefined, last: CheckRow | undefined): MonitorStatus {
	return {
		state: (row?.state ?? 'unknown') as MonitorState,
		stateSince: row?.state_since ?? null,
		retrying: row?.retrying === 1,
		failures: row?.failures ?? 0,
		nextDueAt: row?.next_due_at ?? 0,
		corsBlocked: row?.cors_blocked === 1,
		lastCheck: last ? toCheck(last) : null,
	};
}

/**
 * Everything the list shows, for some or all monitors, in four queries whatever their number: statuses
 * with their last checks, 24 h uptimes from hour rollups, and the latest checks of each monitor through
 * one prepared statement that walks the (monitor_id, started_at) index.
 */
function overviews(engine: Engine, monitors: Monitor[], now: number): MonitorOverview[] {
	const one = monitors.length === 1 ? monitors[0]!.id : null;
	const where = one === null ? '' : ' WHERE s.monitor_id = ?';
	const params = one === null ? [] : [one];
	const statuses = new Map(
		engine
			.all<StatusRow>(`SELECT * FROM monitor_status s${where}`, params)
			.map((r) => [r.monitor_id, r]),
	);
	const lastChecks = new Map(
		engine
			.all<LastCheckRow>(
				`SELECT c.monitor_id, c.id, c.due_at, c.started_at, c.duration_ms, c.outcome, c.http_status, c.message,
				   c.mode
				 FROM monitor_status s JOIN checks c ON c.id = s.last_check_id${where}`,
				params,
			)
			.map((r) => [r.monitor_id, r]),
	);
	const uptimes = new Map(
		engine
			.all<{ monitor_id: number; checks: number; ok: number }>(
				`SELECT monitor_id, sum(checks) AS checks, sum(up + degraded) AS ok FROM rollups
				 WHERE resolution = 'hour' AND bucket_start >= ? GROUP BY monitor_id`,
				[Math.floor((now - DAY) / HOUR) * HOUR],
			)
			.map((r) => [r.monitor_id, r.checks ? r.ok / r.checks : null]),
	);
	const recents = engine.allFor<{
		started_at: number;
		due_at: number;
		outcome: string;
		duration_ms: number;
	}>(
		'SELECT started_at, due_at, outcome, duration_ms FROM checks WHERE monitor_id = ? ORDER BY started_at DESC LIMIT ?',
		monitors.map((m) => [m.id, RECENT]),
	);
	return monitors.map((monitor, i) => {
		const intervalMs = monitor.intervalS * 1000;
		return {
			monitor,
			status: toStatus(statuses.get(monitor.id), lastChecks.get(monitor.id)),
			uptime24h: uptimes.get(monitor.id) ?? null,
			recent: recents[i]!.reverse().map((r): RecentCheck => ({
				at: r.started_at,
				outcome: r.outcome as Outcome,
				durationMs: r.duration_ms,
				late: r.started_at - r.due_at > intervalMs,
			})),
		};
	});
}

/** Share of answered checks since `from`, from hour rollups (the current partial hour included). */
function uptimeSince(engine: Engine, monitorId: number, from: number): number | null {
	const row = engine.get<{ checks: number | null; ok: number | null }>(
		`SELECT sum(checks) AS checks, sum(up + degraded) AS ok FROM rollups
		 WHERE monitor_id = ? AND resolution = 'hour' AND bucket_start >= ?`,
		[monitorId, Math.floor(from / HOUR) * HOUR],
	);
	return row?.checks ? (row.ok ?? 0) / row.checks : null;
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

export function chart(
	engine: Engine,
	monitorId: number,
	range: ChartRange,
	now: number,
): { bucketMs: number; points: ChartPoint[] } {
	const { span, resolution, bucketMs } = CHARTS[range];
	const rows = engine.all<{
		t: number;
		checks: number;
		up: number;
		degraded: number;
		down: number;
		min_ms: number | null;
		max_ms: number | null;
		sum_ms: number;
	}>(
		`SELECT (bucket_start / :size) * :size AS t, sum(checks) AS checks, sum(up) AS up, sum(degraded) AS degraded,
		   sum(down) AS down, min(min_ms) AS min_ms, max(max_ms) AS max_ms, sum(sum_ms) AS sum_ms
		 FROM rollups
		 WHERE monitor_id = :id AND resolution = :resolution AND bucket_start >= :from
		 GROUP BY 1 ORDER BY 1`,
		{ ':size': bucketMs, ':id': monitorId, ':resolution': resolution, ':from': now - span },
	);
	return {
		bucketMs,
		points: rows.map((r) => {
			const answered = r.up + r.degraded;
			return {
				t: r.t,
				min: r.min_ms,
				avg: answered ? r.sum_ms / answered : null,
				max: r.max_ms,
				checks: r.checks,
				up: r.up,
				degraded: r.degraded,
				down: r.down,
			};
		}),
	};
}

export function detail(engine: Engine, id: number, range: ChartRange, now: number): MonitorDetail {
	const monitor = getMonitor(engine, id);
	const events = engine
		.all<{ id: number; at: number; from_state: string | null; to_state: string; message: string }>(
			'SELECT id, at, from_state, to_state, message FROM events WHERE monitor_id = ? ORDER BY at DESC LIMIT 50',
			[monitor.id],
		)
		.map((e): StateEvent => ({
			id: e.id,
			at: e.at,
			from: e.from_state as Outcome | null,
			to: e.to_state as Outcome,
			message: e.message,
		}));
	const checks = engine
		.all<CheckRow>(
			`SELECT ${CHECK_COLUMNS} FROM checks WHERE monitor_id = ? ORDER BY started_at DESC LIMIT 50`,
			[monitor.id],
		)
		.map(toCheck);
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
		events,
		checks,
	};
}
