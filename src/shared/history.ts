/** What the monitor list and the monitor page show: current state, recent checks, charts, events. */
import type { CheckMode, CheckOutcome, MonitorState, Outcome } from './checks';
import type { MaintenanceEvent } from './maintenance';
import type { Monitor } from './monitors';

export interface CheckRecord {
	id: number;
	dueAt: number;
	startedAt: number;
	durationMs: number;
	outcome: CheckOutcome;
	httpStatus: number | null;
	message: string;
	mode: CheckMode;
}

export interface MonitorStatus {
	state: MonitorState;
	stateSince: number | null;
	/** A failed check is being retried before the monitor is declared down. */
	retrying: boolean;
	failures: number;
	nextDueAt: number;
	/** The last full check was refused by CORS while the server itself answered. */
	corsBlocked: boolean;
	lastCheck: CheckRecord | null;
	/**
	 * In a maintenance window: since when, until when (null: unknown) and the window's name. The state
	 * above is then the one from before the window; the list shows "maintenance".
	 */
	maintenance: { since: number; until: number | null; name: string } | null;
}

export interface RecentCheck {
	at: number;
	outcome: CheckOutcome;
	durationMs: number;
	/** Ran later than one interval after it was due: checks are missing before it. */
	late: boolean;
}

export interface MonitorOverview {
	monitor: Monitor;
	status: MonitorStatus;
	/**
	 * Share of checks in the last 24 h that got an acceptable answer (up or degraded), 0..1; null without
	 * checks. Checks in maintenance are left out.
	 */
	uptime24h: number | null;
	/** The latest checks, oldest first. */
	recent: RecentCheck[];
}

export const CHART_RANGES = ['1h', '24h', '7d', '30d', '90d'] as const;
export type ChartRange = (typeof CHART_RANGES)[number];

export interface ChartPoint {
	t: number;
	min: number | null;
	avg: number | null;
	max: number | null;
	checks: number;
	up: number;
	degraded: number;
	down: number;
}

export interface StateEvent {
	id: number;
	at: number;
	from: Outcome | null;
	to: Outcome;
	message: string;
	/** What a person wrote about it ("DB failover, fixed by …"), or null. */
	note: string | null;
}

/** A note is at most this long. */
export const EVENT_NOTE_MAX = 2000;

export interface MonitorDetail extends MonitorOverview {
	range: ChartRange;
	/** The chart's window: the whole range, whether or not checks cover it. */
	from: number;
	to: number;
	bucketMs: number;
	points: ChartPoint[];
	uptime: Record<'24h' | '7d' | '30d', number | null>;
	events: StateEvent[];
	checks: CheckRecord[];
	/** The chart's stretches of maintenance (shaded), within [from, to]; an open one ends at `to`. */
	maintenance: MaintenanceBand[];
	/** The latest entries into and exits from maintenance, newest first. */
	maintenanceEvents: MaintenanceEvent[];
}

export interface MaintenanceBand {
	start: number;
	end: number;
	name: string;
}

export const DEFAULT_RETENTION_DAYS = 90;
export const RETENTION_DAYS_MIN = 1;
export const RETENTION_DAYS_MAX = 365;

export interface AppSettings {
	/** Raw checks older than this are deleted by the daily rotation. */
	retentionDays: number;
}
