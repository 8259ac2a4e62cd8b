/**
 * Writes one check's result: the raw row, the monitor's new state, a state-change event when there is one,
 * and the minute/hour/day rollups, all in the caller's transaction (so they are saved together or not at all).
 * A check in a maintenance window is recorded as `maintenance` instead (the rule:
 * ../maintenance/recording.ts).
 */
import type { Engine } from '../../core/engine';
import { insertCheck } from '../../stores/checks';
import { insertEvent, statusBefore, updateStatus } from '../../stores/monitor-status';
import { quantizeDuration } from '../../stores/history/checks';
import { addToRollup } from '../../stores/rollups';
import type { Observation } from './http';
import { enqueueAlert } from '../telegram/alerts';
import { clearAcknowledgement } from '../../stores/alert-targets';
import { transition, type Transition } from './transition';
import {
	activeWindow,
	enterMaintenance,
	leaveMaintenance,
	type ActiveWindow,
} from '../maintenance/recording';
import type { StatusBefore } from '../../stores/monitor-status';

export interface RecordInput {
	monitorId: number;
	retries: number;
	dueAt: number;
	/** The due time stored when the check started, if the scheduler ran it at another (`dueAt`). */
	storedDueAt?: number;
	observation: Observation;
	/** When the next check is due if this one settles the state, and if a retry is needed. */
	nextDueAt: number;
	retryAt: number;
}

export interface Recorded {
	checkId: number;
	transition: Transition;
	nextDueAt: number;
}

/** Returns null when the monitor was deleted while its check ran. */
export function recordCheck(engine: Engine, input: RecordInput): Recorded | null {
	const { monitorId } = input;
	// Kept to 0.1 ms, as a block keeps it: a row, its block and the rollups read the same.
	const o = { ...input.observation, durationMs: quantizeDuration(input.observation.durationMs) };
	const status = statusBefore(engine, monitorId);
	if (!status) return null;
	const active = activeWindow(engine, monitorId, o.startedAt);
	if (active) return recordInMaintenance(engine, input, o, status, active);
	if (status.maintenanceSince !== null) leaveMaintenance(engine, monitorId, status, o.startedAt);
	const checkId = insertCheck(engine, { monitorId, dueAt: input.dueAt, ...o });
	const next = transition(status, o.outcome, input.retries);
	// Editing or resuming the monitor during the check moved its due time: that choice wins.
	const nextDueAt =
		status.nextDueAt === (input.storedDueAt ?? input.dueAt)
			? next.retrying
				? input.retryAt
				: input.nextDueAt
			: status.nextDueAt;
	updateStatus(engine, monitorId, {
		state: next.state,
		changed: next.event !== null,
		at: o.startedAt,
		retrying: next.retrying,
		failures: next.failures,
		nextDueAt,
		lastCheckId: checkId,
		corsBlocked: o.corsBlocked,
	});
	if (next.event) {
		const eventId = insertEvent(engine, {
			monitorId,
			at: o.startedAt,
			from: next.event.from,
			to: next.event.to,
			message: o.message,
			checkId,
		});
		clearAcknowledgement(engine, monitorId);
		// A new monitor coming up is not news; everything else is an alert, in this same transaction.
		if (next.event.from !== null || next.event.to !== 'up') {
			const wasDown = next.event.from === 'down' && status.stateSince !== null;
			enqueueAlert(engine, {
				monitorId,
				kind: next.event.to,
				from: next.event.from,
				message: o.message,
				at: o.startedAt,
				downtimeMs: wasDown ? o.startedAt - status.stateSince! : null,
				eventId,
			});
		}
	}
	// No minute rollups: a chart of the last day reads the raw rows, which are kept that long.
	for (const resolution of ['hour', 'day'] as const) {
		addToRollup(engine, monitorId, resolution, o.startedAt, o.outcome, o.durationMs);
	}
	return { checkId, transition: next, nextDueAt };
}

/** A check in a maintenance window: kept as `maintenance`; the state, alerts and rollups are left alone. */
function recordInMaintenance(
	engine: Engine,
	input: RecordInput,
	o: RecordInput['observation'],
	status: StatusBefore,
	active: ActiveWindow,
): Recorded {
	const { monitorId } = input;
	const checkId = insertCheck(engine, {
		monitorId,
		dueAt: input.dueAt,
		...o,
		outcome: 'maintenance',
	});
	enterMaintenance(engine, monitorId, status, active, o.startedAt);
	const nextDueAt =
		status.nextDueAt === (input.storedDueAt ?? input.dueAt) ? input.nextDueAt : status.nextDueAt;
	// The state from before the window stays; a retry count is cleared (nothing is retried meanwhile).
	updateStatus(engine, monitorId, {
		state: status.state,
		changed: false,
		at: o.startedAt,
		retrying: false,
		failures: 0,
		nextDueAt,
		lastCheckId: checkId,
		corsBlocked: o.corsBlocked,
	});
	return {
		checkId,
		transition: { state: status.state, retrying: false, failures: 0, event: null },
		nextDueAt,
	};
}
