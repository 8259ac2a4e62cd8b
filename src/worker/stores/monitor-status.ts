/**
 * The `monitor_status` table: one row per monitor with its confirmed state, retry count, when its next
 * check is due and its last check. The scheduler and the check recorder keep it; the list reads it.
 */
import type { Engine } from '../core/engine';

/** A monitor's first check is due at `dueAt`. */
export function insertStatus(engine: Engine, monitorId: number, dueAt: number): void {
	engine.run('INSERT INTO monitor_status (monitor_id, next_due_at) VALUES (?, ?)', [
		monitorId,
		dueAt,
	]);
}

/** After an edit: due at `dueAt`, and what the old settings found (a CORS verdict, retries) forgotten. */
export function restartStatus(engine: Engine, monitorId: number, dueAt: number): void {
	engine.run(
		`INSERT INTO monitor_status (monitor_id, next_due_at) VALUES (?, ?)
		 ON CONFLICT (monitor_id) DO UPDATE SET next_due_at = excluded.next_due_at, cors_blocked = 0,
		   retrying = 0, failures = 0`,
		[monitorId, dueAt],
	);
}

export function setNextDue(engine: Engine, monitorId: number, dueAt: number): void {
	engine.run('UPDATE monitor_status SET next_due_at = ? WHERE monitor_id = ?', [dueAt, monitorId]);
}

/** When each monitor's next check is due, by monitor id. */
export function dueTimes(engine: Engine): Map<number, number> {
	return new Map(
		engine
			.all<{ monitor_id: number; next_due_at: number }>(
				'SELECT monitor_id, next_due_at FROM monitor_status',
			)
			.map((r) => [r.monitor_id, r.next_due_at]),
	);
}
