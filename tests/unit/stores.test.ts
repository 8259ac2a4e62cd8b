/**
 * The stores whose functions hold a rule of their own in SQL (a conditional upsert, a filter on how a
 * secret is stored, a "latest of each" query), on a migrated database with the real sql.js.
 */
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/worker/core/migrations/runner';
import { createMonitor } from '../../src/worker/domain/monitors/service';
import { getUser, replaceUser } from '../../src/worker/stores/account';
import { hasTable, tableRows } from '../../src/worker/stores/database-file';
import {
	dismissAlert,
	insertAlert,
	latestUndismissedAlerts,
	pruneAlerts,
	storedLevels,
} from '../../src/worker/stores/health';
import { dueMessages, enqueue, nextAttemptAt } from '../../src/worker/stores/outbox';
import { addToRollup, uptimesSince } from '../../src/worker/stores/rollups';
import {
	removeSealedSecrets,
	sealedValues,
	secretCounts,
	waitingOnKey,
} from '../../src/worker/stores/secrets';
import { getSetting, putLargerSetting, putSetting } from '../../src/worker/stores/settings';
import { saveBot } from '../../src/worker/stores/telegram-bots';
import { recordSighting } from '../../src/worker/stores/telegram-chats';
import { newEngine, realMigrations } from './helpers';

const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const SEALED = 'enc:v1:c2VhbGVk';

async function db() {
	const engine = await newEngine();
	migrate(engine, await realMigrations());
	return engine;
}

async function withChat(token: string) {
	const e = await db();
	const bot = saveBot(e, token, '1:…', { id: 1, first_name: 'Alerts' }, T0);
	recordSighting(
		e,
		bot.id,
		{ chat: { id: -5, type: 'group', title: 'Ops' }, memberStatus: null },
		T0,
	);
	const chatRef = Number(e.value('SELECT id FROM telegram_chats'));
	return { e, chatRef };
}

describe('settings', () => {
	it('a larger value replaces a smaller one, never the other way round', async () => {
		const e = await db();
		expect(getSetting(e, 'last_export_at')).toBeNull();
		expect(putLargerSetting(e, 'last_export_at', 500, T0)).toBe('500');
		expect(putLargerSetting(e, 'last_export_at', 400, T0)).toBe('500');
		expect(putLargerSetting(e, 'last_export_at', 600, T0)).toBe('600');
		putSetting(e, 'last_export_at', null, T0);
		expect(getSetting(e, 'last_export_at')).toBeNull();
	});
});

describe('secrets', () => {
	it('tells sealed values from clear ones in both tables, and removes only the sealed', async () => {
		const { e } = await withChat(SEALED);
		createMonitor(e, { name: 'A', url: 'http://127.0.0.2:9/a', intervalS: 60 }, T0, {
			headers: '"enc:v1:aGRy"',
			body: '{}',
		});
		createMonitor(
			e,
			{ name: 'B', url: 'http://127.0.0.2:9/b', intervalS: 60, headers: { X: '1' } },
			T0,
		);
		expect(
			sealedValues(e)
				.map((v) => v.sealed)
				.sort(),
		).toEqual(['enc:v1:aGRy', SEALED]);
		// Each with the place it is bound to (domain/account/crypto.ts).
		expect(sealedValues(e).map((v) => v.place)).toEqual([
			expect.stringMatching(/^telegram_bots\.token#\d+$/),
			expect.stringMatching(/^monitors\.headers#\d+$/),
		]);
		expect(secretCounts(e)).toEqual({ bots: 1, monitors: 2, channels: 0 });
		expect(waitingOnKey(e)).toEqual({ alerts: 0, monitors: 1 });

		removeSealedSecrets(e, 'gone');
		expect(sealedValues(e)).toEqual([]);
		expect(e.all('SELECT headers, needs_headers FROM monitors ORDER BY name')).toEqual([
			{ headers: '{}', needs_headers: 1 },
			{ headers: '{"X":"1"}', needs_headers: 0 },
		]);
		expect(e.get('SELECT token, needs_token, status_message FROM telegram_bots')).toEqual({
			token: 'removed:1',
			needs_token: 1,
			status_message: 'gone',
		});
		expect(secretCounts(e)).toEqual({ bots: 0, monitors: 1, channels: 0 });
	});
});

describe('account', () => {
	it('puts another database’s owner row in place, column for column, or removes it', async () => {
		const e = await db();
		const other = await db();
		const salt = new Uint8Array(16).fill(7);
		other.run(
			`INSERT INTO users (id, created_at, kdf, iterations, salt, wrapped_key, wrap_iv, changed_at)
			 VALUES (1, 5, 'PBKDF2-SHA256', 100000, ?, ?, ?, 5)`,
			[salt, new Uint8Array(40), new Uint8Array(12)],
		);
		replaceUser(e, getUser(other));
		expect(getUser(e)).toEqual(getUser(other));
		replaceUser(e);
		expect(getUser(e)).toBeUndefined();
	});
});

describe('outbox', () => {
	it('leaves out messages through a sealed token unless it can be read, and knows when the next is due', async () => {
		const { e, chatRef } = await withChat(SEALED);
		const target = { chatRef, threadId: null, silent: false };
		enqueue(e, { kind: 'test', text: 'later', target, now: T0 + 5_000 });
		enqueue(e, { kind: 'test', text: 'now', target, now: T0 });
		expect(dueMessages(e, T0, false)).toEqual([]);
		expect(nextAttemptAt(e, false)).toBeNull();
		expect(dueMessages(e, T0, true).map((m) => [m.text, m.token])).toEqual([['now', SEALED]]);
		expect(nextAttemptAt(e, true)).toBe(T0);
	});
});

describe('rollups', () => {
	it('counts every check, and response times of answered ones only', async () => {
		const e = await db();
		const { id } = createMonitor(e, { name: 'A', url: 'http://127.0.0.2:9/a', intervalS: 60 }, T0);
		addToRollup(e, id, 'hour', T0, 'up', 30);
		addToRollup(e, id, 'hour', T0 + 1, 'down', 9_000);
		addToRollup(e, id, 'hour', T0 + 2, 'degraded', 10);
		expect(e.get('SELECT checks, up, degraded, down, min_ms, max_ms, sum_ms FROM rollups')).toEqual(
			{
				checks: 3,
				up: 1,
				degraded: 1,
				down: 1,
				min_ms: 10,
				max_ms: 30,
				sum_ms: 40,
			},
		);
		expect(uptimesSince(e, T0 + 30 * 60_000).get(id)).toBeCloseTo(2 / 3);
		expect(uptimesSince(e, T0 + 60 * 60_000).get(id)).toBeUndefined();
	});
});

describe('health', () => {
	it('each metric’s latest change is its level; pruning keeps it; dismissing hides it once', async () => {
		const e = await db();
		const alert = (metric: 'size' | 'memory', level: 'ok' | 'warning' | 'critical', at: number) =>
			insertAlert(e, { at, metric, level, previous: 'ok', value: 1, message: 'm' });
		alert('size', 'warning', 1);
		const memory = alert('memory', 'critical', 2);
		const size = alert('size', 'critical', 3);
		expect(storedLevels(e)).toEqual(
			new Map([
				['size', 'critical'],
				['memory', 'critical'],
			]),
		);
		pruneAlerts(e, 0);
		expect(e.all('SELECT id FROM health_alerts ORDER BY id')).toEqual([
			{ id: memory },
			{ id: size },
		]);
		expect(dismissAlert(e, size, 4)).toBe(true);
		expect(dismissAlert(e, size, 5)).toBe(false);
		expect(latestUndismissedAlerts(e).map((a) => a.id)).toEqual([memory]);
	});
});

describe('database facts', () => {
	it('lists the tables with their rows, SQLite’s own left out', async () => {
		const e = await db();
		createMonitor(e, { name: 'A', url: 'http://127.0.0.2:9/a', intervalS: 60 }, T0);
		const rows = new Map(tableRows(e).map((t) => [t.name, t.rows]));
		expect(rows.get('monitors')).toBe(1);
		expect(rows.get('monitor_status')).toBe(1);
		expect([...rows.keys()].some((name) => name.startsWith('sqlite_'))).toBe(false);
		expect(hasTable(e, 'monitors')).toBe(true);
		expect(hasTable(e, 'nothing')).toBe(false);
	});
});
