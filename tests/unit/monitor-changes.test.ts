import { describe, expect, it } from 'vitest';
import type { MonitorOverview } from '../../src/shared/history';
import {
	listScope,
	mergeOverviews,
	showsAtOnce,
	touchesDetail,
} from '../../src/state/monitor-changes';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 7, 12);

function overview(id: number, patch: { lastCheckId?: number; uptime?: number | null } = {}) {
	const lastCheckId = patch.lastCheckId ?? 1;
	return {
		monitor: {
			id,
			name: `M${id}`,
			url: `http://127.0.0.2:9/${id}`,
			method: 'GET',
			intervalS: 30,
			timeoutMs: 5000,
			enabled: true,
			mode: 'full',
			retries: 0,
			conditions: {},
			headers: {},
			body: null,
			tags: [],
			createdAt: 0,
			updatedAt: 0,
		},
		status: {
			state: 'up',
			stateSince: 0,
			retrying: false,
			failures: 0,
			maintenance: null,
			nextDueAt: NOW + 30_000,
			corsBlocked: false,
			lastCheck: {
				id: lastCheckId,
				dueAt: NOW,
				startedAt: NOW,
				durationMs: 12,
				outcome: 'up',
				httpStatus: 200,
				message: 'HTTP 200',
				mode: 'full',
			},
		},
		uptime24h: patch.uptime === undefined ? 1 : patch.uptime,
		recent: [{ at: NOW, outcome: 'up', durationMs: 12, late: false }],
	} satisfies MonitorOverview;
}

describe('listScope', () => {
	it('rereads nothing for tables the list does not show', () => {
		expect(listScope({ tables: ['outbox', 'settings'] })).toBe('none');
	});

	it('rereads all of it without per-monitor notices, or when monitors came, went or were edited', () => {
		expect(listScope({ tables: ['checks', 'monitor_status'] })).toBe('all');
		expect(listScope({ tables: ['monitors'], monitors: [{ id: 3, from: NOW, to: NOW }] })).toBe(
			'all',
		);
	});

	it("shows a person's edit of the monitors at once, and lets checks wait for the gap", () => {
		expect(showsAtOnce({ tables: ['monitors', 'monitor_status'] })).toBe(true);
		expect(showsAtOnce({ tables: ['checks', 'monitor_status', 'rollups'] })).toBe(false);
	});

	it('rereads only the monitors a notice names', () => {
		const monitors = [
			{ id: 3, from: NOW, to: NOW },
			{ id: 9, from: NOW - HOUR, to: NOW },
		];
		expect(listScope({ tables: ['checks', 'rollups'], monitors })).toEqual([3, 9]);
	});
});

describe('touchesDetail', () => {
	const from = NOW - 24 * HOUR;

	it('rereads for any change of a shown table when the notice does not say which monitor', () => {
		expect(touchesDetail({ tables: ['events'] }, 3, from)).toBe(true);
		expect(touchesDetail({ tables: ['outbox'] }, 3, from)).toBe(false);
	});

	it('rereads only for its own monitor, and only for changes inside the shown window', () => {
		const other = { tables: ['checks'], monitors: [{ id: 4, from: NOW, to: NOW }] };
		const mine = { tables: ['checks'], monitors: [{ id: 3, from: NOW, to: NOW }] };
		const old = {
			tables: ['rollups'],
			monitors: [{ id: 3, from: from - 2 * HOUR, to: from - HOUR }],
		};
		const spanning = { tables: ['rollups'], monitors: [{ id: 3, from: from - HOUR, to: from }] };
		expect(touchesDetail(other, 3, from)).toBe(false);
		expect(touchesDetail(mine, 3, from)).toBe(true);
		expect(touchesDetail(old, 3, from)).toBe(false);
		expect(touchesDetail(spanning, 3, from)).toBe(true);
	});
});

describe('mergeOverviews', () => {
	it('keeps the objects of rows that show the same, so the page leaves them alone', () => {
		const shown = [overview(1), overview(2), overview(3)];
		const read = [overview(1), overview(2, { lastCheckId: 7 }), overview(3)];
		const { items, complete } = mergeOverviews(shown, read, null);
		expect(complete).toBe(true);
		expect(items[0]).toBe(shown[0]);
		expect(items[1]).toBe(read[1]);
		expect(items[2]).toBe(shown[2]);
	});

	it('returns the very same list when nothing changed', () => {
		const shown = [overview(1), overview(2)];
		expect(mergeOverviews(shown, [overview(1), overview(2)], null).items).toBe(shown);
	});

	it('takes a full reread as it comes: new, gone and reordered monitors', () => {
		const shown = [overview(1), overview(2)];
		const read = [overview(3), overview(1)];
		const { items } = mergeOverviews(shown, read, null);
		expect(items.map((o) => o.monitor.id)).toEqual([3, 1]);
		expect(items[1]).toBe(shown[0]);
	});

	it('replaces only the monitors asked for, in place', () => {
		const shown = [overview(1), overview(2), overview(3)];
		const fresh = overview(2, { uptime: 0.5 });
		const { items, complete } = mergeOverviews(shown, [fresh], [2]);
		expect(complete).toBe(true);
		expect(items).toEqual([shown[0], fresh, shown[2]]);
		expect(items[0]).toBe(shown[0]);
	});

	it('accepts a worker that answers with every monitor when asked for some', () => {
		const shown = [overview(1), overview(2)];
		const read = [overview(1), overview(2, { lastCheckId: 9 })];
		const { items, complete } = mergeOverviews(shown, read, [2]);
		expect(complete).toBe(true);
		expect(items[0]).toBe(shown[0]);
		expect(items[1]).toBe(read[1]);
	});

	it('asks for the whole list when a monitor asked for is gone or an unknown one comes back', () => {
		const shown = [overview(1), overview(2)];
		expect(mergeOverviews(shown, [], [2])).toEqual({ items: shown, complete: false });
		expect(mergeOverviews(shown, [overview(5)], [5])).toEqual({ items: shown, complete: false });
	});
});
