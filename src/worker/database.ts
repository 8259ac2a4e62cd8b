/**
 * The live database of this worker: opened from storage (or created), migrated, and written through
 * `write()`, which commits in memory and resolves only once the change is durable.
 */
import type { SqlJsStatic } from 'sql.js';
import type { Phase } from '../shared/api';
import { LAST_EXPORT_KEY, parseEpochMs } from '../shared/backup-reminder';
import type { DatabaseStatus, MigrationReport, SaveStatus } from '../shared/database';
import { AppError } from '../shared/errors';
import { openEngine } from './connection';
import type { Engine } from './engine';
import type { MigrationFile } from './migrations/files';
import { assertWritable, inspect, migrate } from './migrations/runner';
import { DEFAULT_CHUNK_SIZE } from './persistence/chunks';
import type { ImageStore } from './persistence/idb-store';
import { ExportImageSource } from './persistence/image-source';
import { Persister } from './persistence/persister';

export interface OpenOptions {
	SQL: SqlJsStatic;
	store: ImageStore;
	files: readonly MigrationFile[];
	writerId: string;
	chunkSize?: number;
	onPhase?: (phase: Phase) => void;
	onSave?: (status: SaveStatus) => void;
	onChanged?: (tables: string[]) => void;
	now?: () => number;
}

export class LiveDatabase {
	readonly engine: Engine;
	readonly persister: Persister;
	readonly #options: OpenOptions;
	#readOnly: AppError | null;

	private constructor(
		engine: Engine,
		persister: Persister,
		options: OpenOptions,
		readOnly: AppError | null,
	) {
		this.engine = engine;
		this.persister = persister;
		this.#options = options;
		this.#readOnly = readOnly;
		if (readOnly) engine.exec('PRAGMA query_only = ON');
	}

	static async open(options: OpenOptions): Promise<LiveDatabase> {
		const { SQL, store, files } = options;
		// Claim before loading: a previous owner's last save then lands before the claim (and is loaded here)
		// or is refused after it. Nothing is ever saved over a generation this owner has not seen.
		await store.claim(options.writerId);
		const stored = await store.load();
		let engine = openEngine(SQL, stored?.image);
		let readOnly: AppError | null = null;
		let migrated = false;

		const report = inspect(engine, files);
		try {
			assertWritable(report);
			if (report.verdict === 'pending') {
				migrate(engine, files, {
					now: options.now,
					onProgress: (file, index, total) =>
						options.onPhase?.({ phase: 'migrating', file: file.filename, index, total }),
				});
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

		const persister = new Persister(
			{
				store,
				source: new ExportImageSource(engine.db),
				chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
				writerId: options.writerId,
				meta: () => ({
					pageSize: Number(engine.value('PRAGMA page_size')),
					schemaVersion: Number(engine.value('PRAGMA user_version')),
				}),
				onStatus: options.onSave,
				now: options.now,
			},
			stored?.manifest ?? null,
		);
		const live = new LiveDatabase(engine, persister, options, readOnly);
		// Migrations and the first image are saved with strict durability: they are rare and precious.
		if (migrated) await persister.persist('strict');
		return live;
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
		if (this.#readOnly) {
			throw new AppError('db-read-only', this.#readOnly.message, { reason: this.#readOnly.code });
		}
		const tables = new Set<string>();
		const stop = this.engine.onChange((table) => tables.add(table));
		const before = this.#totalChanges();
		let outcome: { replayed: boolean; result: T };
		try {
			outcome = this.engine.transaction(() => {
				if (requestId !== undefined) {
					const seen = this.engine.get<{ result: string | null }>(
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
					this.engine.run('INSERT INTO _requests (id, result, at) VALUES (?, ?, ?)', [
						requestId,
						result === undefined ? null : JSON.stringify(result),
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
			await this.persister.flushed();
			return outcome.result;
		}
		if (this.#totalChanges() !== before) {
			await this.persister.persist();
			tables.delete('_requests');
			if (tables.size > 0) this.#options.onChanged?.([...tables].sort());
		}
		return outcome.result;
	}

	/** Deletes ledger rows older than `maxAgeMs`; run by the owner from time to time. */
	pruneRequests(maxAgeMs: number): Promise<number> {
		const cutoff = (this.#options.now ?? Date.now)() - maxAgeMs;
		return this.write(
			() => this.engine.run('DELETE FROM _requests WHERE at < ?', [cutoff]).changes,
		);
	}

	report(): MigrationReport {
		return inspect(this.engine, this.#options.files);
	}

	status(): DatabaseStatus {
		const e = this.engine;
		const pageSize = Number(e.value('PRAGMA page_size'));
		const pageCount = Number(e.value('PRAGMA page_count'));
		const manifest = this.persister.manifest;
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

	#totalChanges(): number {
		return Number(this.engine.value('SELECT total_changes()'));
	}
}
