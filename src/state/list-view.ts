/**
 * The monitor list's view: search, filters by state and tag, sort and grouping by tag. Plain functions
 * (no runes), unit-tested: `applyView` turns the monitors and a view into the groups the page renders;
 * `parseView` and `serializeView` are the query string kept in the URL and in settings.
 */
import type { MonitorOverview } from '../shared/history';
import type { Tag } from '../shared/tags';

export const LIST_STATES = ['up', 'down', 'degraded', 'maintenance', 'unknown', 'paused'] as const;
export type ListState = (typeof LIST_STATES)[number];
export const SORTS = ['name', 'state', 'response', 'uptime'] as const;
export type Sort = (typeof SORTS)[number];

export interface ListView {
	q: string;
	/** Shown states; empty shows every state. */
	states: ListState[];
	/** Shown tag (a monitor carrying it); null: any. */
	tag: number | null;
	sort: Sort;
	groupByTag: boolean;
	/** Group keys folded away (`tag-<id>`, `untagged`). */
	collapsed: string[];
}

export const DEFAULT_VIEW: ListView = {
	q: '',
	states: [],
	tag: null,
	sort: 'name',
	groupByTag: false,
	collapsed: [],
};

export interface ListGroup {
	key: string;
	/** The group's tag; null for the monitors without one, or for the one group of an ungrouped list. */
	tag: Tag | null;
	items: MonitorOverview[];
	up: number;
	down: number;
	collapsed: boolean;
}

export interface ListResult {
	groups: ListGroup[];
	/** Monitors that pass the search and filters (each once, even when in several groups). */
	shown: MonitorOverview[];
	total: number;
}

const Q_MAX = 200;

export function parseView(query: string): ListView {
	const params = new URLSearchParams(query);
	const states = (params.get('state') ?? '')
		.split(',')
		.filter((s): s is ListState => (LIST_STATES as readonly string[]).includes(s));
	const tag = Number(params.get('tag'));
	const sort = params.get('sort');
	return {
		q: (params.get('q') ?? '').slice(0, Q_MAX),
		states: LIST_STATES.filter((s) => states.includes(s)),
		tag: Number.isSafeInteger(tag) && tag > 0 ? tag : null,
		sort: (SORTS as readonly string[]).includes(sort ?? '') ? (sort as Sort) : 'name',
		groupByTag: params.get('group') === 'tag',
		collapsed: (params.get('fold') ?? '')
			.split(',')
			.filter((k) => /^(tag-\d+|untagged)$/.test(k))
			.slice(0, 200),
	};
}

/** Only what differs from the default, in a fixed order: equal views give equal strings. */
export function serializeView(view: ListView): string {
	const params = new URLSearchParams();
	if (view.q) params.set('q', view.q);
	if (view.states.length) params.set('state', view.states.join(','));
	if (view.tag !== null) params.set('tag', String(view.tag));
	if (view.sort !== 'name') params.set('sort', view.sort);
	if (view.groupByTag) params.set('group', 'tag');
	if (view.groupByTag && view.collapsed.length)
		params.set('fold', [...view.collapsed].sort().join(','));
	return params.toString();
}

export function listState(item: MonitorOverview): ListState {
	if (!item.monitor.enabled) return 'paused';
	return item.status.maintenance ? 'maintenance' : item.status.state;
}

/** What a search matches: name, URL and tag names, each word somewhere, case and accents ignored. */
function fold(text: string): string {
	return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

function matcher(q: string, tags: Map<number, Tag>): (item: MonitorOverview) => boolean {
	const words = fold(q).split(/\s+/).filter(Boolean);
	if (words.length === 0) return () => true;
	return (item) => {
		const haystack = fold(
			[
				item.monitor.name,
				item.monitor.url,
				...item.monitor.tags.map((id) => tags.get(id)?.name ?? ''),
			].join('\n'),
		);
		return words.every((w) => haystack.includes(w));
	};
}

const SEVERITY: Record<ListState, number> = {
	down: 0,
	degraded: 1,
	unknown: 2,
	maintenance: 3,
	up: 4,
	paused: 5,
};

function responseMs(item: MonitorOverview): number | null {
	const last = item.status.lastCheck;
	return last && last.outcome !== 'down' && last.outcome !== 'maintenance' ? last.durationMs : null;
}

/**
 * One collator for every comparison: `localeCompare` with options builds a new one per call, which made
 * sorting 100 monitors by name 30 ms of a cold open (a profile of the page on W).
 */
const names = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
const tagNames = new Intl.Collator(undefined, { sensitivity: 'base' });

const byName = (a: MonitorOverview, b: MonitorOverview) =>
	names.compare(a.monitor.name, b.monitor.name) || a.monitor.id - b.monitor.id;

/** Missing values (no answer yet, no checks) go last whatever the sort. */
function nullsLast(a: number | null, b: number | null): number {
	if (a === null || b === null) return (a === null ? 1 : 0) - (b === null ? 1 : 0);
	return a - b;
}

const COMPARE: Record<Sort, (a: MonitorOverview, b: MonitorOverview) => number> = {
	name: byName,
	// The worst first: down, degraded, unknown, maintenance, up, paused.
	state: (a, b) => SEVERITY[listState(a)] - SEVERITY[listState(b)] || byName(a, b),
	// The slowest first.
	response: (a, b) => nullsLast(neg(responseMs(a)), neg(responseMs(b))) || byName(a, b),
	// The lowest uptime first.
	uptime: (a, b) => nullsLast(a.uptime24h, b.uptime24h) || byName(a, b),
};

function neg(v: number | null): number | null {
	return v === null ? null : -v;
}

function counts(items: MonitorOverview[]): { up: number; down: number } {
	let up = 0;
	let down = 0;
	for (const item of items) {
		const state = listState(item);
		if (state === 'up') up++;
		else if (state === 'down') down++;
	}
	return { up, down };
}

export function applyView(items: MonitorOverview[], view: ListView, tagList: Tag[]): ListResult {
	const tags = new Map(tagList.map((t) => [t.id, t]));
	const matches = matcher(view.q, tags);
	const states = new Set(view.states);
	// A filter by a tag that no longer exists filters nothing out.
	const tag = view.tag !== null && tags.has(view.tag) ? view.tag : null;
	const shown = items
		.filter(
			(item) =>
				(states.size === 0 || states.has(listState(item))) &&
				(tag === null || item.monitor.tags.includes(tag)) &&
				matches(item),
		)
		.sort(COMPARE[view.sort]);
	const collapsed = new Set(view.collapsed);
	if (!view.groupByTag)
		return {
			groups: [{ key: 'all', tag: null, items: shown, ...counts(shown), collapsed: false }],
			shown,
			total: items.length,
		};
	const byTag = new Map<number, MonitorOverview[]>();
	const untagged: MonitorOverview[] = [];
	for (const item of shown) {
		const own = item.monitor.tags.filter((id) => tags.has(id));
		if (own.length === 0) untagged.push(item);
		for (const id of own) {
			const list = byTag.get(id);
			if (list) list.push(item);
			else byTag.set(id, [item]);
		}
	}
	const groups: ListGroup[] = tagList
		.filter((t) => byTag.has(t.id))
		.sort((a, b) => tagNames.compare(a.name, b.name) || a.id - b.id)
		.map((t) => {
			const members = byTag.get(t.id)!;
			const key = `tag-${t.id}`;
			return { key, tag: t, items: members, ...counts(members), collapsed: collapsed.has(key) };
		});
	if (untagged.length)
		groups.push({
			key: 'untagged',
			tag: null,
			items: untagged,
			...counts(untagged),
			collapsed: collapsed.has('untagged'),
		});
	return { groups, shown, total: items.length };
}

/** Whether the view hides any monitor (a search or a filter is on). */
export function filtering(view: ListView): boolean {
	return view.q.trim() !== '' || view.states.length > 0 || view.tag !== null;
}
