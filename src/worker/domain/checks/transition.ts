/**
 * The monitor state machine. A check's outcome moves the confirmed state; a failure only confirms "down"
 * once the retries are used up (until then the monitor is "retrying" and keeps its state). Changes of the
 * confirmed state, and the very first check, are events: what alerting sends later.
 */
import type { MonitorState, Outcome } from '../../../shared/checks';

export interface StatusSnapshot {
	state: MonitorState;
	failures: number;
}

export interface Transition {
	state: MonitorState;
	retrying: boolean;
	failures: number;
	/** Set when the confirmed state changed (or was first established). */
	event: { from: Exclude<MonitorState, 'unknown'> | null; to: Outcome } | null;
}

export function transition(
	previous: StatusSnapshot,
	outcome: Outcome,
	retries: number,
): Transition {
	if (outcome === 'down') {
		const failures = previous.failures + 1;
		if (failures <= retries)
			return { state: previous.state, retrying: true, failures, event: null };
		return { state: 'down', retrying: false, failures, event: eventFor(previous.state, 'down') };
	}
	return { state: outcome, retrying: false, failures: 0, event: eventFor(previous.state, outcome) };
}

function eventFor(from: MonitorState, to: Outcome): Transition['event'] {
	if (from === to) return null;
	return { from: from === 'unknown' ? null : from, to };
}
