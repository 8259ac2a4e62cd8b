/**
 * What keeps a reset from losing data: before the down sections run, the rows of every table they drop
 * or alter are copied to temporary tables; once the migrations are applied again, each table's rows are
 * replaced by the kept ones (the columns both have). A kept value with no column left to go to, or a
 * table that is not made again, fails the reset, which then rolls back whole.
 *
 * Identifiers come from sqlite_schema and the down sections and are quoted; no value is ever spliced in.
 */
import { AppError } from '../../../shared/errors';
import type { Engine } from '../engine';
import type { MigrationFile } from './files';

export interface KeptTable {
	table: string;
	rows: number;
}

interface Kept extends KeptTable {
	copy: string;
	columns: string[];
	rowid: boolean;
}

const TOUCHED = /\b(?:DROP\s+TABLE|ALTER\s+TABLE)\s+(?:IF\s+EXISTS\s+)?(?:main\.)?["`[]?(\w+)/gi;
const COPY_PREFIX = 'reset_kept_';

export const quoteId = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The tables the down sections of `undo` drop or alter, as they exist now. */
export function touchedTables(engine: Engine, undo: readonly MigrationFile[]): string[] {
	const names = new Set<string>();
	for (const file of undo) {
		for (const match of (file.down ?? '').matchAll(TOUCHED)) names.add(match[1]!);
	}
	return [...names].filter((name) => tableExists(engine, name)).sort();
}

/** Copies every row of `tables` aside, in rowid order where there is one. Must run in a transaction. */
export function keepRows(engine: Engine, tables: readonly string[]): Kept[] {
	return tables.map((table) => {
		const copy = `${COPY_PREFIX}${table}`;
		const rowid = !engine.value('SELECT wr FROM pragma_table_list WHERE schema = ? AND name = ?', [
			'main',
			table,
		]);
		engine.exec(`DROP TABLE IF EXISTS temp.${quoteId(copy)}`);
		engine.exec(
			`CREATE TEMP TABLE ${quoteId(copy)} AS SELECT * FROM main.${quoteId(table)}${rowid ? ' ORDER BY _rowid_' : ''}`,
		);
		return {
			table,
			copy,
			rowid,
			columns: columnsOf(engine, 'temp', copy),
			rows: Number(engine.value(`SELECT count(*) FROM temp.${quoteId(copy)}`)),
		};
	});
}

/** Puts the kept rows back in place of whatever the re-applied migrations left in those tables. */
export function restoreRows(engine: Engine, kept: readonly Kept[]): KeptTable[] {
	for (const { table, copy, columns, rows } of kept) {
		const source = `temp.${quoteId(copy)}`;
		if (!tableExists(engine, table)) {
			if (rows > 0) throw lost(`table ${table} (${rows} rows) is not made again`);
			continue;
		}
		const now = new Set(columnsOf(engine, 'main', table));
		for (const column of columns.filter((c) => !now.has(c))) {
			const held = engine.value(`SELECT count(*) FROM ${source} WHERE ${quoteId(column)} IS NOT NULL`);
			if (Number(held) > 0) throw lost(`column ${table}.${column} (${String(held)} values) is gone`);
		}
		const shared = columns.filter((c) => now.has(c)).map(quoteId).join(', ');
		engine.exec(`DELETE FROM main.${quoteId(table)}`);
		if (shared) {
			engine.exec(
				`INSERT INTO main.${quoteId(table)} (${shared}) SELECT ${shared} FROM ${source} ORDER BY _rowid_`,
			);
		}
		const count = Number(engine.value(`SELECT count(*) FROM main.${quoteId(table)}`));
		if (count !== rows) throw lost(`table ${table} had ${rows} rows, now ${count}`);
	}
	for (const { copy } of kept) engine.exec(`DROP TABLE temp.${quoteId(copy)}`);
	return kept.map(({ table, rows }) => ({ table, rows }));
}

/** Every table's row count, to check that a reset changed none (including tables no down touched). */
export function rowCounts(engine: Engine): Map<string, number> {
	const tables = engine.all<{ name: string }>(
		"SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_migrations'",
	);
	return new Map(
		tables.map(({ name }) => [
			name,
			Number(engine.value(`SELECT count(*) FROM main.${quoteId(name)}`)),
		]),
	);
}

export function compareCounts(before: Map<string, number>, after: Map<string, number>): void {
	for (const [table, rows] of before) {
		const now = after.get(table);
		if (now !== rows) throw lost(`table ${table} had ${rows} rows, now ${now ?? 'none (gone)'}`);
	}
}

function tableExists(engine: Engine, name: string): boolean {
	return Boolean(
		engine.value("SELECT count(*) FROM main.sqlite_schema WHERE type = 'table' AND name = ?", [name]),
	);
}

function columnsOf(engine: Engine, schema: 'main' | 'temp', table: string): string[] {
	return engine
		.all<{ name: string }>('SELECT name FROM pragma_table_info(?, ?) ORDER BY cid', [table, schema])
		.map((c) => c.name);
}

function lost(what: string): AppError {
	return new AppError(
		'migration-reset-refused',
		`The reset would lose data: ${what}. Nothing was changed.`,
		{ reason: what },
	);
}
