/**
 * The `monitor_status` table: one row per monitor with its confirmed state, retry count, when its next
 * check is due and its last check. The scheduler and the check recorder keep it; the list reads it.
 * Beside it `events`: every change of the confirmed state, what alerting is about.
 */
import type { MonitorState, Outcome } from '../../shared/checks';
import type { MonitorStatus, StateEvent } from '../../shared/history';
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

/** What recording a check needs to know of the monitor's state before it. */
export interface StatusBefore {
	state: MonitorState;
	failures: number;
	nextDueAt: number;
	stateSince: number | null;
	/** In maintenance since (null: not in maintenance), until when, in which window. */
	maintenanceSince: number | null;
	maintenanceUntil: number | null;
	maintenanceWindowId: number | null;
}

/** Undefined when the monitor was deleted (its status row went with it). */
export function statusBefore(engine: Engine, monitorId: number): StatusBefore | undefined {
	const row = engine.get<{
		state: string;
		failures: number;
		next_due_at: number;
		state_since: number | null;
		maintenance_since: number | null;
		maintenance_until: number | null;
		maintenance_window_id: number | null;
	}>(
		`SELECT state, failures, next_due_at, state_since, maintenance_since, maintenance_until,
		   maintenance_window_id FROM monitor_status WHERE monitor_id = ?`,
		[monitorId],
	);
	return (
		row && {
			state: row.state as MonitorState,
			failures: row.failures,
			nextDueAt: row.next_due_at,
			stateSince: row.state_since,
			maintenanceSince: row.maintenance_since,
			maintenanceUntil: row.maintenance_until,
			maintenanceWindowId: row.maintenance_window_id,
		}
	);
}

export interface StatusAfter {
	state: MonitorState;
	/** The confirmed state changed at `at`: it is the state's new `since`. */
	changed: boolean;
	at: number;
	retrying: boolean;
	failures: number;
	nextDueAt: number;
	lastCheckId: number;
	corsBlocked: boolean;
}

export function updateStatus(engine: Engine, monitorId: number, s: StatusAfter): void {
	engine.run(
		`UPDATE monitor_status SET state = ?, state_since = CASE WHEN ? THEN ? ELSE state_since END, retrying = ?,
		   failures = ?, next_due_at = ?, last_check_id = ?, cors_blocked = ?
		 WHERE monitor_id = ?`,
		[
			s.state,
			s.changed ? 1 : 0,
			s.at,
			s.retrying ? 1 : 0,
			s.failures,
			s.nextDueAt,
			s.lastCheckId,
			s.corsBlocked ? 1 : 0,
			monitorId,
		],
	);
}

/** A monitor's status without its last check, but with the id of the check it names as its last. */
export type StoredStatus = Omit<MonitorStatus, 'lastCheck'> & { lastCheckId: number | null };

/** Each monitor's status, by monitor id (of one monitor, or all). */
export function statuses(engine: Engine, monitorId: number | null): Map<number, StoredStatus> {
	const where = monitorId === null ? '' : ' WHERE s.monitor_id = ?';
	return new Map(
		engine
			.all<{
				monitor_id: number;
				state: string;
				state_since: number | null;
				retrying: number;
				failures: number;
				next_due_at: number;
				cors_blocked: number;
				last_check_id: number | null;
				maintenance_since: number | null;
				maintenance_until: number | null;
				window_name: string | null;
			}>(
				`SELECT s.*, w.name AS window_name FROM monitor_status s
				 LEFT JOIN maintenance_windows w ON w.id = s.maintenance_window_id${where}`,
				monitorId === null ? [] : [monitorId],
			)
			.map((r) => [
				r.monitor_id,
				{
					state: r.state as MonitorState,
					stateSince: r.state_since,
					retrying: r.retrying === 1,
					failures: r.failures,
					nextDueAt: r.next_due_at,
					corsBlocked: r.cors_blocked === 1,
					lastCheckId: r.last_check_id,
					maintenance:
						r.maintenance_since === null
							? null
							: {
									since: r.maintenance_since,
									until: r.maintenance_until,
									name: r.window_name ?? 'Maintenance',
								},
				},
			]),
	);
}

// --- events: changes of the confirmed state, never rotated ----------------------------------------

export function insertEvent(
	engine: Engine,
	e: {
		monitorId: number;
		at: number;
		from: Outcome | null;
		to: Outcome;
		message: string;
		checkId: number;
	},
): number {
	return engine.run(
		'INSERT INTO events (monitor_id, at, from_state, to_state, message, check_id) VALUES (?, ?, ?, ?, ?, ?)',
		[e.monitorId, e.at, e.from, e.to, e.message, e.checkId],
	).lastInsertRowid;
}

/** The columns of an event as StateEvent reads them. */
const EVENT_COLUMNS = 'id, at, from_state, to_state, message, note';

interface EventRow {
	id: number;
	at: number;
	from_state: string | null;
	to_state: string;
	message: string;
	note: string | null;
}

function stateEvent(e: EventRow): StateEvent {
	return {
		id: e.id,
		at: e.at,
		from: e.from_state as Outcome | null,
		to: e.to_state as Outcome,
		message: e.message,
		note: e.note,
	};
}

/** A monitor's latest state changes, newest first. */
export function latestEvents(engine: Engine, monitorId: number, limit: number): StateEvent[] {
	return engine
		.all<EventRow>(
			`SELECT ${EVENT_COLUMNS} FROM events WHERE monitor_id = ? ORDER BY at DESC LIMIT ?`,
			[monitorId, limit],
		)
		.map(stateEvent);
}

/** Writes (or, with null, removes) an event's note; false when there is no such event. */
export function setEventNote(engine: Engine, eventId: number, note: string | null): boolean {
	return engine.run('UPDATE events SET note = ? WHERE id = ?', [note, eventId]).changes > 0;
}

/** A monitor's state changes since `from`, oldest first. */
export function eventsSince(engine: Engine, monitorId: number, from: number): StateEvent[] {
	return engine
		.all<EventRow>(
			`SELECT ${EVENT_COLUMNS} FROM events WHERE monitor_id = ? AND at >= ? ORDER BY at, id`,
			[monitorId, from],
		)
		.map(stateEvent);
}

/** A monitor's last state change before `at`, if any. */
export function eventBefore(engine: Engine, monitorId: number, at: number): StateEvent | undefined {
	const row = engine.get<EventRow>(
		`SELECT ${EVENT_COLUMNS} FROM events WHERE monitor_id = ? AND at < ? ORDER BY at DESC, id DESC LIMIT 1`,
		[monitorId, at],
	);
	return row && stateEvent(row);
}
