/** Maintenance windows: created, edited and deleted here, each checked before it is stored. */
import { AppError } from '../../../shared/errors';
import {
	validateWindowInput,
	type MaintenanceWindow,
	type MaintenanceWindowInput,
} from '../../../shared/maintenance';
import type { Engine } from '../../core/engine';
import {
	deleteWindowRow,
	existingMonitors,
	insertWindow,
	updateWindowRow,
	windowRow,
	windowRows,
} from '../../stores/maintenance';
import { recordActivity } from '../activity/log';

function valid(engine: Engine, input: unknown): MaintenanceWindowInput {
	const result = validateWindowInput(input);
	if (!result.ok) throw new AppError('invalid-input', undefined, { fields: result.errors });
	const known = existingMonitors(engine, result.value.monitorIds);
	if (known.size !== result.value.monitorIds.length)
		throw new AppError('invalid-input', undefined, {
			fields: { monitors: 'One of the chosen monitors no longer exists.' },
		});
	return result.value;
}

export function listWindows(engine: Engine): MaintenanceWindow[] {
	return windowRows(engine);
}

export function createWindow(engine: Engine, input: unknown, now: number): MaintenanceWindow {
	const value = valid(engine, input);
	const id = insertWindow(engine, value, now);
	recordActivity(engine, now, {
		kind: 'maintenance',
		message: `Maintenance window “${value.name}” created.`,
		details: { window: id },
	});
	return windowRow(engine, id)!;
}

export function updateWindow(
	engine: Engine,
	id: number,
	input: unknown,
	now: number,
): MaintenanceWindow {
	if (!windowRow(engine, id)) throw new AppError('not-found');
	const value = valid(engine, input);
	updateWindowRow(engine, id, value, now);
	recordActivity(engine, now, {
		kind: 'maintenance',
		message: `Maintenance window “${value.name}” changed.`,
		details: { window: id },
	});
	return windowRow(engine, id)!;
}

/**
 * A monitor in the deleted window's maintenance leaves it at its next check (the window is gone), with
 * an end event then.
 */
export function deleteWindow(engine: Engine, id: number, now: number): { deleted: boolean } {
	const window = windowRow(engine, id);
	const deleted = deleteWindowRow(engine, id);
	if (deleted && window)
		recordActivity(engine, now, {
			kind: 'maintenance',
			message: `Maintenance window “${window.name}” deleted.`,
			details: { window: id },
		});
	return { deleted };
}
