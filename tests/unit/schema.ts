/** Helpers for the schema guards: a snapshot of a database's structure and a dump of its rows. */
import type { Engine } from '../../src/worker/core/engine';

interface Column {
	name: string;
	type: string;
	notnull: number;
	dflt_value: string | null;
	pk: number;
	hidden: number;
}

export interface SchemaSnapshot {
	schemaVersion: number;
	tables: Record<
		string,
		{
			sql: string;
			columns: Column[];
			indexes: {
				name: string;
				unique: number;
				partial: number;
				columns: string[];
				sql: string | null;
			}[];
			foreignKeys: {
				table: string;
				from: string;
				to: string | null;
				on_delete: string;
				on_update: string;
			}[];
		}
	>;
	views: Record<string, string>;
	triggers: Record<string, string>;
}

/** Tables, columns, indexes, foreign keys, views and triggers, from sqlite_schema and the table pragmas. */
export function schemaSnapshot(engine: Engine): SchemaSnapshot {
	const objects = engine.all<{ type: string; name: string; tbl_name: string; sql: string | null }>(
		"SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
	);
	const snapshot: SchemaSnapshot = {
		schemaVersion: Number(engine.value('PRAGMA user_version')),
		tables: {},
		views: {},
		triggers: {},
	};
	for (const object of objects) {
		if (object.type === 'view') snapshot.views[object.name] = object.sql ?? '';
		if (object.type === 'trigger') snapshot.triggers[object.name] = object.sql ?? '';
		if (object.type !== 'table') continue;
		const indexes = engine
			.all<{ name: string; unique: number; partial: number }>(
				'SELECT name, "unique", partial FROM pragma_index_list(?) ORDER BY name',
				[object.name],
			)
			.map((index) => ({
				...index,
				columns: engine
					.all<{ name: string | null }>('SELECT name FROM pragma_index_info(?) ORDER BY seqno', [
						index.name,
					])
					.map((c) => c.name ?? '<expression>'),
				sql:
					engine.value<string>('SELECT sql FROM sqlite_schema WHERE name = ?', [index.name]) ??
					null,
			}));
		snapshot.tables[object.name] = {
			sql: object.sql ?? '',
			columns: engine.all<Column>(
				'SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid',
				[object.name],
			),
			indexes,
			foreignKeys: engine.all(
				'SELECT "table", "from", "to", on_delete, on_update FROM pragma_foreign_key_list(?) ORDER BY id, seq',
				[object.name],
			),
		};
	}
	return snapshot;
}

/** Every row of every user table (not the ledger), by table, in rowid order. */
export function dumpRows(engine: Engine): Record<string, Record<string, unknown>[]> {
	const tables = engine.all<{ name: string }>(
		"SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_migrations' ORDER BY name",
	);
	const dump: Record<string, Record<string, unknown>[]> = {};
	const quote = (id: string) => `"${id.replaceAll('"', '""')}"`;
	for (const { name } of tables) {
		// A WITHOUT ROWID table has no rowid; its primary key orders it.
		const withoutRowid = engine.value('SELECT wr FROM pragma_table_list WHERE name = ?', [name]);
		const order = withoutRowid
			? engine
					.all<{ name: string }>('SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk', [
						name,
					])
					.map((c) => quote(c.name))
					.join(', ')
			: 'rowid';
		dump[name] = engine.all(`SELECT * FROM ${quote(name)} ORDER BY ${order}`);
	}
	return dump;
}

/**
 * What an upgrade lost: rows missing or changed in the columns the old schema had and the new one kept.
 * Empty when every old row is still there, value for value.
 */
export function dataLoss(
	before: Record<string, Record<string, unknown>[]>,
	after: Record<string, Record<string, unknown>[]>,
): string[] {
	const problems: string[] = [];
	for (const [table, rows] of Object.entries(before)) {
		const now = after[table];
		if (!now) {
			problems.push(`table ${table} is gone`);
			continue;
		}
		if (now.length !== rows.length) {
			problems.push(`table ${table} had ${rows.length} rows, now ${now.length}`);
			continue;
		}
		const dropped = Object.keys(rows[0] ?? {}).filter((column) => !(column in (now[0] ?? {})));
		for (const column of dropped) problems.push(`column ${table}.${column} is gone`);
		rows.forEach((row, i) => {
			for (const [column, value] of Object.entries(row)) {
				if (dropped.includes(column)) continue;
				if (
					!Object.is(now[i]![column], value) &&
					JSON.stringify(now[i]![column]) !== JSON.stringify(value)
				) {
					problems.push(
						`${table} row ${i + 1}: ${column} was ${JSON.stringify(value)}, now ${JSON.stringify(now[i]![column])}`,
					);
				}
			}
		});
	}
	return problems;
}
