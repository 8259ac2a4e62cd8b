/**
 * Maintenance windows: planned work during which a monitor's checks still run but are recorded as
 * `maintenance`, raise no alert and do not count in uptime. One-off (a start and an end) or weekly (days
 * and a local time range in an IANA time zone, which may cross midnight). Types and validation, shared
 * by the form and the worker; occurrences are computed in maintenance-occurrences.ts.
 */
import { isTimeZone } from './zoned-time';

export type WindowKind = 'once' | 'weekly';

/** ISO weekdays: 1 = Monday … 7 = Sunday. Stored as bits (1 << (day − 1)). */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

export const WINDOW_NAME_MAX = 100;

/** When a window happens, without what it covers. */
export interface WindowSchedule {
	kind: WindowKind;
	/** One-off: [startsAt, endsAt) in epoch ms; null for weekly. */
	startsAt: number | null;
	endsAt: number | null;
	/** Weekly: ISO weekdays, sorted; empty for one-off. */
	days: number[];
	/** Weekly: minutes after local midnight; an end at or before the start ends the next day. */
	startMinute: number | null;
	endMinute: number | null;
	/** IANA zone the local times are in (kept for one-off windows too, to show them as entered). */
	timeZone: string;
}

export interface MaintenanceWindowInput extends WindowSchedule {
	name: string;
	/** Every monitor, present and future; else `monitorIds`. */
	allMonitors: boolean;
	monitorIds: number[];
}

export interface MaintenanceWindow extends MaintenanceWindowInput {
	id: number;
	createdAt: number;
	updatedAt: number;
}

/** One happening of a window: [start, end) in epoch ms. */
export interface Occurrence {
	start: number;
	end: number;
}

/** A monitor entering or leaving maintenance, from its history. */
export interface MaintenanceEvent {
	id: number;
	monitorId: number;
	windowId: number | null;
	name: string;
	kind: 'start' | 'end';
	at: number;
}

/** Where a monitor stands: in a window now (until when), or its next one. */
export interface MonitorMaintenance {
	/** Since when the monitor's checks are recorded as maintenance; null when not in maintenance. */
	since: number | null;
	until: number | null;
	name: string | null;
}

export type WindowErrors = Partial<
	Record<'name' | 'kind' | 'time' | 'days' | 'timeZone' | 'monitors', string>
>;

export function daysToBits(days: readonly number[]): number {
	return days.reduce((bits, d) => bits | (1 << (d - 1)), 0);
}

export function bitsToDays(bits: number): number[] {
	return WEEKDAYS.filter((d) => (bits & (1 << (d - 1))) !== 0);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
const isMinute = (v: unknown): v is number =>
	Number.isInteger(v) && (v as number) >= 0 && (v as number) < 1440;
const isTime = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Checks a window as the form or an untrusted caller gives it; the value is normalised. */
export function validateWindowInput(
	input: unknown,
): { ok: true; value: MaintenanceWindowInput } | { ok: false; errors: WindowErrors } {
	const errors: WindowErrors = {};
	const v = isObject(input) ? input : {};
	const name = typeof v.name === 'string' ? v.name.trim() : '';
	if (name.length < 1 || name.length > WINDOW_NAME_MAX)
		errors.name = `Give the window a name (1 to ${WINDOW_NAME_MAX} characters).`;
	const kind = v.kind === 'once' || v.kind === 'weekly' ? v.kind : null;
	if (!kind) errors.kind = 'Choose one-off or weekly.';
	if (!isTimeZone(v.timeZone)) errors.timeZone = 'Choose a time zone this browser knows.';
	const days =
		Array.isArray(v.days) && v.days.every((d) => WEEKDAYS.includes(d as 1))
			? [...new Set(v.days as number[])].sort((a, b) => a - b)
			: null;
	if (kind === 'once') {
		if (!isTime(v.startsAt) || !isTime(v.endsAt)) errors.time = 'Enter a start and an end.';
		else if (v.endsAt <= v.startsAt) errors.time = 'The end must be after the start.';
	} else if (kind === 'weekly') {
		if (!days || days.length === 0) errors.days = 'Choose at least one day of the week.';
		if (!isMinute(v.startMinute) || !isMinute(v.endMinute))
			errors.time = 'Enter a start and an end time.';
		else if (v.startMinute === v.endMinute)
			errors.time = 'The end time must differ from the start time.';
	}
	const allMonitors = v.allMonitors === true;
	const ids =
		Array.isArray(v.monitorIds) && v.monitorIds.every((id) => Number.isSafeInteger(id) && id > 0)
			? [...new Set(v.monitorIds as number[])].sort((a, b) => a - b)
			: null;
	if (!ids) errors.monitors = 'The monitors are not a list of ids.';
	else if (!allMonitors && ids.length === 0)
		errors.monitors = 'Choose at least one monitor, or all monitors.';
	if (Object.keys(errors).length > 0) return { ok: false, errors };
	const weekly = kind === 'weekly';
	return {
		ok: true,
		value: {
			name,
			kind: kind!,
			startsAt: weekly ? null : (v.startsAt as number),
			endsAt: weekly ? null : (v.endsAt as number),
			days: weekly ? days! : [],
			startMinute: weekly ? (v.startMinute as number) : null,
			endMinute: weekly ? (v.endMinute as number) : null,
			timeZone: v.timeZone as string,
			allMonitors,
			monitorIds: allMonitors ? [] : ids!,
		},
	};
}
