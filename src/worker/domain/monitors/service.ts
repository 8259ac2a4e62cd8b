/**
 * The monitors: configuration validated before it is stored, headers and body revealed and sealed through the
 * vault, and a monitor created, edited or resumed is checked at once.
 */
import { AppError } from '../../../shared/errors';
import { validateMonitorInput, type Monitor, type MonitorInput } from '../../../shared/monitors';
import type { Engine } from '../../core/engine';
import { insertStatus, restartStatus, setNextDue } from '../../stores/monitor-status';
import {
	deleteMonitorRow,
	insertMonitor,
	monitorRecord,
	monitorRecords,
	setEnabled,
	updateMonitorConfig,
	type MonitorConfig,
	type MonitorRecord,
} from '../../stores/monitors';
import { revealRequest, type StoredRequest } from './request-secrets';

export { storedRequest } from './request-secrets';

function toMonitor({
	stored,
	needsHeaders,
	needsBody,
	createdAt,
	updatedAt,
	...config
}: MonitorRecord): Monitor {
	return {
		...config,
		...revealRequest(stored, config.id),
		needsHeaders,
		needsBody,
		createdAt,
		updatedAt,
	};
}

function valid(input: unknown, stored: StoredRequest | undefined): MonitorConfig {
	const result = validateMonitorInput(input);
	if (!result.ok) throw new AppError('invalid-input', undefined, { fields: result.errors });
	const { headers, body, ...config }: Required<MonitorInput> = result.value;
	return {
		...config,
		stored: stored ?? { headers: JSON.stringify(headers), body: JSON.stringify(body ?? {}) },
	};
}

export function listMonitors(engine: Engine): Monitor[] {
	return monitorRecords(engine).map(toMonitor);
}

export function getMonitor(engine: Engine, id: number): Monitor {
	const record = monitorRecord(engine, id);
	if (!record) throw new AppError('not-found');
	return toMonitor(record);
}

/**
 * `stored`: the headers' and body's stored forms from `storedRequest` (sealed under a passphrase) for row
 * `id`; the input's, in clear, if absent.
 */
export function createMonitor(
	engine: Engine,
	input: unknown,
	now: number,
	stored?: StoredRequest,
	id?: number,
): Monitor {
	id = insertMonitor(engine, valid(input, stored), now, id);
	// A new monitor is checked at once.
	insertStatus(engine, id, now);
	return getMonitor(engine, id);
}

export function updateMonitor(
	engine: Engine,
	id: number,
	input: unknown,
	now: number,
	stored?: StoredRequest,
): Monitor {
	const config = valid(input, stored);
	const existing = getMonitor(engine, id);
	// Saving over headers or a body this window cannot read would erase them.
	if (existing.secretsLocked) throw new AppError('secrets-locked');
	updateMonitorConfig(engine, existing.id, config, Math.max(now, existing.createdAt));
	// Changed settings are checked at once, and an old CORS verdict no longer applies.
	restartStatus(engine, existing.id, now);
	return getMonitor(engine, existing.id);
}

/** Pauses or resumes checking without touching the other settings. */
export function setMonitorEnabled(
	engine: Engine,
	id: number,
	enabled: boolean,
	now: number,
): Monitor {
	const existing = getMonitor(engine, id);
	setEnabled(engine, existing.id, enabled, Math.max(now, existing.createdAt));
	if (enabled) setNextDue(engine, existing.id, now);
	return getMonitor(engine, existing.id);
}

export function deleteMonitor(engine: Engine, id: number): { deleted: boolean } {
	return { deleted: deleteMonitorRow(engine, id) };
}
