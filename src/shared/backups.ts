/** Backups of the database as the Database page and the worker API see them. */

/** Why a backup was made. Every reason but `manual` is automatic and subject to retention. */
export type BackupReason =
	'manual' | 'before-migration' | 'before-import' | 'before-restore' | 'before-reset';

/** How many automatic backups are kept; manual ones are kept until the user deletes them. */
export const AUTOMATIC_BACKUPS_KEPT = 10;

export type BackupCompression = 'gzip' | 'none';

export interface BackupInfo {
	/** Increases with every backup and is never reused. */
	id: number;
	/** Epoch ms. */
	createdAt: number;
	reason: BackupReason;
	/** What the reason refers to: the first pending migration file, the backup being restored, ... */
	detail: string | null;
	/** The size of the database file, as a download gives it back. */
	sizeBytes: number;
	/** What it takes in the browser's storage. */
	storedBytes: number;
	compression: BackupCompression;
	/** `PRAGMA user_version` of the backed-up file: the number of the last migration applied. */
	schemaVersion: number;
	monitorCount: number;
	/** SHA-256 of the database file (lowercase hex), checked before a restore or a download. */
	sha256: string;
}

export function isAutomatic(reason: BackupReason): boolean {
	return reason !== 'manual';
}

/** The reason as a person reads it: `before migration 003_x.sql`, `manual`. */
export function describeReason(info: Pick<BackupInfo, 'reason' | 'detail'>): string {
	const base = info.reason === 'manual' ? 'manual' : info.reason.replace('-', ' ');
	return info.detail ? `${base} ${info.detail}` : base;
}

/** Database maintenance from the Health section (src/shared/health.ts). */
export type MaintenanceTask = 'rotate' | 'archive' | 'vacuum' | 'optimize' | 'integrity';

/** Long work in the worker (a backup, a restore, an import, maintenance), for a progress bar. */
export interface TaskProgress {
	/** null once the task has finished (or failed). */
	task: 'backup' | 'restore' | 'import' | MaintenanceTask | null;
	/** What is happening now, as a short sentence. */
	step: string;
	/** 0 to 1 for this step, or null when unknown. */
	fraction: number | null;
	/** Where an import is: check, migrate or save (reading the file happens in the page). */
	stage?: 'check' | 'migrate' | 'save';
}

/** The file name a downloaded backup gets: `monitor-2026-11-26-153012-before-migration.db`. */
export function backupFilename(info: Pick<BackupInfo, 'createdAt' | 'reason'>): string {
	const d = new Date(info.createdAt);
	const pad = (n: number) => String(n).padStart(2, '0');
	const stamp =
		`${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}-` +
		`${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
	return `monitor-${stamp}-${info.reason}.db`;
}
