/**
 * An incoming file's schema must be exactly the one Monitor's own migrations make at the file's
 * version: no extra view or trigger, no altered table. This is what lets the import migrate, count and
 * read the file afterwards without ever running a view or trigger someone else wrote into it (a
 * trigger on `checks` that deletes the monitors, a view that hides rows). `trusted_schema = OFF`
 * stops unsafe functions in a schema; this stops the schema itself.
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
 * Tables SQLite makes by itself: `sqlite_sequence` for AUTOINCREMENT and the statistics of ANALYZE
 * (`PRAGMA optimize`), which a healthy database may or may not have. Their contents run no code.
 */
const SQLITE_OWN_TABLES = new Set([
	'sqlite_sequence',
	'sqlite_stat1',
	'sqlite_stat2',
	'sqlite_stat3',
	'sqlite_stat4',
]);

function readSchema(engine: Engine): Map<string, SchemaObject> {
	const rows = engine.all<SchemaObject>(
		'SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name',
	);
	const objects = new Map<string, SchemaObject>();
	for (const row of rows) {
		if (row.type === 'table' && SQLITE_OWN_TABLES.has(row.name)) continue;
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
	const actual = readSchema(engine);
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
	if (differences.length === 0) return;
	const shown = differences.slice(0, 5).join(', ');
	const more = differences.length > 5 ? ` and ${differences.length - 5} more` : '';
	throw new AppError(
		'import-schema-mismatch',
		`This file says it is a Monitor database at schema version ${version}, but its schema is not the one ` +
			`Monitor makes: it has ${shown}${more}. It was changed by another tool (or crafted), so it was not imported.`,
		{ differences: differences.slice(0, 20) },
	);
}

/** Names from a hostile file go into a message: keep them short and printable. */
function shorten(name: string): string {
	// eslint-disable-next-line no-control-regex
	const clean = name.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '?');
	return clean.length > 60 ? `${clean.slice(0, 57)}…` : clean;
}
