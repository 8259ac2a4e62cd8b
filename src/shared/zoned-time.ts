/**
 * Wall-clock time in an IANA time zone, computed with Intl (no time-zone database of our own). A weekly
 * maintenance window is "Mondays 23:00–01:00 in Europe/Berlin": these helpers turn such local times into
 * instants, across daylight-saving changes:
 * - a local time that happens twice (the autumn change) is its first instant, as Temporal's
 *   `disambiguation: 'compatible'` does;
 * - a local time that does not exist (the spring gap) moves forward by the gap (02:30 becomes 03:30).
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
	let f = formatters.get(zone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		formatters.set(zone, f);
	}
	return f;
}

/** Whether Intl knows `zone` (an IANA name such as Europe/Berlin, or UTC). */
export function isTimeZone(zone: unknown): zone is string {
	if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64) return false;
	try {
		formatter(zone);
		return true;
	} catch {
		return false;
	}
}

/** This device's time zone. */
export function localTimeZone(): string {
	return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export interface LocalDate {
	year: number;
	/** 1 … 12 */
	month: number;
	day: number;
}

export interface LocalTime extends LocalDate {
	/** Minutes after local midnight, 0 … 1439. */
	minute: number;
}

/** The wall-clock date and time of instant `t` in `zone` (to the minute). */
export function localTime(t: number, zone: string): LocalTime {
	const parts: Record<string, number> = {};
	for (const p of formatter(zone).formatToParts(new Date(t)))
		if (p.type !== 'literal') parts[p.type] = Number(p.value);
	return {
		year: parts.year!,
		month: parts.month!,
		day: parts.day!,
		minute: parts.hour! * 60 + parts.minute!,
	};
}

/** How far `zone`'s wall clock is ahead of UTC at instant `t`, in ms. */
export function offsetAt(t: number, zone: string): number {
	const whole = Math.floor(t / 1000) * 1000;
	const parts: Record<string, number> = {};
	for (const p of formatter(zone).formatToParts(new Date(whole)))
		if (p.type !== 'literal') parts[p.type] = Number(p.value);
	const asUtc = Date.UTC(
		parts.year!,
		parts.month! - 1,
		parts.day,
		parts.hour,
		parts.minute,
		parts.second,
	);
	return asUtc - whole;
}

/** The instant at which `zone`'s wall clock shows `local` (see the header for the DST rules). */
export function instantOf(local: LocalTime, zone: string): number {
	const wall = Date.UTC(local.year, local.month - 1, local.day) + local.minute * MINUTE;
	// The offsets a day either side: before and after any change near this wall time.
	const before = offsetAt(wall - DAY, zone);
	const after = offsetAt(wall + DAY, zone);
	const candidates = [wall - before, wall - after].filter(
		(t, i) => offsetAt(t, zone) === (i === 0 ? before : after),
	);
	if (candidates.length === 0) return wall - before; // in the gap: moved forward by it
	return Math.min(...candidates);
}

/** The calendar day `days` after `date` (negative: before). */
export function addDays(date: LocalDate, days: number): LocalDate {
	const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
	return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
	const day = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
	return day === 0 ? 7 : day;
}

/** "2026-12-07T22:30" for instant `t` in `zone`: the value of an `<input type="datetime-local">`. */
export function toLocalInput(t: number, zone: string): string {
	const l = localTime(t, zone);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${l.year}-${pad(l.month)}-${pad(l.day)}T${pad(Math.floor(l.minute / 60))}:${pad(l.minute % 60)}`;
}

/** The instant of "2026-12-07T22:30" in `zone`; null when the text is not such a date and time. */
export function fromLocalInput(text: string, zone: string): number | null {
	const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(text.trim());
	if (!m) return null;
	const [year, month, day, hour, minute] = m.slice(1).map(Number) as [
		number,
		number,
		number,
		number,
		number,
	];
	if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
	const date = addDays({ year, month, day: 1 }, day - 1);
	if (date.month !== month) return null;
	return instantOf({ ...date, minute: hour * 60 + minute }, zone);
}

/** "23:00" for 1380 minutes after midnight. */
export function minuteText(minute: number): string {
	return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** 1380 for "23:00"; null when the text is not HH:MM. */
export function parseMinute(text: string): number | null {
	const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
	if (!m) return null;
	const hour = Number(m[1]);
	const minute = Number(m[2]);
	return hour <= 23 && minute <= 59 ? hour * 60 + minute : null;
}
