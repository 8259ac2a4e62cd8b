/**
 * Turns a database file from elsewhere (a backup, an import) into a scratch engine that is safe to
 * swap in: a SQLite file, consistent, a Monitor database, not from a newer app, migrated to this
 * build's schema. Nothing here touches the live database, so any failure leaves it exactly as it was.
 *
 * A file a person brings (`untrusted`) is checked harder, in an order that never runs anything the
 * file defines before it is known to be Monitor's own schema: SQLite's consistency check (the full
 * integrity_check on small files), the application id and the ledger against this build's migrations
 * and their checksums, then the schema itself against the one those migrations make, then foreign keys;
 * only then is it migrated and read.
 */
import type { SqlJsStatic } from 'sql.js';
import { AppError, type ErrorCode } from '../../../shared/errors';
import { openEngine } from '../connection';
import type { Engine } from '../engine';
import { assertSchema, expectedSchema } from './schema';
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
	 * A file from outside the app: up to `integrityCheckMaxBytes` the full integrity_check runs instead
	 * of quick_check, the schema must be exactly Monitor's, foreign keys must hold, and a newer app's or
	 * an altered ledger gets the import's own errors.
	 */
	untrusted?: { integrityCheckMaxBytes: number };
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
	const untrusted = options.untrusted;
	let engine: Engine | undefined;
	try {
		options.onStage?.('check');
		engine = openEngine(SQL, image);
		// Checks every b-tree cell's size as it is read, so a crafted page fails cleanly rather than late.
		if (untrusted) engine.exec('PRAGMA cell_size_check = ON');
		const check =
			untrusted && image.length <= untrusted.integrityCheckMaxBytes
				? 'integrity_check'
				: 'quick_check';
		assertConsistent(engine, check, options, untrusted !== undefined);
		assertMonitorDatabase(engine, options.subject);
		const report = inspect(engine, files);
		if (report.verdict === 'newer') {
			throw new AppError(
				untrusted ? 'import-newer-than-app' : 'db-newer-than-app',
				`${options.subject} was made by a newer version of Monitor (schema version ${report.dbSchemaVersion}; this app knows ${report.appSchemaVersion}). ` +
					(untrusted
						? 'Reload the app to update it, then import the file again.'
						: 'Reload to update the app first.'),
			);
		}
		if (untrusted && report.verdict === 'mismatch') {
			const altered = report.entries
				.filter((e) => e.state === 'changed' || e.state === 'unknown')
				.map((e) => e.filename);
			throw new AppError(
				'import-migration-altered',
				`${options.subject} records migrations that do not match this app’s (${altered.slice(0, 3).join(', ')}): ` +
					'a migration was changed after it was applied, so Monitor cannot trust its tables.',
				{ files: altered },
			);
		}
		assertWritable(report);
		const applied = report.entries.filter((e) => e.state === 'applied').length;
		const schemaVersion = Number(engine.value('PRAGMA user_version') ?? 0);
		if (untrusted && schemaVersion !== applied) {
			throw new AppError(
				'import-schema-mismatch',
				`${options.subject} says it is at schema version ${schemaVersion}, but its migration ledger lists ${applied} migrations: it was changed by another tool, so it was not imported.`,
			);
		}
		if (untrusted) {
			assertSchema(engine, expectedSchema(SQL, files, applied), applied);
			assertForeignKeys(engine, options.subject, options.corrupt);
		}
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
		throw new AppError(
			options.corrupt,
			untrusted
				? `${options.subject} is damaged: SQLite stopped reading it (“${reason}”), so it cannot be imported. Try an older copy.`
				: undefined,
			{ cause: reason },
		);
	}
}

function assertConsistent(
	engine: Engine,
	check: 'integrity_check' | 'quick_check',
	options: PrepareOptions,
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

function assertForeignKeys(engine: Engine, subject: string, corrupt: ErrorCode): void {
	const broken = engine.all<{ table: string }>('PRAGMA foreign_key_check');
	if (broken.length === 0) return;
	const tables = [...new Set(broken.map((r) => r.table))];
	throw new AppError(
		corrupt,
		`${subject} is damaged: ${broken.length.toLocaleString('en')} rows of ${tables.join(', ')} point at rows that do not exist, so it cannot be imported.`,
		{ tables },
	);
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
