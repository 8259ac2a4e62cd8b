/** Monitor rows in and out of SQLite. Every value is bound; every input is validated here, not trusted. */
import { readConditions, readHeaders, type CheckMode } from '../../shared/checks';
import { AppError } from '../../shared/errors';
import {
	validateMonitorInput,
	type HttpMethod,
	type Monitor,
	type MonitorInput,
} from '../../shared/monitors';
// eslint-disable-next-line no-restricted-imports -- house: moves down in the stores split
import { vault } from '../domain/account/vault';
import type { Engine } from '../core/engine';

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
	created_at: number;
	updated_at: number;
}

const COLUMNS =
	'id, name, url, method, interval_s, timeout_ms, enabled, mode, retries, conditions, headers, needs_headers, created_at, updated_at';

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return {};
	}
}

function toMonitor(row: MonitorRow): Monitor {
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
		conditions: readConditions(parseJson(row.conditions)),
		...headersOf(row.headers),
		needsHeaders: row.needs_headers === 1,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

/**
 * Stored headers are a JSON object in clear, or, under a passphrase, a JSON string holding the sealed
 * object. Sealed headers are revealed when the key is in memory; otherwise the monitor says they are locked.
 */
function headersOf(stored: string): { headers: Record<string, string>; secretsLocked: boolean } {
	const value = parseJson(stored);
	if (typeof value !== 'string') return { headers: readHeaders(value), secretsLocked: false };
	if (!vault.canReveal(value)) return { headers: {}, secretsLocked: true };
	return { headers: readHeaders(parseJson(vault.reveal(value))), secretsLocked: false };
}

/** How headers are stored: sealed when a passphrase protects the database (async: run before the transaction). */
export async function storedHeaders(engine: Engine, input: unknown): Promise<string> {
	const headers = readHeaders(input);
	const text = JSON.stringify(headers);
	const passphraseSet = engine.value('SELECT count(*) FROM users') === 1;
	if (!passphraseSet || Object.keys(headers).length === 0) return text;
	return JSON.stringify(await vault.protect(text, true));
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

/** `headers`: the stored form from `storedHeaders` (sealed under a passphrase); the input's, in clear, if absent. */
export function createMonitor(
	engine: Engine,
	input: unknown,
	now: number,
	headers?: string,
): Monitor {
	const m = valid(input);
	const { lastInsertRowid } = engine.run(
		`INSERT INTO monitors (name, url, method, interval_s, timeout_ms, enabled, mode, retries, conditions,
		   headers, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		[...configValues(m, headers), now, now],
	);
	// A new monitor is checked at once.
	engine.run('INSERT INTO monitor_status (monitor_id, next_due_at) VALUES (?, ?)', [
		lastInsertRowid,
		now,
	]);
	return getMonitor(engine, lastInsertRowid);
}

export function updateMonitor(
	engine: Engine,
	id: unknown,
	input: unknown,
	now: number,
	headers?: string,
): Monitor {
	const m = valid(input);
	const existing = getMonitor(engine, id);
	// Saving over headers this window cannot read would erase them.
	if (existing.secretsLocked) throw new AppError('secrets-locked');
	engine.run(
		`UPDATE monitors SET name = ?, url = ?, method = ?, interval_s = ?, timeout_ms = ?, enabled = ?, mode = ?,
		   retries = ?, conditions = ?, headers = ?, needs_headers = 0, updated_at = ?
		 WHERE id = ?`,
		[...configValues(m, headers), Math.max(now, existing.createdAt), existing.id],
	);
	// Changed settings are checked at once, and an old CORS verdict no longer applies.
	engine.run(
		`INSERT INTO monitor_status (monitor_id, next_due_at) VALUES (?, ?)
		 ON CONFLICT (monitor_id) DO UPDATE SET next_due_at = excluded.next_due_at, cors_blocked = 0,
		   retrying = 0, failures = 0`,
		[existing.id, now],
	);
	return getMonitor(engine, existing.id);
}

function configValues(m: Required<MonitorInput>, headers?: string): (string | number)[] {
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
		headers ?? JSON.stringify(m.headers),
	];
}

/** Pauses or resumes checking without touching the other settings. */
export function setMonitorEnabled(
	engine: Engine,
	id: unknown,
	enabled: boolean,
	now: number,
): Monitor {
	const existing = getMonitor(engine, id);
	engine.run('UPDATE monitors SET enabled = ?, updated_at = ? WHERE id = ?', [
		enabled ? 1 : 0,
		Math.max(now, existing.createdAt),
		existing.id,
	]);
	if (enabled)
		engine.run('UPDATE monitor_status SET next_due_at = ? WHERE monitor_id = ?', [
			now,
			existing.id,
		]);
	return getMonitor(engine, existing.id);
}

export function deleteMonitor(engine: Engine, id: unknown): { deleted: boolean } {
	const { changes } = engine.run('DELETE FROM monitors WHERE id = ?', [checkId(id)]);
	return { deleted: changes > 0 };
}
