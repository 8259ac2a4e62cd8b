/**
 * The `checks` table: one raw row per check, kept for the retention period (rotation deletes older
 * ones). Charts read rollups instead; only the latest checks of a monitor are read raw.
 */
import type { CheckOutcome } from '../../shared/checks';
import type { CheckRecord } from '../../shared/history';
import type { Engine } from '../core/engine';

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
		outcome: row.outcome as CheckOutcome,
		httpStatus: row.http_status,
		message: row.message,
		mode: row.mode as CheckRecord['mode'],
	};
}

/** What a check found, as the row stores it (its mode is the monitor's at the time). */
export type CheckFacts = Omit<CheckRecord, 'id' | 'mode'> & { monitorId: number };

/** Records a check, with the mode its monitor runs in now; returns the row's id. */
export function insertCheck(engine: Engine, c: CheckFacts): number {
	return engine.run(
		`INSERT INTO checks (monitor_id, due_at, started_at, duration_ms, outcome, http_status, message, mode)
		 SELECT ?, ?, ?, ?, ?, ?, ?, mode FROM monitors WHERE id = ?`,
		[
			c.monitorId,
			c.dueAt,
			c.startedAt,
			c.durationMs,
			c.outcome,
			c.httpStatus,
			c.message,
			c.monitorId,
		],
	).lastInsertRowid;
}

/** A monitor's latest checks, newest first. */
export function latestChecks(engine: Engine, monitorId: number, limit: number): CheckRecord[] {
	return engine
		.all<CheckRow>(
			`SELECT ${CHECK_COLUMNS} FROM checks WHERE monitor_id = ? ORDER BY started_at DESC LIMIT ?`,
			[monitorId, limit],
		)
		.map(toCheck);
}

/** The check each monitor's status points at as its last, by monitor id (of one monitor, or all). */
export function lastChecks(engine: Engine, monitorId: number | null): Map<number, CheckRecord> {
	const where = monitorId === null ? '' : ' WHERE s.monitor_id = ?';
	return new Map(
		engine
			.all<CheckRow & { monitor_id: number }>(
				`SELECT c.monitor_id, c.id, c.due_at, c.started_at, c.duration_ms, c.outcome, c.http_status, c.message,
				   c.mode
				 FROM monitor_status s JOIN checks c ON c.id = s.last_check_id${where}`,
				monitorId === null ? [] : [monitorId],
			)
			.map((r) => [r.monitor_id, toCheck(r)]),
	);
}

export interface CheckTiming {
	startedAt: number;
	dueAt: number;
	outcome: CheckOutcome;
	durationMs: number;
}

/**
 * The latest `limit` checks of each monitor, oldest first, in the order of `monitorIds`: one prepared
 * statement that walks the (monitor_id, started_at) index, whatever the number of monitors.
 */
export function recentChecks(
	engine: Engine,
	monitorIds: readonly number[],
	limit: number,
): CheckTiming[][] {
	return engine
		.allFor<{ started_at: number; due_at: number; outcome: string; duration_ms: number }>(
			'SELECT started_at, due_at, outcome, duration_ms FROM checks WHERE monitor_id = ? ORDER BY started_at DESC LIMIT ?',
			monitorIds.map((id) => [id, limit]),
		)
		.map((rows) =>
			rows.reverse().map((r) => ({
				startedAt: r.started_at,
				dueAt: r.due_at,
				outcome: r.outcome as CheckOutcome,
				durationMs: r.duration_ms,
			})),
		);
}

/** Deletes up to `batch` of the oldest checks started before `before`; returns how many. */
export function deleteChecksBefore(engine: Engine, before: number, batch: number): number {
	return engine.run(
		'DELETE FROM checks WHERE id IN (SELECT id FROM checks WHERE started_at < ? ORDER BY started_at LIMIT ?)',
		[before, batch],
	).changes;
}

/** When the newest check started, or null without checks. */
export function newestCheckAt(engine: Engine): number | null {
	const value = engine.value('SELECT max(started_at) FROM checks');
	return typeof value === 'number' ? value : null;
}
