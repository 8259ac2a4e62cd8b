/** What the Database page shows: the migration ledger next to the bundled files, and the file's vital signs. */
import type { ErrorCode, WireError } from './errors';

export type MigrationState = 'applied' | 'pending' | 'changed' | 'unknown';

export interface MigrationEntry {
	filename: string;
	state: MigrationState;
	/** Epoch ms when applied; null when pending. */
	appliedAt: number | null;
	durationMs: number | null;
	checksum: string;
}

/**
 * The verdict on a database's migrations against this build:
 * - `up-to-date`: the ledger equals the bundled list;
 * - `pending`: the ledger is a prefix of the bundled list;
 * - `newer`: the ledger lists files this build does not have (written by a newer app);
 * - `mismatch`: an applied file's checksum differs from the bundled file.
 */
export type LedgerVerdict = 'up-to-date' | 'pending' | 'newer' | 'mismatch';

export interface MigrationReport {
	verdict: LedgerVerdict;
	entries: MigrationEntry[];
	appSchemaVersion: number;
	dbSchemaVersion: number;
	totalMs: number;
	averageMs: number;
}

export interface DatabaseStatus {
	migrations: MigrationReport;
	sizeBytes: number;
	pageSize: number;
	pageCount: number;
	freePages: number;
	readOnly: boolean;
	readOnlyReason: string | null;
	generation: number;
	savedAt: number | null;
	sqliteVersion: string;
	/** Epoch ms of the last export of the database file (the `last_export_at` setting); null if never. */
	lastExportAt: number | null;
}

export type SaveState = 'idle' | 'saving' | 'saved' | 'error';

export interface SaveStatus {
	state: SaveState;
	/** Writes committed in memory and not yet durable. */
	pending: number;
	generation: number;
	savedAt: number | null;
	error: string | null;
	/** The error's stable code, so the UI can say what to do (e.g. `quota-exceeded`). */
	errorCode: ErrorCode | null;
	/** Which window's worker saves the database: this one, or another tab or window of the app. */
	savedBy: 'this-window' | 'another-window';
	/**
	 * Something about storage the person should hear about although saving goes on, e.g. `storage-lost`:
	 * the browser deleted the stored database under the open app, and it was saved again from memory.
	 */
	notice: WireError | null;
}

/** How long one migration took to apply or undo. */
export interface MigrationTiming {
	filename: string;
	durationMs: number;
}

/** What a reset from a migration did (the seed's migration-reset), as the Database page reports it. */
export interface ResetReport {
	/** The migration reset from: it and every later one were undone and applied again. */
	migration: string;
	/** Undone, last first; `forced`: had no down section and was only forgotten (CLI --force). */
	undone: (MigrationTiming & { forced: boolean })[];
	applied: MigrationTiming[];
	/** The tables whose rows were kept aside and put back, with their row counts. */
	kept: { table: string; rows: number }[];
	/** The whole reset, one transaction. */
	totalMs: number;
	/** The `before-reset` backup made first (the app); null where the caller keeps its own (the CLI). */
	backupId: number | null;
}

/** What applying the pending migrations to a copy of the database did; the database is not changed. */
export interface DryRunReport {
	fromVersion: number;
	toVersion: number;
	applied: MigrationTiming[];
}
