/**
 * Every error that can cross the worker boundary, with one sentence a person can act on.
 * Codes are stable: tests, logs and later issues match on them, so rename nothing.
 */
export const ERROR_CATALOGUE = {
	'invalid-input': 'Some of the values entered are not valid.',
	'not-found': 'That item no longer exists. It may have been deleted in another window.',
	'migration-failed':
		'Updating the database to this version of Monitor failed; nothing was changed.',
	'migration-checksum-mismatch':
		'A migration that was already applied to this database has since changed. The database is opened read-only.',
	'migration-bundle-invalid': 'This build of Monitor ships a broken list of migrations.',
	'migration-no-down':
		'This migration has no `-- migrate:down` section, so it cannot be undone. Add one, or force a reset that only re-applies it.',
	'migration-reset-refused':
		'Undoing this migration would destroy data, so the reset was refused and nothing was changed. A backup or an export keeps a copy, whatever you do next.',
	'db-newer-than-app':
		'This database was written by a newer version of Monitor. It is opened read-only; reload to update the app, or export a copy.',
	'db-read-only': 'The database is open read-only, so this change was not made.',
	'not-sqlite': 'This file is not a SQLite database, so Monitor cannot open it.',
	'not-monitor-db':
		'This is a SQLite database, but not one made by Monitor (no migration ledger or a foreign application id).',
	'backup-not-found':
		'That backup no longer exists. It may have been deleted in another window or by the retention rule.',
	'backup-corrupt':
		'That backup is damaged (its contents no longer match its checksum), so it cannot be used. Try an older one.',
	'backup-failed':
		'Making a backup failed, so the work that needed it was not started and nothing was changed.',
	'import-empty': 'This file is empty (0 bytes), so there is nothing to import.',
	'import-too-large':
		'This file is larger than the 200 MiB Monitor can import: in a browser the file, a scratch copy and the current database must all fit in memory at once.',
	'import-compressed':
		'This file is compressed. Unpack it first (open the archive), then import the .db file inside.',
	'import-text-file':
		'This is a text file (an SQL dump or a CSV, perhaps), not a SQLite database file. Import the .db file that Monitor exported.',
	'import-truncated':
		'This database file is incomplete: it ends before the end its header announces, so the copy or download was cut short. Copy it again from where it came from.',
	'import-corrupt':
		'This database file is damaged (SQLite’s consistency check found errors), so it cannot be imported. Try an older copy.',
	'import-newer-than-app':
		'This file was made by a newer version of Monitor. Reload the app to update it, then import the file again.',
	'import-migration-altered':
		'This file’s record of applied migrations does not match this app’s migrations (one was changed after it was applied), so Monitor cannot trust its tables.',
	'import-schema-mismatch':
		'This file’s tables, indexes, views or triggers differ from the ones Monitor makes (it was changed by another tool, or crafted), so it was not imported.',
	'import-unreadable':
		'The browser could not read this file (was it moved, changed or deleted while being read?). Choose it again.',
	'import-expired':
		'This import is no longer waiting (it was cancelled, replaced by another one, left for too long, or the window that checked it has closed). Choose the file again.',
	'export-failed':
		'Writing the exported file failed. Choose another place, or free some disk space, and export again.',
	'db-replaced':
		'The database was replaced (a restore or an import) while this was under way, so it was stopped. Try again.',
	'background-failed':
		'Work Monitor does in the background (checks, Telegram delivery, history rotation, database health) failed. It is tried again later.',
	'archive-expired':
		'That archive is no longer waiting (it was discarded, replaced by a newer one, or the window that made it has closed), so nothing was deleted. Archive again.',
	'history-block-corrupt':
		'A block of compacted check history is damaged or was not written by Monitor (wrong lengths, a corrupt or oversized compressed stream), so it cannot be read.',
	'history-check-unstorable':
		'A check holds a value the compacted history format cannot keep (a time, duration, status or message out of range), so it was not compacted.',
	'history-compaction-raced':
		'The check history changed while it was being compacted; nothing was changed, and compaction tries again on its next run.',
	'import-history-corrupt':
		'This file’s compacted check history is damaged or was not written by Monitor (a block with wrong lengths, an oversized or corrupt compressed stream, or counts that do not add up), so it was not imported.',
	busy: 'A backup, restore or import is already running. Try again when it has finished.',
	'maintenance-busy':
		'Another maintenance task is running on the database. Try again when it has finished.',
	'storage-unavailable':
		'The browser refused access to its storage (private mode or blocked site data?). Changes cannot be kept.',
	'storage-corrupt':
		'The stored database failed its consistency check and was not opened. Your last export is the way back.',
	'storage-lost':
		'The browser deleted Monitor’s stored data while it was open (site data was cleared, or the browser needed the space). This window still held everything and has saved it again; export a copy to keep one outside the browser.',
	'quota-exceeded':
		'The browser is out of storage space for Monitor. Your changes are kept in memory and will be saved when space is freed.',
	'save-failed': 'Saving to the browser storage failed. Changes are kept in memory and retried.',
	'stale-writer':
		'Another window now owns the database, so this window can no longer write to it. Reload to continue.',
	'not-owner':
		'The window that owned the database changed while this call was on its way; it is sent again automatically.',
	'app-outdated':
		'A newer version of Monitor is open in another window and now owns the database. Reload this window to continue.',
	'telegram-token-invalid':
		'Telegram does not accept this bot token. Copy it again from BotFather (it may have been revoked).',
	'telegram-unreachable':
		'Telegram could not be reached: check the connection, or the Bot API server address in Telegram settings.',
	'telegram-refused': 'Telegram refused the request.',
	'secrets-locked':
		'This needs a secret (a bot token, request headers) that stays locked until the passphrase is entered.',
	'app-locked': 'Monitor is locked. Enter the passphrase to continue.',
	'wrong-passphrase': 'That passphrase is not the right one.',
	'too-many-attempts': 'Too many wrong passphrases: wait a moment before trying again.',
	'passphrase-exists': 'A passphrase is already set; change it or remove it instead.',
	'no-passphrase': 'No passphrase is set.',
	'weak-passphrase': 'Choose a passphrase of at least 8 characters.',
	'sql-error': 'The database reported an error.',
	internal: 'Something went wrong inside Monitor.',
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The plain-data shape that crosses postMessage. */
export interface WireError {
	code: ErrorCode;
	message: string;
	/** Machine-readable extras, e.g. the field errors of `invalid-input` or the failing migration file. */
	detail?: Record<string, unknown>;
}

export class AppError extends Error {
	override readonly name = 'AppError';
	readonly code: ErrorCode;
	readonly detail: Record<string, unknown> | undefined;

	constructor(code: ErrorCode, message?: string, detail?: Record<string, unknown>) {
		super(message ?? ERROR_CATALOGUE[code]);
		this.code = code;
		this.detail = detail;
	}

	toWire(): WireError {
		return this.detail === undefined
			? { code: this.code, message: this.message }
			: { code: this.code, message: this.message, detail: this.detail };
	}

	static fromWire(wire: WireError): AppError {
		return new AppError(wire.code, wire.message, wire.detail);
	}
}

/**
 * A failure of work nobody asked for just now (a scheduled job, the Telegram poller and dispatcher): the
 * owner sends it to every window, whose notices show it. `what` says which work failed.
 */
export interface BackgroundNotice {
	what: string;
	code: ErrorCode;
	message: string;
}

export function backgroundNotice(what: string, error: unknown): BackgroundNotice {
	const wire = toWireError(error);
	return wire.code === 'internal'
		? { what, code: 'background-failed', message: wire.message }
		: { what, code: wire.code, message: wire.message };
}

export function isErrorCode(value: unknown): value is ErrorCode {
	return typeof value === 'string' && Object.hasOwn(ERROR_CATALOGUE, value);
}

/** Turns anything thrown into wire data; unknown failures become `internal` with their message kept. */
export function toWireError(error: unknown): WireError {
	if (error instanceof AppError) return error.toWire();
	if (isQuotaError(error))
		return { code: 'quota-exceeded', message: ERROR_CATALOGUE['quota-exceeded'] };
	const message = error instanceof Error ? error.message : String(error);
	return { code: 'internal', message };
}

export function isQuotaError(error: unknown): boolean {
	return (
		typeof error === 'object' &&
		error !== null &&
		'name' in error &&
		error.name === 'QuotaExceededError'
	);
}
