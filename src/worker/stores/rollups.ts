/**
 * The `rollups` table: per monitor, per minute, hour and day, how many checks were up, degraded and
 * down and their min/max/sum of response times. Each check adds to its three buckets as it is recorded,
 * so a 30-day chart reads a few hundred rows whatever the interval.
 */
import type { CheckOutcome } from '../../shared/checks';
import type { Engine } from '../core/engine';

export const RESOLUTIONS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
export type Resolution = keyof typeof RESOLUTIONS;

export function bucketStart(at: number, resolution: Resolution): number {
	const size = RESOLUTIONS[resolution];
	return Math.floor(at / size) * size;
}

/**
 * Counts one check in its bucket of `resolution`. Response times count only for answered checks. A check
 * in a maintenance window counts nowhere: rollups feed uptime and the long charts, which leave
 * maintenance out (its time is shown from maintenance_events instead).
 */
export function addToRollup(
	engine: Engine,
	monitorId: number,
	resolution: Resolution,
	at: number,
	outcome: CheckOutcome,
	ms: number,
): void {
	if (outcome === 'maintenance') return;
	const answered = outcome !== 'down';
	addCountsToRollup(engine, monitorId, resolution, at, {
		checks: 1,
		up: outcome === 'up' ? 1 : 0,
		degraded: outcome === 'degraded' ? 1 : 0,
		down: outcome === 'down' ? 1 : 0,
		minMs: answered ? ms : null,
		maxMs: answered ? ms : null,
		sumMs: answered ? ms : 0,
	});
}

/**
 * Uptime: the share of checks answered (up or degraded) since the hour `from` falls in, from hour
 * rollups (the current partial hour included); null without checks. Of every monitor, by id.
 */
export function uptimesSince(engine: Engine, from: number): Map<number, number | null> {
	// Each monitor's hours are one range of the primary key. Reading them by the time index instead
	// looks every row up in the table, spread over the whole file: 9-110 against 6-10 ms on W, cold.
	const range = `FROM rollups r WHERE r.monitor_id = m.id AND r.resolution = 'hour' AND r.bucket_start >= ?1`;
	return new Map(
		engine
			.all<{ monitor_id: number; checks: number | null; ok: number | null }>(
				`SELECT m.id AS monitor_id, (SELECT sum(checks) ${range}) AS checks,
				 (SELECT sum(up + degraded) ${range}) AS ok FROM monitors m`,
				[bucketStart(from, 'hour')],
			)
			.filter((r) => r.checks !== null)
			.map((r) => [r.monitor_id, r.checks ? (r.ok ?? 0) / r.checks : null]),
	);
}

/** Uptime of one monitor since the hour `from` falls in (see `uptimesSince`). */
export function uptimeSince(engine: Engine, monitorId: number, from: number): number | null {
	const row = engine.get<{ checks: number | null; ok: number | null }>(
		`SELECT sum(checks) AS checks, sum(up + degraded) AS ok FROM rollups
		 WHERE monitor_id = ? AND resolution = 'hour' AND bucket_start >= ?`,
		[monitorId, bucketStart(from, 'hour')],
	);
	return row?.checks ? (row.ok ?? 0) / row.checks : null;
}

export interface Bucket {
	t: number;
	checks: number;
	up: number;
	degraded: number;
	down: number;
	minMs: number | null;
	maxMs: number | null;
	sumMs: number;
}

/**
 * A monitor's rollups of `resolution` since `from`, merged into buckets of `bucketMs`, oldest first.
 * The rows come in key order (oldest first) and are merged here: a GROUP BY on the bucket made SQLite
 * sort them first, most of a 30-day chart's query (sustained run, worker profile: 7 ms of 16 per chart).
 */
export function rollupBuckets(
	engine: Engine,
	monitorId: number,
	resolution: Resolution,
	bucketMs: number,
	from: number,
): Bucket[] {
	const rows = engine.all<{
		b: number;
		checks: number;
		up: number;
		degraded: number;
		down: number;
		min_ms: number | null;
		max_ms: number | null;
		sum_ms: number;
	}>(
		`SELECT bucket_start AS b, checks, up, degraded, down, min_ms, max_ms, sum_ms FROM rollups
		 WHERE monitor_id = ? AND resolution = ? AND bucket_start >= ? ORDER BY bucket_start`,
		[monitorId, resolution, from],
	);
	const buckets: Bucket[] = [];
	let bucket: Bucket | undefined;
	for (const r of rows) {
		const t = Math.floor(r.b / bucketMs) * bucketMs;
		if (bucket?.t !== t) {
			bucket = { t, checks: 0, up: 0, degraded: 0, down: 0, minMs: null, maxMs: null, sumMs: 0 };
			buckets.push(bucket);
		}
		bucket.checks += r.checks;
		bucket.up += r.up;
		bucket.degraded += r.degraded;
		bucket.down += r.down;
		bucket.sumMs += r.sum_ms;
		if (r.min_ms !== null && (bucket.minMs === null || r.min_ms < bucket.minMs))
			bucket.minMs = r.min_ms;
		if (r.max_ms !== null && (bucket.maxMs === null || r.max_ms > bucket.maxMs))
			bucket.maxMs = r.max_ms;
	}
	return buckets;
}

/** Deletes up to `batch` minute rollups of buckets before `before`; returns how many. */
export function deleteMinuteRollupsBefore(engine: Engine, before: number, batch: number): number {
	return engine.run(
		`DELETE FROM rollups WHERE (monitor_id, resolution, bucket_start) IN (
		   SELECT monitor_id, resolution, bucket_start FROM rollups
		   WHERE resolution = 'minute' AND bucket_start < ? LIMIT ?)`,
		[before, batch],
	).changes;
}

/** Deletes up to `batch` hour and day rollups of buckets before `before`; returns how many. */
export function deleteLongRollupsBefore(engine: Engine, before: number, batch: number): number {
	return engine.run(
		`DELETE FROM rollups WHERE (monitor_id, resolution, bucket_start) IN (
		   SELECT monitor_id, resolution, bucket_start FROM rollups
		   WHERE resolution IN ('hour', 'day') AND bucket_start < ? LIMIT ?)`,
		[before, batch],
	).changes;
}

/** Counts already summed (a span of checks written at once) added to one bucket of `resolution`. */
export interface RollupCounts {
	checks: number;
	up: number;
	degraded: number;
	down: number;
	minMs: number | null;
	maxMs: number | null;
	sumMs: number;
}

export function addCountsToRollup(
	engine: Engine,
	monitorId: number,
	resolution: Resolution,
	at: number,
	counts: RollupCounts,
): void {
	if (counts.checks === 0) return;
	engine.run(
		`INSERT INTO rollups (monitor_id, resolution, bucket_start, checks, up, degraded, down, min_ms, max_ms, sum_ms)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (monitor_id, resolution, bucket_start) DO UPDATE SET
		   checks = checks + excluded.checks,
		   up = up + excluded.up,
		   degraded = degraded + excluded.degraded,
		   down = down + excluded.down,
		   min_ms = coalesce(min(min_ms, excluded.min_ms), min_ms, excluded.min_ms),
		   max_ms = coalesce(max(max_ms, excluded.max_ms), max_ms, excluded.max_ms),
		   sum_ms = sum_ms + excluded.sum_ms`,
		[
			monitorId,
			resolution,
			bucketStart(at, resolution),
			counts.checks,
			counts.up,
			counts.degraded,
			counts.down,
			counts.minMs,
			counts.maxMs,
			counts.sumMs,
		],
	);
}

export function rollupCount(engine: Engine): number {
	return Number(engine.value('SELECT count(*) FROM rollups'));
}
