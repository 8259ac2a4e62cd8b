/**
 * The live database's backups: one of the file as it is now, on demand or before a restore, an import
 * or a reset (a restore swaps a backup in like an import, replace.ts). The backups themselves live in a
 * store of their own (core/backups).
 */
import type { BackupInfo, BackupReason } from '../../../shared/backups';
import { AppError } from '../../../shared/errors';
import { describeEngine, saveBackup } from '../backups/backups';
import type { BackupStore } from '../backups/store';
import type { LiveState } from './live-state';

export function backupStoreOf(live: LiveState): BackupStore {
	const backups = live.options.backups;
	if (!backups) throw new AppError('internal', 'This database has no backup store.');
	return backups;
}

/** Backs up the database as it is now (everything committed, saved or not). */
export async function createBackup(
	live: LiveState,
	reason: BackupReason,
	detail: string | null,
): Promise<BackupInfo> {
	await live.settled();
	if (live.swapping) throw new AppError('busy');
	try {
		return await backUp(live, reason, detail, 'backup');
	} finally {
		live.progress(null, '', null);
	}
}

/** Stores a backup of the live file, reporting its progress as part of `task`. */
export async function backUp(
	live: LiveState,
	reason: BackupReason,
	detail: string | null,
	task: 'backup' | 'restore' | 'import',
): Promise<BackupInfo> {
	const backups = backupStoreOf(live);
	// No transaction ever spans an await, so this is a committed state.
	const image = live.engine.db.export();
	const step =
		task === 'backup' ? 'Compressing and storing the backup' : 'Backing up the current database';
	live.progress(task, step, 0);
	return saveBackup(backups, { image, ...describeEngine(live.engine) }, reason, detail, {
		now: live.options.now,
		onProgress: (f) => live.progress(task, step, f),
	});
}

export async function deleteBackup(live: LiveState, id: number): Promise<{ deleted: boolean }> {
	if (!Number.isSafeInteger(id) || id <= 0) {
		throw new AppError('invalid-input', 'A backup id is a positive whole number.');
	}
	return { deleted: await backupStoreOf(live).delete(id) };
}
