/**
 * A check during a maintenance window: recorded as `maintenance`, no state change, no alert, no rollup.
 *
 * The rule for alerts around a window: while a monitor is in maintenance its confirmed state is frozen at
 * what it was before the window (its retry count is cleared), and nothing is alerted, reminders
 * included. When the window ends, the next real result goes through the usual state machine against that
 * frozen state: an alert follows only if it is a real change from the state before the window (up before,
 * down after: one "down"; down before, still down after: nothing, and reminders resume; down before, up
 * after: one "up again"). Retries apply as usual after the window.
 *
 * Entering and leaving are found by the checks themselves (a window that passes while the app is closed
 * leaves no trace, as no check ran): each is an event in maintenance_events and a line in the activity
 * log. Overlapping or back-to-back windows are one stretch of maintenance, named after the window that
 * started it and ending when the last of them does.
 */
import type { Occurrence } from '../../../shared/maintenance';
import { occurrenceAt } from '../../../shared/maintenance-occurrences';
import { isTimeZone } from '../../../shared/zoned-time';
import type { Engine } from '../../core/engine';
import { insertMaintenanceEvent, setMaintenance, windowsCovering } from '../../stores/maintenance';
import type { StatusBefore } from '../../stores/monitor-status';
import { recordActivity } from '../activity/log';

export interface ActiveWindow {
	id: number;
	name: string;
	occurrence: Occurrence;
}

/** The window covering `monitorId` at `at` that ends last, or null. */
export function activeWindow(engine: Engine, monitorId: number, at: number): ActiveWindow | null {
	let active: ActiveWindow | null = null;
	for (const w of windowsCovering(engine, monitorId)) {
		// A zone this browser does not know (checked on save and import) covers nothing, never fails a check.
		if (!isTimeZone(w.timeZone)) continue;
		const occurrence = occurrenceAt(w, at);
		if (occurrence && (!active || occurrence.end > active.occurrence.end))
			active = { id: w.id, name: w.name, occurrence };
	}
	return active;
}

function monitorName(engine: Engine, monitorId: number): string {
	return String(engine.value('SELECT name FROM monitors WHERE id = ?', [monitorId]) ?? monitorId);
}

function windowName(engine: Engine, windowId: number | null): string {
	const name =
		windowId === null
			? undefined
			: engine.value('SELECT name FROM maintenance_windows WHERE id = ?', [windowId]);
	return typeof name === 'string' ? name : 'Maintenance';
}

/** A check at `at` inside `active`: the monitor enters maintenance (or stays in it, perhaps longer). */
export function enterMaintenance(
	engine: Engine,
	monitorId: number,
	status: StatusBefore,
	active: ActiveWindow,
	at: number,
): void {
	if (status.maintenanceSince !== null) {
		const until = Math.max(status.maintenanceUntil ?? 0, active.occurrence.end);
		if (until !== status.maintenanceUntil)
			setMaintenance(engine, monitorId, {
				since: status.maintenanceSince,
				until,
				windowId: status.maintenanceWindowId,
			});
		return;
	}
	// Since the occurrence began (the app may have opened later), never after this check.
	const since = Math.min(active.occurrence.start, at);
	setMaintenance(engine, monitorId, { since, until: active.occurrence.end, windowId: active.id });
	insertMaintenanceEvent(engine, {
		monitorId,
		windowId: active.id,
		name: active.name,
		kind: 'start',
		at: since,
	});
	recordActivity(engine, at, {
		kind: 'maintenance',
		message: `${monitorName(engine, monitorId)} entered maintenance window “${active.name}”: checks are recorded as maintenance and alert nobody.`,
		details: { monitor: monitorId, window: active.id, since, until: active.occurrence.end },
	});
}

/** A check at `at` outside every window while the monitor was in maintenance: it leaves it. */
export function leaveMaintenance(
	engine: Engine,
	monitorId: number,
	status: StatusBefore,
	at: number,
): void {
	const name = windowName(engine, status.maintenanceWindowId);
	// When the window ended, if that is known and already past; else now (a deleted or edited window).
	const end = Math.min(status.maintenanceUntil ?? at, at);
	const ended = Math.max(end, status.maintenanceSince ?? end);
	setMaintenance(engine, monitorId, null);
	insertMaintenanceEvent(engine, {
		monitorId,
		windowId: status.maintenanceWindowId,
		name,
		kind: 'end',
		at: ended,
	});
	recordActivity(engine, at, {
		kind: 'maintenance',
		message: `${monitorName(engine, monitorId)} left maintenance window “${name}”: its checks count and alert again.`,
		details: {
			monitor: monitorId,
			window: status.maintenanceWindowId,
			since: status.maintenanceSince,
			until: ended,
		},
	});
}
