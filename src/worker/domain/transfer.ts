/** Export of the whole database file, and when a person last saved one (importing is in import/). */
import { AppError } from '../../shared/errors';
import { exportFilename, type ExportedFile } from '../../shared/transfer';
import type { LiveDatabase } from '../core/database/live-database';
import type { Engine } from '../core/engine';
import { LAST_EXPORT_KEY, putLargerSetting } from '../stores/settings';

/**
 * The live database as a plain SQLite file. Handlers never leave a transaction open across an await,
 * so this is always a committed state; sql.js writes the header's journal bytes as rollback-journal
 * mode, which every SQLite tool opens. The reply hands the buffer over to the page (not a copy).
 */
export async function exportDatabase(db: LiveDatabase, now: number): Promise<ExportedFile> {
	// A file opened from its snapshot leaves the worker only once the snapshot is checked.
	await db.settled();
	const bytes = db.engine.db.export();
	return { filename: exportFilename(now), bytes, takenAt: now };
}

/** Records the snapshot time of an export the person saved (feeds the backup reminder). */
export function recordExport(engine: Engine, at: unknown, now: number): { lastExportAt: number } {
	// A snapshot is taken before it is saved; a minute of slack covers clocks of two windows.
	if (!Number.isSafeInteger(at) || (at as number) <= 0 || (at as number) > now + 60_000) {
		throw new AppError('invalid-input', 'An export time is a past instant in epoch milliseconds.');
	}
	// Two windows may record out of order: the newest export wins.
	return { lastExportAt: Number(putLargerSetting(engine, LAST_EXPORT_KEY, at as number, now)) };
}
