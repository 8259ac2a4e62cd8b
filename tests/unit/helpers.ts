import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { configure } from '../../src/worker/core/connection';
import type { Engine } from '../../src/worker/core/engine';
import { parseMigrations, type MigrationFile } from '../../src/worker/core/migrations/files';

let sql: Promise<SqlJsStatic> | undefined;

/** The real sql.js, the same build and wasm the app ships. */
export function loadSql(): Promise<SqlJsStatic> {
	sql ??= initSqlJs();
	return sql;
}

export async function newEngine(image?: Uint8Array): Promise<Engine> {
	const SQL = await loadSql();
	return configure(image ? new SQL.Database(image) : new SQL.Database());
}

export const MIGRATIONS_DIR = join(import.meta.dirname, '../../migrations');

export function readMigrationSources(dir = MIGRATIONS_DIR): Record<string, string> {
	const sources: Record<string, string> = {};
	for (const name of readdirSync(dir)
		.filter((f) => f.endsWith('.sql'))
		.sort()) {
		sources[`/migrations/${name}`] = readFileSync(join(dir, name), 'utf8');
	}
	return sources;
}

export function realMigrations(): Promise<MigrationFile[]> {
	return parseMigrations(readMigrationSources());
}

export function migrationsOf(files: Record<string, string>): Promise<MigrationFile[]> {
	return parseMigrations(
		Object.fromEntries(Object.entries(files).map(([k, v]) => [`/migrations/${k}`, v])),
	);
}

export function sha256(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}
