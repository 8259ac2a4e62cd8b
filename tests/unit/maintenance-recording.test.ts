/**
 * Checks during maintenance windows, with the real sql.js: recorded as `maintenance`, the state frozen,
 * no alert on any channel (nor a reminder), start and end events in the history and the activity log,
 * uptime and charts leaving maintenance out, and the alert after the window only on a real change.
 */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { prepareChannel, storeChannel } from '../../src/worker/domain/alerts/service';
import { activityPage } from '../../src/worker/domain/activity/log';
import { recordCheck } from '../../src/worker/domain/checks/record';
import { chart, detail, overview } from '../../src/worker/domain/history/history';
import {
	createWindow,
	deleteWindow,
	listWindows,
	updateWindow,
} from '../../src/worker/domain/maintenance/windows';
import { createMonitor } from '../../src/worker/domain/monitors/service';
import { enqueueReminders } from '../../src/worker/domain/telegram/alerts';
import { setMonitorAlerts } from '../../src/worker/stores/alert-targets';
import { zlibCompression } from '../../src/worker/stores/history/zlib-compression';
import { maintenanceEventsSince } from '../../src/worker/stores/maintenance';
import { uptimeSince } from '../../src/worker/stores/rollups';
import { migrate } from '../../src/worker/core/migrations/runner';
import type { Engine } from '../../src/worker/core/engine';
import { AppError } from '../../src/shared/errors';
import { newEngine, realMigrations } from './helpers';

const compression = zlibCompression(zlib);
const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const MIN = 60_000;

async function setup(retries = 0) {
	const e = await newEngine();
	migrate(e, await realMigrations());
	const monitor = createMonitor(
		e,
		{ name: 'Payments', url: 'http://127.0.0.2:9/health', intervalS: 60, retries },
		T0,
	);
	const other = createMonitor(
		e,
		{ name: 'Search', url: 'http://127.0.0.2:9/search', intervalS: 60 },
		T0,
	);
	const prepared = await prepareChannel(e, {
		enabled: true,
		kind: 'webhook',
		name: 'Ops hook',
		config: { url: 'http://127.0.0.1:9/alerts' },
		secret: {},
		isDefault: true,
	});
	storeChannel(e, prepared, T0);
	const check = (at: number, outcome: 'up' | 'down', id = monitor.id) =>
		recordCheck(e, {
			monitorId: id,
			retries,
			dueAt: Number(e.value('SELECT next_due_at FROM monitor_status WHERE monitor_id = ?', [id])),
			observation: {
				startedAt: at,
				durationMs: 20,
				outcome,
				httpStatus: outcome === 'up' ? 200 : 503,
				message: outcome === 'up' ? 'HTTP 200 in 20 ms' : 'HTTP 503, expected 200-299',
				corsBlocked: false,
			},
			nextDueAt: at + MIN,
			retryAt: at + 20_000,
		})!;
	return { e, monitor, other, check };
}

const once = (start: number, end: number, monitorIds: number[]) => ({
	name: 'Deploy',
	kind: 'once',
	startsAt: start,
	endsAt: end,
	timeZone: 'Europe/Berlin',
	allMonitors: false,
	monitorIds,
});

const outbox = (e: Engine) =>
	e.all<{ kind: string }>('SELECT kind FROM outbox ORDER BY id').map((r) => r.kind);
const outcomes = (e: Engine, id: number) =>
	e
		.all<{ outcome: string }>('SELECT outcome FROM checks WHERE monitor_id = ? ORDER BY id', [id])
		.map((r) => r.outcome);
const state = (e: Engine, id: number) =>
	e.get<{ state: string; maintenance_since: number | null }>(
		'SELECT state, maintenance_since FROM monitor_status WHERE monitor_id = ?',
		[id],
	);

describe('a check in a maintenance window', () => {
	it('is recorded as maintenance: no state change, no alert on any channel; one down after it ends', async () => {
		const { e, monitor, other, check } = await setup();
		createWindow(e, once(T0 + 5 * MIN, T0 + 10 * MIN, [monitor.id]), T0);
		check(T0, 'up');
		check(T0 + 5 * MIN, 'down');
		check(T0 + 6 * MIN, 'down');
		check(T0 + 9 * MIN + 59_999, 'down');
		// The other monitor is not covered: its down alerts.
		check(T0 + 6 * MIN, 'down', other.id);
		expect(outcomes(e, monitor.id)).toEqual(['up', 'maintenance', 'maintenance', 'maintenance']);
		expect(state(e, monitor.id)).toEqual({ state: 'up', maintenance_since: T0 + 5 * MIN });
		expect(outbox(e)).toEqual(['down']);
		expect(e.value("SELECT count(*) FROM events WHERE to_state = 'down'")).toBe(1);

		const list = await overview(e, compression, T0 + 9 * MIN);
		expect(list.find((o) => o.monitor.id === monitor.id)!.status.maintenance).toEqual({
			since: T0 + 5 * MIN,
			until: T0 + 10 * MIN,
			name: 'Deploy',
		});

		// The end: the next real result decides, and up -> down is a real change: exactly one down.
		check(T0 + 10 * MIN, 'down');
		expect(outcomes(e, monitor.id).at(-1)).toBe('down');
		expect(state(e, monitor.id)).toEqual({ state: 'down', maintenance_since: null });
		expect(outbox(e)).toEqual(['down', 'down']);
		expect(
			maintenanceEventsSince(e, monitor.id, 0).map((m) => [m.kind, m.at - T0, m.name]),
		).toEqual([
			['start', 5 * MIN, 'Deploy'],
			['end', 10 * MIN, 'Deploy'],
		]);
		const log = activityPage(e, { kind: 'maintenance' }).entries.map((a) => a.message);
		expect(log).toContain(
			'Payments entered maintenance window “Deploy”: checks are recorded as maintenance and alert nobody.',
		);
		expect(log).toContain(
			'Payments left maintenance window “Deploy”: its checks count and alert again.',
		);
	});

	it('alerts after the window only on a real change from the state before it', async () => {
		const { e, monitor, check } = await setup();
		createWindow(e, once(T0 + 5 * MIN, T0 + 10 * MIN, [monitor.id]), T0);
		check(T0, 'down');
		expect(outbox(e)).toEqual(['down']);
		check(T0 + 6 * MIN, 'up'); // up during the window: not news
		check(T0 + 7 * MIN, 'down');
		check(T0 + 11 * MIN, 'down'); // down before, down after: nothing
		expect(outbox(e)).toEqual(['down']);
		check(T0 + 12 * MIN, 'up');
		expect(outbox(e)).toEqual(['down', 'up']);
	});

	it('sends no reminder while in maintenance, and resumes them after', async () => {
		const { e, monitor, check } = await setup();
		setMonitorAlerts(e, monitor.id, { mode: 'default', reminderMinutes: 1, chats: [] });
		createWindow(e, once(T0 + 5 * MIN, T0 + 30 * MIN, [monitor.id]), T0);
		check(T0, 'down');
		check(T0 + 5 * MIN, 'down');
		expect(enqueueReminders(e, T0 + 20 * MIN)).toBe(0);
		check(T0 + 30 * MIN, 'down');
		expect(enqueueReminders(e, T0 + 31 * MIN)).toBeGreaterThan(0);
	});

	it('clears retries: a failure before the window does not count towards one after it', async () => {
		const { e, monitor, check } = await setup(1);
		createWindow(e, once(T0 + 5 * MIN, T0 + 10 * MIN, [monitor.id]), T0);
		check(T0, 'up');
		check(T0 + 4 * MIN, 'down'); // retrying (1 of 1)
		check(T0 + 6 * MIN, 'down');
		check(T0 + 10 * MIN, 'down'); // retrying again: the count began anew
		expect(outbox(e)).toEqual([]);
		check(T0 + 11 * MIN, 'down');
		expect(outbox(e)).toEqual(['down']);
	});

	it('is left out of uptime and the charts', async () => {
		const { e, monitor, check } = await setup();
		createWindow(e, { ...once(T0 + 10 * MIN, T0 + 20 * MIN, []), allMonitors: true }, T0);
		for (let m = 0; m < 10; m++) check(T0 + m * MIN, 'up');
		for (let m = 10; m < 20; m++) check(T0 + m * MIN, 'down');
		check(T0 + 20 * MIN, 'down');
		// 10 up, 1 down counted; the 10 in maintenance are not.
		expect(uptimeSince(e, monitor.id, T0)).toBeCloseTo(10 / 11, 10);
		const points = chart(e, monitor.id, '1h', T0 + 30 * MIN).points;
		expect(points.reduce((n, p) => n + p.checks, 0)).toBe(11);
		const page = await detail(e, compression, monitor.id, '1h', T0 + 30 * MIN);
		expect(page.uptime['24h']).toBeCloseTo(10 / 11, 10);
		expect(page.maintenance).toEqual([
			{ start: T0 + 10 * MIN, end: T0 + 20 * MIN, name: 'Deploy' },
		]);
		const list = await overview(e, compression, T0 + 30 * MIN);
		expect(list.find((o) => o.monitor.id === monitor.id)!.uptime24h).toBeCloseTo(10 / 11, 10);
	});
});

describe('maintenance windows', () => {
	it('are created, edited and deleted; a bad one is refused with its reasons and nothing changes', async () => {
		const { e, monitor } = await setup();
		const w = createWindow(
			e,
			{
				name: 'Nightly',
				kind: 'weekly',
				days: [1, 2, 3, 4, 5],
				startMinute: 23 * 60,
				endMinute: 60,
				timeZone: 'Europe/Berlin',
				allMonitors: false,
				monitorIds: [monitor.id],
			},
			T0,
		);
		expect(w).toMatchObject({ kind: 'weekly', days: [1, 2, 3, 4, 5], monitorIds: [monitor.id] });
		const before = JSON.stringify(listWindows(e));
		for (const bad of [
			{ ...w, days: [] },
			{ ...w, monitorIds: [999] },
			{ ...w, timeZone: 'Nowhere/Else' },
			{ ...once(T0, T0 - 1, [monitor.id]) },
		]) {
			const error = (() => {
				try {
					updateWindow(e, w.id, bad, T0 + 1);
				} catch (err) {
					return err;
				}
			})();
			expect(error).toBeInstanceOf(AppError);
			expect((error as AppError).code).toBe('invalid-input');
		}
		expect(JSON.stringify(listWindows(e))).toBe(before);
		expect(updateWindow(e, w.id, { ...w, name: 'Nightly deploy' }, T0 + 1).name).toBe(
			'Nightly deploy',
		);
		expect(deleteWindow(e, w.id, T0 + 2)).toEqual({ deleted: true });
		expect(listWindows(e)).toEqual([]);
	});
});
