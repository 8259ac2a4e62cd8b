/**
 * The activity log (the seed's `logs`, the `app_log` table): what happened to this database and when,
 * for a person reading back ("when was that backup made?", "why did the alert not arrive?"). Secrets
 * never go in: the worker removes any detail whose name sounds like one before it is stored.
 */

export const ACTIVITY_KINDS = [
	'migration',
	'backup',
	'restore',
	'import',
	'export',
	'reset',
	'maintenance',
	'rotation',
	'alert',
	'job',
	'owner',
	'lock',
	'other',
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export const ACTIVITY_KIND_LABELS: Record<ActivityKind, string> = {
	migration: 'Migrations',
	backup: 'Backups',
	restore: 'Restores',
	import: 'Imports',
	export: 'Exports',
	reset: 'Resets',
	maintenance: 'Maintenance',
	rotation: 'Rotation',
	alert: 'Alerts',
	job: 'Background jobs',
	owner: 'Database owner',
	lock: 'Lock and unlock',
	other: 'Other',
};

export type ActivityLevel = 'info' | 'warn' | 'error';

export interface ActivityEntry {
	id: number;
	at: number;
	kind: ActivityKind;
	level: ActivityLevel;
	message: string;
	/** Small facts beside the message (counts, codes, timings); never a secret. */
	details: Record<string, unknown> | null;
}

export interface ActivityQuery {
	kind?: ActivityKind;
	/** Entries older than this id (the last id of the previous page). */
	beforeId?: number;
	limit?: number;
}

export interface ActivityPage {
	entries: ActivityEntry[];
	/** Whether older entries match too. */
	more: boolean;
}

/** Entries a page shows, and the most one call returns (an export reads the log in such pages). */
export const ACTIVITY_PAGE_SIZE = 50;
export const ACTIVITY_PAGE_MAX = 1000;

export const DEFAULT_ACTIVITY_DAYS = 30;
export const ACTIVITY_DAYS_MIN = 1;
export const ACTIVITY_DAYS_MAX = 365;

export function isActivityKind(value: unknown): value is ActivityKind {
	return typeof value === 'string' && (ACTIVITY_KINDS as readonly string[]).includes(value);
}

/** The log as CSV (RFC 4180: every field quoted, quotes doubled), oldest line last as shown. */
export function activityCsv(entries: readonly ActivityEntry[]): string {
	const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
	const lines = ['time,kind,level,message,details'];
	for (const e of entries) {
		lines.push(
			[
				new Date(e.at).toISOString(),
				e.kind,
				e.level,
				e.message,
				e.details ? JSON.stringify(e.details) : '',
			]
				.map(quote)
				.join(','),
		);
	}
	return `${lines.join('\r\n')}\r\n`;
}

/** The file name a saved log gets: `monitor-activity-YYYY-MM-DD.csv` (the day in UTC). */
export function activityFilename(now: number, format: 'csv' | 'json'): string {
	return `monitor-activity-${new Date(now).toISOString().slice(0, 10)}.${format}`;
}
