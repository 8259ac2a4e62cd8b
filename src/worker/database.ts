/**
 * The live database of this worker: opened from storage (or created), migrated, and written through
 * `write()`, which commits in memory and resolves only once the change is durable.
 */
import type { Database, SqlJsStatic } from 'sql.js';
import type { Phase } from '../shared/api';
import type { DatabaseStatus, MigrationReport, SaveStatus } from '../shared/database';
import { AppError } from '../shared/errors';
import { openEngine } from './connection';
import type { Engine } from './engine';
import type { MigrationFile } from './migrations/files';
import { assertWritable, inspect, migrate } from './migrations/runner';
import { DEFAULT_CHUNK_SIZE } from './persistence/chunks';
import type { ImageStore } from './persistence/idb-store';
import { imageSourceFor, type ImageSource } from './persistence/image-source';
import { Persister } from './persistence/persister';

export interface OpenOptions {
	SQL: SqlJsStatic;
	store: ImageStore;
	files: readonly MigrationFile[];
	writerId: string;
	chunkSize?: number;
	/** Where saves read the file from; by default the tracked source when the build hooked sql.js. */
	imageSource?: (db: Database) => ImageSource;
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
				// The tracked source when the build hooked sql.js, else export-and-compare (image-source.ts).
				source: (options.imageSource ?? imageSourceFor)(engine.db),
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
			stored?.snapshotGeneration ?? null,
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
	 */
	async write<T>(fn: () => T): Promise<T> {
		if (this.#readOnly) {
			throw new AppError('db-read-only', this.#readOnly.message, { reason: this.#readOnly.code });
		}
		const tables = new Set<string>();
		const stop = this.engine.onChange((table) => tables.add(table));
		const before = this.#totalChanges();
		let result: T;
		try {
			result = this.engine.transaction(fn);
		} finally {
			stop();
		}
		if (this.#totalChanges() !== before) {
			await this.persister.persist();
			this.#options.onChanged?.([...tables].sort());
		}
		return result;
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
		};
	}

	#totalChanges(): number {
		return Number(this.engine.value('SELECT total_changes()'));
	}
}
