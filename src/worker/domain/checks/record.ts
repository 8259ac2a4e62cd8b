/**
 * Writes one check's result: the raw row, the monitor's new state, a state-change event when there is one,
 * and the minute/hour/day rollups, all in the caller's transaction (so they are saved together or not at all).
 */
import type { Outcome } from '../../../shared/checks';
import type { Engine } from '../../core/engine';
import type { Observation } from './http';
import { enqueueAlert } from '../telegram/alerts';
import { transition, type StatusSnapshot, type Transition } from './transition';

export const RESOLUTIONS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
export type Resolution = keyof typeof RESOLUTIONS;

export interface RecordInput {
	monitorId: number;
	retries: number;
	dueAt: number;
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
	const { monitorId, observation: o } = input;
	const status = engine.get<StatusSnapshot & { next_due_at: number; state_since: number | null }>(
		'SELECT state, failures, next_due_at, state_since FROM monitor_status WHERE monitor_id = ?',
		[monitorId],
	);
	if (!status) return null;
	const { lastInsertRowid: checkId } = engine.run(
		`INSERT INTO checks (monitor_id, due_at, started_at, duration_ms, outcome, http_status, message, mode)
		 SELECT ?, ?, ?, ?, ?, ?, ?, mode FROM monitors WHERE id = ?`,
		[
			monitorId,
			input.dueAt,
			o.startedAt,
			o.durationMs,
			o.outcome,
			o.httpStatus,
			o.message,
			monitorId,
		],
	);
	const next = transition(status, o.outcome, input.retries);
	// Editing or resuming the monitor during the check moved its due time: that choice wins.
	const nextDueAt =
		status.next_due_at === input.dueAt
			? next.retrying
				? input.retryAt
				: input.nextDueAt
			: status.next_due_at;
	engine.run(
		`UPDATE monitor_status SET state = ?, state_since = CASE WHEN ? THEN ? ELSE state_since END, retrying = ?,
		   failures = ?, next_due_at = ?, last_check_id = ?, cors_blocked = ?
		 WHERE monitor_id = ?`,
		[
			next.state,
			next.event ? 1 : 0,
			o.startedAt,
			next.retrying ? 1 : 0,
			next.failures,
			nextDueAt,
			checkId,
			o.corsBlocked ? 1 : 0,
			monitorId,
		],
	);
	if (next.event) {
		const { lastInsertRowid: eventId } = engine.run(
			'INSERT INTO events (monitor_id, at, from_state, to_state, message, check_id) VALUES (?, ?, ?, ?, ?, ?)',
			[monitorId, o.startedAt, next.event.from, next.event.to, o.message, checkId],
		);
		// A new monitor coming up is not news; everything else is an alert, in this same transaction.
		if (next.event.from !== null || next.event.to !== 'up') {
			const wasDown = next.event.from === 'down' && status.state_since !== null;
			enqueueAlert(engine, {
				monitorId,
				kind: next.event.to,
				from: next.event.from,
				message: o.message,
				at: o.startedAt,
				downtimeMs: wasDown ? o.startedAt - status.state_since! : null,
				eventId,
			});
		}
	}
	for (const resolution of Object.keys(RESOLUTIONS) as Resolution[]) {
		addToRollup(engine, monitorId, resolution, o.startedAt, o.outcome, o.durationMs);
	}
	return { checkId, transition: next, nextDueAt };
}

export function bucketStart(at: number, resolution: Resolution): number {
	const size = RESOLUTIONS[resolution];
	return Math.floor(at / size) * size;
}

function addToRollup(
	engine: Engine,
	monitorId: number,
	resolution: Resolution,
	at: number,
	outcome: Outcome,
	ms: number,
): void {
	const answered = outcome !== 'down';
	engine.run(
		`INSERT INTO rollups (monitor_id, resolution, bucket_start, checks, up, degraded, down, min_ms, max_ms, sum_ms)
		 VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (monitor_id, resolution, bucket_start) DO UPDATE SET
		   checks = checks + 1,
		   up = up + excluded.up,
		   degraded = degraded + excluded.degraded,
		   down = down + excluded.down,
		   min_ms = coalesce(min(min_ms, excluded.min_ms), min_ms, excluded.min_ms),
		   max_ms = coalesce(max(max_ms, excluded.max_ms), max_ms, excluded.max_ms),
		   sum_ms = sum_ms + excluded.sum_ms`,
		[
			monitorId,
			resolution,
			bucketStart(at, resolution),
			outcome === 'up' ? 1 : 0,
			outcome === 'degraded' ? 1 : 0,
			outcome === 'down' ? 1 : 0,
			answered ? ms : null,
			answered ? ms : null,
			answered ? ms : 0,
		],
	);
}
