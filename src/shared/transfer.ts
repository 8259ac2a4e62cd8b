/**
 * Import and export of `monitor.db` as the page and the worker both see them: the limits, the names,
 * and the summaries shown side by side before an import replaces the database.
 */
import { AppError } from './errors';
import { formatBytes } from './format';

const MiB = 1024 * 1024;

/**
 * The largest file Monitor imports: 200 MiB. It is the seed document's critical database size (warn at
 * 100 MB, "consider native SQLite" at 200 MB), so any database the app lets itself grow to can be
 * exported and imported back. Beyond it, memory decides: an import holds the file, SQLite's scratch
 * copy, the copy written to storage and its chunks at once. Measured in Chromium with a 200 MiB file
 * (tests/e2e/import-limits.spec.ts, all browser processes, PSS): +0.45 GB while reading and checking,
 * +1.05 GB at the peak of saving, on top of 0.34 GB idle; 4 to 7 s to read and check, 2.5 to 4.5 s to
 * back up and save on a busy 2-core machine. sql.js itself fails on mobile Chromium from about 260 MB
 * (sql-js/sql.js#485). A tab that runs out of memory mid-import loses nothing (the swap is one
 * atomic commit), but a clear refusal is better than a crash.
 */
export const MAX_IMPORT_BYTES = 200 * MiB;

/** The refusal of a file of `size` bytes, or null when the size is acceptable. */
export function sizeRefusal(size: number): AppError | null {
	if (size === 0) return new AppError('import-empty');
	if (size <= MAX_IMPORT_BYTES) return null;
	return new AppError(
		'import-too-large',
		`This file (${formatBytes(size)}) is larger than the ${formatBytes(MAX_IMPORT_BYTES)} Monitor can import: ` +
			'in a browser the file, a scratch copy and the current database must all fit in memory at once.',
		{ sizeBytes: size, maxBytes: MAX_IMPORT_BYTES },
	);
}

/**
 * Up to this size an incoming file gets SQLite's full `PRAGMA integrity_check` (which also compares
 * every index with its table); above it the faster `PRAGMA quick_check`. Measured with the app's
 * sql.js on check history: integrity_check takes about 0.3 s at 10 MiB and 0.8 s at 20 MiB, twice to
 * three times quick_check, and 9 s at 200 MiB.
 */
export const INTEGRITY_CHECK_MAX_BYTES = 16 * MiB;

/** The file types the open picker offers. Any file can still be chosen or dropped; the worker decides. */
export const DATABASE_EXTENSIONS = ['.db', '.sqlite', '.sqlite3'];
export const DATABASE_MIME = 'application/vnd.sqlite3';

/** The export's keyboard shortcut, as `aria-keyshortcuts` spells it and as people read it. */
export const EXPORT_SHORTCUT = { aria: 'Control+Shift+E Meta+Shift+E', label: 'Ctrl+Shift+E' };

/** `monitor-2026-11-26.db`, in local time. */
export function exportFilename(at: number): string {
	const d = new Date(at);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `monitor-${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}.db`;
}

/** `monitor-config-2026-11-26.db`: a configuration-only export (no history, no secret). */
export function configurationFilename(at: number): string {
	return exportFilename(at).replace(/^monitor-/, 'monitor-config-');
}

/** A database as the import's confirmation shows it. */
export interface DatabaseSummary {
	/** The file's size in bytes. */
	sizeBytes: number;
	/** The schema version the file has now (before any migration). */
	schemaVersion: number;
	monitorCount: number;
	/** Epoch ms of the newest check or monitor change; null when there is none. */
	newestActivity: number | null;
}

export interface IncomingSummary extends DatabaseSummary {
	/** The file's name as the browser gave it (any text: show it as text, never as markup). */
	filename: string;
	/** Migrations applied to the scratch copy to bring it to this app's schema. */
	migrations: string[];
	/** Which consistency check the file passed. */
	check: 'integrity_check' | 'quick_check';
	/** Things the person should know before confirming (e.g. a file written in WAL mode). */
	warnings: string[];
	/**
	 * The file's secrets (bot tokens, request headers): `protected` when a passphrase seals them, which must
	 * be given to keep them; without it they are left out and marked for re-entry.
	 */
	secrets: { protected: boolean; bots: number; monitors: number };
	/**
	 * The file's Telegram Bot API server when it is not Telegram's own: it would receive every bot token,
	 * so it is dropped unless the person keeps it (`import.commit`'s `keepApiBase`). Null: Telegram's.
	 */
	telegramApiBase: string | null;
	/** The file's monitors that run; they arrive paused, to be resumed together ("Resume all"). */
	runningMonitors: number;
}

export interface ImportPreview {
	/** Names the checked, prepared file in the owner until `import.commit` or `import.cancel`. */
	token: string;
	current: DatabaseSummary;
	incoming: IncomingSummary;
	appSchemaVersion: number;
}

export interface ExportedFile {
	filename: string;
	bytes: Uint8Array;
	/** Epoch ms of the snapshot: what `database.exported` records as the last export. */
	takenAt: number;
}

/** The stages of an import, in order, as the progress display names them. */
export const IMPORT_STAGES = ['read', 'check', 'migrate', 'save'] as const;
export type ImportStage = (typeof IMPORT_STAGES)[number];

/** A file name from elsewhere, made safe to store and show: no control characters, at most 120 characters. */
export function cleanFilename(name: unknown): string {
	const text = typeof name === 'string' ? name : '';
	// eslint-disable-next-line no-control-regex
	const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').trim();
	if (clean.length === 0) return 'unnamed file';
	return clean.length > 120 ? `${clean.slice(0, 117)}…` : clean;
}
