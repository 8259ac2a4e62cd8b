/** Opening a database file with the app's own sql.js, connection settings and migration runner. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import type { MigrationReport } from '../shared/database';
import { AppError } from '../shared/errors';
import { openEngine } from '../worker/core/connection';
import type { Engine } from '../worker/core/engine';
import { parseMigrations, type MigrationFile } from '../worker/core/migrations/files';
import { APPLICATION_ID, inspect } from '../worker/core/migrations/runner';
import type { DbFile } from './files';
import { CliError } from './io';

/** This checkout's migrations/ directory. */
export const DEFAULT_MIGRATIONS = join(import.meta.dirname, '../../migrations');

let sql: Promise<SqlJsStatic> | undefined;

/** The same sql.js release as the app, in its Node build (the same SQLite and wasm). */
export function loadSql(): Promise<SqlJsStatic> {
	sql ??= initSqlJs();
	return sql;
}

/** The migration files, read from disk and parsed exactly as the app's bundle is. */
export async function readMigrations(dir: string): Promise<MigrationFile[]> {
	let names: string[];
	try {
		names = readdirSync(dir).filter((name) => name.endsWith('.sql'));
	} catch {
		throw new CliError(`cannot read the migrations directory ${dir}.`);
	}
	const sources = Object.fromEntries(
		names.map((name) => [`/migrations/${name}`, readFileSync(join(dir, name), 'utf8')]),
	);
	try {
		return await parseMigrations(sources);
	} catch (error) {
		if (error instanceof AppError)
			throw new CliError(`the migrations in ${dir} are invalid: ${error.message}`);
		throw error;
	}
}

export interface Opened {
	engine: Engine;
	isMonitor: boolean;
	applicationId: number;
	report: MigrationReport;
}

export async function openDb(file: DbFile, files: readonly MigrationFile[]): Promise<Opened> {
	const engine = openEngine(await loadSql(), file.bytes);
	try {
		const applicationId = Number(engine.value('PRAGMA application_id'));
		const hasLedger = Boolean(
			engine.value(
				"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '_migrations'",
			),
		);
		const isMonitor = applicationId === APPLICATION_ID || hasLedger;
		return { engine, isMonitor, applicationId, report: inspect(engine, files) };
	} catch (error) {
		engine.db.close();
		// sql.js only reads the file at the first query: "file is not a database", "malformed".
		const reason = error instanceof Error ? error.message : String(error);
		throw new CliError(`${file.name} cannot be read as a SQLite database (${reason}).`);
	}
}

/** The refusal every command shares for a file that is SQLite but not Monitor's. */
export function requireMonitor(file: DbFile, opened: Opened): void {
	if (!opened.isMonitor) {
		throw new CliError(
			`${file.name} is a SQLite database, but not a Monitor database (no _migrations ledger, application id ${opened.applicationId}).`,
		);
	}
}

/** The refusal for a database written by a newer app, with the files this checkout lacks. */
export function newerMessage(file: DbFile, report: MigrationReport): string {
	const unknown = report.entries.filter((e) => e.state === 'unknown').map((e) => e.filename);
	return `${file.name} was written by a newer version of Monitor (schema version ${report.dbSchemaVersion}; this checkout knows ${report.appSchemaVersion}; unknown: ${unknown.join(', ')}). Update this checkout first.`;
}

export function mismatchMessage(file: DbFile, report: MigrationReport): string {
	const changed = report.entries
		.filter((e) => e.state === 'changed' || e.state === 'unknown')
		.map(
			(e) =>
				`${e.filename} (${e.state === 'changed' ? 'changed since applied' : 'not in this checkout'})`,
		);
	return `${file.name}'s applied migrations differ from this checkout's files: ${changed.join(', ')}.`;
}

/** Refuses to change a damaged file: migrating or resetting it could spread the damage. */
export function requireIntact(file: DbFile, engine: Engine): void {
	let problems: string[];
	try {
		problems = engine
			.all<{ quick_check: string }>('PRAGMA quick_check')
			.map((r) => r.quick_check)
			.filter((p) => p !== 'ok');
	} catch (error) {
		problems = [error instanceof Error ? error.message : String(error)];
	}
	if (problems.length > 0) {
		throw new CliError(
			`${file.name} failed its consistency check (${problems[0]}); it was not changed. Run check for details.`,
		);
	}
}
