/**
 * Database health's own tables: `health_samples` (a measurement every few minutes, for the 30-day
 * charts) and `health_alerts` (every change of a metric's level; the latest of each metric is its
 * current level). A database left on an older schema has neither: see `hasHealthTables`.
 */
import type { HealthAlert, HealthLevel, HealthMetric } from '../../shared/health';
import type { Engine } from '../core/engine';

export function hasHealthTables(engine: Engine): boolean {
	return (
		engine.value(
			"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('health_samples', 'health_alerts')",
		) === 2
	);
}

export interface Sample {
	at: number;
	sizeBytes: number;
	freeBytes: number;
	memoryBytes: number;
	wasmBytes: number | null;
	queryCount: number;
	queryP50: number | null;
	queryP95: number | null;
	queryP99: number | null;
	writesLastHour: number;
	saveP50: number | null;
	saveP95: number | null;
	storageUsage: number | null;
	storageQuota: number | null;
}

export function insertSample(engine: Engine, s: Sample): void {
	engine.run(
		`INSERT OR REPLACE INTO health_samples (at, size_bytes, free_bytes, memory_bytes, wasm_bytes,
		   query_count, query_p50_ms, query_p95_ms, query_p99_ms, writes_last_hour, save_p50_ms,
		   save_p95_ms, storage_usage, storage_quota)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		[
			s.at,
			s.sizeBytes,
			s.freeBytes,
			s.memoryBytes,
			s.wasmBytes,
			s.queryCount,
			s.queryP50,
			s.queryP95,
			s.queryP99,
			s.writesLastHour,
			s.saveP50,
			s.saveP95,
			s.storageUsage,
			s.storageQuota,
		],
	);
}

export function deleteSamplesBefore(engine: Engine, before: number): void {
	engine.run('DELETE FROM health_samples WHERE at < ?', [before]);
}

/** Samples since `from` in buckets of `bucketMs`: the largest size and query P95 of each. */
export function sampleBuckets(
	engine: Engine,
	from: number,
	bucketMs: number,
): { t: number; sizeBytes: number | null; queryP95: number | null }[] {
	return engine
		.all<{ t: number; size: number | null; p95: number | null }>(
			`SELECT (at / ?) * ? AS t, max(size_bytes) AS size, max(query_p95_ms) AS p95
			 FROM health_samples WHERE at >= ? GROUP BY at / ? ORDER BY t`,
			[bucketMs, bucketMs, from, bucketMs],
		)
		.map((p) => ({ t: p.t, sizeBytes: p.size, queryP95: p.p95 }));
}

/** Keeps the latest `kept` alert rows, and always the latest of each metric (its current level). */
export function pruneAlerts(engine: Engine, kept: number): void {
	engine.run(
		`DELETE FROM health_alerts WHERE id <= (SELECT max(id) FROM health_alerts) - ?
		   AND id NOT IN (SELECT max(id) FROM health_alerts GROUP BY metric)`,
		[kept],
	);
}

export function insertAlert(engine: Engine, alert: Omit<HealthAlert, 'id'>): number {
	return engine.run(
		`INSERT INTO health_alerts (at, metric, level, previous, value, message) VALUES (?, ?, ?, ?, ?, ?)`,
		[alert.at, alert.metric, alert.level, alert.previous, alert.value, alert.message],
	).lastInsertRowid;
}

/** Each metric's latest change that no one dismissed (a banner may be showing it), oldest first. */
export function latestUndismissedAlerts(engine: Engine): HealthAlert[] {
	return engine.all<HealthAlert>(
		`SELECT id, at, metric, level, previous, value, message FROM health_alerts
		 WHERE id IN (SELECT max(id) FROM health_alerts GROUP BY metric)
		   AND dismissed_at IS NULL
		 ORDER BY id`,
	);
}

/** Each metric's current level: that of its latest change (metrics never changed are absent). */
export function storedLevels(engine: Engine): Map<HealthMetric, HealthLevel> {
	// SQLite returns the other columns of the row that holds max(id): each metric's latest level.
	return new Map(
		engine
			.all<{ metric: HealthMetric; level: HealthLevel }>(
				'SELECT metric, level, max(id) FROM health_alerts GROUP BY metric',
			)
			.map((r) => [r.metric, r.level]),
	);
}

/** Returns whether an alert was dismissed now (false: no such alert, or dismissed before). */
export function dismissAlert(engine: Engine, id: number, at: number): boolean {
	return (
		engine.run('UPDATE health_alerts SET dismissed_at = ? WHERE id = ? AND dismissed_at IS NULL', [
			at,
			id,
		]).changes > 0
	);
}
