/**
 * The data of a published status page (shared/status.ts): for each chosen monitor its public state,
 * 90 days of daily counts, a response-time series and its incidents. Built from the monitor's
 * configuration (name, and URL only when asked), its status, day and hour rollups and its state changes:
 * never from headers, bodies or anything sealed.
 */
import { AppError } from '../../../shared/errors';
import type { StateEvent } from '../../../shared/history';
import {
	STATUS_DAYS,
	STATUS_FORMAT,
	STATUS_INCIDENTS,
	type PublicState,
	type StatusDay,
	type StatusIncident,
	type StatusMonitor,
	type StatusRequest,
	type StatusSummary,
} from '../../../shared/status';
import type { Engine } from '../../core/engine';
import { eventBefore, eventsSince, statuses } from '../../stores/monitor-status';
import { monitorRecord, type MonitorRecord } from '../../stores/monitors';
import { bucketStart, rollupBuckets, uptimeSince } from '../../stores/rollups';
import { tagIdsByMonitor, tagRow } from '../../stores/tags';
import { listMonitors } from '../monitors/service';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SPARK_BUCKET = 3 * HOUR;
const SPARK_SPAN = 7 * DAY;

export function statusSummary(engine: Engine, request: StatusRequest, now: number): StatusSummary {
	const records = chosen(engine, request);
	const status = statuses(engine, null);
	return {
		format: STATUS_FORMAT,
		title: request.title,
		generatedAt: now,
		monitors: records.map((record, i) => {
			const stored = status.get(record.id);
			const state: PublicState = !record.enabled ? 'paused' : (stored?.state ?? 'unknown');
			const days = dayCounts(engine, record.id, now);
			const checks = days.reduce((n, d) => n + d.checks, 0);
			const ok = days.reduce((n, d) => n + d.up + d.degraded, 0);
			return {
				key: i + 1,
				name: record.name,
				...(request.showUrls ? { url: record.url } : {}),
				state,
				since: record.enabled ? (stored?.stateSince ?? null) : null,
				uptime24h: uptimeSince(engine, record.id, now - DAY),
				uptime90d: checks > 0 ? ok / checks : null,
				days,
				responseMs: responseSeries(engine, record.id, now),
				incidents: incidents(
					windowEvents(engine, record.id, dayStart(now) - (STATUS_DAYS - 1) * DAY),
				).map((incident) =>
					request.showUrls ? incident : { ...incident, message: hideAddresses(incident.message) },
				),
			} satisfies StatusMonitor;
		}),
	};
}

/**
 * The state changes of the page's days, and the one before them when it opened an incident that was
 * still open as they began (a monitor down for months, or an outage that ended within them).
 */
function windowEvents(engine: Engine, monitorId: number, from: number): StateEvent[] {
	const since = eventsSince(engine, monitorId, from);
	const before = eventBefore(engine, monitorId, from);
	return before && before.to !== 'up' ? [before, ...since] : since;
}

/** An address in a check's message (a refused redirect names the monitor's origin and the other site). */
const ADDRESS = /\bhttps?:\/\/[^\s,;]+/gi;

/** Without "Show URLs" no address is published, in a message either. */
function hideAddresses(message: string): string {
	return message.replace(ADDRESS, '(address hidden)');
}

/** The monitors asked for, in list order (by name); an unknown id or tag is refused. */
function chosen(engine: Engine, request: StatusRequest): MonitorRecord[] {
	if (request.tagId !== undefined) {
		if (!tagRow(engine, request.tagId))
			throw new AppError('not-found', 'That tag no longer exists.');
		const tags = tagIdsByMonitor(engine);
		return listMonitors(engine)
			.filter((m) => tags.get(m.id)?.includes(request.tagId!))
			.map((m) => monitorRecord(engine, m.id)!);
	}
	const records = (request.monitorIds ?? []).map((id) => monitorRecord(engine, id));
	if (records.some((r) => r === undefined))
		throw new AppError('not-found', 'A chosen monitor no longer exists.');
	return (records as MonitorRecord[]).sort(
		(a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.id - b.id,
	);
}

function dayStart(at: number): number {
	return bucketStart(at, 'day');
}

function dayCounts(engine: Engine, monitorId: number, now: number): StatusDay[] {
	const first = dayStart(now) - (STATUS_DAYS - 1) * DAY;
	const byDay = new Map(rollupBuckets(engine, monitorId, 'day', DAY, first).map((b) => [b.t, b]));
	return Array.from({ length: STATUS_DAYS }, (_, i) => {
		const t = first + i * DAY;
		const b = byDay.get(t);
		return {
			day: new Date(t).toISOString().slice(0, 10),
			checks: b?.checks ?? 0,
			up: b?.up ?? 0,
			degraded: b?.degraded ?? 0,
			down: b?.down ?? 0,
		};
	});
}

function responseSeries(engine: Engine, monitorId: number, now: number): (number | null)[] {
	const end = Math.floor(now / SPARK_BUCKET) * SPARK_BUCKET;
	const first = end - SPARK_SPAN + SPARK_BUCKET;
	const buckets = new Map(
		rollupBuckets(engine, monitorId, 'hour', SPARK_BUCKET, first).map((b) => [b.t, b]),
	);
	return Array.from({ length: SPARK_SPAN / SPARK_BUCKET }, (_, i) => {
		const b = buckets.get(first + i * SPARK_BUCKET);
		const answered = b ? b.up + b.degraded : 0;
		return b && answered > 0 ? Math.round((b.sumMs / answered) * 10) / 10 : null;
	});
}

/**
 * Incidents from state changes: one opens when the monitor goes down or degraded and closes when it is
 * up again (degraded then down is one incident, down at worst). An incident carries the note written
 * on the event that opened it (`noteOf`), which the page publishes.
 */
export function incidents(
	events: StateEvent[],
	noteOf: (eventId: number) => string | null = (id) =>
		events.find((e) => e.id === id)?.note ?? null,
): StatusIncident[] {
	const found: StatusIncident[] = [];
	let open: StatusIncident | null = null;
	for (const event of events) {
		if (event.to === 'up') {
			if (open) open.end = event.at;
			open = null;
		} else if (open) {
			if (event.to === 'down') open.state = 'down';
		} else {
			open = {
				state: event.to,
				start: event.at,
				end: null,
				message: event.message,
				note: noteOf(event.id),
			};
			found.push(open);
		}
	}
	return found.reverse().slice(0, STATUS_INCIDENTS);
}
