/**
 * A health raise goes to the default Telegram chats through the outbox, in the write that records it:
 * one message per default chat for a rise into warning or critical, none for a repeat or a fall.
 * Real sql.js, real migrations, the live database and the health service.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../src/shared/health';
import { checkTemplate } from '../../src/shared/telegram';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { checkImage } from '../../src/worker/core/integrity/integrity';
import { HealthService } from '../../src/worker/domain/health/service';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { loadSql, realMigrations } from './helpers';

const T0 = Date.UTC(2026, 10, 26, 12);

interface OutboxRow {
	kind: string;
	chat_ref: number;
	thread_id: number | null;
	silent: number;
	monitor_id: number | null;
	status: string;
	created_at: number;
	text: string;
}

async function setup() {
	const SQL = await loadSql();
	const clock = { now: T0 };
	const db = await LiveDatabase.open({
		SQL,
		store: new MemoryImageStore(),
		files: await realMigrations(),
		writerId: 'test',
		now: () => clock.now,
	});
	const health = new HealthService(db, {
		now: () => clock.now,
		wasmBytes: () => 16 * 1024 * 1024,
		storage: () => Promise.resolve(null),
		checkIntegrity: (image) => Promise.resolve(checkImage(SQL, image)),
		sql: () => Promise.resolve(SQL),
	});
	// Chats: 11 and 12 are default (12 in a topic, silently); 13 is not default; 14 is default but
	// disabled; 21 is default but its bot's token was revoked. Only 11 and 12 may get health alerts.
	await db.write(() =>
		db.engine.exec(`
			INSERT INTO telegram_bots (id, token, status, added_at) VALUES (1, '1:ok', 'ok', 1), (2, '2:gone', 'revoked', 1);
			INSERT INTO telegram_chats (id, bot_id, chat_id, type, first_seen_at, last_seen_at, is_default,
			  default_thread_id, default_silent, disabled_at) VALUES
			  (11, 1, 1001, 'private', 1, 1, 1, NULL, 0, NULL),
			  (12, 1, -1002, 'supergroup', 1, 1, 1, 7, 1, NULL),
			  (13, 1, -1003, 'group', 1, 1, 0, NULL, 0, NULL),
			  (14, 1, -1004, 'group', 1, 1, 1, NULL, 0, 1),
			  (21, 2, 2001, 'private', 1, 1, 1, NULL, 0, NULL);
		`),
	);
	const outbox = () =>
		db.engine.all<OutboxRow>(
			'SELECT kind, chat_ref, thread_id, silent, monitor_id, status, created_at, text FROM outbox ORDER BY id',
		);
	return { db, health, clock, outbox };
}

const withSize = (warning: number, critical: number): Thresholds => ({
	...DEFAULT_THRESHOLDS,
	size: { warning, critical },
});

describe('health alerts on Telegram', () => {
	it('a rise enqueues exactly one message per default chat; a repeat or a fall enqueues none', async () => {
		const t = await setup();
		const size = (await t.health.report()).sizeBytes;
		expect(t.outbox()).toEqual([]);

		// Into warning (setThresholds evaluates at once).
		await t.health.setThresholds(withSize(size / 2, size * 100));
		const raised = t.db.engine.get<{ at: number }>(
			"SELECT at FROM health_alerts WHERE level = 'warning'",
		);
		expect(raised).toBeDefined();
		const first = t.outbox();
		expect(
			first.map((r) => [r.kind, r.chat_ref, r.thread_id, r.silent, r.monitor_id, r.status]),
		).toEqual([
			['health', 11, null, 0, null, 'pending'],
			['health', 12, 7, 1, null, 'pending'],
		]);
		expect(first.every((r) => r.created_at === raised!.at)).toBe(true);
		const text = first[0]!.text;
		expect(first[1]!.text).toBe(text);
		expect(text).toMatch(/^⚠️ <b>Monitor database: warning<\/b>\n/);
		expect(text).toContain('Database size is <b>');
		expect(text).toMatch(/past the warning level of [\d.]+ KiB\./);
		expect(text).toContain('What to do: Rotate or archive old check history');
		// Valid for Telegram's HTML mode: known tags only, every & < > escaped.
		expect(checkTemplate(text)).toBeNull();

		// A repeat: evaluating again and sampling record nothing and enqueue nothing.
		expect(await t.health.evaluate()).toEqual([]);
		t.clock.now += 5 * 60_000;
		await t.health.sample();
		expect(t.outbox()).toHaveLength(2);

		// Warning into critical is a rise too.
		await t.health.setThresholds(withSize(size / 4, size / 2));
		const critical = t.outbox().slice(2);
		expect(critical.map((r) => r.chat_ref)).toEqual([11, 12]);
		expect(critical[0]!.text).toMatch(/^🚨 <b>Monitor database: critical<\/b>\n/);
		expect(critical[0]!.text).toContain('What to do: Archive old history and compact now.');

		// Critical down to warning, then back to ok: falls are recorded, never sent.
		await t.health.setThresholds(withSize(size / 4, size * 2));
		await t.health.setThresholds(withSize(size * 2, size * 4));
		expect(
			t.db.engine.all(
				"SELECT level, previous FROM health_alerts WHERE metric = 'size' ORDER BY id",
			),
		).toEqual([
			{ level: 'warning', previous: 'ok' },
			{ level: 'critical', previous: 'warning' },
			{ level: 'warning', previous: 'critical' },
			{ level: 'ok', previous: 'warning' },
		]);
		expect(t.outbox()).toHaveLength(4);
	});

	it('with no default chat a raise is recorded and nothing is enqueued', async () => {
		const t = await setup();
		await t.db.write(() => t.db.engine.run('UPDATE telegram_chats SET is_default = 0'));
		const size = (await t.health.report()).sizeBytes;
		await t.health.setThresholds(withSize(size / 2, size * 100));
		expect(t.health.activeAlerts()).toHaveLength(1);
		expect(t.outbox()).toEqual([]);
	});

	it('the raise and its messages are one write: if enqueueing fails, the raise is not recorded', async () => {
		const t = await setup();
		t.db.engine.exec(
			"CREATE TEMP TRIGGER refuse_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'outbox refused'); END",
		);
		const size = (await t.health.report()).sizeBytes;
		await expect(t.health.setThresholds(withSize(size / 2, size * 100))).rejects.toThrow(
			/outbox refused/,
		);
		expect(t.db.engine.value('SELECT count(*) FROM health_alerts')).toBe(0);
		expect(t.outbox()).toEqual([]);

		// Once the outbox accepts it, the next evaluation records the raise with its messages.
		t.db.engine.exec('DROP TRIGGER temp.refuse_outbox');
		await t.health.evaluate();
		expect(t.db.engine.value('SELECT count(*) FROM health_alerts')).toBe(1);
		expect(t.outbox().map((r) => r.chat_ref)).toEqual([11, 12]);
	});
});
