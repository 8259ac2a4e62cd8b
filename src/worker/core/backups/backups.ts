/** Making a backup of a database image and reading one back, verified against its checksum. */
import {
	AUTOMATIC_BACKUPS_KEPT,
	type BackupInfo,
	type BackupReason,
} from '../../../shared/backups';
import { AppError, isQuotaError } from '../../../shared/errors';
import type { Engine } from '../engine';
import { concat, decode, encode, sha256Bytes, split, type Progress } from './codec';
import type { BackupStore } from './store';

export interface BackupSubject {
	image: Uint8Array;
	schemaVersion: number;
	monitorCount: number;
}

export interface BackupOptions {
	now?: () => number;
	onProgress?: Progress;
	/** Automatic backups kept after this one is added (AUTOMATIC_BACKUPS_KEPT unless said otherwise). */
	keepAutomatic?: number;
}

/** What a backup records about the database it holds, read from an open engine. */
export function describeEngine(engine: Engine): Omit<BackupSubject, 'image'> {
	const hasMonitors = engine.value(
		"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'monitors'",
	);
	return {
		schemaVersion: Number(engine.value('PRAGMA user_version') ?? 0),
		monitorCount: hasMonitors ? Number(engine.value('SELECT count(*) FROM monitors')) : 0,
	};
}

export async function saveBackup(
	store: BackupStore,
	subject: BackupSubject,
	reason: BackupReason,
	detail: string | null,
	options: BackupOptions = {},
): Promise<BackupInfo> {
	try {
		const { image } = subject;
		const sha256 = await sha256Bytes(image);
		const encoded = await encode(image, options.onProgress);
		const { info } = await store.add(
			{
				info: {
					createdAt: (options.now ?? Date.now)(),
					reason,
					detail,
					sizeBytes: image.length,
					storedBytes: encoded.bytes.length,
					compression: encoded.compression,
					schemaVersion: subject.schemaVersion,
					monitorCount: subject.monitorCount,
					sha256,
				},
				chunks: split(encoded.bytes),
			},
			options.keepAutomatic ?? AUTOMATIC_BACKUPS_KEPT,
		);
		return info;
	} catch (error) {
		if (error instanceof AppError) throw error;
		if (isQuotaError(error)) throw new AppError('quota-exceeded');
		throw new AppError('backup-failed', undefined, { cause: String(error) });
	}
}

/** The database file a backup holds; throws `backup-not-found` or `backup-corrupt`. */
export async function loadBackup(
	store: BackupStore,
	id: number,
	onProgress?: Progress,
): Promise<{ info: BackupInfo; image: Uint8Array }> {
	if (!Number.isSafeInteger(id) || id <= 0) {
		throw new AppError('invalid-input', 'A backup id is a positive whole number.');
	}
	const stored = await store.read(id);
	if (!stored) throw new AppError('backup-not-found');
	const { info } = stored;
	let image: Uint8Array;
	try {
		image = await decode(concat(stored.chunks), info.compression, onProgress);
	} catch (error) {
		throw new AppError('backup-corrupt', undefined, { id, cause: String(error) });
	}
	if (image.length !== info.sizeBytes || (await sha256Bytes(image)) !== info.sha256) {
		throw new AppError('backup-corrupt', undefined, { id });
	}
	return { info, image };
}
