/** How `history` prints a check, and how `history` and `generate-history` read their options. */
import type { HistoryCheck } from '../worker/stores/history/checks';
import { CliError } from './io';

export const CSV_HEADER = 'due_at,started_at,duration_ms,outcome,http_status,message,mode';

function csvField(text: string): string {
	return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Times as ISO 8601 with milliseconds (exact), the duration to its 0.1 ms. */
export function csvLine(c: HistoryCheck): string {
	return [
		new Date(c.dueAt).toISOString(),
		new Date(c.startedAt).toISOString(),
		c.durationMs.toFixed(1),
		c.outcome,
		c.httpStatus ?? '',
		csvField(c.message),
		c.mode,
	].join(',');
}

/** One JSON object a line (JSON Lines), times in epoch milliseconds. */
export function jsonLine(c: HistoryCheck): string {
	return JSON.stringify({
		dueAt: c.dueAt,
		startedAt: c.startedAt,
		durationMs: c.durationMs,
		outcome: c.outcome,
		httpStatus: c.httpStatus,
		message: c.message,
		mode: c.mode,
	});
}

export function isoOption(name: string, value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const at = Date.parse(value);
	if (!/^\d{4}-\d\d-\d\d/.test(value) || Number.isNaN(at))
		throw new CliError(
			`--${name} takes an ISO 8601 date or time (2026-01-31 or 2026-01-31T12:00Z).`,
		);
	return at;
}

export function intOption(
	name: string,
	value: string | undefined,
	min: number,
	max: number,
	fallback?: number,
): number {
	if (value === undefined) {
		if (fallback !== undefined) return fallback;
		throw new CliError(`--${name} is required (a whole number from ${min} to ${max}).`);
	}
	const n = Number(value);
	if (!/^\d+$/.test(value) || n < min || n > max)
		throw new CliError(`--${name} takes a whole number from ${min} to ${max}, not "${value}".`);
	return n;
}
