/**
 * The live database of this worker: opened from storage (or created), backed up and migrated, and
 * written through `write()`, which commits in memory and resolves only once the change is durable.
 * `replace()` swaps in a whole other file (a restored backup, an import) without ever leaving a half state.
 */
import type { Database, SqlJsStatic } from 'sql.js';
import type { Phase } from '../shared/api';
import type { BackupInfo, BackupReason, TaskProgress } from '../shared/backups';
import { LAST_EXPORT_KEY, parseEpochMs } from '../shared/backup-reminder';
import type { DatabaseStatus, MigrationReport, SaveStatus } from '../shared/database';
import { AppError, isQuotaError, type ErrorCode } from '../shared/errors';
import { describeEngine, loadBackup, saveBackup } from './backups/backups';
import { sha256Bytes } from './backups/codec';
import type { BackupStore } from './backups/store';
import { openEngine } from './connection';
import { Engine } from './engine';
import { DatabaseHealth } from './health/recorder';
import type { MigrationFile } from './migrations/files';
import { assertWritable, inspect, migrate } from './migrations/runner';
import { DEFAULT_CHUNK_SIZE, planSave, type Manifest } from './persistence/chunks';
import type { ImageStore } from './persistence/idb-store';
import { imageSourceFor, type ImageSource } from './persistence/image-source';
import { Persister } from './persistence/persister';
import { prepareImage, type Prepared, type PrepareOptions } from './prepare-image';

export interface OpenOptions {
	SQL: SqlJsStatic;
	store: ImageStore;
	files: readonly MigrationFile[];
	writerId: string;
	/** Where backups go. Without it no automatic backup is made (unit tests of persistence alone). */
	backups?: BackupStore;
	chunkSize?: number;
	/** Where saves read the file from; by default the tracked source when the build hooked sql.js. */
	imageSource?: (db: Database) => ImageSource;
	onPhase?: (phase: Phase) => void;
	onSave?: (status: SaveStatus) => void;
	onChanged?: (tables: string[]) => void;
	onProgress?: (progress: TaskProgress) => void;
	/**
	 * Brings the secrets of a database about to replace this one under this device's protection (the
	 * owner account, see account/incoming.ts); runs on the prepared copy before anything is backed up or
	 * saved, and `afterSwap` once it is live.
	 */
	secrets?: {
		adopt: (incoming: Engine, live: Engine, passphrase: string | null) => Promise<unknown>;
		afterSwap: (live: Engine, adopted: unknown) => Promise<void>;
	};
	now?: () => number;
}

/** What `replace()` is given the new file for, and how to name it in messages. */
export interface ReplaceOptions {
	/** The reason recorded on the backup of the current database. */
	reason: BackupReason;
	detail?: string | null;
	/** "This backup", "This file": names the incoming file in error messages. */
	subject: string;
	/** The error code for an incoming file that fails SQLite's consistency check. */
	corrupt: ErrorCode;
	/** The task its progress is reported as; `restore` unless said otherwise. */
	task?: 'restore' | 'import';
	/** The incoming file's passphrase, to carry its encrypted secrets over (imports from another device). */
	passphrase?: string | null;
}

export class LiveDatabase {
	#engine: Engine;
	#persister: Persister;
	readonly #options: OpenOptions;
	#readOnly: AppError | null;
	readonly #changeListeners = new Set<(tables: string[]) => void>();
	/** Set while a restore or import swaps the database: writes wait for it, other swaps are refused. */
	#exclusive: Promise<void> | null = null;
	/** Statement times, durable writes and save latencies, for the health page. */
	readonly health: DatabaseHealth;

	private constructor(
		engine: Engine,
		persister: Persister,
		options: OpenOptions,
		readOnly: AppError | null,
		health: DatabaseHealth,
	) {
		this.#engine = engine;
		this.#persister = persister;
		this.#options = options;
		this.#readOnly = readOnly;
		this.health = health;
		if (readOnly) engine.exec('PRAGMA query_only = ON');
		engine.setTimer(health.statement);
	}

	/** `SQL` may still be loading: sql.js compiles its wasm while the stored image is read. */
	static async open(
		given: Omit<OpenOptions, 'SQL'> & { SQL: SqlJsStatic | Promise<SqlJsStatic> },
	): Promise<LiveDatabase> {
		const { store, files } = given;
		const [SQL, stored] = await Promise.all([
			given.SQL,
			// Claim before loading: a previous owner's last save then lands before the claim (and is loaded
			// here) or is refused after it. Nothing is ever saved over a generation this owner has not seen.
			store.claim(given.writerId).then(() => store.load()),
		]);
		const options: OpenOptions = { ...given, SQL };
		let engine = openEngine(SQL, stored?.image);
		let readOnly: AppError | null = null;
		let migrated = false;

		const report = inspect(engine, files);
		try {
			assertWritable(report);
			if (report.verdict === 'pending') {
				const backup = stored ? await backUpBeforeMigration(options, engine, stored.image) : null;
				try {
					migrate(engine, files, {
						now: options.now,
						onProgress: (file, index, total) =>
							options.onPhase?.({ phase: 'migrating', file: file.filename, index, total }),
					});
				} catch (error) {
					throw explainMigrationFailure(error, report.dbSchemaVersion, backup);
				}
				migrated = true;
			}
		} catch (error) {
			if (!(error instanceof AppError)) throw error;
			readOnly = error;
			if (error.code === 'migration-failed') {
				// Earlier files of this run may have committed in memory; go back to exactly what was stored.
				engine.db.close();
				engine = openEngine(SQL, stored?.image);
				if (!stored) throw error;
			}
		}

		const health = new DatabaseHealth(options.now);
		const persister = persisterFor(
			options,
			engine,
			stored?.manifest ?? null,
			health,
			stored?.snapshotGeneration ?? null,
		);
		const live = new LiveDatabase(engine, persister, options, readOnly, health);
		// Migrations and the first image are saved with strict durability: they are rare and precious.
		if (migrated) await persister.persist('strict');
		return live;
	}

	get engine(): Engine {
		return this.#engine;
	}

	get persister(): Persister {
		return this.#persister;
	}

	get readOnly(): AppError | null {
		return this.#readOnly;
	}

	/**
	 * Runs `fn` in a transaction and resolves once its changes are durable. `fn` must be synchronous.
	 * Listeners hear about the changed tables only after the save.
	 *
	 * With a `requestId`, the write is recorded in the `_requests` ledger in the same transaction, and a
	 * request already in the ledger is answered with its stored result instead of being applied again: a
	 * call retried after another window took over is applied exactly once.
	 */
	async write<T>(fn: () => T, requestId?: string): Promise<T> {
		// A write that arrives during a restore runs after it, on the restored database.
		while (this.#exclusive) await this.#exclusive;
		if (this.#readOnly) {
			throw new AppError('db-read-only', this.#readOnly.message, { reason: this.#readOnly.code });
		}
		const tables = new Set<string>();
		const stop = this.#engine.onChange((table) => tables.add(table));
		const before = this.#engine.totalChanges();
		let outcome: { replayed: boolean; result: T };
		try {
			outcome = this.#engine.transaction(() => {
				if (requestId !== undefined) {
					const seen = this.#engine.get<{ result: string | null }>(
						'SELECT result FROM _requests WHERE id = ?',
						[requestId],
					);
					if (seen)
						return {
							replayed: true,
							result: (seen.result === null ? undefined : JSON.parse(seen.result)) as T,
						};
				}
				const result = fn();
				if (requestId !== undefined) {
					this.#engine.run('INSERT INTO _requests (id, result, at) VALUES (?, ?, ?)', [
						requestId,
						result === undefined ? null : JSON.stringify(result, withoutSecrets),
						(this.#options.now ?? Date.now)(),
					]);
				}
				return { replayed: false, result };
			});
		} finally {
			stop();
		}
		if (outcome.replayed) {
			// The first attempt may still be on its way to storage; answer only once it is durable.
			await this.#persister.flushed();
			return outcome.result;
		}
		if (this.#engine.totalChanges() !== before) {
			await this.#persister.persist();
			this.health.wrote();
			tables.delete('_requests');
			if (tables.size > 0) this.#announce([...tables].sort());
		}
		return outcome.result;
	}

	#announce(tables: string[]): void {
		this.#options.onChanged?.(tables);
		for (const listener of this.#changeListeners) listener(tables);
	}

	/** Hears about every durable change, by table name (owner-side jobs use it; windows get events). */
	subscribe(listener: (tables: string[]) => void): () => void {
		this.#changeListeners.add(listener);
		return () => this.#changeListeners.delete(listener);
	}

	/** Deletes ledger rows older than `maxAgeMs`; run by the owner from time to time. */
	pruneRequests(maxAgeMs: number): Promise<number> {
		const cutoff = (this.#options.now ?? Date.now)() - maxAgeMs;
		return this.write(
			() => this.#engine.run('DELETE FROM _requests WHERE at < ?', [cutoff]).changes,
		);
	}

	async listBackups(): Promise<BackupInfo[]> {
		return this.#backups().list();
	}

	/** Backs up the database as it is now (everything committed, saved or not). */
	async createBackup(reason: BackupReason, detail: string | null = null): Promise<BackupInfo> {
		if (this.#exclusive) throw new AppError('busy');
		try {
			return await this.#backup(reason, detail, 'backup');
		} finally {
			this.#progress(null, '', null);
		}
	}

	async deleteBackup(id: number): Promise<{ deleted: boolean }> {
		if (!Number.isSafeInteger(id) || id <= 0) {
			throw new AppError('invalid-input', 'A backup id is a positive whole number.');
		}
		return { deleted: await this.#backups().delete(id) };
	}

	/** A backup as a plain SQLite file, verified against its checksum. */
	async readBackup(id: number): Promise<{ info: BackupInfo; image: Uint8Array }> {
		return loadBackup(this.#backups(), id);
	}

	/** Replaces the database with a backup, after backing up the current state. */
	async restoreBackup(id: number): Promise<{ restored: BackupInfo; safety: BackupInfo }> {
		const backups = this.#backups();
		return this.#exclusively(async () => {
			const step = 'Reading the backup';
			this.#progress('restore', step, 0);
			const { info, image } = await loadBackup(backups, id, (f) =>
				this.#progress('restore', step, f),
			);
			const safety = await this.#replace(image, {
				reason: 'before-restore',
				detail: `of backup #${info.id}`,
				subject: 'This backup',
				corrupt: 'backup-corrupt',
			});
			return { restored: info, safety };
		});
	}

	/**
	 * Swaps in another database file: checks and migrates it on a scratch copy, backs up the current
	 * database, saves the new file in one atomic strict commit, and only then makes it live and
	 * announces every table as changed. A failure at any step leaves the live database and its
	 * storage exactly as they were. Resolves with the backup of the previous database.
	 *
	 * Given an `Engine`, the file was already checked and migrated (`prepareImage`, as an import does
	 * before asking the person to confirm); `replace` then owns it, and closes it if the swap fails.
	 */
	async replace(image: Uint8Array | Engine, options: ReplaceOptions): Promise<BackupInfo> {
		// Refused as `busy` below: a prepared engine handed over is still closed.
		if (this.#exclusive && image instanceof Engine) image.db.close();
		return this.#exclusively(() => this.#replace(image, options));
	}

	/**
	 * Maintenance that cannot run in a write transaction (VACUUM) or changes the file outside one
	 * (ANALYZE): runs `fn` once no restore is in progress, then saves with strict durability, since it
	 * may have rewritten every page. `fn` is synchronous, so no other call runs while it does.
	 */
	async maintain<T>(fn: (engine: Engine) => T): Promise<T> {
		while (this.#exclusive) await this.#exclusive;
		if (this.#readOnly) {
			throw new AppError('db-read-only', this.#readOnly.message, { reason: this.#readOnly.code });
		}
		const result = fn(this.#engine);
		assertNotPromise(result);
		await this.#persister.persist('strict');
		return result;
	}

	/** Checks and migrates another file on a scratch engine (see `prepareImage`); nothing live is touched. */
	prepare(image: Uint8Array, options: Omit<PrepareOptions, 'now'>): Prepared {
		const { SQL, files, now } = this.#options;
		return prepareImage(SQL, image, files, { ...options, now });
	}

	/** Reports long work that runs outside this class (an import's checks, maintenance) to every window. */
	reportProgress(progress: TaskProgress): void {
		this.#options.onProgress?.(progress);
	}

	report(): MigrationReport {
		return inspect(this.#engine, this.#options.files);
	}

	status(): DatabaseStatus {
		const e = this.#engine;
		const pageSize = Number(e.value('PRAGMA page_size'));
		const pageCount = Number(e.value('PRAGMA page_count'));
		const manifest = this.#persister.manifest;
		return {
			migrations: this.report(),
			sizeBytes: pageSize * pageCount,
			pageSize,
			pageCount,
			freePages: Number(e.value('PRAGMA freelist_count')),
			readOnly: this.#readOnly !== null,
			readOnlyReason: this.#readOnly?.message ?? null,
			generation: manifest?.generation ?? 0,
			savedAt: manifest?.savedAt ?? null,
			sqliteVersion: String(e.value('SELECT sqlite_version()')),
			lastExportAt: parseEpochMs(
				e.value('SELECT value FROM settings WHERE key = ?', [LAST_EXPORT_KEY]),
			),
		};
	}

	async #replace(image: Uint8Array | Engine, options: ReplaceOptions): Promise<BackupInfo> {
		const { SQL, files } = this.#options;
		const task = options.task ?? 'restore';
		let next: Engine | null = image instanceof Engine ? image : null;
		try {
			const saving = this.#persister.status();
			if (saving.state === 'error') {
				throw new AppError(
					'save-failed',
					`Saving to the browser storage is failing right now (${saving.error ?? 'unknown error'}), so nothing was replaced.`,
				);
			}
			if (!next) {
				this.#progress(task, `Checking ${options.subject.toLowerCase()}`, null);
				next = prepareImage(SQL, image as Uint8Array, files, {
					subject: options.subject,
					corrupt: options.corrupt,
					now: this.#options.now,
				}).engine;
			}
			const adopted = await this.#options.secrets?.adopt(
				next,
				this.#engine,
				options.passphrase ?? null,
			);
			const safety = await this.#backup(options.reason, options.detail ?? null, task);
			this.#progress(
				task,
				`Saving the ${task === 'import' ? 'imported' : 'restored'} database`,
				null,
			);
			// Everything committed so far is saved first, so the stored generation is the one we replace.
			if (this.#persister.status().pending > 0) await this.#persister.persist();
			const manifest = await this.#commitWhole(next);

			const previous = this.#engine;
			const tables = new Set([...tableNames(previous), ...tableNames(next)]);
			this.#engine = next;
			next.setTimer(this.health.statement);
			this.#persister = persisterFor(this.#options, next, manifest, this.health);
			this.#readOnly = null;
			next = null;
			previous.db.close();

			await this.#options.secrets?.afterSwap(this.#engine, adopted);
			this.#options.onSave?.(this.#persister.status());
			this.#options.onPhase?.({ phase: 'ready', readOnly: false, role: 'owner' });
			this.#announce([...tables].sort());
			return safety;
		} finally {
			next?.db.close();
		}
	}

	/** One commit of a whole file, strict, outside the persister: no retry can land it later. */
	async #commitWhole(engine: Engine): Promise<Manifest> {
		const plan = planSave(engine.db.export(), this.#persister.manifest, null, {
			chunkSize: this.#options.chunkSize ?? DEFAULT_CHUNK_SIZE,
			writerId: this.#options.writerId,
			now: (this.#options.now ?? Date.now)(),
			pageSize: Number(engine.value('PRAGMA page_size')),
			schemaVersion: Number(engine.value('PRAGMA user_version')),
		});
		try {
			await this.#options.store.commit(plan, this.#persister.generation, 'strict');
		} catch (error) {
			if (error instanceof AppError) throw error;
			if (isQuotaError(error)) throw new AppError('quota-exceeded');
			throw new AppError('save-failed', undefined, { cause: String(error) });
		}
		return plan.manifest;
	}

	async #backup(
		reason: BackupReason,
		detail: string | null,
		task: 'backup' | 'restore' | 'import',
	): Promise<BackupInfo> {
		const backups = this.#backups();
		// No transaction ever spans an await, so this is a committed state.
		const image = this.#engine.db.export();
		const step =
			task === 'backup' ? 'Compressing and storing the backup' : 'Backing up the current database';
		this.#progress(task, step, 0);
		return saveBackup(backups, { image, ...describeEngine(this.#engine) }, reason, detail, {
			now: this.#options.now,
			onProgress: (f) => this.#progress(task, step, f),
		});
	}

	async #exclusively<T>(fn: () => Promise<T>): Promise<T> {
		if (this.#exclusive) throw new AppError('busy');
		let release = () => {};
		this.#exclusive = new Promise<void>((resolve) => (release = resolve));
		try {
			return await fn();
		} finally {
			this.#exclusive = null;
			release();
			this.#progress(null, '', null);
		}
	}

	#backups(): BackupStore {
		const backups = this.#options.backups;
		if (!backups) throw new AppError('internal', 'This database has no backup store.');
		return backups;
	}

	#progress(task: TaskProgress['task'], step: string, fraction: number | null): void {
		// An import's backup and commit are its last stage, "save" (reading, checking and migrating come before).
		this.#options.onProgress?.(
			task === 'import' ? { task, step, fraction, stage: 'save' } : { task, step, fraction },
		);
	}
}

function persisterFor(
	options: OpenOptions,
	engine: Engine,
	stored: Manifest | null,
	health: DatabaseHealth,
	snapshotGeneration: number | null = null,
): Persister {
	return new Persister(
		{
			store: options.store,
			// The tracked source when the build hooked sql.js, else export-and-compare (image-source.ts).
			source: (options.imageSource ?? imageSourceFor)(engine.db),
			chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
			writerId: options.writerId,
			meta: () => ({
				pageSize: Number(engine.value('PRAGMA page_size')),
				schemaVersion: Number(engine.value('PRAGMA user_version')),
			}),
			onStatus: options.onSave,
			onSaved: (ms) => health.saved(ms),
			now: options.now,
		},
		stored,
		snapshotGeneration,
	);
}

function assertNotPromise(result: unknown): void {
	if (result instanceof Promise)
		throw new AppError('internal', 'Maintenance work must be synchronous.');
}

function tableNames(engine: Engine): string[] {
	return engine
		.all<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'")
		.map((r) => r.name);
}

/** The stored file is backed up before its first migration; without a backup, nothing is migrated. */
async function backUpBeforeMigration(
	options: OpenOptions,
	engine: Engine,
	image: Uint8Array,
): Promise<BackupInfo | null> {
	if (!options.backups) return null;
	const pending = inspect(engine, options.files).entries.filter((e) => e.state === 'pending');
	const first = pending[0]?.filename ?? null;
	try {
		options.onProgress?.({
			task: 'backup',
			step: 'Backing up before updating the database',
			fraction: null,
		});
		// A migration that failed at the last start is retried at this one; the file it would back up
		// is the same, and a fresh copy each time would push other backups out of retention.
		const sha256 = await sha256Bytes(image);
		const same = (await options.backups.list()).find(
			(b) => b.reason === 'before-migration' && b.sha256 === sha256,
		);
		if (same) return same;
		return await saveBackup(
			options.backups,
			{ image, ...describeEngine(engine) },
			'before-migration',
			first,
			{ now: options.now },
		);
	} catch (error) {
		const why = error instanceof AppError ? error.message : String(error);
		throw new AppError(
			'backup-failed',
			`Monitor could not back up the database before updating it (${why}), so it did not update it. ` +
				`The database is open read-only on schema version ${describeEngine(engine).schemaVersion}.`,
			{ cause: error instanceof AppError ? error.code : why },
		);
	} finally {
		options.onProgress?.({ task: null, step: '', fraction: null });
	}
}

function explainMigrationFailure(
	error: unknown,
	schemaVersion: number,
	backup: BackupInfo | null,
): unknown {
	if (!(error instanceof AppError) || error.code !== 'migration-failed') return error;
	const { filename, sqliteMessage } = (error.detail ?? {}) as {
		filename?: string;
		sqliteMessage?: string;
	};
	const reason = sqliteMessage ?? error.message;
	const kept = backup
		? ` A backup from before the update (#${backup.id}) is listed under Backups on the Database page.`
		: '';
	return new AppError(
		'migration-failed',
		`Updating the database failed in ${filename ?? 'a migration'}: ${reason}. Nothing was changed: the database stays on ` +
			`schema version ${schemaVersion} and is open read-only.${kept}`,
		{ ...error.detail, backupId: backup?.id ?? null },
	);
}

/**
 * The ledger keeps results for an hour and the file may be exported meanwhile: secrets (request headers,
 * tokens) are left out. A call answered from the ledger gets its result without them.
 */
function withoutSecrets(key: string, value: unknown): unknown {
	return key === 'headers' || key === 'token' ? undefined : value;
}
