/**
 * Merging one table by its descriptor (tables.ts): each row of the file has its refs remapped to this
 * database's ids, is matched against the rows here, and is added (with a new id) when it is not.
 * The id maps it fills are what later tables and history remap through.
 */
import type { Engine, Param, Row } from '../../../core/engine';
import { hasTable } from '../../../stores/database-file';
import { quote, type MergeTable, type PrepareContext } from './tables';

/** Per table, the file's ids to this database's (`added:<table>`: the ids of rows this merge added). */
export type IdMaps = Map<string, Map<number, number>>;

const addedKey = (table: string) => `added:${table}`;

export interface MergedRow {
	/** The file's row (refs remapped), before `prepare`. */
	row: Row;
	fileId: number | null;
	targetId: number;
	added: boolean;
}

export interface TableOutcome {
	rows: MergedRow[];
	/** Rows left out because a row they refer to was left out. */
	orphans: number;
}

export function mapOf(ids: IdMaps, table: string): Map<number, number> {
	let map = ids.get(table);
	if (!map) ids.set(table, (map = new Map<number, number>()));
	return map;
}

function columnsOf(engine: Engine, table: string): string[] {
	return engine
		.all<{ name: string }>('SELECT name FROM pragma_table_info(?) ORDER BY cid', [table])
		.map((c) => c.name);
}

/** Merges one table of `incoming` into `target`; synchronous, run inside the merge's transaction. */
export function mergeTable(
	target: Engine,
	incoming: Engine,
	spec: MergeTable,
	ids: IdMaps,
	context: PrepareContext,
): TableOutcome {
	const outcome: TableOutcome = { rows: [], orphans: 0 };
	if (!hasTable(target, spec.table) || !hasTable(incoming, spec.table)) return outcome;
	// The same migrations made both schemas, so the columns are the same; only those here are written.
	const columns = columnsOf(target, spec.table);
	const order = spec.id ? ` ORDER BY ${quote(spec.id)}` : ' ORDER BY rowid';
	const rows = incoming.all<Row>(`SELECT * FROM ${quote(spec.table)}${order}`);
	const own = mapOf(ids, spec.table);
	rows: for (const original of rows) {
		const row: Row = { ...original };
		for (const [column, { table, nullable }] of Object.entries(spec.refs ?? {})) {
			const value = row[column];
			if (value === null || value === undefined) continue;
			const mapped = ids.get(table)?.get(Number(value));
			if (mapped !== undefined) row[column] = mapped;
			else if (nullable) row[column] = null;
			else {
				outcome.orphans++;
				continue rows;
			}
		}
		if (spec.onlyForAdded !== undefined) {
			const parent = spec.refs?.[spec.onlyForAdded]?.table;
			const parentId = Number(row[spec.onlyForAdded]);
			if (!parent || !ids.get(addedKey(parent))?.has(parentId)) continue;
		}
		const fileId = spec.id ? Number(original[spec.id]) : null;
		const found = spec.match(target, spec.table, row);
		if (found !== null) {
			if (fileId !== null) own.set(fileId, found);
			outcome.rows.push({ row, fileId, targetId: found, added: false });
			continue;
		}
		const added: Row = { ...row };
		spec.prepare?.(added, context);
		const written = columns.filter((c) => c !== spec.id && c in added);
		const targetId = target.run(
			`INSERT INTO ${quote(spec.table)} (${written.map(quote).join(', ')})
			 VALUES (${written.map(() => '?').join(', ')})`,
			written.map((c) => added[c] as Param),
		).lastInsertRowid;
		if (fileId !== null) own.set(fileId, targetId);
		mapOf(ids, addedKey(spec.table)).set(targetId, targetId);
		outcome.rows.push({ row, fileId, targetId, added: true });
	}
	return outcome;
}
