/**
 * What a published status page holds: the JSON summary's shape (documented in README.md, "Publish a
 * status page"). Public facts only: no request headers, bodies or tokens, and a monitor's URL only when
 * the person asked for it.
 */

export const STATUS_FORMAT = 'monitor-status/1';
export const STATUS_DAYS = 90;
export const STATUS_TITLE_MAX = 120;
export const STATUS_INCIDENTS = 10;

export interface StatusRequest {
	title: string;
	/** Which monitors: these ids, or those carrying `tagId` (one of the two). */
	monitorIds?: number[];
	tagId?: number;
	showUrls: boolean;
}

export type PublicState = 'up' | 'down' | 'degraded' | 'paused' | 'unknown';

export interface StatusDay {
	/** UTC date, YYYY-MM-DD. */
	day: string;
	checks: number;
	up: number;
	degraded: number;
	down: number;
}

export interface StatusIncident {
	/** The state it went to: down or degraded. */
	state: 'down' | 'degraded';
	start: number;
	/** When it was up again; null while it lasts. */
	end: number | null;
	/** The first failing check's message (an HTTP status, a timeout). */
	message: string;
	/** The person's note on it; null without one. */
	note: string | null;
}

export interface StatusMonitor {
	/** Its position on the page, from 1 (no database id is published). */
	key: number;
	name: string;
	/** Only with `showUrls`. */
	url?: string;
	state: PublicState;
	/** Since when it has been in that state (epoch ms); null when unknown. */
	since: number | null;
	uptime24h: number | null;
	uptime90d: number | null;
	/** STATUS_DAYS days, oldest first, ending today (UTC). */
	days: StatusDay[];
	/** Average response time of answered checks per 3 hours over the last 7 days, oldest first. */
	responseMs: (number | null)[];
	/** The latest incidents in the 90 days, newest first (at most STATUS_INCIDENTS). */
	incidents: StatusIncident[];
}

export interface StatusSummary {
	format: typeof STATUS_FORMAT;
	title: string;
	/** Epoch ms. */
	generatedAt: number;
	monitors: StatusMonitor[];
}

/** A request from untrusted input, or why it is refused. */
export function readStatusRequest(
	input: unknown,
): { ok: true; value: StatusRequest } | { ok: false; error: string } {
	const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
	const title = typeof raw.title === 'string' ? raw.title.trim() : '';
	if (!title || title.length > STATUS_TITLE_MAX)
		return { ok: false, error: `Give the page a title of up to ${STATUS_TITLE_MAX} characters.` };
	const showUrls = raw.showUrls === true;
	if (raw.tagId !== undefined && raw.tagId !== null) {
		if (!Number.isSafeInteger(raw.tagId) || (raw.tagId as number) <= 0)
			return { ok: false, error: 'A tag id is a positive whole number.' };
		return { ok: true, value: { title, tagId: raw.tagId as number, showUrls } };
	}
	const ids = raw.monitorIds;
	if (
		!Array.isArray(ids) ||
		ids.length === 0 ||
		ids.length > 1000 ||
		!ids.every((v) => Number.isSafeInteger(v) && (v as number) > 0)
	)
		return { ok: false, error: 'Choose at least one monitor, or a tag.' };
	return { ok: true, value: { title, monitorIds: [...new Set(ids as number[])], showUrls } };
}
