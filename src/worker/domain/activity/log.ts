/**
 * Writing to and reading the activity log. Callers record inside the write that did the work when
 * there is one (the entry commits with it or not at all), or in a small write of its own afterwards.
 * Secrets never go in: details whose names sound like one are dropped, and messages are kept short.
 */
import {
	ACTIVITY_DAYS_MAX,
	ACTIVITY_DAYS_MIN,
	ACTIVITY_PAGE_MAX,
	DEFAULT_ACTIVITY_DAYS,
	ACTIVITY_PAGE_SIZE,
	isActivityKind,
	type ActivityKind,
	type ActivityLevel,
	type ActivityPage,
} from '../../../shared/activity';
import { AppError } from '../../../shared/errors';
import { clip } from '../../../shared/format';
import type { LiveDatabase } from '../../core/database/live-database';
import type { Engine } from '../../core/engine';
import { appendActivity, listActivity } from '../../stores/activity';
import { ACTIVITY_DAYS_KEY, getSetting, putSetting } from '../../stores/settings';

const MESSAGE_MAX = 500;
const DETAIL_MAX = 200;
const SECRET_NAME = /token|secret|pass(word|phrase)?|header|authori[sz]ation|cookie|key$/i;

export interface ActivityInput {
	kind: ActivityKind;
	message: string;
	level?: ActivityLevel;
	details?: Record<string, unknown>;
}

export function recordActivity(engine: Engine, at: number, input: ActivityInput): void {
	appendActivity(engine, {
		at,
		kind: input.kind,
		level: input.level ?? 'info',
		message: clip(input.message, MESSAGE_MAX),
		details: input.details ? safeDetails(input.details) : null,
	});
}

/** Plain values only (strings clipped, numbers, booleans, null), and none under a secret's name. */
export function safeDetails(details: Record<string, unknown>): Record<string, unknown> | null {
	const kept: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(details)) {
		if (SECRET_NAME.test(name)) continue;
		if (typeof value === 'string') kept[name] = clip(value, DETAIL_MAX);
		else if (typeof value === 'number' || typeof value === 'boolean' || value === null)
			kept[name] = value;
	}
	return Object.keys(kept).length ? kept : null;
}

/** One page of the log, newest first; `args` come from the page and are checked here. */
export function activityPage(engine: Engine, args: unknown): ActivityPage {
	const { kind, beforeId, limit } = (args ?? {}) as Record<string, unknown>;
	if (kind !== undefined && !isActivityKind(kind))
		throw new AppError('invalid-input', `Unknown activity kind: ${JSON.stringify(kind)}`);
	if (beforeId !== undefined && !(Number.isSafeInteger(beforeId) && Number(beforeId) > 0))
		throw new AppError('invalid-input', 'beforeId must be a positive integer');
	const size = limit === undefined ? ACTIVITY_PAGE_SIZE : Number(limit);
	if (!Number.isInteger(size) || size < 1 || size > ACTIVITY_PAGE_MAX)
		throw new AppError('invalid-input', `limit must be between 1 and ${ACTIVITY_PAGE_MAX}`);
	const entries = listActivity(engine, {
		kind,
		beforeId: beforeId as number | undefined,
		limit: size + 1,
	});
	return { entries: entries.slice(0, size), more: entries.length > size };
}

const validDays = (days: number) =>
	Number.isInteger(days) && days >= ACTIVITY_DAYS_MIN && days <= ACTIVITY_DAYS_MAX;

/** How many days the log keeps; a stored value out of range (an edited file) reads as the default. */
export function activityDays(engine: Engine): number {
	const value = Number(getSetting(engine, ACTIVITY_DAYS_KEY) ?? Number.NaN);
	return validDays(value) ? value : DEFAULT_ACTIVITY_DAYS;
}

export function setActivityDays(engine: Engine, args: unknown, now: number): number {
	const days = Number((args as { days?: unknown } | undefined)?.days);
	if (!validDays(days)) {
		throw new AppError('invalid-input', undefined, {
			fields: {
				days: `Keep the activity log between ${ACTIVITY_DAYS_MIN} and ${ACTIVITY_DAYS_MAX} days.`,
			},
		});
	}
	putSetting(engine, ACTIVITY_DAYS_KEY, String(days), now);
	return days;
}

/**
 * Records an entry in a small write of its own, after the work it tells of (a backup, an import):
 * skipped on a read-only database (the recovery cases), and never failing the work it follows.
 */
export async function noteActivity(
	db: LiveDatabase,
	now: number,
	input: ActivityInput,
): Promise<void> {
	if (db.readOnly) return;
	try {
		await db.write(() => recordActivity(db.engine, now, input));
	} catch (error) {
		// The work succeeded and is durable; only its line in the log is missing.
		console.warn('The activity log could not record:', input.message, error);
	}
}
