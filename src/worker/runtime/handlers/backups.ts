/** The backup calls of the worker API. Each is long, asynchronous work that manages its own consistency. */
import { backupFilename, type BackupInfo } from '../../../shared/backups';
import { AppError } from '../../../shared/errors';
import type { LiveDatabase } from '../../core/database/live-database';

function idOf(args: unknown): number {
	const id = (args as { id?: unknown } | undefined)?.id;
	if (!Number.isSafeInteger(id) || (id as number) <= 0) {
		throw new AppError('invalid-input', 'A backup id is a positive whole number.');
	}
	return id as number;
}

export function listBackups(db: LiveDatabase): Promise<BackupInfo[]> {
	return db.listBackups();
}

export function createManualBackup(db: LiveDatabase): Promise<BackupInfo> {
	return db.createBackup('manual');
}

export function restoreBackup(db: LiveDatabase, args: unknown) {
	return db.restoreBackup(idOf(args));
}

export function deleteBackup(db: LiveDatabase, args: unknown) {
	return db.deleteBackup(idOf(args));
}

/** The backup as the plain SQLite file it holds (decompressed and verified). */
export async function downloadBackup(
	db: LiveDatabase,
	args: unknown,
): Promise<{ filename: string; bytes: Uint8Array }> {
	const { info, image } = await db.readBackup(idOf(args));
	return { filename: backupFilename(info), bytes: image };
}
