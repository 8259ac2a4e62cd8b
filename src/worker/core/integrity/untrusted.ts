/**
 * The checks a file from outside the app must pass before the worker that owns the database opens it,
 * run on a copy in a worker of its own (untrusted.worker.ts): whatever a hostile file makes SQLite
 * allocate or loop over there dies with that worker, and the live database's wasm heap (which only ever
 * grows) never sees it.
 *
 * The order never evaluates anything the file defines before its schema is known to be Monitor's own:
 * the application id and the ledger table (plain reads of the header and `sqlite_schema`), the ledger
 * against this build's migrations, the whole schema against the one those migrations make, and only
 * then SQLite's consistency check (which evaluates CHECK constraints and index expressions, and runs
 * virtual tables' integrity code), foreign keys, and, on a file too large for the full integrity_check,
 * a REINDEX, which rebuilds every index from its table and refuses duplicates a UNIQUE index would have
 * let through. Planner statistics are dropped: rows in `sqlite_stat*` steer every query plan, and
 * `ANALYZE` or `PRAGMA optimize` make honest ones again.
 */
import type { SqlJsStatic } from 'sql.js';
import { AppError, type ErrorCode, type WireError } from '../../../shared/errors';
import { openEngine } from '../connection';
import {
	assertConsistent,
	assertForeignKeys,
	assertMonitorDatabase,
} from '../database/prepare-image';
import {
	assertLedgerSchema,
	assertSchema,
	expectedSchema,
	SQLITE_OWN_TABLES,
} from '../database/schema';
import type { Engine } from '../engine';
import type { MigrationFile } from '../migrations/files';
import { inspect } from '../migrations/runner';

export interface UntrustedCheckOptions {
	/** Up to this size the full integrity_check runs; above it quick_check and a REINDEX. */
	integrityCheckMaxBytes: number;
	/** Names the file in messages: "This file". */
	subject: string;
	/** The error for a file that fails SQLite's consistency check. */
	corrupt: ErrorCode;
}

export interface CheckedImage {
	/** The file as it passed: the same bytes, or, after a REINDEX or dropped statistics, a new image. */
	image: Uint8Array;
	check: 'integrity_check' | 'quick_check';
}

/** Throws the AppError that fits the first problem found; the engine it opens is always closed. */
export function checkUntrustedImage(
	SQL: SqlJsStatic,
	image: Uint8Array,
	files: readonly MigrationFile[],
	options: UntrustedCheckOptions,
): CheckedImage {
	const { subject, corrupt } = options;
	let engine: Engine | undefined;
	try {
		engine = openEngine(SQL, image);
		// Checks every b-tree cell's size as it is read, so a crafted page fails cleanly rather than late.
		engine.exec('PRAGMA cell_size_check = ON');
		assertMonitorDatabase(engine, subject);
		assertLedgerSchema(engine, expectedSchema(SQL, files, files.length));
		const applied = assertKnownLedger(engine, files, subject);
		assertSchema(engine, expectedSchema(SQL, files, applied), applied);
		const check =
			image.length <= options.integrityCheckMaxBytes ? 'integrity_check' : 'quick_check';
		assertConsistent(engine, check, { subject, corrupt }, true);
		assertForeignKeys(engine, subject, corrupt);
		let changed = dropStatistics(engine);
		if (check === 'quick_check') {
			reindex(engine, subject, corrupt);
			changed = true;
		}
		return { image: changed ? engine.db.export() : image, check };
	} catch (error) {
		if (error instanceof AppError) throw error;
		// sql.js reports a damaged file at its first read: "file is not a database", "database disk image is malformed".
		const reason = (error instanceof Error ? error.message : String(error)).slice(0, 160);
		throw new AppError(
			corrupt,
			`${subject} is damaged: SQLite stopped reading it (“${reason}”), so it cannot be imported. Try an older copy.`,
			{ cause: reason },
		);
	} finally {
		engine?.db.close();
	}
}

/** Returns how many of this build's migrations the file has applied, or throws why it cannot be trusted. */
function assertKnownLedger(
	engine: Engine,
	files: readonly MigrationFile[],
	subject: string,
): number {
	const report = inspect(engine, files);
	if (report.verdict === 'newer') {
		throw new AppError(
			'import-newer-than-app',
			`${subject} was made by a newer version of Monitor (schema version ${report.dbSchemaVersion}; this app knows ${report.appSchemaVersion}). ` +
				'Reload the app to update it, then import the file again.',
		);
	}
	if (report.verdict === 'mismatch') {
		const altered = report.entries
			.filter((e) => e.state === 'changed' || e.state === 'unknown')
			.map((e) => e.filename);
		throw new AppError(
			'import-migration-altered',
			`${subject} records migrations that do not match this app’s (${altered.slice(0, 3).join(', ')}): ` +
				'a migration was changed after it was applied, so Monitor cannot trust its tables.',
			{ files: altered },
		);
	}
	const applied = report.entries.filter((e) => e.state === 'applied').length;
	if (report.dbSchemaVersion !== applied) {
		throw new AppError(
			'import-schema-mismatch',
			`${subject} says it is at schema version ${report.dbSchemaVersion}, but its migration ledger lists ${applied} migrations: it was changed by another tool, so it was not imported.`,
		);
	}
	return applied;
}

/** Returns whether there were any (the schema check let only SQLite's own definitions through). */
function dropStatistics(engine: Engine): boolean {
	let dropped = false;
	for (const table of SQLITE_OWN_TABLES.keys()) {
		if (!table.startsWith('sqlite_stat') || !hasTable(engine, table)) continue;
		engine.exec(`DROP TABLE ${table}`);
		dropped = true;
	}
	return dropped;
}

function hasTable(engine: Engine, name: string): boolean {
	return Boolean(
		engine.value("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", [name]),
	);
}

/** quick_check compares no index with its table: rebuilding them all catches (and mends) what it cannot. */
function reindex(engine: Engine, subject: string, corrupt: ErrorCode): void {
	try {
		engine.exec('REINDEX');
	} catch (error) {
		const reason = (error instanceof Error ? error.message : String(error)).slice(0, 160);
		throw new AppError(
			corrupt,
			`${subject} is damaged: rebuilding its indexes failed (“${reason}”): rows break a rule an index enforces, so it cannot be imported. Try an older copy.`,
			{ check: 'reindex', cause: reason },
		);
	}
}

/**
 * Runs `checkUntrustedImage` in a worker of its own, which exits when it answers. `image` is
 * transferred there and back: the caller must use the returned image, not the one it gave.
 */
export function checkUntrustedInWorker(
	image: Uint8Array,
	options: UntrustedCheckOptions,
): Promise<CheckedImage> {
	return new Promise((resolve, reject) => {
		const worker = new Worker(new URL('./untrusted.worker.ts', import.meta.url), {
			type: 'module',
		});
		worker.onmessage = (
			event: MessageEvent<{ ok: true; result: CheckedImage } | { ok: false; error: WireError }>,
		) => {
			worker.terminate();
			if (event.data.ok) resolve(event.data.result);
			else reject(AppError.fromWire(event.data.error));
		};
		// A worker that dies (out of memory, say) answers nothing: the file is refused all the same.
		worker.onerror = (event) => {
			worker.terminate();
			reject(
				new AppError(
					options.corrupt,
					`${options.subject} could not be checked: the worker checking it stopped (“${event.message || 'no reason given'}”), so it was not imported.`,
				),
			);
		};
		worker.postMessage({ image, options }, [image.buffer]);
	});
}
