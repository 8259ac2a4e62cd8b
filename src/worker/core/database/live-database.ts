/**
 * The live database of this worker: opened from storage (or created), backed up and migrated, and
 * written through `write()`, which commits in memory and resolves only once the change is durable.
 * `replace()` swaps in a whole other file (a restored backup, an import) without ever leaving a half state.
 */
import type { Database, SqlJsStatic } from 'sql.js';
import type { Phase } from '../../../shared/api';
import type { BackupInfo, BackupReason, TaskProgress } from '../../../shared/backups';
import { LAST_EXPORT_KEY, parseEpochMs } from '../../../shared/backup-reminder';
import type { DatabaseStatus, MigrationReport, SaveStatus } from '../../../shared/database';
import { AppError, isQuotaError, type ErrorCode } from '../../../shared/errors';
import { describeEngine, loadBackup, saveBackup } from '../backups/backups';
import { sha256Bytes } from '../backups/codec';
import type { BackupStore } from '../backups/store';
import { rewriteBackups, type BackupRewrite, type RewriteOutcome } from '../backups/rewrite';
import { openEngine, warmUp } from '../connection';
import { Engine } from '../engine';
import { DatabaseHealth } from '../metrics/recorder';
import type { MigrationFile } from '../migrations/files';
import { assertWritable, inspect, migrate } from '../migrations/runner';
import { DEFAULT_CHUNK_SIZE, firstMismatch, type Manifest } from '../persistence/chunks';
import { planSave } from '../persistence/plan';
import type { ImageStore, StoredImage } from '../persistence/idb-store';
import { imageSourceFor, type ImageSource } from '../persistence/image-source';
import { markOpen } from '../persistence/marks';
import { Persister, type SnapshotPolicy } from '../persistence/persister';
import { prepareImage, type Prepared, type PrepareOptions } from './prepare-image';

export interface OpenOptions {
	SQL: SqlJsStatic;
	store: ImageStore;
	files: readonly MigrationFile[];
	writerId: string;
	/** Where backups go. Without it no automatic backup is made (unit tests of persistence alone). */
	backups?: BackupStore;
	chunkSize?: number;
	/** When to refresh the cold-open snapshot (persister.ts); by default DEFAULT_SNAPSHOT_POLICY. */
	snapshots?: SnapshotPolicy | false;
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

/** An engine opened on a stored image, with what its migration ledger said. */
interface Opened {
	engine: Engine;
	readOnly: AppError | null;
	migrated: boolean;
	/** The image it was opened from, after any reread. */
	stored: StoredImage | null;
}

export class LiveDatabase {
	#engine: Engine;
	#persister: Persister;
	readonly #options: OpenOptions;
	#readOnly: AppError | null;
	readonly #changeListeners = new Set<(tables: string[]) => void>();
	/** Set while a restore or import swaps the database: writes wait for it, other swaps are refused. */
	#exclusive: Promise<void> | null = null;
	/** Set while the chunks of a snapshot-opened file are checked: writes, backups and swaps wait for it. */
	#verifying: Promise<void> | null = null;
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

	/**
	 * `SQL` may be a loader and `files` a promise: sql.js compiles its wasm (and warms up, see `warmUp`)
	 * and the migrations are hashed while the stored image is read, which is started first.
	 *
	 * A current snapshot is opened without hashing every chunk first: the first queries are answered
	 * while the chunks are checked in the background, and writes, backups and exports wait for that check.
	 * Should it fail, the database is reopened from its chunk records (see `#checkSnapshot`).
	 */
	static async open(
		given: Omit<OpenOptions, 'SQL' | 'files'> & {
			SQL: SqlJsStatic | (() => Promise<SqlJsStatic>);
			files: readonly MigrationFile[] | Promise<readonly MigrationFile[]>;
		},
	): Promise<LiveDatabase> {
		const { store } = given;
		markOpen('start');
		// Claim before loading: a previous owner's last save then lands before the claim (and is loaded
		// here) or is refused after it. Nothing is ever saved over a generation this owner has not seen.
		const loading = store
			.claim(given.writerId)
			.then(() => store.load({ deferSnapshotCheck: true }));
		const [SQL, files, stored] = await Promise.all([
			typeof given.SQL === 'function' ? given.SQL().then(warmUp) : given.SQL,
			given.files,
			loading,
		]);
		markOpen('stored');
		const options: OpenOptions = { ...given, SQL, files };
		const opened = await LiveDatabase.#prepare(options, stored);
		const health = new DatabaseHealth(options.now);
		const persister = persisterFor(
			options,
			opened.engine,
			opened.stored?.manifest ?? null,
			health,
			opened.stored?.snapshotGeneration ?? null,
		);
		const live = new LiveDatabase(opened.engine, persister, options, opened.readOnly, health);
		// Migrations and the first image are saved with strict durability: they are rare and precious.
		if (opened.migrated) await persister.persist('strict');
		if (opened.stored && opened.stored.unverified.length > 0) {
			live.#verifying = live.#checkSnapshot(opened.stored);
		}
		markOpen('ready');
		return live;
	}

	/**
	 * Opens an engine on `stored` (keeping its bytes as the file, no copy), reads the migration ledger and
	 * migrates. A migration writes, so unchecked snapshot chunks are checked before one runs; if they do
	 * not match, the image is read again from the chunk records.
	 */
	static async #prepare(options: OpenOptions, given: StoredImage | null): Promise<Opened> {
		const { SQL, files } = options;
		let stored = given;
		let engine = openEngine(SQL, stored?.image, { adopt: true });
		markOpen('engine');
		const report = inspect(engine, files);
		markOpen('inspected');
		if (report.verdict === 'pending' && stored && stored.unverified.length > 0) {
			if (firstMismatch(stored.manifest, stored.image, stored.unverified) !== -1) {
				engine.db.close();
				return LiveDatabase.#prepare(options, await options.store.load());
			}
			stored = { ...stored, unverified: [] };
		}

		let readOnly: AppError | null = null;
		let migrated = false;
		try {
			assertWritable(report);
			if (report.verdict === 'pending') {
				// The engine writes into the stored bytes it adopted: keep the file as it was, for the
				// backup and for going back to it if a migration fails.
				const original = stored?.image.slice();
				const backup = original ? await backUpBeforeMigration(options, engine, original) : null;
				try {
					migrate(engine, files, {
						now: options.now,
						onProgress: (file, index, total) =>
							options.onPhase?.({ phase: 'migrating', file: file.filename, index, total }),
					});
				} catch (error) {
					if (error instanceof AppError && error.code === 'migration-failed') {
						// Earlier files of this run may have committed in memory; go back to exactly what was stored.
						engine.db.close();
						engine = openEngine(SQL, original, { adopt: true });
					}
					throw explainMigrationFailure(error, report.dbSchemaVersion, backup);
				}
				migrated = true;
			}
		} catch (error) {
			if (!(error instanceof AppError)) throw error;
			readOnly = error;
			if (error.code === 'migration-failed' && !stored) throw error;
		}
		return { engine, readOnly, migrated, stored };
	}

	/**
	 * Checks the chunks a cold open took from the snapshot, a slice at a time so queries are answered in
	 * between. Writes wait for it. A mismatch means the snapshot was not what its generation stored (a
	 * cache gone bad): the database is reopened from the chunk records, which are the truth, and every
	 * window rereads every table. Nothing read from the bad image was saved or left the worker.
	 */
	async #checkSnapshot(stored: StoredImage): Promise<void> {
		try {
			const bad = await firstMismatchInSlices(stored.manifest, stored.image, stored.unverified);
			if (bad !== -1) await this.#reopenFromChunks();
		} finally {
			this.#verifying = null;
		}
	}

	async #reopenFromChunks(): Promise<void> {
		const options = this.#options;
		const wasReadOnly = this.#readOnly !== null;
		let opened: Opened;
		try {
			opened = await LiveDatabase.#prepare(options, await options.store.load());
		} catch (error) {
			this.#readOnly =
				error instanceof AppError
					? error
					: new AppError('storage-corrupt', undefined, { cause: String(error) });
			this.#engine.exec('PRAGMA query_only = ON');
			options.onPhase?.({ phase: 'ready', readOnly: true, role: 'owner' });
			return;
		}
		const tables = this.#swapIn(opened.engine, opened.stored?.manifest ?? null, opened.readOnly);
		if (opened.migrated) await this.#persister.persist('strict');
		options.onSave?.(this.#persister.status());
		if (wasReadOnly !== (opened.readOnly !== null)) {
			options.onPhase?.({ phase: 'ready', readOnly: opened.readOnly !== null, role: 'owner' });
		}
		this.#announce(tables);
	}

	/**
	 * Makes `engine` the live database, saved from `manifest` on by a new persister, and closes the
	 * previous one. Returns the tables of both, for announcing every one as changed.
	 */
	#swapIn(engine: Engine, manifest: Manifest | null, readOnly: AppError | null): string[] {
		const previous = this.#engine;
		const tables = new Set([...tableNames(previous), ...tableNames(engine)]);
		this.#engine = engine;
		engine.setTimer(this.health.statement);
		this.#persister.dispose();
		this.#persister = persisterFor(this.#options, engine, manifest, this.health);
		this.#readOnly = readOnly;
		if (readOnly) engine.exec('PRAGMA query_only = ON');
		previous.db.close();
		return [...tables].sort();
	}

	/**
	 * Resolves once the database opened from a snapshot has been checked (at once otherwise). Anything
	 * that takes the whole file out of the worker (an export, a backup, an integrity check) waits for it.
	 */
	settled(): Promise<void> {
		return this.#verifying ?? Promise.resolve();
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
		if (this.#verifying) await this.#verifying;
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
		if (this.#verifying) await this.#verifying;
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

	/** Rewrites stored backups one by one (see backups/rewrite.ts); the live database is not touched. */
	rewriteBackups(
		rewrite: (engine: Engine, info: BackupInfo) => Promise<BackupRewrite>,
	): Promise<RewriteOutcome> {
		return rewriteBackups(this.#options.SQL, this.#backups(), rewrite);
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
		if (this.#verifying) await this.#verifying;
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
		if (this.#verifying) await this.#verifying;
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

			const tables = this.#swapIn(next, manifest, null);
			next = null;

			await this.#options.secrets?.afterSwap(this.#engine, adopted);
			this.#options.onSave?.(this.#persister.status());
			this.#options.onPhase?.({ phase: 'ready', readOnly: false, role: 'owner' });
			this.#announce(tables);
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
		if (this.#verifying) await this.#verifying;
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

/** Chunks per slice of the background check: about 2 MB, a millisecond or two of hashing. */
const CHECK_SLICE = 64;

async function firstMismatchInSlices(
	manifest: Manifest,
	image: Uint8Array,
	indices: readonly number[],
): Promise<number> {
	for (let from = 0; from < indices.length; from += CHECK_SLICE) {
		const bad = firstMismatch(manifest, image, indices.slice(from, from + CHECK_SLICE));
		if (bad !== -1) return bad;
		await nextTask();
	}
	return -1;
}

/** A new task, without the 4 ms clamp nested timers get: queued calls run in between. */
function nextTask(): Promise<void> {
	return new Promise((resolve) => {
		const { port1, port2 } = new MessageChannel();
		port1.onmessage = () => {
			port1.close();
			resolve();
		};
		port2.postMessage(null);
	});
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
			...(options.snapshots !== undefined ? { snapshots: options.snapshots } : {}),
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
