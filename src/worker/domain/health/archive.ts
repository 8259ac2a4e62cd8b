/**
 * "Archive": the rows rotation would delete (raw checks past the retention period, old rollups, the
 * notification log's sent and failed messages of the same age) are copied into a separate SQLite file
 * and deleted from the live database.
 *
 * Each batch is copied and deleted inside one write transaction, selected and deleted by the same
 * ordered query, so the archive holds exactly the rows that were removed, whatever else writes in
 * between batches (checks keep being recorded). The archive's own batch is a SAVEPOINT that is undone
 * if the live transaction fails. Rows are deleted before the file reaches the person, batch by batch:
 * they are rows rotation deletes every day anyway, so a lost download costs nothing the daily job
 * would not have removed.
 */
import { AppError } from '../../../shared/errors';
import { archiveFilename, type ArchiveResult } from '../../../shared/health';
import type { LiveDatabase } from '../../core/database/live-database';
import { emptyEngine, type SqlJs } from '../../core/scratch';
import {
	archiveTable,
	countOldRows,
	oldChecks,
	oldLog,
	oldLongRollups,
	oldMinuteRollups,
	type Mover,
	type OldRows,
} from '../../stores/archive';
import { rotationCutoffs } from '../checks/retention';

type Counts = 'checks' | 'rollups' | 'notifications';

export interface ArchiveOptions {
	batch?: number;
	pause?: () => Promise<void>;
	onProgress?: (done: number, total: number) => void;
}

/** What rotation deletes, and which count of the result each group adds to. */
function groups(db: LiveDatabase, now: number): { rows: OldRows; counts: Counts }[] {
	const cut = rotationCutoffs(db.engine, now);
	return [
		{ rows: oldChecks(cut.checksBefore), counts: 'checks' },
		// As rotation: the log follows the checks' retention.
		{ rows: oldLog(cut.checksBefore), counts: 'notifications' },
		{ rows: oldMinuteRollups(cut.minuteRollupsBefore), counts: 'rollups' },
		{ rows: oldLongRollups(cut.rollupsBefore), counts: 'rollups' },
	];
}

export async function archiveOldRows(
	db: LiveDatabase,
	SQL: SqlJs,
	now: number,
	options: ArchiveOptions = {},
): Promise<ArchiveResult> {
	const batch = options.batch ?? 5000;
	const pause = options.pause ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
	const counted = groups(db, now).map((group) => ({
		...group,
		found: countOldRows(db.engine, group.rows),
	}));
	// Only tables with rows to move get into the archive (and its file).
	const plan = counted.filter((c) => c.found > 0);
	const total = counted.reduce((sum, c) => sum + c.found, 0);
	if (total === 0) return { checks: 0, rollups: 0, notifications: 0, file: null };

	// A restore or an import swaps the engine: the archive would then mix two databases' rows.
	const live = db.engine;
	const archive = emptyEngine(SQL);
	try {
		archive.exec('PRAGMA journal_mode = MEMORY');
		const movers = new Map<OldRows['table'], Mover>();
		for (const table of new Set(plan.map((g) => g.rows.table))) {
			movers.set(table, archiveTable(live, archive, table));
		}
		const moved = { checks: 0, rollups: 0, notifications: 0 };
		let done = 0;
		options.onProgress?.(0, total);
		for (const { rows, counts } of plan) {
			const mover = movers.get(rows.table)!;
			for (;;) {
				archive.exec('SAVEPOINT batch');
				let count: number;
				try {
					count = await db.write(() => {
						if (db.engine !== live) {
							throw new AppError(
								'maintenance-busy',
								'The database was replaced (a restore or an import) while it was being archived, so archiving stopped.',
							);
						}
						return mover.move(rows, batch);
					});
					archive.exec('RELEASE batch');
				} catch (error) {
					archive.exec('ROLLBACK TO batch; RELEASE batch');
					throw error;
				}
				moved[counts] += count;
				done += count;
				options.onProgress?.(done, Math.max(total, done));
				if (count < batch) break;
				await pause();
			}
		}
		const bytes = archive.db.export();
		return {
			...moved,
			file:
				moved.checks + moved.rollups + moved.notifications > 0
					? { filename: archiveFilename(now), bytes }
					: null,
		};
	} finally {
		archive.db.close();
	}
}
