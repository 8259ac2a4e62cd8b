/**
 * The live database of this worker, as the rest of the worker sees it. It composes what a database's
 * life is made of: opened from storage (or created), backed up and migrated (open.ts); written through
 * `write()`, which commits in memory and resolves only once the change is durable (writer.ts); a whole
 * other file swapped in by a restore or an import without ever leaving a half state (replace.ts); and
 * backups of the file as it is (backups.ts). What those parts share is a LiveState (live-state.ts).
 */
import type { BackupInfo, BackupReason, TaskProgress } from '../../../shared/backups';
import { LAST_EXPORT_KEY, parseEpochMs } from '../../../shared/backup-reminder';
import type {
	DatabaseStatus,
	DryRunReport,
	MigrationReport,
	ResetReport,
} from '../../../shared/database';
import type { AppError } from '../../../shared/errors';
import { loadBackup } from '../backups/backups';
import { rewriteBackups, type BackupRewrite, type RewriteOutcome } from '../backups/rewrite';
import { openEngine } from '../connection';
import { Engine } from '../engine';
import { DatabaseHealth } from '../metrics/recorder';
import { inspect } from '../migrations/runner';
import { markOpen } from '../persistence/marks';
import type { Persister } from '../persistence/persister';
import { backupStoreOf, createBackup, deleteBackup } from './backups';
import { LiveState } from './live-state';
import { checkSnapshot, openStored, persisterFor } from './open';
import type { OpenGiven } from './options';
import { prepareImage, type Prepared, type PrepareOptions } from './prepare-image';
import { replaceWith, restoreBackup, type ReplaceOptions } from './replace';
import { dryRunLive, resetLive, type ResetRecorder } from './reset';
import { answered, maintain, pruneRequests, write } from './writer';

export class LiveDatabase {
	readonly #live: LiveState;

	private constructor(live: LiveState) {
		this.#live = live;
	}

	/**
	 * `SQL` may be a loader and `files` a promise: sql.js compiles its wasm and the migrations are hashed
	 * while the stored image is read, which is started first.
	 *
	 * A current snapshot is opened without hashing every chunk first: the first queries are answered
	 * while the chunks are checked in the background, and writes, backups and exports wait for that check.
	 * Should it fail, the database is reopened from its chunk records (see `checkSnapshot`).
	 */
	static async open(given: OpenGiven): Promise<LiveDatabase> {
		const { options, opened } = await openStored(given);
		const health = new DatabaseHealth(options.now);
		const live = new LiveState({
			engine: opened.engine,
			persister: persisterFor(
				options,
				opened.engine,
				opened.stored?.manifest ?? null,
				health,
				opened.stored?.snapshotGeneration ?? null,
			),
			readOnly: opened.readOnly,
			options,
			health,
			persisterFor: (engine, manifest) => persisterFor(options, engine, manifest, health),
		});
		// Migrations and the first image are saved with strict durability: they are rare and precious.
		if (opened.migrated) await live.persister.persist('strict');
		if (opened.stored && opened.stored.unverified.length > 0) {
			live.verifyWith(checkSnapshot(live, opened.stored));
		}
		markOpen('ready');
		return new LiveDatabase(live);
	}

	/**
	 * Resolves once the database opened from a snapshot has been checked (at once otherwise). Anything
	 * that takes the whole file out of the worker (an export, a backup, an integrity check) waits for it.
	 */
	settled(): Promise<void> {
		return this.#live.settled();
	}

	get engine(): Engine {
		return this.#live.engine;
	}

	get persister(): Persister {
		return this.#live.persister;
	}

	get readOnly(): AppError | null {
		return this.#live.readOnly;
	}

	/** Statement times, durable writes and save latencies, for the health page. */
	get health(): DatabaseHealth {
		return this.#live.health;
	}

	/** See writer.ts: a transaction that resolves once durable, applied once per `requestId`. */
	write<T>(fn: () => T, requestId?: string): Promise<T> {
		return write(this.#live, fn, requestId);
	}

	/** The ledger's durable answer to `requestId`, or null (see writer.ts). */
	answered(requestId: string): Promise<{ result: unknown } | null> {
		return answered(this.#live, requestId);
	}

	/** Hears about every durable change, by table name (owner-side jobs use it; windows get events). */
	subscribe(listener: (tables: string[]) => void): () => void {
		this.#live.listeners.add(listener);
		return () => this.#live.listeners.delete(listener);
	}

	/** Deletes ledger rows older than `maxAgeMs`; run by the owner from time to time. */
	pruneRequests(maxAgeMs: number): Promise<number> {
		return pruneRequests(this.#live, maxAgeMs);
	}

	async listBackups(): Promise<BackupInfo[]> {
		return backupStoreOf(this.#live).list();
	}

	/** Backs up the database as it is now (everything committed, saved or not). */
	createBackup(reason: BackupReason, detail: string | null = null): Promise<BackupInfo> {
		return createBackup(this.#live, reason, detail);
	}

	deleteBackup(id: number): Promise<{ deleted: boolean }> {
		return deleteBackup(this.#live, id);
	}

	/** A backup as a plain SQLite file, verified against its checksum. */
	/** Rewrites stored backups one by one (see backups/rewrite.ts); the live database is not touched. */
	rewriteBackups(
		rewrite: (engine: Engine, info: BackupInfo) => Promise<BackupRewrite>,
	): Promise<RewriteOutcome> {
		return rewriteBackups(this.#live.options.SQL, backupStoreOf(this.#live), rewrite);
	}

	async readBackup(id: number): Promise<{ info: BackupInfo; image: Uint8Array }> {
		return loadBackup(backupStoreOf(this.#live), id);
	}

	/** Replaces the database with a backup, after backing up the current state. */
	restoreBackup(id: number): Promise<{ restored: BackupInfo; safety: BackupInfo }> {
		return restoreBackup(this.#live, id);
	}

	/**
	 * Swaps in another database file (see replace.ts); resolves with the backup of the previous one.
	 * Given an `Engine`, the file was already checked and migrated (`prepare`); `replace` then owns it,
	 * and closes it if the swap fails.
	 */
	async replace(image: Uint8Array | Engine, options: ReplaceOptions): Promise<BackupInfo> {
		const live = this.#live;
		await live.settled();
		// Refused as `busy` below: a prepared engine handed over is still closed.
		if (live.swapping && image instanceof Engine) image.db.close();
		return live.exclusively(() => replaceWith(live, image, options));
	}

	/**
	 * A private copy of the live database as committed now, for work that must not touch it (a merge's
	 * preview). The caller closes it.
	 */
	copy(): Engine {
		return openEngine(this.#live.options.SQL, this.#live.engine.db.export(), { adopt: true });
	}

	/**
	 * Runs `change` on a private copy of the live database, then swaps the copy in as `replace` does
	 * (backup first, one strict commit, every view refreshed). Writes wait meanwhile; if `change` or the
	 * swap fails, the live database and its storage stay exactly as they were.
	 */
	async replaceWithChanged<T>(
		change: (copy: Engine) => Promise<T>,
		options: ReplaceOptions,
	): Promise<{ result: T; safety: BackupInfo }> {
		const live = this.#live;
		await live.settled();
		return live.exclusively(async () => {
			live.assertWritable();
			const copy = this.copy();
			let result: T;
			try {
				result = await change(copy);
			} catch (error) {
				copy.db.close();
				throw error;
			}
			const safety = await replaceWith(live, copy, { ...options, keepSecrets: true });
			return { result, safety };
		});
	}

	/** See writer.ts: VACUUM, ANALYZE and friends, saved with strict durability. */
	maintain<T>(fn: (engine: Engine) => T): Promise<T> {
		return maintain(this.#live, fn);
	}

	/**
	 * Undoes `migration` and every later one and applies them again, keeping every row, after a
	 * `before-reset` backup (see reset.ts). `record` writes the activity log's line into the same save.
	 */
	reset(migration: string, record?: ResetRecorder): Promise<ResetReport> {
		return resetLive(this.#live, migration, record);
	}

	/** The pending migrations applied to a copy; the live database is not touched. */
	dryRunMigrations(): Promise<DryRunReport> {
		return dryRunLive(this.#live);
	}

	/** Checks and migrates another file on a scratch engine (see `prepareImage`); nothing live is touched. */
	prepare(image: Uint8Array, options: Omit<PrepareOptions, 'now'>): Prepared {
		const { SQL, files, now } = this.#live.options;
		return prepareImage(SQL, image, files, { ...options, now });
	}

	/** Reports long work that runs outside this class (an import's checks, maintenance) to every window. */
	reportProgress(progress: TaskProgress): void {
		this.#live.options.onProgress?.(progress);
	}

	report(): MigrationReport {
		return inspect(this.#live.engine, this.#live.options.files);
	}

	status(): DatabaseStatus {
		const e = this.#live.engine;
		const pageSize = Number(e.value('PRAGMA page_size'));
		const pageCount = Number(e.value('PRAGMA page_count'));
		const manifest = this.#live.persister.manifest;
		const readOnly = this.#live.readOnly;
		return {
			migrations: this.report(),
			sizeBytes: pageSize * pageCount,
			pageSize,
			pageCount,
			freePages: Number(e.value('PRAGMA freelist_count')),
			readOnly: readOnly !== null,
			readOnlyReason: readOnly?.message ?? null,
			generation: manifest?.generation ?? 0,
			savedAt: manifest?.savedAt ?? null,
			sqliteVersion: String(e.value('SELECT sqlite_version()')),
			lastExportAt: parseEpochMs(
				e.value('SELECT value FROM settings WHERE key = ?', [LAST_EXPORT_KEY]),
			),
		};
	}
}
