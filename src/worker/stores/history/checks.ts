/**
 * What a block holds: every column of a check row but its id, with the duration kept to a tenth of a
 * millisecond (an integer number of tenths), and the limits the format puts on each value.
 */
import type { CheckMode, CheckOutcome } from '../../../shared/checks';
import type { CheckRecord } from '../../../shared/history';
import { checkUnstorable } from './errors';

export type HistoryCheck = Omit<CheckRecord, 'id'>;

/** A block's outcome codes: the index here (3, `maintenance`, since migration 011). */
export const OUTCOMES: readonly CheckOutcome[] = ['up', 'degraded', 'down', 'maintenance'];
export const MODES: readonly CheckMode[] = ['full', 'reachability'];

/** Due and start times are epoch milliseconds up to 2^47 (the year 6429): far beyond any clock, and safe. */
export const MAX_TIME = 2 ** 47;
/** Durations up to 2^36 tenths of a millisecond (79 days), so the sum over a full block stays a safe integer. */
export const MAX_DURATION_TENTHS = 2 ** 36;
/** A day of checks every second is 86,400; the app checks at most every 10 s (plus retries). */
export const MAX_CHECKS_PER_BLOCK = 100_000;
/** The `checks.http_status` column allows 0 … 999. */
export const MAX_HTTP_STATUS = 999;

/**
 * A duration in whole tenths of a millisecond. `performance.now()` is coarsened to 0.1 ms or more in
 * browsers, so a measured duration already is a multiple of 0.1 ms, give or take floating-point noise.
 */
export function toTenths(durationMs: number): number {
	return Math.round(durationMs * 10);
}

export function fromTenths(tenths: number): number {
	return tenths / 10;
}

/** The duration a block gives back for `durationMs`: the value a row should store so rows and blocks agree. */
export function quantizeDuration(durationMs: number): number {
	return fromTenths(toTenths(durationMs));
}

export function isTime(value: number): boolean {
	return Number.isSafeInteger(value) && value >= 0 && value <= MAX_TIME;
}

function unstorable(index: number, what: string): never {
	throw checkUnstorable(`check ${index}: ${what}`, { index });
}

/** Refuses, before anything is written, a check the format cannot give back exactly. */
export function assertStorable(check: HistoryCheck, index: number): void {
	if (!isTime(check.dueAt))
		unstorable(index, `due time ${check.dueAt} is not an epoch ms within 0 … 2^47`);
	if (!isTime(check.startedAt))
		unstorable(index, `start time ${check.startedAt} is not an epoch ms within 0 … 2^47`);
	const tenths = toTenths(check.durationMs);
	if (!(check.durationMs >= 0) || !(tenths <= MAX_DURATION_TENTHS))
		unstorable(index, `duration ${check.durationMs} ms is not within 0 … 2^36 tenths of a ms`);
	if (!OUTCOMES.includes(check.outcome))
		unstorable(index, `outcome ${String(check.outcome)} is not known`);
	if (!MODES.includes(check.mode)) unstorable(index, `mode ${String(check.mode)} is not known`);
	const status = check.httpStatus;
	if (status !== null && !(Number.isInteger(status) && status >= 0 && status <= MAX_HTTP_STATUS))
		unstorable(index, `HTTP status ${status} is not null or 0 … 999`);
	if (typeof check.message !== 'string') unstorable(index, 'the message is not text');
}
