/**
 * The `monitors` table: each monitor's configuration. Headers and body are kept as stored (a JSON object
 * in clear, or a JSON string holding the sealed object): domain/monitors reveals and seals them.
 */
import { parseConditions, type CheckMode } from '../../shared/checks';
import type { HttpMethod, Monitor, MonitorInput } from '../../shared/monitors';
import type { Engine } from '../core/engine';

/** The stored forms of a monitor's headers and body (JSON text: an object, or the sealed string). */
export interface StoredSecrets {
	headers: string;
	body: string;
}

/** A monitor as stored: its headers and body not yet revealed. */
export type MonitorRecord = Omit<
	Monitor,
	'headers' | 'body' | 'secretsLocked' | 'needsHeaders' | 'needsBody' | 'tags'
> & {
	stored: StoredSecrets;
	needsHeaders: boolean;
	needsBody: boolean;
};

/** A validated configuration and its headers and body in their stored form. */
export type MonitorConfig = Required<Omit<MonitorInput, 'headers' | 'body' | 'tags'>> & {
	stored: StoredSecrets;
};

interface MonitorRow {
	id: number;
	name: string;
	url: string;
	method: string;
	interval_s: number;
	timeout_ms: number;
	enabled: number;
	mode: string;
	retries: number;
	conditions: string;
	headers: string;
	needs_headers: number;
	body: string;
	needs_body: number;
	created_at: number;
	updated_at: number;
}

const COLUMNS =
	'id, name, url, method, interval_s, timeout_ms, enabled, mode, retries, conditions, headers, needs_headers, body, needs_body, created_at, updated_at';

function toRecord(row: MonitorRow): MonitorRecord {
	const conditions = parseConditions(row.conditions);
	return {
		id: row.id,
		name: row.name,
		url: row.url,
		method: row.method as HttpMethod,
		intervalS: row.interval_s,
		timeoutMs: row.timeout_ms,
		enabled: row.enabled === 1,
		mode: row.mode as CheckMode,
		retries: row.retries,
		conditions: conditions.ok ? conditions.value : {},
		...(conditions.ok ? {} : { conditionsError: conditions.error }),
		stored: { headers: row.headers, body: row.body },
		needsHeaders: row.needs_headers === 1,
		needsBody: row.needs_body === 1,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

export function monitorRecords(engine: Engine): MonitorRecord[] {
	return engine
		.all<MonitorRow>(`SELECT ${COLUMNS} FROM monitors ORDER BY name COLLATE NOCASE, id`)
		.map(toRecord);
}

export function monitorRecord(engine: Engine, id: number): MonitorRecord | undefined {
	const row = engine.get<MonitorRow>(`SELECT ${COLUMNS} FROM monitors WHERE id = ?`, [id]);
	return row && toRecord(row);
}

/** What an alert names: the monitor's name and address. */
export function monitorLabel(
	engine: Engine,
	id: number,
): { name: string; url: string } | undefined {
	return engine.get<{ name: string; url: string }>('SELECT name, url FROM monitors WHERE id = ?', [
		id,
	]);
}

function configValues(m: MonitorConfig): (string | number)[] {
	return [
		m.name,
		m.url,
		m.method,
		m.intervalS,
		m.timeoutMs,
		m.enabled ? 1 : 0,
		m.mode,
		m.retries,
		JSON.stringify(m.conditions),
		m.stored.headers,
		m.stored.body,
	];
}

/** Returns the new monitor's id. `id`: the row id sealed headers and body were bound to (new if absent). */
export function insertMonitor(
	engine: Engine,
	config: MonitorConfig,
	now: number,
	id: number | null = null,
): number {
	return engine.run(
		`INSERT INTO monitors (id, name, url, method, interval_s, timeout_ms, enabled, mode, retries, conditions,
		   headers, body, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		[id, ...configValues(config), now, now],
	).lastInsertRowid;
}

/** Replaces the configuration; headers and body given again no longer need re-entry. */
export function updateMonitorConfig(
	engine: Engine,
	id: number,
	config: MonitorConfig,
	updatedAt: number,
): void {
	engine.run(
		`UPDATE monitors SET name = ?, url = ?, method = ?, interval_s = ?, timeout_ms = ?, enabled = ?, mode = ?,
		   retries = ?, conditions = ?, headers = ?, body = ?, needs_headers = 0, needs_body = 0,
		   updated_at = ?
		 WHERE id = ?`,
		[...configValues(config), updatedAt, id],
	);
}

export function setEnabled(engine: Engine, id: number, enabled: boolean, updatedAt: number): void {
	engine.run('UPDATE monitors SET enabled = ?, updated_at = ? WHERE id = ?', [
		enabled ? 1 : 0,
		updatedAt,
		id,
	]);
}

/** Pauses every running monitor, not as an edit (`updated_at` stays); returns the ids it paused. */
export function pauseRunning(engine: Engine): number[] {
	return engine
		.all<{ id: number }>('UPDATE monitors SET enabled = 0 WHERE enabled = 1 RETURNING id')
		.map((r) => r.id)
		.sort((a, b) => a - b);
}

/** Which of `ids` are monitors that exist and are paused. */
export function pausedAmong(engine: Engine, ids: readonly number[]): number[] {
	return engine
		.all<{ id: number }>(
			'SELECT id FROM monitors WHERE enabled = 0 AND id IN (SELECT value FROM json_each(?)) ORDER BY id',
			[JSON.stringify(ids)],
		)
		.map((r) => r.id);
}

/** Returns whether there was such a monitor (its history goes with it: foreign keys cascade). */
export function deleteMonitorRow(engine: Engine, id: number): boolean {
	return engine.run('DELETE FROM monitors WHERE id = ?', [id]).changes > 0;
}

export function runningCount(engine: Engine): number {
	return Number(engine.value('SELECT count(*) FROM monitors WHERE enabled = 1'));
}

export function monitorCount(engine: Engine): number {
	return Number(engine.value('SELECT count(*) FROM monitors'));
}

/** When a monitor was last created or edited, or null without monitors. */
export function lastMonitorChange(engine: Engine): number | null {
	const value = engine.value('SELECT max(updated_at) FROM monitors');
	return typeof value === 'number' ? value : null;
}
