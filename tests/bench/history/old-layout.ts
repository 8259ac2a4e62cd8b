/**
 * The row layout before migration 007, for the ratio: every check a `checks` row, with minute rollups for
 * the last week and hour and day rollups for all of it, as the app kept them (sizes of a fresh file).
 */
import type { Engine } from '../../../src/worker/core/engine';
import { syntheticChecks } from '../../../src/worker/domain/history/synthetic';
import { createMonitor } from '../../../src/worker/domain/monitors/service';

const DAY = 86_400_000;

export function oldLayout(
	engine: Engine,
	monitors: number,
	days: number,
	seed: number,
	to: number,
) {
	const start = performance.now();
	let checks = 0;
	for (let k = 1; k <= monitors; k++) {
		const monitor = createMonitor(
			engine,
			{ name: `old ${k}`, url: `http://127.0.0.2:9/${k}`, intervalS: 60 },
			to,
		);
		const list = [
			...syntheticChecks({ seed, monitorId: k, from: to - days * DAY, to, intervalMs: 60_000 }),
		];
		checks += list.length;
		engine.transaction(() =>
			engine.runMany(
				`INSERT INTO checks (monitor_id, due_at, started_at, duration_ms, outcome, http_status, message, mode)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				list.map((c) => [
					monitor.id,
					c.dueAt,
					c.startedAt,
					c.durationMs,
					c.outcome,
					c.httpStatus,
					c.message,
					c.mode,
				]),
			),
		);
	}
	engine.transaction(() => {
		for (const [resolution, size, since] of [
			['minute', 60_000, to - 7 * DAY],
			['hour', 3_600_000, 0],
			['day', DAY, 0],
		] as const)
			engine.run(
				`INSERT INTO rollups (monitor_id, resolution, bucket_start, checks, up, degraded, down, min_ms, max_ms, sum_ms)
				 SELECT monitor_id, ?, (started_at / ?) * ?, count(*), sum(outcome = 'up'), sum(outcome = 'degraded'),
				   sum(outcome = 'down'), min(iif(outcome != 'down', duration_ms, NULL)),
				   max(iif(outcome != 'down', duration_ms, NULL)), total(iif(outcome != 'down', duration_ms, 0))
				 FROM checks WHERE started_at >= ? GROUP BY 1, 3`,
				[resolution, size, size, since],
			);
	});
	const bytes = engine.db.export().length;
	engine.db.close();
	return { monitors, checks, bytes, ms: performance.now() - start };
}
