/**
 * Maintenance windows (`maintenance_windows`, `maintenance_window_monitors`), a monitor's entries into
 * and exits from maintenance (`maintenance_events`) and the maintenance columns of `monitor_status`.
 */
import {
	bitsToDays,
	daysToBits,
	type MaintenanceEvent,
	type MaintenanceWindow,
	type MaintenanceWindowInput,
} from '../../shared/maintenance';
import type { Engine, Param } from '../core/engine';

interface WindowRow {
	id: number;
	name: string;
	kind: 'once' | 'weekly';
	starts_at: number | null;
	ends_at: number | null;
	days: number | null;
	start_minute: number | null;
	end_minute: number | null;
	time_zone: string;
	all_monitors: number;
	created_at: number;
	updated_at: number;
}

function toWindow(row: WindowRow, monitorIds: number[]): MaintenanceWindow {
	return {
		id: row.id,
		name: row.name,
		kind: row.kind,
		startsAt: row.starts_at,
		endsAt: row.ends_at,
		days: bitsToDays(row.days ?? 0),
		startMinute: row.start_minute,
		endMinute: row.end_minute,
		timeZone: row.time_zone,
		allMonitors: row.all_monitors === 1,
		monitorIds,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

function linkedMonitors(engine: Engine): Map<number, number[]> {
	const links = new Map<number, number[]>();
	for (const r of engine.all<{ window_id: number; monitor_id: number }>(
		'SELECT window_id, monitor_id FROM maintenance_window_monitors ORDER BY window_id, monitor_id',
	)) {
		const list = links.get(r.window_id) ?? [];
		list.push(r.monitor_id);
		links.set(r.window_id, list);
	}
	return links;
}

/** Every window, by name. */
export function windowRows(engine: Engine): MaintenanceWindow[] {
	const links = linkedMonitors(engine);
	return engine
		.all<WindowRow>('SELECT * FROM maintenance_windows ORDER BY name COLLATE NOCASE, id')
		.map((row) => toWindow(row, links.get(row.id) ?? []));
}

export function windowRow(engine: Engine, id: number): MaintenanceWindow | undefined {
	return windowRows(engine).find((w) => w.id === id);
}

/** The windows that cover a monitor: those for every monitor and those naming it. */
export function windowsCovering(engine: Engine, monitorId: number): MaintenanceWindow[] {
	return engine
		.all<WindowRow>(
			`SELECT * FROM maintenance_windows WHERE all_monitors = 1
			   OR id IN (SELECT window_id FROM maintenance_window_monitors WHERE monitor_id = ?)
			 ORDER BY id`,
			[monitorId],
		)
		.map((row) => toWindow(row, []));
}

function columns(input: MaintenanceWindowInput): Param[] {
	return [
		input.name,
		input.kind,
		input.startsAt,
		input.endsAt,
		input.kind === 'weekly' ? daysToBits(input.days) : null,
		input.startMinute,
		input.endMinute,
		input.timeZone,
		input.allMonitors ? 1 : 0,
	];
}

function link(engine: Engine, id: number, monitorIds: readonly number[]): void {
	engine.run('DELETE FROM maintenance_window_monitors WHERE window_id = ?', [id]);
	for (const monitorId of monitorIds)
		engine.run('INSERT INTO maintenance_window_monitors (window_id, monitor_id) VALUES (?, ?)', [
			id,
			monitorId,
		]);
}

export function insertWindow(engine: Engine, input: MaintenanceWindowInput, now: number): number {
	const id = engine.run(
		`INSERT INTO maintenance_windows (name, kind, starts_at, ends_at, days, start_minute, end_minute,
		   time_zone, all_monitors, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		[...columns(input), now, now],
	).lastInsertRowid;
	link(engine, id, input.monitorIds);
	return id;
}

export function updateWindowRow(
	engine: Engine,
	id: number,
	input: MaintenanceWindowInput,
	now: number,
): boolean {
	const changed = engine.run(
		`UPDATE maintenance_windows SET name = ?, kind = ?, starts_at = ?, ends_at = ?, days = ?,
		   start_minute = ?, end_minute = ?, time_zone = ?, all_monitors = ?,
		   updated_at = max(created_at, ?) WHERE id = ?`,
		[...columns(input), now, id],
	).changes;
	if (changed > 0) link(engine, id, input.monitorIds);
	return changed > 0;
}

export function deleteWindowRow(engine: Engine, id: number): boolean {
	return engine.run('DELETE FROM maintenance_windows WHERE id = ?', [id]).changes > 0;
}

/** The monitor ids of `ids` that exist. */
export function existingMonitors(engine: Engine, ids: readonly number[]): Set<number> {
	if (ids.length === 0) return new Set();
	return new Set(
		engine
			.all<{ id: number }>(
				`SELECT id FROM monitors WHERE id IN (${ids.map(() => '?').join(', ')})`,
				[...ids],
			)
			.map((r) => r.id),
	);
}

// --- a monitor in maintenance -----------------------------------------------------------------------

export interface InMaintenance {
	since: number;
	until: number | null;
	windowId: number | null;
}

/** Marks the monitor in maintenance (or, with null, out of it). */
export function setMaintenance(engine: Engine, monitorId: number, m: InMaintenance | null): void {
	engine.run(
		`UPDATE monitor_status SET maintenance_since = ?, maintenance_until = ?, maintenance_window_id = ?
		 WHERE monitor_id = ?`,
		[m?.since ?? null, m?.until ?? null, m?.windowId ?? null, monitorId],
	);
}

export function insertMaintenanceEvent(engine: Engine, e: Omit<MaintenanceEvent, 'id'>): number {
	return engine.run(
		'INSERT INTO maintenance_events (monitor_id, window_id, name, kind, at) VALUES (?, ?, ?, ?, ?)',
		[e.monitorId, e.windowId, e.name, e.kind, e.at],
	).lastInsertRowid;
}

interface EventRow {
	id: number;
	monitor_id: number;
	window_id: number | null;
	name: string;
	kind: 'start' | 'end';
	at: number;
}

const toEvent = (r: EventRow): MaintenanceEvent => ({
	id: r.id,
	monitorId: r.monitor_id,
	windowId: r.window_id,
	name: r.name,
	kind: r.kind,
	at: r.at,
});

/** A monitor's maintenance starts and ends since `from`, and the last one before it; oldest first. */
export function maintenanceEventsSince(
	engine: Engine,
	monitorId: number,
	from: number,
): MaintenanceEvent[] {
	return engine
		.all<EventRow>(
			`SELECT * FROM maintenance_events WHERE monitor_id = :id AND (at >= :from OR id = (
			   SELECT id FROM maintenance_events WHERE monitor_id = :id AND at < :from ORDER BY at DESC, id DESC LIMIT 1))
			 ORDER BY at, id`,
			{ ':id': monitorId, ':from': from },
		)
		.map(toEvent);
}

/** A monitor's latest maintenance starts and ends, newest first. */
export function latestMaintenanceEvents(
	engine: Engine,
	monitorId: number,
	limit: number,
): MaintenanceEvent[] {
	return engine
		.all<EventRow>(
			'SELECT * FROM maintenance_events WHERE monitor_id = ? ORDER BY at DESC, id DESC LIMIT ?',
			[monitorId, limit],
		)
		.map(toEvent);
}
