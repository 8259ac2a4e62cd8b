/** The monitor list's search, filters, sort and grouping, and the query string that keeps them. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MonitorState } from '../../src/shared/checks';
import type { MonitorOverview } from '../../src/shared/history';
import {
	applyView,
	DEFAULT_VIEW,
	LIST_STATES,
	parseView,
	serializeView,
	SORTS,
	type ListView,
} from '../../src/state/list-view';

const tags = [
	{ id: 1, name: 'Payments', colour: '#2563eb' },
	{ id: 2, name: 'Édge', colour: '#16a34a' },
];

function item(
	id: number,
	name: string,
	o: {
		state?: MonitorState;
		enabled?: boolean;
		tags?: number[];
		ms?: number | null;
		uptime?: number | null;
		url?: string;
	} = {},
): MonitorOverview {
	const state = o.state ?? 'up';
	return {
		monitor: {
			id,
			name,
			url: o.url ?? `https://${name.toLowerCase()}.example.test/health`,
			method: 'GET',
			intervalS: 60,
			timeoutMs: 5000,
			enabled: o.enabled ?? true,
			mode: 'full',
			retries: 0,
			conditions: {},
			headers: {},
			body: null,
			tags: o.tags ?? [],
			createdAt: 0,
			updatedAt: 0,
		},
		status: {
			state,
			stateSince: null,
			retrying: false,
			failures: 0,
			maintenance: null,
			nextDueAt: 0,
			corsBlocked: false,
			lastCheck:
				o.ms === null || state === 'unknown'
					? null
					: {
							id,
							dueAt: 0,
							startedAt: 0,
							durationMs: o.ms ?? 100,
							outcome: state === 'down' ? 'down' : state,
							httpStatus: 200,
							message: '',
							mode: 'full',
						},
		},
		uptime24h: o.uptime === undefined ? 1 : o.uptime,
		recent: [],
	};
}

const items = [
	item(1, 'Checkout', { tags: [1], ms: 300, uptime: 0.99 }),
	item(2, 'api', { state: 'down', tags: [1, 2], uptime: 0.5, url: 'https://internal.test/v2' }),
	item(3, 'Blog', { tags: [2], ms: 50, uptime: 1 }),
	item(4, 'Zeta', { enabled: false, ms: 900, uptime: null }),
	item(5, 'Mail', { state: 'degraded', ms: 1200, uptime: 0.97 }),
	item(6, 'New', { state: 'unknown', uptime: null }),
];

const view = (patch: Partial<ListView>): ListView => ({ ...DEFAULT_VIEW, ...patch });
const names = (v: ListView) => applyView(items, v, tags).shown.map((i) => i.monitor.name);

describe('search and filters', () => {
	it('search matches name, URL and tag names; every word, any case and accent', () => {
		expect(names(view({ q: 'check' }))).toEqual(['Checkout']);
		expect(names(view({ q: 'internal' }))).toEqual(['api']);
		expect(names(view({ q: 'edge' }))).toEqual(['api', 'Blog']);
		expect(names(view({ q: 'payments edge' }))).toEqual(['api']);
		expect(names(view({ q: '  ' }))).toHaveLength(6);
		expect(names(view({ q: 'nothing-like-it' }))).toEqual([]);
	});

	it('filters by states (paused is its own state) and by tag; an unknown tag filters nothing', () => {
		expect(names(view({ states: ['down', 'degraded'] }))).toEqual(['api', 'Mail']);
		expect(names(view({ states: ['paused'] }))).toEqual(['Zeta']);
		expect(names(view({ states: ['up'] }))).toEqual(['Blog', 'Checkout']);
		expect(names(view({ tag: 1 }))).toEqual(['api', 'Checkout']);
		expect(names(view({ tag: 1, q: 'check' }))).toEqual(['Checkout']);
		expect(names(view({ tag: 99 }))).toHaveLength(6);
		expect(applyView(items, view({ tag: 2 }), tags).total).toBe(6);
	});
});

describe('sorting', () => {
	it('by name (natural, any case), state (worst first), response (slowest first), uptime (lowest first)', () => {
		expect(names(view({ sort: 'name' }))).toEqual([
			'api',
			'Blog',
			'Checkout',
			'Mail',
			'New',
			'Zeta',
		]);
		expect(names(view({ sort: 'state' }))).toEqual([
			'api',
			'Mail',
			'New',
			'Blog',
			'Checkout',
			'Zeta',
		]);
		// Down and unchecked monitors have no response time: last.
		expect(names(view({ sort: 'response' }))).toEqual([
			'Mail',
			'Zeta',
			'Checkout',
			'Blog',
			'api',
			'New',
		]);
		expect(names(view({ sort: 'uptime' }))).toEqual([
			'api',
			'Mail',
			'Checkout',
			'Blog',
			'New',
			'Zeta',
		]);
	});
});

describe('grouping by tag', () => {
	it('one group per tag by name, then the untagged; a monitor with two tags is in both; up/down counts', () => {
		const result = applyView(items, view({ groupByTag: true, collapsed: ['tag-2'] }), tags);
		expect(
			result.groups.map((g) => [
				g.key,
				g.tag?.name ?? null,
				g.items.map((i) => i.monitor.name),
				g.up,
				g.down,
				g.collapsed,
			]),
		).toEqual([
			['tag-2', 'Édge', ['api', 'Blog'], 1, 1, true],
			['tag-1', 'Payments', ['api', 'Checkout'], 1, 1, false],
			['untagged', null, ['Mail', 'New', 'Zeta'], 0, 0, false],
		]);
		expect(result.shown).toHaveLength(6);
	});

	it('groups only what the filters let through', () => {
		const result = applyView(items, view({ groupByTag: true, states: ['down'] }), tags);
		expect(result.groups.map((g) => g.key)).toEqual(['tag-2', 'tag-1']);
	});

	it('200 monitors: one pass builds the view (timing is the benchmark’s business, not this test’s)', () => {
		const many = Array.from({ length: 200 }, (_, i) =>
			item(i + 1, `Service ${i}`, { tags: [1 + (i % 2)] }),
		);
		const result = applyView(
			many,
			view({ groupByTag: true, sort: 'uptime', q: 'service 1' }),
			tags,
		);
		expect(result.shown.length).toBe(many.filter((i) => i.monitor.name.includes('1')).length);
	});
});

describe('the query string', () => {
	it('keeps only what differs from the default, in a fixed order', () => {
		expect(serializeView(DEFAULT_VIEW)).toBe('');
		const v = view({
			q: 'a&b=c',
			states: ['down', 'up'],
			tag: 3,
			sort: 'uptime',
			groupByTag: true,
			collapsed: ['untagged', 'tag-3'],
		});
		const text = serializeView(v);
		expect(text).toBe(
			'q=a%26b%3Dc&state=down%2Cup&tag=3&sort=uptime&group=tag&fold=tag-3%2Cuntagged',
		);
		expect(parseView(text)).toEqual({
			...v,
			states: ['up', 'down'],
			collapsed: ['tag-3', 'untagged'],
		});
	});

	it('ignores what it does not understand', () => {
		expect(parseView('state=up,evil&tag=-1&sort=drop&group=x&fold=tag-1,<b>&zzz=1')).toEqual({
			...DEFAULT_VIEW,
			states: ['up'],
			collapsed: ['tag-1'],
		});
	});

	it('round-trips any view', () => {
		const arbitraryView = fc.record({
			q: fc.string({ maxLength: 200 }),
			states: fc.subarray([...LIST_STATES]),
			tag: fc.option(fc.integer({ min: 1, max: 1e9 }), { nil: null }),
			sort: fc.constantFrom(...SORTS),
			groupByTag: fc.boolean(),
			collapsed: fc.uniqueArray(
				fc.oneof(
					fc.constant('untagged'),
					fc.integer({ min: 1, max: 999 }).map((n) => `tag-${n}`),
				),
				{ maxLength: 5 },
			),
		});
		fc.assert(
			fc.property(arbitraryView, (v) => {
				const back = parseView(serializeView(v));
				expect(back).toEqual({
					...v,
					collapsed: v.groupByTag ? [...v.collapsed].sort() : [],
				});
			}),
		);
	});
});
