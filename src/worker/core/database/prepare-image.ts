/**
 * Turns a database file from elsewhere (a backup, an import) into a scratch engine that is safe to
 * swap in: a SQLite file, consistent, a Monitor database, not from a newer app, migrated to this
 * build's schema. Nothing here touches the live database, so any failure leaves it exactly as it was.
 *
 * A file a person brings is checked harder, and not here: `checkUntrustedImage` (core/integrity)
 * runs in a worker of its own, and only a file that passed it comes here, marked `checked`. It is then
 * opened in this worker for the first time, and not checked again.
 */
import type { SqlJsStatic } from 'sql.js';
import { AppError, type ErrorCode } from '../../../shared/errors';
import { openEngine } from '../connection';
import type { Engine } from '../engine';
import type { MigrationFile } from '../migrations/files';
import {
	APPLICATION_ID,
	assertWritable,
	inspect,
	migrate,
	type AppliedMigration,
} from '../migrations/runner';

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
	/**
	 * A file from outside the app that already passed `checkUntrustedImage` (its schema is Monitor's,
	 * it is consistent by this check, its foreign keys hold), in a worker of its own: it is not checked again.
	 */
	checked?: 'integrity_check' | 'quick_check';
	/** Called as the work moves on: checking, then migrating (if there is anything to migrate). */
	onStage?: (stage: 'check' | 'migrate') => void;
}

export interface Prepared {
	engine: Engine;
	migrated: AppliedMigration[];
	/** `user_version` of the file as it came, before any migration. */
	schemaVersion: number;
	check: 'integrity_check' | 'quick_check';
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
		options.onStage?.('check');
		// A checked file's bytes came back from the checking worker for this engine alone: no copy.
		engine = openEngine(SQL, image, { adopt: options.checked !== undefined });
		const check = options.checked ?? 'quick_check';
		if (!options.checked) assertConsistent(engine, check, options, false);
		assertMonitorDatabase(engine, options.subject);
		const report = inspect(engine, files);
		if (report.verdict === 'newer') {
			throw new AppError(
				'db-newer-than-app',
				`${options.subject} was made by a newer version of Monitor (schema version ${report.dbSchemaVersion}; this app knows ${report.appSchemaVersion}). ` +
					'Reload to update the app first.',
			);
		}
		assertWritable(report);
		const schemaVersion = Number(engine.value('PRAGMA user_version') ?? 0);
		let migrated: AppliedMigration[] = [];
		if (report.verdict === 'pending') {
			options.onStage?.('migrate');
			migrated = migrate(engine, files, { now: options.now, onProgress: options.onMigrating });
		}
		return { engine, migrated, schemaVersion, check };
	} catch (error) {
		engine?.db.close();
		if (error instanceof AppError) throw error;
		// sql.js reports a damaged file at its first read: "file is not a database", "database disk image is malformed".
		const reason = (error instanceof Error ? error.message : String(error)).slice(0, 160);
		throw new AppError(options.corrupt, undefined, { cause: reason });
	}
}

/** Runs SQLite's consistency check; `explain`: the message says what it found (for a person's file). */
export function assertConsistent(
	engine: Engine,
	check: 'integrity_check' | 'quick_check',
	options: Pick<PrepareOptions, 'subject' | 'corrupt'>,
	explain: boolean,
): void {
	const rows = engine.all<Record<string, string>>(`PRAGMA ${check}`);
	const problems = rows.map((r) => String(Object.values(r)[0]));
	if (problems.length === 1 && problems[0] === 'ok') return;
	const first = (problems[0] ?? '').replace(/\s+/g, ' ').slice(0, 160);
	throw new AppError(
		options.corrupt,
		explain
			? `${options.subject} is damaged: SQLite’s ${check} found ${problems.length === 1 ? 'a problem' : `${problems.length} problems`} (the first: “${first}”), so it cannot be imported. Try an older copy.`
			: undefined,
		{ check, problems: problems.slice(0, 5) },
	);
}

export function assertForeignKeys(engine: Engine, subject: string, corrupt: ErrorCode): void {
	const broken = engine.all<{ table: string }>('PRAGMA foreign_key_check');
	if (broken.length === 0) return;
	const tables = [...new Set(broken.map((r) => r.table))];
	throw new AppError(
		corrupt,
		`${subject} is damaged: ${broken.length.toLocaleString('en')} rows of ${tables.join(', ')} point at rows that do not exist, so it cannot be imported.`,
		{ tables },
	);
}

export function assertMonitorDatabase(engine: Engine, subject: string): void {
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
