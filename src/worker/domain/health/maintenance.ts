/**
 * Maintenance from the Health section, one task at a time, each reporting on the `progress` event:
 * rotation now, archive, VACUUM, `PRAGMA optimize` and the integrity check.
 *
 * None of it freezes the app (the page's thread never runs SQLite), and no write is lost: rotation and
 * archive work in small write transactions with pauses between them, so other calls are answered in
 * between; VACUUM and ANALYZE are single synchronous steps, during which calls queue in the worker and
 * run right after, in order.
 */
import type { MaintenanceTask } from '../../../shared/backups';
import { AppError } from '../../../shared/errors';
import type {
	ArchiveRemoved,
	ArchiveResult,
	IntegrityResult,
	OptimizeResult,
	VacuumResult,
} from '../../../shared/health';
import { rotate, type RotationResult } from '../checks/retention';
import type { LiveDatabase } from '../../core/database/live-database';
import { fileSize, optimize, vacuum } from '../../stores/database-file';
import { copyOldRows, removeArchivedRows, type ArchiveCopy } from './archive';
import type { HealthService } from './service';
import { noteActivity, type ActivityInput } from '../activity/log';
import { archiveEntry, integrityEntry, optimizeEntry, vacuumEntry } from './maintenance-log';

export class Maintenance {
	readonly #db: LiveDatabase;
	readonly #health: HealthService;
	#running: MaintenanceTask | null = null;
	/** The archive handed out and not yet confirmed or discarded; one at a time. */
	#waiting: { token: string; copy: ArchiveCopy } | null = null;

	constructor(db: LiveDatabase, health: HealthService) {
		this.#db = db;
		this.#health = health;
	}

	get running(): MaintenanceTask | null {
		return this.#running;
	}

	rotate(): Promise<RotationResult> {
		return this.#run('rotate', async () => {
			this.#progress('rotate', 'Deleting history past the retention period', null);
			return rotate(this.#db, this.#health.env.now(), {
				onProgress: (removed) =>
					this.#progress(
						'rotate',
						`Deleting old history: ${removed.toLocaleString('en-US')} rows removed`,
						null,
					),
			});
		});
	}

	/** Copies the old rows into a file; they stay in the database until `confirmArchive`. */
	archive(): Promise<ArchiveResult> {
		return this.#run('archive', async () => {
			this.#discardWaiting();
			const step = 'Copying old history into the archive';
			this.#progress('archive', step, 0);
			const copy = await copyOldRows(
				this.#db,
				await this.#health.env.sql(),
				this.#health.env.now(),
				{
					onProgress: (done, total) =>
						this.#progress('archive', step, total > 0 ? done / total : null),
				},
			);
			if (!copy) return { checks: 0, rollups: 0, notifications: 0, file: null, token: null };
			const token = crypto.randomUUID();
			this.#waiting = { token, copy };
			return { ...copy.counts, file: copy.file, token };
		});
	}

	/** The person has the archive file: deletes the rows it holds from the database. */
	confirmArchive(token: string): Promise<ArchiveRemoved> {
		return this.#run('archive', async () => {
			const waiting = this.#take(token);
			const step = 'Removing the archived rows from the database';
			this.#progress('archive', step, 0);
			const removed = await removeArchivedRows(this.#db, waiting.copy, {
				onProgress: (done, total) =>
					this.#progress('archive', step, total > 0 ? done / total : null),
			});
			await this.#note(archiveEntry(removed));
			return removed;
		});
	}

	/** Keeps the rows and forgets the archive (its download failed, or the person changed their mind). */
	discardArchive(token: string): { discarded: boolean } {
		if (this.#waiting?.token !== token) return { discarded: false };
		this.#discardWaiting();
		return { discarded: true };
	}

	#take(token: string): { token: string; copy: ArchiveCopy } {
		const waiting = this.#waiting;
		if (!waiting || waiting.token !== token) throw new AppError('archive-expired');
		this.#waiting = null;
		return waiting;
	}

	#discardWaiting(): void {
		this.#waiting?.copy.archive.db.close();
		this.#waiting = null;
	}

	vacuum(): Promise<VacuumResult> {
		return this.#run('vacuum', async () => {
			this.#progress('vacuum', 'Compacting the database (VACUUM)', null);
			// Everything acknowledged so far is on disk first, so the rewrite is the only thing in flight.
			await this.#db.persister.flushed();
			const result = await this.#db.maintain((e) =>
				e.untimed(() => {
					const beforeBytes = fileSize(e);
					const started = performance.now();
					vacuum(e);
					const blockedMs = performance.now() - started;
					this.#progress('vacuum', 'Saving the compacted file', null);
					return { beforeBytes, afterBytes: fileSize(e), blockedMs };
				}),
			);
			await this.#note(vacuumEntry(result));
			return result;
		});
	}

	optimize(): Promise<OptimizeResult> {
		return this.#run('optimize', async () => {
			this.#progress('optimize', 'Refreshing SQLite’s statistics (PRAGMA optimize)', null);
			const result = await this.#db.maintain((e) =>
				e.untimed(() => {
					const started = performance.now();
					const analyzed = optimize(e);
					return { analyzed, ms: performance.now() - started };
				}),
			);
			await this.#note(optimizeEntry(result));
			return result;
		});
	}

	integrity(): Promise<IntegrityResult> {
		return this.#run('integrity', async () => {
			this.#progress('integrity', 'Copying the database', null);
			await this.#db.settled();
			const image = this.#db.engine.db.export();
			this.#progress('integrity', 'Checking every page and index (PRAGMA integrity_check)', null);
			const result = await this.#health.env.checkIntegrity(image);
			await this.#note(integrityEntry(result));
			return result;
		});
	}

	async #run<T>(task: MaintenanceTask, work: () => Promise<T>): Promise<T> {
		if (this.#running) throw new AppError('maintenance-busy');
		if (this.#db.readOnly && task !== 'integrity') {
			throw new AppError('db-read-only', this.#db.readOnly.message);
		}
		this.#running = task;
		try {
			const result = await work();
			// Size and free pages changed: record a level that went back down (or up) right away.
			if (task !== 'integrity') await this.#health.evaluate();
			return result;
		} finally {
			this.#running = null;
			this.#db.reportProgress({ task: null, step: '', fraction: null });
		}
	}

	/** The run's line in the activity log (skipped on a read-only database). */
	#note(entry: ActivityInput): Promise<void> {
		return noteActivity(this.#db, this.#health.env.now(), entry);
	}

	#progress(task: MaintenanceTask, step: string, fraction: number | null): void {
		this.#db.reportProgress({ task, step, fraction });
	}
}
