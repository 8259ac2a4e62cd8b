/**
 * The `checks` table as history sees it: the recent tier of raw rows that compaction turns into blocks,
 * and the rows a raw read or a short-range chart needs.
 */
import type { CheckRecord } from '../../../shared/history';
import type { Engine } from '../../core/engine';
import { quantizeDuration, toTenths } from './checks';

interface CheckRow {
	id: number;
	due_at: number;
	started_at: number;
	duration_ms: number;
	outcome: CheckRecord['outcome'];
	http_status: number | null;
	message: string;
	mode: CheckRecord['mode'];
}

const COLUMNS = 'id, due_at, started_at, duration_ms, outcome, http_status, message, mode';

function toCheck(row: CheckRow): CheckRecord {
	return {
		id: row.id,
		dueAt: row.due_at,
		startedAt: row.started_at,
		durationMs: row.duration_ms,
		outcome: row.outcome,
		httpStatus: row.http_status,
		message: row.message,
		mode: row.mode,
	};
}

export interface MonitorRows {
	monitorId: number;
	intervalMs: number;
	/** When its oldest row started; null without rows. */
	oldestAt: number | null;
}

export function monitorRows(engine: Engine): MonitorRows[] {
	return engine
		.all<{ id: number; interval_s: number; oldest: number | null }>(
			`SELECT id, interval_s, (SELECT min(started_at) FROM checks WHERE monitor_id = monitors.id) AS oldest
			 FROM monitors ORDER BY id`,
		)
		.map((r) => ({ monitorId: r.id, intervalMs: r.interval_s * 1000, oldestAt: r.oldest }));
}

/** A monitor's rows that started in [from, to), in the order they were written. */
export function rowsBetween(
	engine: Engine,
	monitorId: number,
	from: number,
	to: number,
): CheckRecord[] {
	return engine
		.all<CheckRow>(
			`SELECT ${COLUMNS} FROM checks WHERE monitor_id = ? AND started_at >= ? AND started_at < ?
			 ORDER BY id`,
			[monitorId, from, to],
		)
		.map(toCheck);
}

/** Deletes a monitor's rows of [from, to) written up to `lastId` (rows written later stay). */
export function deleteRowsBetween(
	engine: Engine,
	monitorId: number,
	from: number,
	to: number,
	lastId: number,
): number {
	return engine.run(
		`DELETE FROM checks WHERE monitor_id = ? AND started_at >= ? AND started_at < ? AND id <= ?`,
		[monitorId, from, to, lastId],
	).changes;
}

export interface RowBucket {
	t: number;
	checks: number;
	up: number;
	degraded: number;
	down: number;
	minTenths: number | null;
	maxTenths: number | null;
	sumTenths: number;
}

/**
 * A monitor's rows since `from` summed into buckets of `bucketMs`, oldest first: the short-range chart.
 * Response times are summed in whole tenths of a millisecond, as blocks and their summaries count them.
 */
export function rowBuckets(
	engine: Engine,
	monitorId: number,
	bucketMs: number,
	from: number,
): RowBucket[] {
	const buckets = new Map<number, RowBucket>();
	const rows = engine.all<{ started_at: number; duration_ms: number; outcome: string }>(
		'SELECT started_at, duration_ms, outcome FROM checks WHERE monitor_id = ? AND started_at >= ?',
		[monitorId, from],
	);
	for (const row of rows) {
		// Maintenance counts in no uptime and no response time (as in rollups).
		if (row.outcome === 'maintenance') continue;
		const t = Math.floor(row.started_at / bucketMs) * bucketMs;
		let bucket = buckets.get(t);
		if (!bucket) {
			bucket = {
				t,
				checks: 0,
				up: 0,
				degraded: 0,
				down: 0,
				minTenths: null,
				maxTenths: null,
				sumTenths: 0,
			};
			buckets.set(t, bucket);
		}
		bucket.checks++;
		if (row.outcome === 'down') {
			bucket.down++;
			continue;
		}
		if (row.outcome === 'up') bucket.up++;
		else bucket.degraded++;
		const tenths = toTenths(row.duration_ms);
		bucket.minTenths = Math.min(bucket.minTenths ?? tenths, tenths);
		bucket.maxTenths = Math.max(bucket.maxTenths ?? tenths, tenths);
		bucket.sumTenths += tenths;
	}
	return [...buckets.values()].sort((a, b) => a.t - b.t);
}

export interface RowTotals {
	rows: number;
}

export function rowTotals(engine: Engine): RowTotals {
	return { rows: Number(engine.value('SELECT count(*) FROM checks')) };
}

/** Writes a check as a row exactly as given (its mode included): for generated and imported history. */
export function insertRow(
	engine: Engine,
	monitorId: number,
	check: Omit<CheckRecord, 'id'>,
): number {
	return engine.run(
		`INSERT INTO checks (monitor_id, due_at, started_at, duration_ms, outcome, http_status, message, mode)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		[
			monitorId,
			check.dueAt,
			check.startedAt,
			quantizeDuration(check.durationMs),
			check.outcome,
			check.httpStatus,
			check.message,
			check.mode,
		],
	).lastInsertRowid;
}
