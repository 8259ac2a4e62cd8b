/**
 * "Archive": the rows rotation would delete (raw checks past the retention period, the history blocks
 * whose whole span is past it, old rollups, the notification log's sent, failed and uncertain messages of
 * the same age) are copied into a separate SQLite file, which the person downloads. Blocks go into it as
 * they are, in the documented format (stores/history/README.md), which `npm run db -- history <archive>`
 * prints check by check; a block counts as the checks it holds. Only once they confirm the download finished are the rows
 * deleted from the live database: exactly the rows the file holds, and only those still old. A download
 * that failed (a full disk, a closed dialog) then costs nothing: the person discards, the rows stay.
 *
 * Copying reads in key order from the last row copied, between which checks keep being recorded; the
 * copy belongs to the database it was read from, and a restore or an import in between (another
 * Engine) invalidates it: nothing is deleted from a database the file was not made from.
 */
import { AppError } from '../../../shared/errors';
import { archiveFilename, type ArchiveRemoved } from '../../../shared/health';
import type { LiveDatabase } from '../../core/database/live-database';
import type { Engine, Param } from '../../core/engine';
import { emptyEngine, type SqlJs } from '../../core/scratch';
import {
	archiveTable,
	countOldRows,
	oldBlocks,
	oldChecks,
	oldLog,
	oldLongRollups,
	oldMinuteRollups,
	type Mover,
	type OldRows,
} from '../../stores/archive';
import { rotationCutoffs } from '../checks/retention';
import { writeOn } from '../same-database';

type Counts = keyof ArchiveRemoved;

export interface ArchiveOptions {
	batch?: number;
	pause?: () => Promise<void>;
	onProgress?: (done: number, total: number) => void;
}

interface Group {
	rows: OldRows;
	counts: Counts;
	mover: Mover;
}

/** A copy made and handed to the person, whose rows are still in the live database. */
export interface ArchiveCopy {
	counts: ArchiveRemoved;
	file: { filename: string; bytes: Uint8Array };
	/** The database the rows were copied from, and the archive's own engine (closed by `remove` or `discard`). */
	live: Engine;
	archive: Engine;
	groups: Group[];
	/** Rows copied (a block is one row): the unit of the removal's progress. */
	rows: number;
}

/** What rotation deletes, and which count of the result each group adds to. */
function oldGroups(live: Engine, now: number): { rows: OldRows; counts: Counts }[] {
	const cut = rotationCutoffs(live, now);
	return [
		{ rows: oldChecks(cut.checksBefore), counts: 'checks' },
		{ rows: oldBlocks(cut.checksBefore), counts: 'checks' },
		// As rotation: the log follows the checks' retention.
		{ rows: oldLog(cut.checksBefore), counts: 'notifications' },
		{ rows: oldMinuteRollups(cut.minuteRollupsBefore), counts: 'rollups' },
		{ rows: oldLongRollups(cut.rollupsBefore), counts: 'rollups' },
	];
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function replacedWhile(doing: string): AppError {
	return new AppError(
		'db-replaced',
		`The database was replaced (a restore or an import) while ${doing}, so nothing was deleted.`,
	);
}

/** Copies the old rows into a new archive file; null when nothing is old enough. Deletes nothing. */
export async function copyOldRows(
	db: LiveDatabase,
	SQL: SqlJs,
	now: number,
	options: ArchiveOptions = {},
): Promise<ArchiveCopy | null> {
	const batch = options.batch ?? 5000;
	const pause = options.pause ?? tick;
	const live = db.engine;
	const planned = oldGroups(live, now)
		.map((group) => ({ ...group, found: countOldRows(live, group.rows) }))
		.filter((group) => group.found > 0);
	const total = planned.reduce((sum, g) => sum + g.found, 0);
	if (total === 0) return null;

	const archive = emptyEngine(SQL);
	try {
		archive.exec('PRAGMA journal_mode = MEMORY');
		const movers = new Map<OldRows['table'], Mover>();
		// Both tables of checks always, so a reader of the file finds where checks would be even when empty.
		const tables = new Set<OldRows['table']>(['checks', 'history_blocks']);
		for (const group of planned) tables.add(group.rows.table);
		for (const table of tables) movers.set(table, archiveTable(live, archive, table));
		const groups = planned.map((g) => ({
			rows: g.rows,
			counts: g.counts,
			mover: movers.get(g.rows.table)!,
		}));
		const counts: ArchiveRemoved = { checks: 0, rollups: 0, notifications: 0 };
		let done = 0;
		options.onProgress?.(0, total);
		for (const { rows, counts: into, mover } of groups) {
			let after: Param[] | null = null;
			for (;;) {
				if (db.engine !== live) throw replacedWhile('it was being archived');
				const { count, weight, last } = mover.copy(rows, after, batch);
				counts[into] += weight;
				done += count;
				options.onProgress?.(done, Math.max(total, done));
				if (count < batch) break;
				after = last;
				await pause();
			}
		}
		return {
			counts,
			file: { filename: archiveFilename(now), bytes: archive.db.export() },
			live,
			archive,
			groups,
			rows: done,
		};
	} catch (error) {
		archive.db.close();
		throw error;
	}
}

/**
 * The person has the file: deletes from the live database the rows it holds, batch by batch, each batch
 * a durable write. Returns what was deleted (rows rotated away meanwhile are not counted twice).
 */
export async function removeArchivedRows(
	db: LiveDatabase,
	copy: ArchiveCopy,
	options: ArchiveOptions = {},
): Promise<ArchiveRemoved> {
	const batch = options.batch ?? 5000;
	const pause = options.pause ?? tick;
	const removed: ArchiveRemoved = { checks: 0, rollups: 0, notifications: 0 };
	const total = copy.rows;
	let done = 0;
	try {
		for (const { rows, counts, mover } of copy.groups) {
			let after: Param[] | null = null;
			for (;;) {
				const step = await writeOn(db, copy.live, () => mover.remove(rows, after, batch)).catch(
					(error: unknown) => {
						if (error instanceof AppError && error.code === 'db-replaced')
							throw replacedWhile('the archive waited for your confirmation');
						throw error;
					},
				);
				removed[counts] += step.weight;
				done += step.deleted;
				options.onProgress?.(done, Math.max(total, done));
				if (step.seen < batch) break;
				after = step.last;
				await pause();
			}
		}
		return removed;
	} finally {
		copy.archive.db.close();
	}
}
