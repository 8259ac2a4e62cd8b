/**
 * Backups around the live database: before a migration, on demand, and restore, with every failure
 * path shown to leave the live database and its storage exactly as they were.
 */
import {
	SQLJS_HOOK_PROPERTY,
	type SqlJsFileHook,
} from '../../src/worker/core/persistence/sqljs-patch';
import { describe, expect, it } from 'vitest';
import type { TaskProgress } from '../../src/shared/backups';
import { AppError } from '../../src/shared/errors';
import { loadBackup, saveBackup } from '../../src/worker/core/backups/backups';
import { MemoryBackupStore } from '../../src/worker/core/backups/memory-backup-store';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import type { MigrationFile } from '../../src/worker/core/migrations/files';
import { parseMigrations } from '../../src/worker/core/migrations/files';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { loadSql, newEngine, readMigrationSources, realMigrations, sha256 } from './helpers';
import { unusedBytes, weakHashState, weakHashTwin } from './weak-hash';

const real = readMigrationSources();
const next = String(Object.keys(real).length + 1).padStart(3, '0');

/** The real migrations plus one more, as a later release would ship them. */
function withNext(name: string, sql: string): Promise<MigrationFile[]> {
	return parseMigrations({ ...real, [`/migrations/${next}_${name}.sql`]: sql });
}

interface Harness {
	store: MemoryImageStore;
	backups: MemoryBackupStore;
	changed: string[][];
	progress: TaskProgress[];
}

function harness(): Harness {
	return {
		store: new MemoryImageStore(),
		backups: new MemoryBackupStore(),
		changed: [],
		progress: [],
	};
}

async function open(h: Harness, files?: readonly MigrationFile[]): Promise<LiveDatabase> {
	return LiveDatabase.open({
		SQL: await loadSql(),
		store: h.store,
		backups: h.backups,
		files: files ?? (await realMigrations()),
		writerId: 'test',
		chunkSize: 4096,
		onChanged: (tables) => h.changed.push(tables),
		onProgress: (p) => h.progress.push(p),
	});
}

const addMonitor = (db: LiveDatabase, name: string, url = `http://127.0.0.2:9/${name}`) =>
	db.write(() =>
		db.engine.run(
			`INSERT INTO monitors (name, url, interval_s, timeout_ms, created_at, updated_at)
			 VALUES (?, ?, 60, 1000, 1, 1)`,
			[name, url],
		),
	);

const names = (db: LiveDatabase) =>
	db.engine.all<{ name: string }>('SELECT name FROM monitors ORDER BY name').map((r) => r.name);

async function storedHash(store: MemoryImageStore): Promise<string> {
	const stored = await store.load();
	return stored ? sha256(stored.image) : 'empty';
}

async function caught(promise: Promise<unknown>): Promise<AppError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof AppError) return error;
		throw error;
	}
	throw new Error('expected an AppError');
}

describe('backup before migration', () => {
	it('makes no backup of a brand-new database (there is nothing to lose)', async () => {
		const h = harness();
		await open(h);
		expect(await h.backups.list()).toEqual([]);
	});

	it('backs up the stored file, byte for byte, before applying a pending migration', async () => {
		const h = harness();
		const v1 = await open(h);
		await addMonitor(v1, 'alpha');
		await addMonitor(v1, 'beta');
		const before = await storedHash(h.store);

		const db = await open(
			h,
			await withNext('add_notes', 'ALTER TABLE monitors ADD COLUMN notes TEXT;'),
		);
		expect(db.readOnly).toBeNull();
		expect(db.engine.value('PRAGMA user_version')).toBe(Number(next));

		const [backup] = await h.backups.list();
		expect(backup).toMatchObject({
			reason: 'before-migration',
			detail: `${next}_add_notes.sql`,
			schemaVersion: Number(next) - 1,
			monitorCount: 2,
			sha256: before,
		});
		const { image } = await loadBackup(h.backups, backup!.id);
		expect(sha256(image)).toBe(before);
	});

	it('a failing migration: names the file and SQLite’s reason, keeps the old data read-only and the backup', async () => {
		const h = harness();
		const v1 = await open(h);
		// Two monitors with the same URL make the next release's UNIQUE index impossible.
		await addMonitor(v1, 'one', 'http://127.0.0.2:9/dup');
		await addMonitor(v1, 'two', 'http://127.0.0.2:9/dup');
		const before = await storedHash(h.store);
		const commits = h.store.commits;

		const db = await open(
			h,
			await withNext('unique_urls', 'CREATE UNIQUE INDEX monitors_url ON monitors (url);'),
		);
		expect(db.readOnly?.code).toBe('migration-failed');
		const message = db.readOnly!.message;
		expect(message).toContain(`${next}_unique_urls.sql`);
		expect(message).toContain('UNIQUE constraint failed: monitors.url');
		expect(message).toContain(`schema version ${Number(next) - 1}`);
		expect(message).toMatch(/backup from before the update \(#1\)/);
		expect(db.status().readOnlyReason).toBe(message);

		// The app keeps working on the old schema, read-only: data readable, nothing written.
		expect(names(db)).toEqual(['one', 'two']);
		// The live file itself (export() would rewrite the header's counters), byte for byte as stored.
		const hook = (db.engine.db as unknown as Record<string, SqlJsFileHook>)[SQLJS_HOOK_PROPERTY]!;
		expect(sha256(hook.bytes())).toBe(before);
		expect(await storedHash(h.store)).toBe(before);
		expect(h.store.commits).toBe(commits);
		await expect(addMonitor(db, 'three')).rejects.toMatchObject({ code: 'db-read-only' });

		const [backup] = await h.backups.list();
		expect(backup).toMatchObject({ reason: 'before-migration', sha256: before });

		// The next start tries again and fails again, without piling up copies of the same file.
		const again = await open(
			h,
			await withNext('unique_urls', 'CREATE UNIQUE INDEX monitors_url ON monitors (url);'),
		);
		expect(again.readOnly?.message).toMatch(/backup from before the update \(#1\)/);
		expect(await h.backups.list()).toHaveLength(1);
	});

	it('does not migrate when the backup cannot be made, and says why', async () => {
		const h = harness();
		await addMonitor(await open(h), 'kept');
		const before = await storedHash(h.store);
		h.backups.failNext = [Object.assign(new Error('full'), { name: 'QuotaExceededError' })];

		const db = await open(
			h,
			await withNext('add_notes', 'ALTER TABLE monitors ADD COLUMN notes TEXT;'),
		);
		expect(db.readOnly?.code).toBe('backup-failed');
		expect(db.readOnly?.message).toMatch(/could not back up the database before updating it/);
		expect(db.readOnly?.message).toMatch(/out of storage space/);
		expect(db.engine.value('PRAGMA user_version')).toBe(Number(next) - 1);
		expect(await storedHash(h.store)).toBe(before);
	});
});

describe('manual backup and restore', () => {
	it('restores a backup: data returns, the state it replaced is backed up, every table is announced, and it survives a reopen', async () => {
		const h = harness();
		const db = await open(h);
		await addMonitor(db, 'original');
		const manual = await db.createBackup('manual');
		expect(manual).toMatchObject({ reason: 'manual', monitorCount: 1 });

		await addMonitor(db, 'added later');
		await db.write(() => db.engine.run("DELETE FROM monitors WHERE name = 'original'"));
		const replacedHash = sha256(db.engine.db.export());
		h.changed.length = 0;

		const { restored, safety } = await db.restoreBackup(manual.id);
		expect(restored.id).toBe(manual.id);
		expect(names(db)).toEqual(['original']);
		expect(safety).toMatchObject({
			reason: 'before-restore',
			detail: `of backup #${manual.id}`,
			monitorCount: 1,
		});
		expect(sha256((await loadBackup(h.backups, safety.id)).image)).toBe(replacedHash);
		expect(h.changed.at(-1)).toEqual(
			expect.arrayContaining(['_migrations', 'app_log', 'monitors', 'settings']),
		);
		expect(h.progress.at(-1)).toEqual({ task: null, step: '', fraction: null });
		expect(
			h.progress.some((p) => p.task === 'restore' && p.step === 'Backing up the current database'),
		).toBe(true);

		// Writable and durable afterwards.
		await addMonitor(db, 'after restore');
		const reopened = await open(h);
		expect(names(reopened)).toEqual(['after restore', 'original']);
	});

	it('stores a restored backup byte for byte, even where it differs from the stored file only in a way the earlier 32-bit hash could not see', async () => {
		const h = harness();
		const db = await open(h);
		for (let i = 0; i < 40; i++) await addMonitor(db, `monitor ${i}`);
		const image = db.engine.db.export();
		// Two words in bytes SQLite does not use, changed so that the chunk's 32-bit hash stays the same.
		const at = unusedBytes(image, 4096, 8);
		const chunk = Math.floor(at / 4096) * 4096;
		const original = image.slice(chunk, chunk + 4096);
		const twin = weakHashTwin(original, (at - chunk) / 4, 0x5eed);
		expect(weakHashState(twin)).toBe(weakHashState(original));
		const near = image.slice();
		near.set(twin, chunk);
		const info = await saveBackup(
			h.backups,
			{ image: near, schemaVersion: 0, monitorCount: 40 },
			'manual',
			null,
		);

		await db.restoreBackup(info.id);
		const stored = (await h.store.load())!.image;
		expect(Array.from(stored.subarray(at, at + 8))).toEqual(Array.from(near.subarray(at, at + 8)));
		expect(sha256(stored.subarray(4096))).toBe(sha256(near.subarray(4096)));
	});

	it('migrates a backup of an older schema while restoring it', async () => {
		const h = harness();
		const v1 = await open(h);
		await addMonitor(v1, 'old');
		const oldBackup = await v1.createBackup('manual');

		const files = await withNext(
			'add_notes',
			"ALTER TABLE monitors ADD COLUMN notes TEXT NOT NULL DEFAULT '';",
		);
		const db = await open(h, files);
		await db.write(() => db.engine.run("UPDATE monitors SET notes = 'new schema'"));
		await db.restoreBackup(oldBackup.id);
		expect(db.engine.value('PRAGMA user_version')).toBe(Number(next));
		expect(db.engine.all('SELECT name, notes FROM monitors')).toEqual([{ name: 'old', notes: '' }]);
		expect(db.report().verdict).toBe('up-to-date');
	});

	it('makes a read-only database (failed migration) writable again by restoring a good backup', async () => {
		const h = harness();
		const v1 = await open(h);
		await addMonitor(v1, 'a', 'http://127.0.0.2:9/dup');
		const good = await v1.createBackup('manual');
		await addMonitor(v1, 'b', 'http://127.0.0.2:9/dup');
		const phases: unknown[] = [];
		const db = await LiveDatabase.open({
			SQL: await loadSql(),
			store: h.store,
			backups: h.backups,
			files: await withNext('unique_urls', 'CREATE UNIQUE INDEX monitors_url ON monitors (url);'),
			writerId: 'test',
			onPhase: (p) => phases.push(p),
		});
		expect(db.readOnly?.code).toBe('migration-failed');
		await db.restoreBackup(good.id);
		expect(db.readOnly).toBeNull();
		expect(db.engine.value('PRAGMA query_only')).toBe(0);
		expect(phases.at(-1)).toEqual({ phase: 'ready', readOnly: false, role: 'owner' });
		await addMonitor(db, 'c');
		expect(names(db)).toEqual(['a', 'c']);
	});
});

describe('restore never leaves a half state', () => {
	async function setup() {
		const h = harness();
		const db = await open(h);
		await addMonitor(db, 'in the backup');
		const backup = await db.createBackup('manual');
		await addMonitor(db, 'current only');
		return {
			h,
			db,
			backup,
			live: sha256(db.engine.db.export()),
			stored: await storedHash(h.store),
		};
	}

	async function unchanged(s: Awaited<ReturnType<typeof setup>>) {
		expect(sha256(s.db.engine.db.export())).toBe(s.live);
		expect(await storedHash(s.h.store)).toBe(s.stored);
		expect(names(s.db)).toEqual(['current only', 'in the backup']);
		// Still writable, and the write is durable.
		await addMonitor(s.db, 'still works');
		expect(names(await open(s.h))).toContain('still works');
	}

	it('when saving the restored file fails', async () => {
		const s = await setup();
		s.h.store.failNext = [Object.assign(new Error('full'), { name: 'QuotaExceededError' })];
		const error = await caught(s.db.restoreBackup(s.backup.id));
		expect(error.code).toBe('quota-exceeded');
		await unchanged(s);
	});

	it('when the backup is damaged', async () => {
		const s = await setup();
		s.h.backups.corrupt(s.backup.id);
		expect((await caught(s.db.restoreBackup(s.backup.id))).code).toBe('backup-corrupt');
		await unchanged(s);
	});

	it('when the backup is gone', async () => {
		const s = await setup();
		expect((await caught(s.db.restoreBackup(999))).code).toBe('backup-not-found');
		await unchanged(s);
	});

	it('when the backup of the current state cannot be made', async () => {
		const s = await setup();
		s.h.backups.failNext = [new Error('disk on fire')];
		expect((await caught(s.db.restoreBackup(s.backup.id))).code).toBe('backup-failed');
		await unchanged(s);
	});

	it('when the backup comes from a newer app', async () => {
		const s = await setup();
		const future = await withNext('future', 'CREATE TABLE future (id INTEGER);');
		const engine = await newEngine(s.db.engine.db.export());
		const { migrate } = await import('../../src/worker/core/migrations/runner');
		migrate(engine, future);
		const image = engine.db.export();
		const error = await caught(
			s.db.replace(image, {
				reason: 'before-import',
				subject: 'This file',
				corrupt: 'backup-corrupt',
			}),
		);
		expect(error.code).toBe('db-newer-than-app');
		expect(error.message).toMatch(/This file was made by a newer version of Monitor/);
		await unchanged(s);
	});

	it('when the incoming file is not SQLite, not Monitor, or damaged', async () => {
		const s = await setup();
		const opts = {
			reason: 'before-import',
			subject: 'This file',
			corrupt: 'backup-corrupt',
		} as const;
		const text = new TextEncoder().encode('name,url\nx,https://x\n'.repeat(20));
		expect((await caught(s.db.replace(text, opts))).code).toBe('not-sqlite');

		const foreign = await newEngine();
		foreign.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
		expect((await caught(s.db.replace(foreign.db.export(), opts))).code).toBe('not-monitor-db');

		const damaged = s.db.engine.db.export();
		damaged.fill(0x55, 4096, 4096 * 2); // page 2 holds a table's b-tree
		expect((await caught(s.db.replace(damaged, opts))).code).toBe('backup-corrupt');
		expect(await s.h.backups.list()).toHaveLength(1); // no backup was made for a refused file
		await unchanged(s);
	});

	it('when another window owns the database now (the stale-writer fence)', async () => {
		const s = await setup();
		const other = await open(s.h);
		await addMonitor(other, 'from the new owner');
		await expect(addMonitor(s.db, 'too late')).rejects.toMatchObject({ code: 'stale-writer' });
		const stored = await storedHash(s.h.store);
		const error = await caught(s.db.restoreBackup(s.backup.id));
		expect(error.code).toBe('save-failed');
		expect(error.message).toMatch(/Another window now owns the database/);
		expect(await storedHash(s.h.store)).toBe(stored);
		expect(names(await open(s.h))).toEqual(['current only', 'from the new owner', 'in the backup']);
	});

	it('when migrating the restored file fails', async () => {
		const h = harness();
		const v1 = await open(h);
		await addMonitor(v1, 'x', 'http://127.0.0.2:9/dup');
		await addMonitor(v1, 'y', 'http://127.0.0.2:9/dup');
		const dupes = await v1.createBackup('manual');
		await v1.write(() =>
			v1.engine.run("UPDATE monitors SET url = 'http://127.0.0.2:9/unique' WHERE name = 'y'"),
		);
		const db = await open(
			h,
			await withNext('unique_urls', 'CREATE UNIQUE INDEX monitors_url ON monitors (url);'),
		);
		expect(db.readOnly).toBeNull();
		const live = sha256(db.engine.db.export());
		const stored = await storedHash(h.store);

		const error = await caught(db.restoreBackup(dupes.id));
		expect(error.code).toBe('migration-failed');
		expect(error.message).toContain('UNIQUE constraint failed: monitors.url');
		expect(sha256(db.engine.db.export())).toBe(live);
		expect(await storedHash(h.store)).toBe(stored);
	});

	it('writes during a restore wait for it and land on the restored database; a second restore is refused', async () => {
		const s = await setup();
		const restoring = s.db.restoreBackup(s.backup.id);
		const second = caught(s.db.restoreBackup(s.backup.id));
		const manual = caught(s.db.createBackup('manual'));
		const write = addMonitor(s.db, 'during restore');
		expect((await second).code).toBe('busy');
		expect((await manual).code).toBe('busy');
		await restoring;
		await write;
		expect(names(s.db)).toEqual(['during restore', 'in the backup']);
		expect(names(await open(s.h))).toEqual(['during restore', 'in the backup']);
	});
});
