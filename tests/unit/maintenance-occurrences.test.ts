/** When maintenance windows happen: one-off, weekly, across midnight, across DST changes, in several zones. */
import { describe, expect, it } from 'vitest';
import { validateWindowInput, type WindowSchedule } from '../../src/shared/maintenance';
import {
	currentOrNext,
	occurrenceAt,
	occurrencesBetween,
} from '../../src/shared/maintenance-occurrences';
import { fromLocalInput, instantOf, toLocalInput } from '../../src/shared/zoned-time';

const iso = (t: number) => new Date(t).toISOString();
const at = (text: string) => Date.parse(text);

function weekly(days: number[], start: string, end: string, timeZone: string): WindowSchedule {
	const minute = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
	return {
		kind: 'weekly',
		startsAt: null,
		endsAt: null,
		days,
		startMinute: minute(start),
		endMinute: minute(end),
		timeZone,
	};
}

describe('one-off windows', () => {
	const once: WindowSchedule = {
		kind: 'once',
		startsAt: at('2026-12-07T10:00:00Z'),
		endsAt: at('2026-12-07T12:00:00Z'),
		days: [],
		startMinute: null,
		endMinute: null,
		timeZone: 'UTC',
	};

	it('covers [start, end): the start is inside, the end is not', () => {
		expect(occurrenceAt(once, at('2026-12-07T09:59:59.999Z'))).toBeNull();
		expect(occurrenceAt(once, at('2026-12-07T10:00:00Z'))).toEqual({
			start: once.startsAt,
			end: once.endsAt,
		});
		expect(occurrenceAt(once, at('2026-12-07T11:59:59.999Z'))).not.toBeNull();
		expect(occurrenceAt(once, at('2026-12-07T12:00:00Z'))).toBeNull();
	});

	it('is next before it starts, and nothing after it ended', () => {
		expect(currentOrNext(once, at('2026-01-01T00:00:00Z'))?.start).toBe(once.startsAt);
		expect(currentOrNext(once, at('2026-12-07T12:00:00Z'))).toBeNull();
	});
});

describe('weekly windows', () => {
	it('happen on the chosen days only, at the local time of their zone', () => {
		// Mondays and Wednesdays 09:00–10:00 in New York (EST, UTC−5, in December).
		const w = weekly([1, 3], '09:00', '10:00', 'America/New_York');
		const list = occurrencesBetween(w, at('2026-12-07T00:00:00Z'), at('2026-12-14T00:00:00Z'));
		expect(list.map((o) => [iso(o.start), iso(o.end)])).toEqual([
			['2026-12-07T14:00:00.000Z', '2026-12-07T15:00:00.000Z'],
			['2026-12-09T14:00:00.000Z', '2026-12-09T15:00:00.000Z'],
		]);
	});

	it('cross midnight: Friday 23:00 to 01:00 ends on Saturday, even if Saturday is not chosen', () => {
		const w = weekly([5], '23:00', '01:00', 'Asia/Tokyo');
		// 2026-12-11 is a Friday; Tokyo is UTC+9 all year.
		const inside = at('2026-12-11T15:30:00Z'); // Saturday 00:30 in Tokyo
		expect(occurrenceAt(w, inside)).toEqual({
			start: at('2026-12-11T14:00:00Z'),
			end: at('2026-12-11T16:00:00Z'),
		});
		expect(occurrenceAt(w, at('2026-12-11T16:00:00Z'))).toBeNull();
		// Thursday 23:30 is outside: Thursday is not chosen.
		expect(occurrenceAt(w, at('2026-12-10T14:30:00Z'))).toBeNull();
	});

	it('an occurrence that began yesterday (local) is found from today', () => {
		const w = weekly([7], '22:00', '06:00', 'Europe/Berlin');
		// Sunday 2026-12-13 22:00 CET = 21:00Z; Monday 03:00 CET = 02:00Z is inside.
		expect(occurrenceAt(w, at('2026-12-14T02:00:00Z'))?.start).toBe(at('2026-12-13T21:00:00Z'));
	});

	it('keep their local time across the spring DST change in Europe/Berlin', () => {
		// Sundays 01:00–04:00 Berlin. 2026-03-29: clocks go 02:00 CET -> 03:00 CEST (01:00Z).
		const w = weekly([7], '01:00', '04:00', 'Europe/Berlin');
		const [before, change, after] = occurrencesBetween(
			w,
			at('2026-03-21T00:00:00Z'),
			at('2026-04-06T00:00:00Z'),
		);
		expect([iso(before!.start), iso(before!.end)]).toEqual([
			'2026-03-22T00:00:00.000Z',
			'2026-03-22T03:00:00.000Z',
		]);
		// The night of the change lasts two real hours: 01:00 CET (00:00Z) to 04:00 CEST (02:00Z).
		expect([iso(change!.start), iso(change!.end)]).toEqual([
			'2026-03-29T00:00:00.000Z',
			'2026-03-29T02:00:00.000Z',
		]);
		expect([iso(after!.start), iso(after!.end)]).toEqual([
			'2026-04-04T23:00:00.000Z',
			'2026-04-05T02:00:00.000Z',
		]);
	});

	it('a start inside the spring gap moves forward by the gap; the autumn repeat starts at the first one', () => {
		// 02:30 does not exist on 2026-03-29 in Berlin: it becomes 03:30 CEST (01:30Z).
		expect(iso(instantOf({ year: 2026, month: 3, day: 29, minute: 150 }, 'Europe/Berlin'))).toBe(
			'2026-03-29T01:30:00.000Z',
		);
		// 02:30 happens twice on 2026-10-25 (CEST then CET): the first, 00:30Z.
		expect(iso(instantOf({ year: 2026, month: 10, day: 25, minute: 150 }, 'Europe/Berlin'))).toBe(
			'2026-10-25T00:30:00.000Z',
		);
		const w = weekly([7], '02:30', '03:30', 'Europe/Berlin');
		const [spring] = occurrencesBetween(w, at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z'));
		// 02:30 (moved to 03:30) to 03:30: an occurrence of no length is skipped, never inverted.
		expect(spring).toBeUndefined();
		const [autumn] = occurrencesBetween(w, at('2026-10-24T00:00:00Z'), at('2026-10-26T00:00:00Z'));
		// The first 02:30 (CEST, 00:30Z) to 03:30 CET (02:30Z): two real hours.
		expect([iso(autumn!.start), iso(autumn!.end)]).toEqual([
			'2026-10-25T00:30:00.000Z',
			'2026-10-25T02:30:00.000Z',
		]);
	});

	it('the same local window is at different instants in different zones', () => {
		const zones = [
			'UTC',
			'Europe/Berlin',
			'America/Los_Angeles',
			'Asia/Kolkata',
			'Australia/Sydney',
		];
		const starts = zones.map(
			(zone) =>
				currentOrNext(weekly([1], '09:00', '10:00', zone), at('2026-12-06T00:00:00Z'))!.start,
		);
		expect(starts.map(iso)).toEqual([
			'2026-12-07T09:00:00.000Z',
			'2026-12-07T08:00:00.000Z',
			'2026-12-07T17:00:00.000Z',
			'2026-12-07T03:30:00.000Z',
			// Sydney is a day ahead: its Monday 09:00 AEDT (UTC+11) on 2026-12-07 is Sunday 22:00Z.
			'2026-12-06T22:00:00.000Z',
		]);
	});

	it('current or next: the one running now, else the next to start', () => {
		const w = weekly([1, 2, 3, 4, 5, 6, 7], '12:00', '13:00', 'UTC');
		expect(currentOrNext(w, at('2026-12-07T12:30:00Z'))?.start).toBe(at('2026-12-07T12:00:00Z'));
		expect(currentOrNext(w, at('2026-12-07T13:00:00Z'))?.start).toBe(at('2026-12-08T12:00:00Z'));
	});
});

describe('local date inputs', () => {
	it('round-trip through a zone, and refuse what is not a date', () => {
		const t = fromLocalInput('2026-12-07T22:30', 'Europe/Berlin')!;
		expect(iso(t)).toBe('2026-12-07T21:30:00.000Z');
		expect(toLocalInput(t, 'Europe/Berlin')).toBe('2026-12-07T22:30');
		expect(fromLocalInput('2026-02-30T10:00', 'UTC')).toBeNull();
		expect(fromLocalInput('tomorrow', 'UTC')).toBeNull();
	});
});

describe('validation', () => {
	const base = { name: 'Deploy', timeZone: 'Europe/Berlin', allMonitors: true, monitorIds: [] };

	it('says what is wrong, field by field', () => {
		const r = validateWindowInput({ ...base, kind: 'once', startsAt: 10, endsAt: 10 });
		expect(r).toEqual({ ok: false, errors: { time: 'The end must be after the start.' } });
		const w = validateWindowInput({
			...base,
			name: ' ',
			kind: 'weekly',
			days: [],
			startMinute: 60,
			endMinute: 60,
			timeZone: 'Mars/Olympus',
			allMonitors: false,
		});
		expect(w.ok).toBe(false);
		expect(!w.ok && w.errors).toEqual({
			name: 'Give the window a name (1 to 100 characters).',
			timeZone: 'Choose a time zone this browser knows.',
			days: 'Choose at least one day of the week.',
			time: 'The end time must differ from the start time.',
			monitors: 'Choose at least one monitor, or all monitors.',
		});
	});

	it('normalises a good window: days sorted once, fields of the other kind dropped', () => {
		const r = validateWindowInput({
			...base,
			kind: 'weekly',
			days: [5, 1, 5],
			startMinute: 1380,
			endMinute: 60,
			startsAt: 5,
		});
		expect(r.ok && r.value).toMatchObject({ days: [1, 5], startsAt: null, endsAt: null });
	});
});
