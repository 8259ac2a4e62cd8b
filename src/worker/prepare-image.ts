/**
 * Turns a database file from elsewhere (a backup; later an import) into a scratch engine that is safe
 * to swap in: a SQLite file, consistent, a Monitor database, not from a newer app, migrated to this
 * build's schema. Nothing here touches the live database, so any failure leaves it exactly as it was.
 */
import type { SqlJsStatic } from 'sql.js';
import { AppError, type ErrorCode } from '../shared/errors';
import { openEngine } from './connection';
import type { Engine } from './engine';
import type { MigrationFile } from './migrations/files';
import {
	APPLICATION_ID,
	assertWritable,
	inspect,
	migrate,
	type AppliedMigration,
} from './migrations/runner';

const SQLITE_MAGIC = 'SQLite format 3\0';

export function hasSqliteHeader(bytes: Uint8Array): boolean {
	if (bytes.length < 100) return false;
	for (let i = 0; i < SQLITE_MAGIC.length; i++) {
		if (bytes[i] !== SQLITE_MAGIC.charCodeAt(i)) return false;
	}
	return true;
}

export interface PrepareOptions {
	/** The error for a file that fails SQLite's consistency check. */
	corrupt: ErrorCode;
	/** Names the file in messages: "This backup", "This file". */
	subject: string;
	now?: () => number;
	onMigrating?: (file: MigrationFile, index: number, total: number) => void;
}

export interface Prepared {
	engine: Engine;
	migrated: AppliedMigration[];
}

export function prepareImage(
	SQL: SqlJsStatic,
	image: Uint8Array,
	files: readonly MigrationFile[],
	options: PrepareOptions,
): Prepared {
	if (!hasSqliteHeader(image)) {
		throw new AppError('not-sqlite', `${options.subject} is not a SQLite database.`);
	}
	let engine: Engine | undefined;
	try {
		engine = openEngine(SQL, image);
		const check = engine.all<{ quick_check: string }>('PRAGMA quick_check');
		if (check.length !== 1 || check[0]?.quick_check !== 'ok') {
			throw new AppError(options.corrupt, undefined, {
				problems: check.slice(0, 5).map((r) => r.quick_check),
			});
		}
		assertMonitorDatabase(engine, options.subject);
		const report = inspect(engine, files);
		if (report.verdict === 'newer') {
			throw new AppError(
				'db-newer-than-app',
				`${options.subject} was made by a newer version of Monitor (schema version ${report.dbSchemaVersion}; this app knows ${report.appSchemaVersion}). Reload to update the app first.`,
			);
		}
		assertWritable(report);
		const migrated =
			report.verdict === 'pending'
				? migrate(engine, files, { now: options.now, onProgress: options.onMigrating })
				: [];
		return { engine, migrated };
	} catch (error) {
		engine?.db.close();
		if (error instanceof AppError) throw error;
		// sql.js reports a damaged file at its first read: "file is not a database", "database disk image is malformed".
		throw new AppError(options.corrupt, undefined, { cause: String(error) });
	}
}

function assertMonitorDatabase(engine: Engine, subject: string): void {
	const applicationId = Number(engine.value('PRAGMA application_id'));
	const hasLedger = Boolean(
		engine.value(
			"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '_migrations'",
		),
	);
	if (applicationId !== APPLICATION_ID || !hasLedger) {
		throw new AppError(
			'not-monitor-db',
			`${subject} is a SQLite database, but not one made by Monitor.`,
			{ applicationId },
		);
	}
}
