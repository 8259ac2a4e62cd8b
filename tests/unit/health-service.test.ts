/**
 * Database health on the live database with the real sql.js: the report, level changes recorded once,
 * samples and their pruning, thresholds, and maintenance (VACUUM, optimize, integrity, archive).
 */
import { activityPage } from '../../src/worker/domain/activity/log';
import { describe, expect, it } from 'vitest';
import type { TaskProgress } from '../../src/shared/backups';
import { MemoryBackupStore } from '../../src/worker/core/backups/memory-backup-store';
import { AppError } from '../../src/shared/errors';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../src/shared/health';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { checkImage } from '../../src/worker/core/integrity/integrity';
import { Maintenance } from '../../src/worker/domain/health/maintenance';
import { HealthService, type HealthEnv } from '../../src/worker/domain/health/service';
import { imageSourceFor } from '../../src/worker/core/persistence/image-source';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import {
	SQLJS_HOOK_PROPERTY,
	type SqlJsFileHook,
} from '../../src/worker/core/persistence/sqljs-patch';
import { loadSql, realMigrations, sha256 } from './helpers';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 26, 12);

interface Setup {
	db: LiveDatabase;
	store: MemoryImageStore;
	health: HealthService;
	maintenance: Maintenance;
	clock: { now: number };
	progress: TaskProgress[];
	/** The image source of every persister opened so far ('tracked' when the sql.js hook is in). */
	sources: string[];
}

async function setup(store = new MemoryImageStore()): Promise<Setup> {
	const SQL = await loadSql();
	const clock = { now: T0 };
	const progress: TaskProgress[] = [];
	const sources: string[] = [];
	const db = await LiveDatabase.open({
		SQL,
		store,
		files: await realMigrations(),
		writerId: 'test',
		backups: new MemoryBackupStore(),
		chunkSize: 4096,
		now: () => clock.now,
		onProgress: (p) => progress.push(p),
		imageSource: (sqlDb) => {
			const source = imageSourceFor(sqlDb);
			sources.push(source.kind);
			return source;
		},
	});
	const env: HealthEnv = {
		now: () => clock.now,
		wasmBytes: () => 16 * 1024 * 1024,
		storage: () => Promise.resolve({ usage: 2_000_000, quota: 1_000_000_000 }),
		checkIntegrity: (image) => Promise.resolve(checkImage(SQL, image)),
		sql: () => Promise.resolve(SQL),
	};
	const health = new HealthService(db, env);
	return { db, store, health, maintenance: new Maintenance(db, health), clock, progress, sources };
}

const addMonitors = (db: LiveDatabase, count: number, urlLength = 40) =>
	db.write(() => {
		for (let i = 0; i < count; i++) {
			db.engine.run(
				`INSERT INTO monitors (name, url, created_at, updated_at) VALUES (?, ?, 1, 1)`,
				[`Monitor ${i}`, `http://127.0.0.2:9/${String(i).padEnd(urlLength, 'x')}`],
			);
		}
	});

const hashOf = (db: LiveDatabase) => sha256(db.engine.db.export());

function withThreshold(metric: keyof Thresholds, warning: number, critical: number): Thresholds {
	return { ...DEFAULT_THRESHOLDS, [metric]: { warning, critical } };
}

describe('the health report', () => {
	it('has the size, tables with row counts, schema version, memory, storage and every metric ok', async () => {
		const t = await setup();
		await addMonitors(t.db, 3);
		const report = await t.health.report();
		expect(report.sizeBytes).toBe(report.pageSize * report.pageCount);
		expect(report.schemaVersion).toBe((await realMigrations()).length);
		expect(report.tables).toContainEqual({ name: 'monitors', rows: 3 });
		expect(report.tables).toContainEqual({ name: 'health_alerts', rows: 0 });
		expect(report.memory).toEqual({
			totalBytes: report.sizeBytes + 16 * 1024 * 1024,
			fileBytes: report.sizeBytes,
			wasmBytes: 16 * 1024 * 1024,
		});
		expect(report.storage).toEqual({ usage: 2_000_000, quota: 1_000_000_000 });
		expect(report.metrics.map((m) => [m.metric, m.level])).toEqual([
			['size', 'ok'],
			['memory', 'ok'],
			['writeRate', 'ok'],
			['queryP95', 'ok'],
		]);
	});

	it('counts durable writes that changed something, save latencies and the app’s statements (not its own)', async () => {
		const t = await setup();
		await addMonitors(t.db, 1);
		await addMonitors(t.db, 1);
		await t.db.write(() => t.db.engine.run('DELETE FROM monitors WHERE id = 999'));
		const before = (await t.health.report()).queries.total;
		await t.health.report();
		const report = await t.health.report();
		expect(report.writes.lastHour).toBe(2);
		expect(report.saves.count).toBeGreaterThanOrEqual(2);
		expect(report.saves.p50).not.toBeNull();
		expect(report.queries.total).toBe(before);
		expect(report.queries.p95).not.toBeNull();
		expect(report.queries.slowest.map((s) => s.sql)).toContain(
			'INSERT INTO monitors(name, url, created_at, updated_at) VALUES (?, ?, ?, ?)',
		);
		// An hour later the writes have left the window.
		t.clock.now += 61 * 60_000;
		expect((await t.health.report()).writes.lastHour).toBe(0);
	});
	it('reports on a database left on an older schema (no health tables), without history or alerts', async () => {
		const SQL = await loadSql();
		const files = (await realMigrations()).filter((f) => !f.filename.includes('health'));
		const db = await LiveDatabase.open({
			SQL,
			store: new MemoryImageStore(),
			files,
			writerId: 'old',
		});
		const t = await setup();
		const health = new HealthService(db, t.health.env);
		const report = await health.report();
		expect(report.metrics.every((m) => m.level === 'ok')).toBe(true);
		expect(report.tables.map((x) => x.name)).not.toContain('health_alerts');
		expect(health.activeAlerts()).toEqual([]);
		expect(health.history('24h').points).toEqual([]);
	});
});

describe('levels and alerts', () => {
	it('a database grown past a lowered warning threshold raises one alert with the action', async () => {
		const t = await setup();
		const size = (await t.health.report()).sizeBytes;
		await t.health.setThresholds(withThreshold('size', size + 40_000, size * 100));
		expect(t.health.activeAlerts()).toEqual([]);

		await addMonitors(t.db, 400, 200);
		const raised = await t.health.evaluate();
		expect(raised).toHaveLength(1);
		expect(raised[0]).toMatchObject({ metric: 'size', level: 'warning', previous: 'ok' });
		expect(raised[0]!.message).toMatch(
			/past the warning level.*Rotate or archive old check history/,
		);
		const report = await t.health.report();
		expect(report.metrics.find((m) => m.metric === 'size')?.level).toBe('warning');

		// Evaluating again, or sampling, does not announce it twice.
		expect(await t.health.evaluate()).toEqual([]);
		t.clock.now += 5 * 60_000;
		await t.health.sample();
		expect(t.db.engine.value('SELECT count(*) FROM health_alerts')).toBe(1);
		expect(t.health.activeAlerts().map((a) => a.id)).toEqual([raised[0]!.id]);

		// Dismissed in one window, gone for all; the level stays warning.
		await t.db.write(() => t.health.dismiss(raised[0]!.id));
		expect(t.health.activeAlerts()).toEqual([]);
		expect(await t.health.evaluate()).toEqual([]);
	});

	it('records the way back down (with hysteresis), and a new crossing raises again', async () => {
		const t = await setup();
		await addMonitors(t.db, 300, 200);
		const size = (await t.health.report()).sizeBytes;
		await t.health.setThresholds(withThreshold('size', size - 4096, size * 100));
		expect(t.health.activeAlerts()).toHaveLength(1);

		// Just under the threshold: still warning (hysteresis).
		await t.health.setThresholds(withThreshold('size', size + 4096, size * 100));
		expect(t.health.activeAlerts()).toHaveLength(1);
		// Well under it: back to ok, recorded, and the banner goes.
		await t.health.setThresholds(withThreshold('size', size * 2, size * 100));
		expect(t.health.activeAlerts()).toEqual([]);
		expect(
			t.db.engine.all('SELECT metric, level, previous FROM health_alerts ORDER BY id'),
		).toEqual([
			{ metric: 'size', level: 'warning', previous: 'ok' },
			{ metric: 'size', level: 'ok', previous: 'warning' },
		]);
		// Straight to critical: a new raise.
		await t.health.setThresholds(withThreshold('size', size / 4, size / 2));
		expect(t.health.activeAlerts().map((a) => [a.level, a.previous])).toEqual([['critical', 'ok']]);
	});

	it('a window that just took over does not call the write rate back to normal before it counted an hour', async () => {
		const t = await setup();
		await t.health.setThresholds(withThreshold('writeRate', 3, 1000));
		await addMonitors(t.db, 1);
		await addMonitors(t.db, 1);
		await addMonitors(t.db, 1);
		expect((await t.health.evaluate()).map((a) => [a.metric, a.level])).toEqual([
			['writeRate', 'warning'],
		]);

		// Another window opens the same storage: its counter starts at zero.
		const next = await setup(t.store);
		next.clock.now = t.clock.now + 60_000;
		expect(await next.health.evaluate()).toEqual([]);
		expect((await next.health.report()).metrics.find((m) => m.metric === 'writeRate')?.level).toBe(
			'warning',
		);
		// After an hour of counting, a quiet hour is a real fall.
		next.clock.now += 61 * 60_000;
		expect((await next.health.evaluate()).map((a) => [a.metric, a.level])).toEqual([
			['writeRate', 'ok'],
		]);
	});

	it('a query P95 over too few statements (a cold start) moves no level; over enough it does', async () => {
		const t = await setup();
		const statements = (ms: number, n: number) => {
			for (let i = 0; i < n; i++) t.db.health.statement('SELECT ?', ms);
		};
		const p95 = async () => (await t.health.report()).queries;
		// A start: a few dozen statements in the window, two of them slow.
		statements(250, 2);
		const cold = await p95();
		expect(cold.count).toBeLessThan(100);
		expect(cold.p95).toBe(250);
		expect(await t.health.evaluate()).toEqual([]);
		expect((await t.health.report()).metrics.find((m) => m.metric === 'queryP95')?.level).toBe(
			'ok',
		);

		// Enough statements, and 5% of them slow: a real warning.
		statements(0.1, 100);
		statements(250, 6);
		expect((await p95()).p95).toBe(250);
		expect((await t.health.evaluate()).map((a) => [a.metric, a.level])).toEqual([
			['queryP95', 'warning'],
		]);

		// A later window with too few statements does not call it back to normal either.
		t.clock.now += 11 * 60_000;
		statements(0.1, 10);
		expect(await t.health.evaluate()).toEqual([]);
	});

	it('refuses invalid thresholds with a reason per metric and changes nothing', async () => {
		const t = await setup();
		const before = hashOf(t.db);
		const error = await t.health
			.setThresholds({ ...DEFAULT_THRESHOLDS, size: { warning: 5, critical: 1 } })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AppError);
		expect((error as AppError).code).toBe('invalid-input');
		expect((error as AppError).detail?.fields).toEqual({
			size: 'The warning level must be below the critical level.',
		});
		expect(hashOf(t.db)).toBe(before);
		expect(t.health.thresholds()).toEqual(DEFAULT_THRESHOLDS);
	});
});

describe('samples', () => {
	it('are written every call, kept 30 days, and charted in buckets', async () => {
		const t = await setup();
		for (let i = 0; i < 40; i++) {
			await t.health.sample();
			t.clock.now += DAY;
		}
		const kept = t.db.engine.all<{ at: number }>('SELECT at FROM health_samples ORDER BY at');
		expect(kept.length).toBe(31);
		expect(kept[0]!.at).toBeGreaterThanOrEqual(t.clock.now - DAY - 30 * DAY);
		const history = t.health.history('7d');
		expect(history.bucketMs).toBe(30 * 60_000);
		expect(history.points.length).toBe(7);
		for (const p of history.points) {
			expect(p.t % history.bucketMs).toBe(0);
			expect(p.sizeBytes).toBeGreaterThan(0);
			// Memory and the write rate are charted too, not only sampled.
			expect(p.memoryBytes).toBeGreaterThanOrEqual(p.sizeBytes!);
			expect(p.writesPerHour).toBeGreaterThanOrEqual(0);
		}
	});
});

describe('maintenance', () => {
	it('VACUUM after deleting half the rows shrinks the file, keeps every remaining row and saves it', async () => {
		const t = await setup();
		await addMonitors(t.db, 1200, 300);
		await t.db.write(() => t.db.engine.run('DELETE FROM monitors WHERE id % 2 = 0'));
		const rows = t.db.engine.all('SELECT * FROM monitors ORDER BY id');
		expect(rows).toHaveLength(600);

		const result = await t.maintenance.vacuum();
		expect(result.afterBytes).toBeLessThan(result.beforeBytes * 0.7);
		expect(t.db.engine.all('SELECT * FROM monitors ORDER BY id')).toEqual(rows);
		expect(t.progress.map((p) => p.task)).toEqual(['vacuum', 'vacuum', null]);
		// VACUUM rewrites and truncates the file: the tracked source must report all of it, so what is
		// stored is byte for byte the live file SQLite left behind.
		expect(t.sources).toEqual(['tracked']);
		const hook = (t.db.engine.db as unknown as Record<string, SqlJsFileHook>)[SQLJS_HOOK_PROPERTY]!;
		const stored = await t.store.load();
		expect(stored?.image.length).toBe(result.afterBytes);
		expect(sha256(stored!.image)).toBe(sha256(hook.bytes()));

		const reopened = await setup(t.store);
		expect(reopened.db.engine.all('SELECT * FROM monitors ORDER BY id')).toEqual(rows);
		expect(Number(reopened.db.engine.value('PRAGMA page_count')) * 4096).toBe(result.afterBytes);
	});

	it('one task at a time', async () => {
		const t = await setup();
		const first = t.maintenance.integrity();
		await expect(t.maintenance.vacuum()).rejects.toMatchObject({ code: 'maintenance-busy' });
		await first;
		await expect(t.maintenance.vacuum()).resolves.toBeTruthy();
	});

	it('optimize lists the ANALYZE it ran; integrity says ok, and names the damage in a damaged file', async () => {
		const t = await setup();
		await addMonitors(t.db, 200);
		const optimized = await t.maintenance.optimize();
		expect(Array.isArray(optimized.analyzed)).toBe(true);
		const check = await t.maintenance.integrity();
		expect(check).toMatchObject({ ok: true, messages: ['ok'], foreignKeys: [] });
		await t.maintenance.vacuum();
		// Each run leaves its line in the activity log, newest first.
		const logged = activityPage(t.db.engine, { kind: 'maintenance' }).entries.map((e) => e.message);
		expect(logged).toHaveLength(3);
		expect(logged[0]).toMatch(/^VACUUM: .* → .*, the database held for \d+ ms\.$/);
		expect(logged[1]).toMatch(/^Integrity check: no problem found \(\d+ ms\)\.$/);
		expect(logged[2]).toMatch(/^PRAGMA optimize/);

		// Overwrite an index page of monitors_name with garbage in a copy: SQLite must notice.
		const image = t.db.engine.db.export();
		const root = Number(
			t.db.engine.value("SELECT rootpage FROM sqlite_schema WHERE name = 'monitors_name'"),
		);
		image.fill(0x5a, (root - 1) * 4096 + 100, root * 4096 - 100);
		const damaged = checkImage(await loadSql(), image);
		expect(damaged.ok).toBe(false);
		expect(damaged.messages.join(' ')).not.toBe('ok');
	});

	it('a read-only database (written by a newer app) refuses maintenance that writes', async () => {
		const t = await setup();
		await addMonitors(t.db, 2);
		const SQL = await loadSql();
		const older = await LiveDatabase.open({
			SQL,
			store: t.store,
			files: (await realMigrations()).slice(0, -1),
			writerId: 'older',
		});
		expect(older.readOnly?.code).toBe('db-newer-than-app');
		const before = hashOf(older);
		const health = new HealthService(older, t.health.env);
		const m = new Maintenance(older, health);
		await expect(m.vacuum()).rejects.toMatchObject({ code: 'db-read-only' });
		await expect(m.archive()).rejects.toMatchObject({ code: 'db-read-only' });
		await expect(m.integrity()).resolves.toMatchObject({ ok: true });
		expect(activityPage(older.engine, {}).entries).toEqual([]); // nothing written, not even a log line
		expect(await health.evaluate()).toEqual([]);
		expect(hashOf(older)).toBe(before);
	});
});

describe('archive', () => {
	async function withHistory(t: Setup) {
		await addMonitors(t.db, 2);
		const e = t.db.engine;
		await t.db.write(() => {
			// A 30-day retention (the default is 90): rows of 30 … 44 days ago are past it.
			e.run("INSERT INTO settings (key, value, updated_at) VALUES ('retention_days', '30', 0)");
			for (let d = 0; d < 45; d++) {
				for (const monitor of [1, 2]) {
					const at = T0 - d * DAY - monitor * 1000;
					e.run(
						`INSERT INTO checks (monitor_id, due_at, started_at, duration_ms, outcome, http_status, message, mode)
						 VALUES (?, ?, ?, ?, ?, ?, ?, 'full')`,
						[
							monitor,
							at - 5,
							at,
							100 + d / 7,
							d % 5 ? 'up' : 'down',
							d % 5 ? 200 : 503,
							`check ${d}`,
						],
					);
					for (const [resolution, size] of [
						['minute', 60_000],
						['hour', 3_600_000],
					] as const) {
						e.run(
							`INSERT INTO rollups (monitor_id, resolution, bucket_start, checks, up, degraded, down, min_ms, max_ms, sum_ms)
							 VALUES (?, ?, ?, 1, 1, 0, 0, ?, ?, ?)`,
							[monitor, resolution, Math.floor(at / size) * size, 0.1 + d, 0.3 + d, 0.1 + d],
						);
					}
				}
			}
			e.run("INSERT INTO events (monitor_id, at, from_state, to_state) VALUES (1, ?, NULL, 'up')", [
				T0 - 40 * DAY,
			]);
			// The notification log: old sent, failed and uncertain messages go; one still pending stays,
			// and so do recent ones.
			for (const [status, days] of [
				['sent', 40],
				['failed', 35],
				['uncertain', 31],
				['pending', 40],
				['sent', 2],
			] as const) {
				e.run(
					`INSERT INTO outbox (kind, monitor_id, text, created_at, status, next_attempt_at)
					 VALUES ('down', 1, ?, ?, ?, ?)`,
					[`<b>Monitor 0</b> is down (${status}, ${days} days ago)`, T0 - days * DAY, status, T0],
				);
			}
		});
	}

	it('copies exactly the rows rotation would delete into a SQLite file, and removes them once confirmed', async () => {
		const t = await setup();
		await withHistory(t);
		const e = t.db.engine;
		const oldChecks = e.all(`SELECT * FROM checks WHERE started_at < ? ORDER BY id`, [
			T0 - 30 * DAY,
		]);
		const oldRollups = e.all(
			`SELECT * FROM rollups WHERE resolution = 'minute' AND bucket_start < ?
			 ORDER BY monitor_id, resolution, bucket_start`,
			[T0 - 7 * DAY],
		);
		const kept = e.all(`SELECT * FROM checks WHERE started_at >= ? ORDER BY id`, [T0 - 30 * DAY]);
		expect(oldChecks.length).toBe(30);
		const oldNotifications = e.all(
			`SELECT * FROM outbox WHERE status != 'pending' AND created_at < ? ORDER BY id`,
			[T0 - 30 * DAY],
		);
		expect(oldNotifications).toHaveLength(3);

		const result = await t.maintenance.archive();
		expect(result.checks).toBe(30);
		expect(result.rollups).toBe(oldRollups.length);
		expect(result.notifications).toBe(3);
		expect(result.file?.filename).toMatch(/^monitor-archive-\d{4}-\d\d-\d\d-\d{6}\.db$/);

		const SQL = await loadSql();
		const archive = new SQL.Database(result.file!.bytes);
		const read = (sql: string) => {
			const [r] = archive.exec(sql);
			return (r?.values ?? []).map((v) => Object.fromEntries(r!.columns.map((c, i) => [c, v[i]])));
		};
		expect(read('SELECT * FROM checks ORDER BY id')).toEqual(oldChecks);
		expect(read('SELECT * FROM rollups ORDER BY monitor_id, resolution, bucket_start')).toEqual(
			oldRollups,
		);
		expect(read('SELECT * FROM outbox ORDER BY id')).toEqual(oldNotifications);
		archive.close();

		// Nothing is deleted before the person confirms the download finished.
		expect(e.value('SELECT count(*) FROM checks')).toBe(90);
		expect(await t.maintenance.confirmArchive(result.token!)).toEqual({
			checks: 30,
			rollups: oldRollups.length,
			notifications: 3,
		});

		expect(e.all('SELECT * FROM checks ORDER BY id')).toEqual(kept);
		expect(activityPage(e, { kind: 'maintenance' }).entries[0]!.message).toMatch(
			/^Archive: 30 checks, \d+ rollup rows and 3 notifications moved out/,
		);
		expect(e.value('SELECT count(*) FROM events')).toBe(1);
		expect(e.value("SELECT count(*) FROM rollups WHERE resolution = 'hour'")).toBe(90);
		expect(e.all('SELECT status FROM outbox ORDER BY id')).toEqual([
			{ status: 'pending' },
			{ status: 'sent' },
		]);
		const fractions = t.progress.filter((p) => p.task === 'archive').map((p) => p.fraction);
		expect(fractions[fractions.length - 1]).toBe(1);

		// Nothing left to archive: no file.
		expect(await t.maintenance.archive()).toEqual({
			checks: 0,
			rollups: 0,
			notifications: 0,
			file: null,
			token: null,
		});
		// A token is good once.
		await expect(t.maintenance.confirmArchive(result.token!)).rejects.toMatchObject({
			code: 'archive-expired',
		});
	});

	it('deletes nothing until the download is confirmed, and nothing at all when it is discarded', async () => {
		const t = await setup();
		await withHistory(t);
		const before = hashOf(t.db);
		const result = await t.maintenance.archive();
		expect(result.checks).toBe(30);
		expect(hashOf(t.db)).toBe(before);
		expect(t.maintenance.discardArchive(result.token!)).toEqual({ discarded: true });
		await expect(t.maintenance.confirmArchive(result.token!)).rejects.toMatchObject({
			code: 'archive-expired',
		});
		expect(hashOf(t.db)).toBe(before);
	});

	it('deletes nothing from a database a restore or an import brought in after the copy', async () => {
		const t = await setup();
		await withHistory(t);
		const result = await t.maintenance.archive();
		await t.db.replace(t.db.engine.db.export(), {
			reason: 'before-import',
			subject: 'This file',
			corrupt: 'import-corrupt',
			task: 'import',
		});
		const before = hashOf(t.db);
		await expect(t.maintenance.confirmArchive(result.token!)).rejects.toMatchObject({
			code: 'db-replaced',
		});
		expect(hashOf(t.db)).toBe(before);
	});

	it('keeps archive and database in step when a batch fails', async () => {
		const t = await setup();
		await withHistory(t);
		const before = hashOf(t.db);
		// A write that fails inside the batch's transaction: the trigger refuses deleting checks.
		await t.db.write(() =>
			t.db.engine.exec(
				"CREATE TEMP TRIGGER no_delete BEFORE DELETE ON checks BEGIN SELECT RAISE(ABORT, 'refused'); END",
			),
		);
		const result = await t.maintenance.archive();
		await expect(t.maintenance.confirmArchive(result.token!)).rejects.toThrow(/refused/);
		expect(hashOf(t.db)).toBe(before);
	});
});
