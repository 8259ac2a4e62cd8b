/**
 * An incoming file's schema must be exactly the one Monitor's own migrations make at the file's
 * version: no extra view or trigger, no altered table. This is what lets the import check, migrate,
 * count and read the file afterwards without ever running an expression, view or trigger someone else
 * wrote into it (a trigger on `checks` that deletes the monitors, a view that hides rows, a CHECK or
 * index expression that `integrity_check` would evaluate). `trusted_schema = OFF` stops unsafe
 * functions in a schema; this stops the schema itself. Both comparisons here are plain reads of
 * `sqlite_schema`: parsing a schema evaluates nothing.
 */
import type { SqlJsStatic } from 'sql.js';
import { AppError } from '../../../shared/errors';
import { openEngine } from '../connection';
import type { Engine } from '../engine';
import type { MigrationFile } from '../migrations/files';
import { migrate } from '../migrations/runner';

interface SchemaObject {
	type: string;
	name: string;
	tbl_name: string;
	sql: string | null;
}

/**
 * Tables SQLite makes by itself, with the definitions it gives them: `sqlite_sequence` for AUTOINCREMENT
 * and the statistics of ANALYZE (`PRAGMA optimize`), which a healthy database may or may not have. Their
 * contents run no code, but a definition of someone else's (a generated column in `sqlite_stat1`,
 * which SQLite reads as it loads the schema) would: such a table is a difference like any other.
 */
export const SQLITE_OWN_TABLES: ReadonlyMap<string, string> = new Map([
	['sqlite_sequence', 'CREATE TABLE sqlite_sequence(name,seq)'],
	['sqlite_stat1', 'CREATE TABLE sqlite_stat1(tbl,idx,stat)'],
	['sqlite_stat2', 'CREATE TABLE sqlite_stat2(tbl,idx,sampleno,sample)'],
	['sqlite_stat3', 'CREATE TABLE sqlite_stat3(tbl,idx,neq,nlt,ndlt,sample)'],
	['sqlite_stat4', 'CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)'],
]);

function readSchema(engine: Engine): Map<string, SchemaObject> {
	const rows = engine.all<SchemaObject>(
		'SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name',
	);
	const objects = new Map<string, SchemaObject>();
	for (const row of rows) {
		if (row.type === 'table' && SQLITE_OWN_TABLES.get(row.name) === row.sql) continue;
		objects.set(`${row.type} ${row.name}`, row);
	}
	return objects;
}

const expectedByVersion = new WeakMap<
	readonly MigrationFile[],
	Map<number, Map<string, SchemaObject>>
>();

/** The schema Monitor's first `version` migrations make, built once per version on an empty database. */
export function expectedSchema(
	SQL: SqlJsStatic,
	files: readonly MigrationFile[],
	version: number,
): Map<string, SchemaObject> {
	let byVersion = expectedByVersion.get(files);
	if (!byVersion) {
		byVersion = new Map<number, Map<string, SchemaObject>>();
		expectedByVersion.set(files, byVersion);
	}
	let schema = byVersion.get(version);
	if (!schema) {
		const engine = openEngine(SQL);
		try {
			migrate(engine, files.slice(0, version));
			schema = readSchema(engine);
		} finally {
			engine.db.close();
		}
		byVersion.set(version, schema);
	}
	return schema;
}

/** Throws `import-schema-mismatch`, naming up to five differences, unless the schemas are equal. */
export function assertSchema(
	engine: Engine,
	expected: Map<string, SchemaObject>,
	version: number,
): void {
	const differences = compare(readSchema(engine), expected);
	if (differences.length === 0) return;
	throw mismatch(
		`This file says it is a Monitor database at schema version ${version}, but its schema is not the one Monitor makes`,
		differences,
	);
}

/**
 * The migration ledger's own table (and anything on it) must be Monitor's before the ledger is read:
 * a generated column or a view in its place would run the file's code on that first read. The ledger
 * is the same at every schema version, so it is compared before the version is known.
 */
export function assertLedgerSchema(engine: Engine, expected: Map<string, SchemaObject>): void {
	const ledgerOnly = (schema: Map<string, SchemaObject>) =>
		new Map([...schema].filter(([, o]) => o.tbl_name === LEDGER || o.name === LEDGER));
	const differences = compare(ledgerOnly(readSchema(engine)), ledgerOnly(expected));
	if (differences.length === 0) return;
	throw mismatch('This file’s record of migrations is not the table Monitor makes', differences);
}

const LEDGER = '_migrations';

function compare(actual: Map<string, SchemaObject>, expected: Map<string, SchemaObject>): string[] {
	const differences: string[] = [];
	for (const [key, object] of actual) {
		const want = expected.get(key);
		if (!want) differences.push(`an extra ${object.type} “${shorten(object.name)}”`);
		else if (want.sql !== object.sql || want.tbl_name !== object.tbl_name)
			differences.push(`a changed ${object.type} “${shorten(object.name)}”`);
	}
	for (const [key, object] of expected) {
		if (!actual.has(key)) differences.push(`no ${object.type} “${object.name}”`);
	}
	return differences;
}

function mismatch(what: string, differences: string[]): AppError {
	const shown = differences.slice(0, 5).join(', ');
	const more = differences.length > 5 ? ` and ${differences.length - 5} more` : '';
	return new AppError(
		'import-schema-mismatch',
		`${what}: it has ${shown}${more}. It was changed by another tool (or crafted), so it was not imported.`,
		{ differences: differences.slice(0, 20) },
	);
}

/** Names from a hostile file go into a message: keep them short and printable. */
function shorten(name: string): string {
	// eslint-disable-next-line no-control-regex
	const clean = name.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '?');
	return clean.length > 60 ? `${clean.slice(0, 57)}…` : clean;
}
