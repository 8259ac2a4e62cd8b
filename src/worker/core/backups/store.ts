/**
 * Where backups live: a storage backend of their own, never the live database's store, so a damaged
 * live store cannot take its backups with it. Retention is applied in the same transaction as the add.
 */
import { isAutomatic, type BackupInfo } from '../../../shared/backups';

export interface NewBackup {
	info: Omit<BackupInfo, 'id'>;
	/** The stored (possibly compressed) bytes, each chunk at most BACKUP_CHUNK_SIZE. */
	chunks: Uint8Array[];
}

export interface StoredBackup {
	info: BackupInfo;
	chunks: Uint8Array[];
}

export interface BackupStore {
	/** Newest first. */
	list(): Promise<BackupInfo[]>;
	/**
	 * Stores a backup atomically and, in the same transaction, deletes the automatic backups beyond the
	 * newest `keepAutomatic`. Manual backups are never pruned.
	 */
	add(backup: NewBackup, keepAutomatic: number): Promise<{ info: BackupInfo; pruned: number[] }>;
	read(id: number): Promise<StoredBackup | null>;
	delete(id: number): Promise<boolean>;
}

/** The ids retention removes: automatic backups beyond the newest `keep`. */
export function beyondRetention(backups: readonly BackupInfo[], keep: number): number[] {
	return backups
		.filter((b) => isAutomatic(b.reason))
		.sort((a, b) => b.id - a.id)
		.slice(keep)
		.map((b) => b.id);
}
