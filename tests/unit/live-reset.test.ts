/**
 * "Reset from here" and "Dry run pending migrations" on the live database (the worker's path), with the
 * real sql.js and the shipped migrations: a before-reset backup first, every row kept and saved, the
 * activity log told; a refusal changes nothing, not even the stored bytes.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { MemoryBackupStore } from '../../src/worker/core/backups/memory-backup-store';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import type { MigrationFile } from '../../src/worker/core/migrations/files';
import { parseMigrations } from '../../src/worker/core/migrations/files';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { recordMigrations, recordReset } from '../../src/worker/domain/activity/migrations';
import { listActivity } from '../../src/worker/stores/activity';
import { loadSql, readMigrationSources, realMigrations, sha256 } from './helpers';
import { dumpRows } from './schema';

const real = readMigrationSources();

async function open(
	store: MemoryImageStore,
	backups: MemoryBackupStore,
	files?: readonly MigrationFile[],
): Promise<LiveDatabase> {
	return LiveDatabase.open({
		SQL: await loadSql(),
		store,
		backups,
		files: files ?? (await realMigrations()),
		writerId: 'test',
		chunkSize: 4096,
		now: () => 1_800_000_000_000,
		onMigrated: (engine, run) => recordMigrations(engine, 1_800_000_000_000, run),
	});
}

async function withData(db: LiveDatabase): Promise<void> {
	await db.write(() => {
		db.engine.run(
			`INSERT INTO monitors (name, url, interval_s, timeout_ms, created_at, updated_at, conditions)
			 VALUES ('api', 'http://127.0.0.1:9/', 60, 1000, 1, 1, '{"status":[200]}')`,
		);
		db.engine.run('INSERT INTO monitor_status (monitor_id, next_due_at) VALUES (1, 5)');
		db.engine.run(
			`INSERT INTO checks (monitor_id, due_at, started_at, duration_ms, outcome, http_status, mode)
			 VALUES (1, 1, 2, 12.5, 'up', 200, 'full'), (1, 3, 4, 80, 'down', 500, 'full')`,
		);
		db.engine.run("INSERT INTO settings (key, value, updated_at) VALUES ('theme', 'dark', 1)");
	});
}

async function stored(store: MemoryImageStore): Promise<string> {
	const image = await store.load();
	return sha256(image!.image);
}

describe('the live database', () => {
	it('records the migrations it ran when it was created, with their timings, and nothing when none ran', async () => {
		const store = new MemoryImageStore();
		const backups = new MemoryBackupStore();
		const db = await open(store, backups);
		const [line] = listActivity(db.engine, { kind: 'migration', limit: 10 });
		expect(line!.message).toMatch(
			/^Database created\. Applied: 001_init\.sql \([\d.]+m?s\), .*011_maintenance_windows\.sql \([\d.]+m?s\)\. Total time: .*, average .* per migration\.$/,
		);
		expect(line!.details).toMatchObject({ from: 0, to: 11, migrations: 11, backup: null });
		const bytes = await stored(store);
		const again = await open(store, backups);
		expect(listActivity(again.engine, { kind: 'migration', limit: 10 })).toHaveLength(1);
		expect(await stored(store)).toBe(bytes);
	});

	it('records an update of an older database, naming the backup made before it', async () => {
		const store = new MemoryImageStore();
		const backups = new MemoryBackupStore();
		const files = await realMigrations();
		await open(store, backups, files.slice(0, 5));
		const db = await open(store, backups, files);
		const [latest] = listActivity(db.engine, { kind: 'migration', limit: 10 });
		const [backup] = await db.listBackups();
		expect(backup!.reason).toBe('before-migration');
		expect(latest!.message).toMatch(
			new RegExp(
				`^Database updated from schema version 5 to 11\\. Applied: 006_account\\.sql .*, 007_history_blocks\\.sql .*, 008_request_bodies_sessions\\.sql .*, 009_alert_channels\\.sql .*, 010_tags\\.sql .*, 011_maintenance_windows\\.sql .*The database before it is backup #${backup!.id}\\.$`,
			),
		);
	});

	it('resets from a migration: backup first, every row kept and saved, the reset in the activity log', async () => {
		const store = new MemoryImageStore();
		const backups = new MemoryBackupStore();
		const db = await open(store, backups);
		await withData(db);
		const before = dumpRows(db.engine);
		const report = await db.reset('003', (engine, r) => recordReset(engine, 1_800_000_000_000, r));

		expect(report.migration).toBe('003_checks.sql');
		expect(report.undone.map((u) => u.filename)).toEqual([
			'011_maintenance_windows.sql',
			'010_tags.sql',
			'009_alert_channels.sql',
			'008_request_bodies_sessions.sql',
			'007_history_blocks.sql',
			'006_account.sql',
			'005_health.sql',
			'004_telegram.sql',
			'003_checks.sql',
		]);
		const list = await db.listBackups();
		expect(list.map((b) => [b.id, b.reason, b.detail])).toContainEqual([
			report.backupId,
			'before-reset',
			'from 003_checks.sql',
		]);
		const after = dumpRows(db.engine);
		const [line] = listActivity(db.engine, { kind: 'reset', limit: 10 });
		expect(line!.message).toMatch(
			/^Reset from 003_checks\.sql: undone 011_maintenance_windows\.sql/,
		);
		expect(line!.details).toMatchObject({ migration: '003_checks.sql', backup: report.backupId });
		// The log gained the reset's line; everything else is as it was.
		expect({ ...after, app_log: after.app_log!.slice(0, -1) }).toEqual(before);

		// Saved: a reopen from storage sees the same rows.
		const reopened = await open(store, backups);
		expect(dumpRows(reopened.engine)).toEqual(after);
		// The backup holds the database before the reset.
		const { image } = await db.readBackup(report.backupId!);
		const SQL = await loadSql();
		const old = new SQL.Database(image);
		expect(old.exec('SELECT count(*) FROM checks')[0]!.values[0]![0]).toBe(2);
		old.close();
	});

	it('refuses a reset whose migration says undoing destroys data, changing nothing and backing up nothing', async () => {
		const files = await parseMigrations({
			...real,
			'/migrations/012_move.sql':
				'CREATE TABLE moved (id INTEGER PRIMARY KEY);\n-- migrate:down\n-- reset refuses: its rows were moved out of checks and cannot be put back.\nDROP TABLE moved;\n',
		});
		const store = new MemoryImageStore();
		const backups = new MemoryBackupStore();
		const db = await open(store, backups, files);
		await withData(db);
		const bytes = await stored(store);
		const count = (await db.listBackups()).length;
		const error = await db.reset('011').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AppError);
		expect((error as AppError).code).toBe('migration-reset-refused');
		expect((error as AppError).message).toContain(
			'Undoing 012_move.sql would destroy data: its rows were moved out of checks and cannot be put back.',
		);
		expect(await db.listBackups()).toHaveLength(count);
		expect(await stored(store)).toBe(bytes);
	});

	it('dry-runs pending migrations on a copy: up to date, nothing; a file that cannot migrate, the failure', async () => {
		const store = new MemoryImageStore();
		const backups = new MemoryBackupStore();
		const db = await open(store, backups);
		expect(await db.dryRunMigrations()).toEqual({ fromVersion: 11, toVersion: 11, applied: [] });
		await withData(db);
		// A later build whose new migration fails on this data opens it read-only, on schema version 9.
		const files = await parseMigrations({
			...real,
			'/migrations/012_one_up.sql': 'CREATE UNIQUE INDEX one_per_mode ON checks (mode);\n',
		});
		const later = await open(store, backups, files);
		expect(later.readOnly?.code).toBe('migration-failed');
		const bytes = sha256(later.engine.db.export());
		const error = await later.dryRunMigrations().catch((e: unknown) => e);
		expect((error as AppError).code).toBe('migration-failed');
		expect((error as AppError).message).toContain(
			'012_one_up.sql failed: UNIQUE constraint failed',
		);
		expect(sha256(later.engine.db.export())).toBe(bytes);
	});
});
