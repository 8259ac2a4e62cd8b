/**
 * What the parts of a live database share (open.ts, writer.ts, replace.ts, backups.ts; LiveDatabase
 * composes them): the engine and the persister that saves it, which a restore or an import swaps for
 * new ones, whether it is read-only, and the two gates every write passes, the check of a
 * snapshot-opened file and an exclusive swap.
 */
import type { TaskProgress } from '../../../shared/backups';
import { AppError } from '../../../shared/errors';
import type { Engine } from '../engine';
import type { DatabaseHealth } from '../metrics/recorder';
import type { Manifest } from '../persistence/chunks';
import type { Persister } from '../persistence/persister';
import type { OpenOptions } from './options';

export class LiveState {
	engine: Engine;
	persister: Persister;
	readOnly: AppError | null;
	readonly options: OpenOptions;
	/** Statement times, durable writes and save latencies, for the health page. */
	readonly health: DatabaseHealth;
	readonly listeners = new Set<(tables: string[]) => void>();
	/** Set while a restore or import swaps the database: writes wait for it, other swaps are refused. */
	#exclusive: Promise<void> | null = null;
	/** Set while the chunks of a snapshot-opened file are checked: writes, backups and swaps wait for it. */
	#verifying: Promise<void> | null = null;
	/** Makes a new persister for an engine that is swapped in, saved from `manifest` on. */
	readonly #persisterFor: (engine: Engine, manifest: Manifest | null) => Persister;

	constructor(parts: {
		engine: Engine;
		persister: Persister;
		readOnly: AppError | null;
		options: OpenOptions;
		health: DatabaseHealth;
		persisterFor: (engine: Engine, manifest: Manifest | null) => Persister;
	}) {
		this.engine = parts.engine;
		this.persister = parts.persister;
		this.readOnly = parts.readOnly;
		this.options = parts.options;
		this.health = parts.health;
		this.#persisterFor = parts.persisterFor;
		if (this.readOnly) this.engine.exec('PRAGMA query_only = ON');
		this.engine.setTimer(this.health.statement);
	}

	/** Until `check` settles, writes, backups and swaps wait (see `settled`). */
	verifyWith(check: Promise<void>): void {
		this.#verifying = check.finally(() => {
			this.#verifying = null;
		});
	}

	/** Resolves once the database opened from a snapshot has been checked (at once otherwise). */
	settled(): Promise<void> {
		return this.#verifying ?? Promise.resolve();
	}

	/** Whether a restore or import is swapping the database right now. */
	get swapping(): boolean {
		return this.#exclusive !== null;
	}

	/** Waits until the file is checked and no swap is running: a write then runs on what is live. */
	async whenWritable(): Promise<void> {
		if (this.#verifying) await this.#verifying;
		// A write that arrives during a restore runs after it, on the restored database.
		while (this.#exclusive) await this.#exclusive;
	}

	/** Refuses a change to a read-only database, saying why it is read-only. */
	assertWritable(): void {
		if (this.readOnly) {
			throw new AppError('db-read-only', this.readOnly.message, { reason: this.readOnly.code });
		}
	}

	/** Runs `fn` as the only swap; another one meanwhile is refused as `busy`, writes wait for it. */
	async exclusively<T>(fn: () => Promise<T>): Promise<T> {
		if (this.#verifying) await this.#verifying;
		if (this.#exclusive) throw new AppError('busy');
		let release = () => {};
		this.#exclusive = new Promise<void>((resolve) => (release = resolve));
		try {
			return await fn();
		} finally {
			this.#exclusive = null;
			release();
			this.progress(null, '', null);
		}
	}

	/**
	 * Makes `engine` the live database, saved from `manifest` on by a new persister, and closes the
	 * previous one. Returns the tables of both, for announcing every one as changed.
	 */
	swapIn(engine: Engine, manifest: Manifest | null, readOnly: AppError | null): string[] {
		const previous = this.engine;
		const tables = new Set([...tableNames(previous), ...tableNames(engine)]);
		this.engine = engine;
		engine.setTimer(this.health.statement);
		this.persister.dispose();
		this.persister = this.#persisterFor(engine, manifest);
		this.readOnly = readOnly;
		if (readOnly) engine.exec('PRAGMA query_only = ON');
		previous.db.close();
		return [...tables].sort();
	}

	/** Tells every window and every owner-side listener which tables changed durably. */
	announce(tables: string[]): void {
		this.options.onChanged?.(tables);
		for (const listener of this.listeners) listener(tables);
	}

	progress(task: TaskProgress['task'], step: string, fraction: number | null): void {
		// An import's backup and commit are its last stage, "save" (reading, checking and migrating come before).
		this.options.onProgress?.(
			task === 'import' ? { task, step, fraction, stage: 'save' } : { task, step, fraction },
		);
	}

	now(): number {
		return (this.options.now ?? Date.now)();
	}
}

function tableNames(engine: Engine): string[] {
	return engine
		.all<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'")
		.map((r) => r.name);
}
