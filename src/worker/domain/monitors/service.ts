/**
 * The monitors: configuration validated before it is stored, headers and body revealed and sealed through the
 * vault, and a monitor created, edited or resumed is checked at once.
 */
import { AppError } from '../../../shared/errors';
import { validateMonitorInput, type Monitor, type ValidInput } from '../../../shared/monitors';
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
import { existingTags, setMonitorTags, tagIdsByMonitor } from '../../stores/tags';
import { revealRequest, type StoredRequest } from './request-secrets';

export { storedRequest } from './request-secrets';

function toMonitor(
	{ stored, needsHeaders, needsBody, createdAt, updatedAt, ...config }: MonitorRecord,
	tags: number[],
): Monitor {
	return {
		...config,
		...revealRequest(stored, config.id),
		needsHeaders,
		needsBody,
		tags,
		createdAt,
		updatedAt,
	};
}

function valid(
	engine: Engine,
	input: unknown,
	stored: StoredRequest | undefined,
): { config: MonitorConfig; tags: number[] | undefined } {
	const result = validateMonitorInput(input);
	if (!result.ok) throw new AppError('invalid-input', undefined, { fields: result.errors });
	const { headers, body, tags, ...config }: ValidInput = result.value;
	if (tags && existingTags(engine, tags).length !== tags.length)
		throw new AppError('invalid-input', undefined, {
			fields: { tags: 'A tag was deleted meanwhile: choose the tags again.' },
		});
	return {
		config: {
			...config,
			stored: stored ?? { headers: JSON.stringify(headers), body: JSON.stringify(body ?? {}) },
		},
		tags,
	};
}

export function listMonitors(engine: Engine): Monitor[] {
	const tags = tagIdsByMonitor(engine);
	return monitorRecords(engine).map((record) => toMonitor(record, tags.get(record.id) ?? []));
}

export function getMonitor(engine: Engine, id: number): Monitor {
	const record = monitorRecord(engine, id);
	if (!record) throw new AppError('not-found');
	return toMonitor(record, tagIdsByMonitor(engine, record.id).get(record.id) ?? []);
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
	const { config, tags } = valid(engine, input, stored);
	id = insertMonitor(engine, config, now, id);
	if (tags) setMonitorTags(engine, id, tags);
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
	const { config, tags } = valid(engine, input, stored);
	const existing = getMonitor(engine, id);
	// Saving over headers or a body this window cannot read would erase them.
	if (existing.secretsLocked) throw new AppError('secrets-locked');
	updateMonitorConfig(engine, existing.id, config, Math.max(now, existing.createdAt));
	if (tags) setMonitorTags(engine, existing.id, tags);
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
