import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CATALOGUE } from '../../src/shared/errors';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { MANIFEST_FORMAT } from '../../src/worker/core/persistence/chunks';
import { LOG_CHECKPOINT_BLOCKS, planSave } from '../../src/worker/core/persistence/plan';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { parseMigrations } from '../../src/worker/core/migrations/files';
import { legacyManifest } from '../contract/legacy';
import { loadSql, newEngine, readMigrationSources, realMigrations } from './helpers';

async function open(store: MemoryImageStore, chunkSize = 4096) {
	return LiveDatabase.open({
		SQL: await loadSql(),
		store,
		files: await realMigrations(),
		writerId: 'test',
		chunkSize,
	});
}

const insert = (db: LiveDatabase, name: string) =>
	db.write(() =>
		db.engine.run(
			`INSERT INTO monitors (name, url, interval_s, timeout_ms, created_at, updated_at)
			 VALUES (?, 'http://127.0.0.2:9', 60, 1000, 1, 1)`,
			[name],
		),
	);

/** A store whose commits wait while `gate` is set. */
class GatedStore extends MemoryImageStore {
	gate: Promise<void> | null = null;
	override async commit(...args: Parameters<MemoryImageStore['commit']>): Promise<void> {
		if (this.gate) await this.gate;
		return super.commit(...args);
	}
}

/** 400 monitors with long names, so rows far apart live in different pages. */
async function spread(db: LiveDatabase): Promise<void> {
	await db.write(() => {
		for (let i = 0; i < 400; i++) {
			db.engine.run(
				`INSERT INTO monitors (name, url, interval_s, timeout_ms, created_at, updated_at)
				 VALUES (?, 'http://127.0.0.2:9', 60, 1000, 1, 1)`,
				[`${i} ${'x'.repeat(190)}`],
			);
		}
	});
}

/** Renames monitors far apart, one write each, until the stored log holds `blocks` blocks. */
async function fillLog(db: LiveDatabase, store: MemoryImageStore, blocks: number): Promise<void> {
	for (let i = 0; i < 40; i++) {
		await db.write(() =>
			db.engine.run('UPDATE monitors SET name = ? WHERE id = ?', [`renamed ${i}`, 1 + i * 37]),
		);
		if (store.log.length >= blocks) return;
	}
	throw new Error(`the log never held ${blocks} blocks`);
}

describe('persistence', () => {
	it('creates, migrates and durably saves a new database on first open', async () => {
		const store = new MemoryImageStore();
		const db = await open(store);
		expect(store.commits).toBe(1);
		expect(db.persister.generation).toBe(1);
		const stored = await store.load();
		expect(stored?.manifest.schemaVersion).toBe((await realMigrations()).length);
	});

	it('finds every acknowledged write after reopening from storage', async () => {
		const store = new MemoryImageStore();
		const db = await open(store);
		for (let i = 0; i < 20; i++) await insert(db, `m${i}`);
		const reopened = await open(store);
		expect(reopened.engine.value('SELECT count(*) FROM monitors')).toBe(20);
	});

	it('coalesces a burst of concurrent writes into a few saves, acknowledging each only once durable', async () => {
		const store = new MemoryImageStore();
		const db = await open(store);
		const before = store.commits;
		const acknowledged: number[] = [];
		await Promise.all(
			Array.from({ length: 200 }, (_, i) =>
				insert(db, `burst ${i}`).then(async () => {
					// Acknowledged means it is in storage already.
					const stored = await store.load();
					const check = await newEngine(stored!.image);
					expect(check.value('SELECT count(*) FROM monitors WHERE name = ?', [`burst ${i}`])).toBe(
						1,
					);
					check.db.close();
					acknowledged.push(i);
				}),
			),
		);
		expect(acknowledged).toHaveLength(200);
		expect(store.commits - before).toBeLessThanOrEqual(3);
		const reopened = await open(store);
		expect(reopened.engine.value('SELECT count(*) FROM monitors')).toBe(200);
	});

	it('logs the blocks of small writes and checkpoints them once the writer is idle', async () => {
		const store = new MemoryImageStore();
		const db = await open(store, 16_384);
		await spread(db);
		await db.persister.whenIdle();
		const before = store.commits;
		let logged = 0;
		for (let i = 0; i < 10; i++) {
			await db.write(() =>
				db.engine.run('UPDATE monitors SET name = ? WHERE id = ?', [`renamed ${i}`, 1 + i * 37]),
			);
			if (store.log.length > 0) logged++;
		}
		expect(logged).toBe(10);
		await db.persister.whenIdle();
		expect(store.log.length).toBeLessThan(LOG_CHECKPOINT_BLOCKS);
		// Checkpoints are saves of their own, on top of one per write.
		expect(store.commits - before).toBeGreaterThan(10);
		const reopened = await open(store, 16_384);
		expect(reopened.engine.value("SELECT count(*) FROM monitors WHERE name LIKE 'renamed %'")).toBe(
			10,
		);
	});

	it('saves a write that arrives while a checkpoint is being committed', async () => {
		const store = new GatedStore();
		const db = await open(store, 16_384);
		await spread(db);
		await db.persister.whenIdle();
		await fillLog(db, store, LOG_CHECKPOINT_BLOCKS);
		let release = () => {};
		store.gate = new Promise((resolve) => (release = resolve));
		// The checkpoint starts on the next turn and waits at the gate.
		await new Promise((resolve) => setTimeout(resolve, 5));
		const commits = store.commits;
		const write = db.write(() =>
			db.engine.run("UPDATE monitors SET name = 'during the checkpoint' WHERE id = 390"),
		);
		store.gate = null;
		release();
		await write;
		expect(store.commits).toBe(commits + 2);
		const stored = await store.load();
		const check = await newEngine(stored!.image);
		expect(check.value("SELECT count(*) FROM monitors WHERE name = 'during the checkpoint'")).toBe(
			1,
		);
		check.db.close();
	});

	it('keeps a write pending through failed saves and saves it on retry, never dropping it', async () => {
		const store = new MemoryImageStore();
		const db = await open(store);
		const quota = Object.assign(new Error('full'), { name: 'QuotaExceededError' });
		store.failNext = [quota, quota];
		let settled = false;
		const write = insert(db, 'survivor').then(() => (settled = true));
		await new Promise((r) => setTimeout(r, 5));
		expect(settled).toBe(false);
		expect(db.persister.status()).toMatchObject({
			state: 'error',
			pending: 1,
			errorCode: 'quota-exceeded',
			error: ERROR_CATALOGUE['quota-exceeded'],
		});
		await write; // the default backoff retries after 0.5 s, then 1 s
		expect(db.persister.status()).toMatchObject({
			state: 'saved',
			pending: 0,
			error: null,
			errorCode: null,
		});
		const reopened = await open(store);
		expect(reopened.engine.value("SELECT count(*) FROM monitors WHERE name = 'survivor'")).toBe(1);
	});

	it('a flush fails at once with the reason when a save fails, while the write stays pending and lands later', async () => {
		const store = new MemoryImageStore();
		const db = await open(store);
		const quota = Object.assign(new Error('full'), { name: 'QuotaExceededError' });
		store.failNext = [quota, quota];
		const write = insert(db, 'kept');
		await new Promise((resolve) => setTimeout(resolve, 5));
		// Before, the flush waited through the backoff for the retry to succeed, and resolved.
		const flushed = await db.persister.flushed().then(
			() => 'flushed',
			(error: unknown) => (error instanceof AppError ? error.code : String(error)),
		);
		expect(flushed).toBe('quota-exceeded');
		// Asked while the save is failing, a flush says so at once too.
		await expect(db.persister.flushed()).rejects.toMatchObject({ code: 'quota-exceeded' });
		await write;
		await db.persister.flushed();
		const reopened = await open(store);
		expect(reopened.engine.value("SELECT count(*) FROM monitors WHERE name = 'kept'")).toBe(1);
	});

	it('hurry retries a failed save at once instead of after its backoff (the page is closing)', async () => {
		const store = new MemoryImageStore();
		const db = await LiveDatabase.open({
			SQL: await loadSql(),
			store,
			files: await realMigrations(),
			writerId: 'test',
			backoff: () => 3_600_000, // an hour: without hurry the write below would never land here
		});
		store.failNext = [Object.assign(new Error('full'), { name: 'QuotaExceededError' })];
		let settled = false;
		const write = insert(db, 'saved on the way out').then(() => (settled = true));
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(settled).toBe(false);
		expect(db.persister.status()).toMatchObject({ state: 'error', pending: 1 });
		db.persister.hurry();
		await write;
		expect(db.persister.status()).toMatchObject({ state: 'saved', pending: 0 });
		db.persister.hurry(); // nothing waits: a no-op
		const reopened = await open(store);
		expect(
			reopened.engine.value("SELECT count(*) FROM monitors WHERE name = 'saved on the way out'"),
		).toBe(1);
	});

	it('out of space, drops the cold-open snapshot (a second copy of the file) before it retries, and takes no more', async () => {
		const store = new MemoryImageStore();
		const backoffs: number[] = [];
		const db = await LiveDatabase.open({
			SQL: await loadSql(),
			store,
			files: await realMigrations(),
			writerId: 'test',
			chunkSize: 4096,
			backoff: (attempt) => (backoffs.push(attempt), 0),
		});
		await spread(db);
		await db.persister.whenIdle();
		expect(await db.persister.snapshot()).toBe(true);
		const quota = Object.assign(new Error('full'), { name: 'QuotaExceededError' });
		store.failNext = [quota];
		await insert(db, 'after the snapshot went');
		expect(store.snapshot).toBeNull();
		// Retried at once, without a backoff, and the failure never reported.
		expect(backoffs).toEqual([]);
		expect(db.persister.status().errorCode).toBeNull();
		await spread(db);
		await db.persister.whenIdle();
		expect(await db.persister.snapshot()).toBe(false);
		expect(store.snapshot).toBeNull();
	});

	it('fences a stale writer: a second owner saving first makes the first one fail with stale-writer', async () => {
		const store = new MemoryImageStore();
		const first = await open(store);
		const second = await open(store);
		await insert(second, 'from the new owner');

		await expect(insert(first, 'from the old owner')).rejects.toMatchObject({
			code: 'stale-writer',
		});
		await expect(insert(first, 'again')).rejects.toBeInstanceOf(AppError);
		const reopened = await open(store);
		const names = reopened.engine
			.all<{ name: string }>('SELECT name FROM monitors')
			.map((r) => r.name);
		expect(names).toEqual(['from the new owner']);
	});

	it('opens a database an earlier build stored with 32-bit hashes; the first save rehashes it', async () => {
		const earlier = new MemoryImageStore();
		const db = await open(earlier);
		for (let i = 0; i < 30; i++) await insert(db, `kept ${i}`);
		const { image } = (await earlier.load())!;
		const store = new MemoryImageStore();
		const plan = planSave(image, null, null, {
			chunkSize: 4096,
			pageSize: 4096,
			schemaVersion: db.status().migrations.appSchemaVersion,
			writerId: 'earlier build',
			now: 1,
		});
		plan.manifest = legacyManifest(plan.manifest, image);
		await store.commit(plan, 0);

		const reopened = await open(store);
		expect(reopened.engine.value('SELECT count(*) FROM monitors')).toBe(30);
		await insert(reopened, 'after the update');
		const stored = await store.load();
		expect(stored?.manifest.format).toBe(MANIFEST_FORMAT);
		const check = await newEngine(stored!.image);
		expect(check.value('SELECT count(*) FROM monitors')).toBe(31);
		check.db.close();
	});

	it('storage that vanishes under an open database is claimed again and saved whole: nothing acknowledged is lost, and the person is told', async () => {
		const store = new MemoryImageStore();
		const db = await open(store);
		for (let i = 0; i < 5; i++) await insert(db, `before ${i}`);
		store.vanish();
		await insert(db, 'after the storage vanished');
		expect(db.persister.status()).toMatchObject({
			state: 'saved',
			pending: 0,
			notice: { code: 'storage-lost', message: ERROR_CATALOGUE['storage-lost'] },
		});
		await insert(db, 'and later');
		const reopened = await open(store);
		expect(reopened.engine.value('SELECT count(*) FROM monitors')).toBe(7);
		expect(reopened.engine.value('PRAGMA integrity_check')).toBe('ok');
	});

	it('storage that vanished and was claimed by another writer before this one could: this one is fenced', async () => {
		class Contested extends MemoryImageStore {
			override reclaim(writerId: string): Promise<void> {
				void this.claim('another window');
				return super.reclaim(writerId);
			}
		}
		const store = new Contested();
		const db = await open(store);
		await insert(db, 'before');
		store.vanish();
		await expect(insert(db, 'after')).rejects.toMatchObject({ code: 'stale-writer' });
		expect(await store.load()).toBeNull();
	});

	it('does not save when a write changed nothing', async () => {
		const store = new MemoryImageStore();
		const db = await open(store);
		const before = store.commits;
		await db.write(() => db.engine.run('DELETE FROM monitors WHERE id = 999'));
		expect(store.commits).toBe(before);
	});

	it('rolls back a write whose body throws, and saves nothing', async () => {
		const store = new MemoryImageStore();
		const db = await open(store);
		const before = store.commits;
		await expect(
			db.write(() => {
				db.engine.run(
					`INSERT INTO monitors (name, url, interval_s, timeout_ms, created_at, updated_at)
					 VALUES ('x', 'http://127.0.0.2:9/x', 60, 1000, 1, 1)`,
				);
				throw new Error('changed my mind');
			}),
		).rejects.toThrow('changed my mind');
		expect(db.engine.value('SELECT count(*) FROM monitors')).toBe(0);
		expect(store.commits).toBe(before);
	});

	it('opens a database from a newer app read-only and refuses writes with the reason', async () => {
		const store = new MemoryImageStore();
		const SQL = await loadSql();
		const next = String((await realMigrations()).length + 1).padStart(3, '0');
		// A newer app, with one more migration, wrote this database.
		const future = await parseMigrations({
			...readMigrationSources(),
			[`/migrations/${next}_future.sql`]: 'CREATE TABLE future (id INTEGER);',
		});
		await LiveDatabase.open({ SQL, store, files: future, writerId: 'newer-app' });

		const db = await open(store);
		expect(db.readOnly?.code).toBe('db-newer-than-app');
		expect(db.status().migrations.verdict).toBe('newer');
		await expect(insert(db, 'nope')).rejects.toMatchObject({
			code: 'db-read-only',
			detail: { reason: 'db-newer-than-app' },
		});
		expect(() => db.engine.run("INSERT INTO settings VALUES ('a', 'b', 1)")).toThrow(
			/readonly|read-only|query_only|attempt to write/i,
		);
	});
});
