/** Monitor rows in and out of SQLite. Every value is bound; every input is validated here, not trusted. */
import { AppError } from '../../shared/errors';
import {
	validateMonitorInput,
	type HttpMethod,
	type Monitor,
	type MonitorInput,
} from '../../shared/monitors';
import type { Engine } from '../engine';

interface MonitorRow {
	id: number;
	name: string;
	url: string;
	method: string;
	interval_s: number;
	timeout_ms: number;
	enabled: number;
	created_at: number;
	updated_at: number;
}

const COLUMNS = 'id, name, url, method, interval_s, timeout_ms, enabled, created_at, updated_at';

function toMonitor(row: MonitorRow): Monitor {
	return {
		id: row.id,
		name: row.name,
		url: row.url,
		method: row.method as HttpMethod,
		intervalS: row.interval_s,
		timeoutMs: row.timeout_ms,
		enabled: row.enabled === 1,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

function valid(input: unknown): Required<MonitorInput> {
	const result = validateMonitorInput(input);
	if (!result.ok) throw new AppError('invalid-input', undefined, { fields: result.errors });
	return result.value;
}

function checkId(id: unknown): number {
	if (!Number.isSafeInteger(id) || (id as number) <= 0) {
		throw new AppError('invalid-input', 'A monitor id is a positive whole number.');
	}
	return id as number;
}

export function listMonitors(engine: Engine): Monitor[] {
	return engine
		.all<MonitorRow>(`SELECT ${COLUMNS} FROM monitors ORDER BY name COLLATE NOCASE, id`)
		.map(toMonitor);
}

export function getMonitor(engine: Engine, id: unknown): Monitor {
	const row = engine.get<MonitorRow>(`SELECT ${COLUMNS} FROM monitors WHERE id = ?`, [checkId(id)]);
	if (!row) throw new AppError('not-found');
	return toMonitor(row);
}

export function createMonitor(engine: Engine, input: unknown, now: number): Monitor {
	const m = valid(input);
	const { lastInsertRowid } = engine.run(
		`INSERT INTO monitors (name, url, method, interval_s, timeout_ms, enabled, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		[m.name, m.url, m.method, m.intervalS, m.timeoutMs, m.enabled ? 1 : 0, now, now],
	);
	return getMonitor(engine, lastInsertRowid);
}

export function updateMonitor(engine: Engine, id: unknown, input: unknown, now: number): Monitor {
	const m = valid(input);
	const existing = getMonitor(engine, id);
	engine.run(
		`UPDATE monitors SET name = ?, url = ?, method = ?, interval_s = ?, timeout_ms = ?, enabled = ?,
		 updated_at = ? WHERE id = ?`,
		[
			m.name,
			m.url,
			m.method,
			m.intervalS,
			m.timeoutMs,
			m.enabled ? 1 : 0,
			Math.max(now, existing.createdAt),
			existing.id,
		],
	);
	return getMonitor(engine, existing.id);
}

export function deleteMonitor(engine: Engine, id: unknown): { deleted: boolean } {
	const { changes } = engine.run('DELETE FROM monitors WHERE id = ?', [checkId(id)]);
	return { deleted: changes > 0 };
}
