/**
 * When to remind the person to export a copy of their database. A browser can lose site data (the
 * person clears it, the browser evicts it under storage pressure, Safari deletes it after seven days
 * without a visit), and an exported `monitor.db` is the one copy that survives all of that.
 */

/** The `settings` row the export writes: epoch milliseconds, as text. */
export const LAST_EXPORT_KEY = 'last_export_at';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Days without an export before a calm reminder. */
export const REMIND_AFTER_DAYS = 14;
/**
 * Where the browser deletes unused site data after seven days, waiting for the person to come back is
 * too late: remind as soon as there is data that was never exported, then daily.
 */
export const REMIND_AFTER_DAYS_WHEN_EVICTING = 1;
/** "Later" hides the reminder for this long. */
export const SNOOZE_DAYS = 3;

export interface ReminderInput {
	now: number;
	/** Epoch ms of the last export; null when never exported. */
	lastExportAt: number | null;
	/** Epoch ms since when the database holds the person's data (its first migration). */
	since: number | null;
	/** Whether the database holds anything worth keeping. */
	hasData: boolean;
	/** The browser is known to delete unused site data (Safari outside an installed app). */
	evicts: boolean;
	/** Epoch ms until which the person asked not to be reminded. */
	snoozedUntil: number | null;
}

export type ReminderReason = 'evicts' | 'overdue';

/** Why a reminder is due now, or null when it is not. */
export function backupReminder(input: ReminderInput): ReminderReason | null {
	if (!input.hasData) return null;
	if (input.snoozedUntil !== null && input.now < input.snoozedUntil) return null;
	const daysSince = (from: number | null) =>
		from === null ? Infinity : (input.now - from) / DAY_MS;
	if (input.evicts && daysSince(input.lastExportAt) >= REMIND_AFTER_DAYS_WHEN_EVICTING)
		return 'evicts';
	if (daysSince(input.lastExportAt ?? input.since) >= REMIND_AFTER_DAYS) return 'overdue';
	return null;
}

/** Reads the stored value of LAST_EXPORT_KEY: a positive integer of epoch ms, or null. */
export function parseEpochMs(value: unknown): number | null {
	if (typeof value !== 'string' && typeof value !== 'number') return null;
	const n = Number(value);
	return Number.isSafeInteger(n) && n > 0 ? n : null;
}
