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
	ArchiveResult,
	IntegrityResult,
	OptimizeResult,
	VacuumResult,
} from '../../../shared/health';
import { rotate, type RotationResult } from '../checks/retention';
import type { LiveDatabase } from '../../core/database/live-database';
import { fileSize, optimize, vacuum } from '../../stores/database-file';
import { archiveOldRows } from './archive';
import type { HealthService } from './service';

export class Maintenance {
	readonly #db: LiveDatabase;
	readonly #health: HealthService;
	#running: MaintenanceTask | null = null;

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

	archive(): Promise<ArchiveResult> {
		return this.#run('archive', async () => {
			const step = 'Copying old history into the archive and removing it';
			this.#progress('archive', step, 0);
			return archiveOldRows(this.#db, await this.#health.env.sql(), this.#health.env.now(), {
				onProgress: (done, total) =>
					this.#progress('archive', step, total > 0 ? done / total : null),
			});
		});
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
			return result;
		});
	}

	optimize(): Promise<OptimizeResult> {
		return this.#run('optimize', async () => {
			this.#progress('optimize', 'Refreshing SQLite’s statistics (PRAGMA optimize)', null);
			return this.#db.maintain((e) =>
				e.untimed(() => {
					const started = performance.now();
					const analyzed = optimize(e);
					return { analyzed, ms: performance.now() - started };
				}),
			);
		});
	}

	integrity(): Promise<IntegrityResult> {
		return this.#run('integrity', async () => {
			this.#progress('integrity', 'Copying the database', null);
			await this.#db.settled();
			const image = this.#db.engine.db.export();
			this.#progress('integrity', 'Checking every page and index (PRAGMA integrity_check)', null);
			return this.#health.env.checkIntegrity(image);
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

	#progress(task: MaintenanceTask, step: string, fraction: number | null): void {
		this.#db.reportProgress({ task, step, fraction });
	}
}
