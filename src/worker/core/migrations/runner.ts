/**
 * The migration runner, shared by the worker and the command line.
 *
 * Guarantees:
 * - applied migrations must be a prefix of the bundled list, with matching checksums;
 * - each file runs in its own transaction with foreign keys switched off *before* BEGIN (inside a
 *   transaction the pragma is silently ignored, and a table rebuild would cascade-delete child rows),
 *   and `PRAGMA foreign_key_check` must be clean before COMMIT;
 * - a failure rolls the file back and stops, leaving the database exactly at the previous version.
 */
import { AppError } from '../../../shared/errors';
import type { LedgerVerdict, MigrationEntry, MigrationReport } from '../../../shared/database';
import type { Engine } from '../engine';
import type { MigrationFile } from './files';

/** `PRAGMA application_id` of every Monitor database: the ASCII bytes "Mon1". */
export const APPLICATION_ID = 0x4d6f6e31;

const LEDGER_DDL = `CREATE TABLE IF NOT EXISTS _migrations (
	id INTEGER PRIMARY KEY,
	filename TEXT NOT NULL UNIQUE,
	checksum TEXT NOT NULL,
	applied_at INTEGER NOT NULL,
	duration_ms REAL NOT NULL
)`;

export interface LedgerRow {
	id: number;
	filename: string;
	checksum: string;
	applied_at: number;
	duration_ms: number;
}

export interface AppliedMigration {
	filename: string;
	durationMs: number;
}

export interface MigrateOptions {
	now?: () => number;
	clock?: () => number;
	onProgress?: (file: MigrationFile, index: number, total: number) => void;
}

export function readLedger(engine: Engine): LedgerRow[] {
	const exists = engine.value(
		"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '_migrations'",
	);
	if (!exists) return [];
	return engine.all<LedgerRow>(
		'SELECT id, filename, checksum, applied_at, duration_ms FROM _migrations ORDER BY id',
	);
}

/** Compares the ledger with the bundled files without changing anything. */
export function inspect(engine: Engine, files: readonly MigrationFile[]): MigrationReport {
	const ledger = readLedger(engine);
	const byId = new Map(files.map((f) => [f.id, f]));
	const entries: MigrationEntry[] = [];
	let verdict: LedgerVerdict = 'up-to-date';

	ledger.forEach((row, index) => {
		const file = byId.get(row.id);
		let state: MigrationEntry['state'] = 'applied';
		if (!file || file.filename !== row.filename) {
			state = 'unknown';
			// A row this build does not know, past our last file, means a newer app wrote the database;
			// anything else (a gap, a renamed file) means the histories diverged.
			if (row.id > files.length && index === row.id - 1) verdict = worst(verdict, 'newer');
			else verdict = worst(verdict, 'mismatch');
		} else if (file.checksum !== row.checksum) {
			state = 'changed';
			verdict = worst(verdict, 'mismatch');
		} else if (row.id !== index + 1) {
			verdict = worst(verdict, 'mismatch');
		}
		entries.push({
			filename: row.filename,
			state,
			appliedAt: row.applied_at,
			durationMs: row.duration_ms,
			checksum: row.checksum,
		});
	});

	const appliedIds = new Set(ledger.map((r) => r.id));
	for (const file of files) {
		if (appliedIds.has(file.id)) continue;
		entries.push({
			filename: file.filename,
			state: 'pending',
			appliedAt: null,
			durationMs: null,
			checksum: file.checksum,
		});
		verdict = worst(verdict, 'pending');
	}

	const durations = ledger.map((r) => r.duration_ms);
	const totalMs = durations.reduce((a, b) => a + b, 0);
	return {
		verdict,
		entries,
		appSchemaVersion: files.length,
		dbSchemaVersion: Number(engine.value('PRAGMA user_version') ?? 0),
		totalMs,
		averageMs: durations.length ? totalMs / durations.length : 0,
	};
}

const SEVERITY: Record<LedgerVerdict, number> = { 'up-to-date': 0, pending: 1, newer: 2, mismatch: 3 };

function worst(a: LedgerVerdict, b: LedgerVerdict): LedgerVerdict {
	return SEVERITY[b] > SEVERITY[a] ? b : a;
}

/** Throws the error a verdict stands for, or returns when the database may be migrated and written. */
export function assertWritable(report: MigrationReport): void {
	if (report.verdict === 'newer') {
		const unknown = report.entries.filter((e) => e.state === 'unknown').map((e) => e.filename);
		throw new AppError('db-newer-than-app', undefined, { unknown });
	}
	if (report.verdict === 'mismatch') {
		const files = report.entries
			.filter((e) => e.state === 'changed' || e.state === 'unknown')
			.map((e) => e.filename);
		throw new AppError('migration-checksum-mismatch', undefined, { files });
	}
}

/** Applies every pending migration in order. Refuses a newer or diverged database. */
export function migrate(
	engine: Engine,
	files: readonly MigrationFile[],
	options: MigrateOptions = {},
): AppliedMigration[] {
	const now = options.now ?? Date.now;
	const clock = options.clock ?? (() => performance.now());
	const report = inspect(engine, files);
	assertWritable(report);

	const applied = new Set(readLedger(engine).map((r) => r.id));
	const pending = files.filter((f) => !applied.has(f.id));
	const results: AppliedMigration[] = [];
	pending.forEach((file, index) => {
		options.onProgress?.(file, index, pending.length);
		results.push(applyOne(engine, file, now, clock));
	});
	return results;
}

function applyOne(
	engine: Engine,
	file: MigrationFile,
	now: () => number,
	clock: () => number,
): AppliedMigration {
	try {
		return isolated(engine, () => {
			const started = clock();
			engine.exec(LEDGER_DDL);
			engine.exec(file.up);
			checkForeignKeys(engine);
			const durationMs = clock() - started;
			engine.run(
				'INSERT INTO _migrations (id, filename, checksum, applied_at, duration_ms) VALUES (?, ?, ?, ?, ?)',
				[file.id, file.filename, file.checksum, now(), durationMs],
			);
			// Both pragmas write the file header, which is part of the transaction.
			engine.exec(`PRAGMA user_version = ${file.id}; PRAGMA application_id = ${APPLICATION_ID}`);
			return { filename: file.filename, durationMs };
		});
	} catch (error) {
		throw failed(file, error);
	}
}

/**
 * Runs `fn` in a transaction with foreign keys switched off *before* BEGIN (inside a transaction the
 * pragma is silently ignored) and restored afterwards, whatever happens.
 */
export function isolated<T>(engine: Engine, fn: () => T): T {
	const foreignKeys = Number(engine.value('PRAGMA foreign_keys') ?? 0);
	engine.exec('PRAGMA foreign_keys = OFF');
	try {
		return engine.transaction(fn);
	} finally {
		engine.exec(`PRAGMA foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
	}
}

export function checkForeignKeys(engine: Engine): void {
	const violations = engine.all('PRAGMA foreign_key_check');
	if (violations.length > 0) {
		throw new Error(
			`${violations.length} foreign key violation(s), first in table ${String(violations[0]?.table)}`,
		);
	}
}

export function failed(file: MigrationFile, error: unknown): AppError {
	const sqliteMessage = error instanceof Error ? error.message : String(error);
	return new AppError('migration-failed', `${file.filename} failed: ${sqliteMessage}`, {
		filename: file.filename,
		sqliteMessage,
	});
}

/**
 * Undoes one applied migration with its `-- migrate:down` section (or, when `force` is set and it has
 * none, only forgets it), removes it from the ledger and sets the schema version back.
 * It must be the last applied migration.
 */
export function revert(engine: Engine, file: MigrationFile, force = false): void {
	const last = readLedger(engine).at(-1);
	if (last?.id !== file.id) {
		throw new AppError('internal', `${file.filename} is not the last applied migration.`);
	}
	if (file.down === null && !force) {
		throw new AppError('migration-no-down', undefined, { filename: file.filename });
	}
	try {
		isolated(engine, () => {
			if (file.down) engine.exec(file.down);
			checkForeignKeys(engine);
			engine.run('DELETE FROM _migrations WHERE id = ?', [file.id]);
			engine.exec(`PRAGMA user_version = ${file.id - 1}`);
		});
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		throw new AppError('migration-failed', `undoing ${file.filename} failed: ${reason}`, {
			filename: file.filename,
			sqliteMessage: reason,
		});
	}
}
