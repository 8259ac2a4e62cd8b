/**
 * What a change notice means for the monitor views, and how a reread list is merged into the shown
 * one. Plain functions, so the rules are unit-tested without a browser.
 */
import type { DbEvents } from '../shared/api';
import type { MonitorOverview, RecentCheck } from '../shared/history';

type Changed = DbEvents['changed'];

/** Tables whose rows the monitor list and a monitor's page show. */
const LIST_TABLES = ['monitors', 'monitor_status', 'checks', 'monitor_tags'];
const DETAIL_TABLES = ['monitors', 'monitor_status', 'checks', 'events', 'rollups'];

/**
 * What of the list to reread: nothing, only some monitors, or all of it. All of it when monitors were
 * added, edited, paused or deleted (the list's members, names and order), or when the notice does not
 * say which monitors changed.
 */
export function listScope(change: Changed): 'none' | 'all' | number[] {
	if (!change.tables.some((t) => LIST_TABLES.includes(t))) return 'none';
	if (!change.monitors || showsAtOnce(change)) return 'all';
	return change.monitors.map((m) => m.id);
}

/**
 * Whether the list shows a change at once instead of after the reload gap: a monitor added, edited,
 * paused or deleted is a person's doing (here or in another window), rare, and looked for; checks
 * landing every few hundred milliseconds are not, and wait for the gap.
 */
export function showsAtOnce(change: Changed): boolean {
	return change.tables.includes('monitors') || change.tables.includes('monitor_tags');
}

/** Whether monitor `id`'s page, showing its history from `shownFrom` (epoch ms) on, must be reread. */
export function touchesDetail(change: Changed, id: number, shownFrom: number): boolean {
	if (!change.tables.some((t) => DETAIL_TABLES.includes(t))) return false;
	if (!change.monitors) return true;
	return change.monitors.some((m) => m.id === id && m.to >= shownFrom);
}

function sameRecent(a: RecentCheck[], b: RecentCheck[]): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) {
		const x = a[i]!;
		const y = b[i]!;
		if (x.at !== y.at || x.outcome !== y.outcome || x.late !== y.late) return false;
		if (x.durationMs !== y.durationMs) return false;
	}
	return true;
}

/** Two reads of one monitor show the same thing (a monitor's settings change its `updatedAt`). */
export function sameOverview(a: MonitorOverview, b: MonitorOverview): boolean {
	const [m, n] = [a.monitor, b.monitor];
	const [s, t] = [a.status, b.status];
	return (
		m.id === n.id &&
		m.updatedAt === n.updatedAt &&
		m.enabled === n.enabled &&
		m.needsHeaders === n.needsHeaders &&
		m.secretsLocked === n.secretsLocked &&
		m.tags.length === n.tags.length &&
		m.tags.every((tag, i) => tag === n.tags[i]) &&
		a.uptime24h === b.uptime24h &&
		s.state === t.state &&
		s.stateSince === t.stateSince &&
		s.retrying === t.retrying &&
		s.failures === t.failures &&
		s.nextDueAt === t.nextDueAt &&
		s.corsBlocked === t.corsBlocked &&
		s.lastCheck?.id === t.lastCheck?.id &&
		sameRecent(a.recent, b.recent)
	);
}

/**
 * The list after a reread. `read` is every monitor (`asked` null) or the ones asked for. Rows that show
 * the same as before keep their object, so the page leaves them alone. `complete` is false when the
 * answer does not fit the shown list (a monitor came or went): then the whole list must be read.
 */
export function mergeOverviews(
	shown: MonitorOverview[],
	read: MonitorOverview[],
	asked: number[] | null,
): { items: MonitorOverview[]; complete: boolean } {
	const before = new Map(shown.map((o) => [o.monitor.id, o]));
	const keep = (o: MonitorOverview) => {
		const old = before.get(o.monitor.id);
		return old && sameOverview(old, o) ? old : o;
	};
	if (asked === null) {
		const items = read.map(keep);
		const unchanged = items.length === shown.length && items.every((o, i) => o === shown[i]);
		return { items: unchanged ? shown : items, complete: true };
	}
	const fresh = new Map(read.map((o) => [o.monitor.id, o]));
	const fits = read.every((o) => before.has(o.monitor.id)) && asked.every((id) => fresh.has(id));
	if (!fits) return { items: shown, complete: false };
	let changed = false;
	const items = shown.map((o) => {
		const next = fresh.get(o.monitor.id);
		if (!next || sameOverview(o, next)) return o;
		changed = true;
		return next;
	});
	return { items: changed ? items : shown, complete: true };
}
