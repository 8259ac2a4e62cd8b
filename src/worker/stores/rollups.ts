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

/** A monitor's rollups of `resolution` since `from`, merged into buckets of `bucketMs`, oldest first. */
export function rollupBuckets(
	engine: Engine,
	monitorId: number,
	resolution: Resolution,
	bucketMs: number,
	from: number,
): Bucket[] {
	return engine
		.all<{
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
			{ ':size': bucketMs, ':id': monitorId, ':resolution': resolution, ':from': from },
		)
		.map((r) => ({
			t: r.t,
			checks: r.checks,
			up: r.up,
			degraded: r.degraded,
			down: r.down,
			minMs: r.min_ms,
			maxMs: r.max_ms,
			sumMs: r.sum_ms,
		}));
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
