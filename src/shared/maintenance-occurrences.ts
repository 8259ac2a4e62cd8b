/**
 * When a maintenance window happens. A weekly window's occurrence starts on each chosen day at the start
 * time, in the window's own time zone, and ends at the end time (the next day when the end is at or before
 * the start). Daylight-saving changes follow zoned-time.ts: a window at 02:30 on the spring-forward night
 * starts at 03:30; on the autumn night it starts at the first 02:30. An occurrence is [start, end).
 */
import type { Occurrence, WindowSchedule } from './maintenance';
import { addDays, instantOf, isoWeekday, localTime, type LocalDate } from './zoned-time';

const DAY = 86_400_000;

/** The occurrences of a weekly window that start on the local days from `first` to `last`. */
function weeklyOn(schedule: WindowSchedule, first: LocalDate, days: number): Occurrence[] {
	const { startMinute, endMinute, timeZone } = schedule;
	if (startMinute === null || endMinute === null) return [];
	const out: Occurrence[] = [];
	for (let i = 0; i < days; i++) {
		const date = addDays(first, i);
		if (!schedule.days.includes(isoWeekday(date))) continue;
		const start = instantOf({ ...date, minute: startMinute }, timeZone);
		const endDate = endMinute <= startMinute ? addDays(date, 1) : date;
		const end = instantOf({ ...endDate, minute: endMinute }, timeZone);
		if (end > start) out.push({ start, end });
	}
	return out;
}

/** Every occurrence overlapping [from, to), oldest first. */
export function occurrencesBetween(
	schedule: WindowSchedule,
	from: number,
	to: number,
): Occurrence[] {
	if (schedule.kind === 'once') {
		const { startsAt, endsAt } = schedule;
		return startsAt !== null && endsAt !== null && startsAt < to && endsAt > from
			? [{ start: startsAt, end: endsAt }]
			: [];
	}
	// A day before `from` (an occurrence crossing midnight into it) to the last local day of `to`.
	const first = addDays(localTime(from, schedule.timeZone), -1);
	const days = Math.ceil((to - from) / DAY) + 3;
	return weeklyOn(schedule, first, days).filter((o) => o.start < to && o.end > from);
}

/** The occurrence `at` is in, or null. */
export function occurrenceAt(schedule: WindowSchedule, at: number): Occurrence | null {
	return occurrencesBetween(schedule, at, at + 1)[0] ?? null;
}

/** The occurrence happening at `at`, else the next one to start; null when there is none. */
export function currentOrNext(schedule: WindowSchedule, at: number): Occurrence | null {
	// A weekly window happens within any 8 days.
	const horizon = schedule.kind === 'once' ? Number.MAX_SAFE_INTEGER : at + 8 * DAY;
	return occurrencesBetween(schedule, at, horizon)[0] ?? null;
}
