/**
 * Copying old rows into an archive database and, once the person has the file, deleting from the live
 * database exactly the rows the archive holds.
 * Which rows are old is rotation's rule: the cutoffs come from domain/checks/retention.ts.
 */
import type { Engine, Param } from '../core/engine';

/** One group of old rows: its table, which of its rows, and in which order they are taken. */
export interface OldRows {
	table: ArchivedTable;
	where: string;
	params: number[];
	/** Follows an index, so each batch reads its rows in order without sorting the rest. */
	order: string;
	key: string;
	/** A column whose sum is what the rows count for (a block counts its checks); else each row counts 1. */
	weight?: string;
}

export type ArchivedTable = 'checks' | 'history_blocks' | 'rollups' | 'outbox';

const ROLLUP_ORDER = 'resolution, bucket_start, monitor_id';
const ROLLUP_KEY = '(monitor_id, resolution, bucket_start)';

export function oldChecks(before: number): OldRows {
	return {
		table: 'checks',
		where: 'started_at < ?',
		params: [before],
		order: 'started_at, id',
		key: 'id',
	};
}

/**
 * History blocks whose whole span is past `before` (rotation's rule), carried as they are: the archive's
 * `history_blocks` has the live table's columns, and `npm run db -- history <archive>` decodes them.
 */
export function oldBlocks(before: number): OldRows {
	return {
		table: 'history_blocks',
		where: 'block_end <= ?',
		params: [before],
		order: 'id',
		key: 'id',
		weight: 'checks',
	};
}

/** The notification log's settled messages (sent, unconfirmed, failed, uncertain); messages still to be sent stay. */
export function oldLog(before: number): OldRows {
	return {
		table: 'outbox',
		where: "status IN ('sent', 'unconfirmed', 'failed', 'uncertain') AND created_at < ?",
		params: [before],
		order: 'id',
		key: 'id',
	};
}

export function oldMinuteRollups(before: number): OldRows {
	return {
		table: 'rollups',
		where: "resolution = 'minute' AND bucket_start < ?",
		params: [before],
		order: ROLLUP_ORDER,
		key: ROLLUP_KEY,
	};
}

export function oldLongRollups(before: number): OldRows {
	return {
		table: 'rollups',
		where: "resolution IN ('hour', 'day') AND bucket_start < ?",
		params: [before],
		order: ROLLUP_ORDER,
		key: ROLLUP_KEY,
	};
}

export function countOldRows(engine: Engine, rows: OldRows): number {
	return Number(
		engine.value(`SELECT count(*) FROM ${rows.table} WHERE ${rows.where}`, rows.params),
	);
}

interface Column {
	name: string;
	type: string;
	notnull: number;
	pk: number;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Copies one table's old rows into an archive, and deletes from the live table what the archive holds. */
export interface Mover {
	/**
	 * Copies up to `batch` of `rows` that come after `after` (the key of the last row copied, null at
	 * first) in key order; returns how many and the last one's key. Reads only: nothing is deleted.
	 */
	copy(
		rows: OldRows,
		after: Param[] | null,
		batch: number,
	): { count: number; weight: number; last: Param[] | null };
	/**
	 * Deletes from the live table up to `batch` of the rows the archive holds after `after`, and only
	 * while they are still old (`rows.where`); returns how many were looked at and deleted (and what the
	 * deleted ones weigh), and the last key. Must run in a write of `live`.
	 */
	remove(
		rows: OldRows,
		after: Param[] | null,
		batch: number,
	): { seen: number; deleted: number; weight: number; last: Param[] | null };
}

/**
 * Creates `table` in the archive: the live table's columns, types, NOT NULLs and primary key, without
 * its foreign key (the archive has no monitors table) or CHECKs (its rows come from a table that
 * enforced them). Rows are walked in key order from the last one seen (keyset paging), so a batch
 * never depends on what an earlier one deleted.
 */
export function archiveTable(live: Engine, archive: Engine, table: ArchivedTable): Mover {
	const columns = live.all<Column>(
		'SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY cid',
		[table],
	);
	const withoutRowid = Number(
		live.value('SELECT wr FROM pragma_table_list WHERE schema = ? AND name = ?', ['main', table]),
	);
	const keys = columns
		.filter((c) => c.pk > 0)
		.sort((a, b) => a.pk - b.pk)
		.map((c) => quote(c.name));
	const defs = columns.map((c) => `${quote(c.name)} ${c.type}${c.notnull ? ' NOT NULL' : ''}`);
	if (keys.length > 0) defs.push(`PRIMARY KEY (${keys.join(', ')})`);
	archive.exec(
		`CREATE TABLE ${quote(table)} (${defs.join(', ')}) STRICT${withoutRowid ? ', WITHOUT ROWID' : ''}`,
	);
	const list = columns.map((c) => quote(c.name)).join(', ');
	const insert = `INSERT INTO ${table} (${list}) VALUES (${columns.map(() => '?').join(', ')})`;
	const keyOf = (rows: OldRows) => rows.key.replace(/[()]/g, '');
	const placeholders = (n: number) => `(${Array.from({ length: n }, () => '?').join(', ')})`;
	const page = (key: string, after: Param[] | null) =>
		after ? `AND (${key}) > ${placeholders(after.length)}` : '';
	return {
		copy(rows, after, batch) {
			const key = keyOf(rows);
			const found = live.all<Record<string, Param>>(
				`SELECT ${list} FROM ${table} WHERE (${rows.where}) ${page(key, after)} ORDER BY ${key} LIMIT ?`,
				[...rows.params, ...(after ?? []), batch],
			);
			if (found.length === 0) return { count: 0, weight: 0, last: null };
			archive.runMany(
				insert,
				found.map((row) => columns.map((c) => row[c.name] ?? null)),
			);
			const last = found[found.length - 1]!;
			const weight = rows.weight
				? found.reduce((sum, row) => sum + Number(row[rows.weight!]), 0)
				: found.length;
			return { count: found.length, weight, last: key.split(', ').map((k) => last[k] ?? null) };
		},
		remove(rows, after, batch) {
			const key = keyOf(rows);
			const width = key.split(', ').length;
			const held = archive
				.all<Record<string, Param>>(
					`SELECT ${key} FROM ${table} WHERE 1 ${page(key, after)} ORDER BY ${key} LIMIT ?`,
					[...(after ?? []), batch],
				)
				.map((row) => key.split(', ').map((k) => row[k] ?? null));
			if (held.length === 0) return { seen: 0, deleted: 0, weight: 0, last: null };
			const which = `WHERE (${rows.where}) AND (${key}) IN (VALUES ${held
				.map(() => placeholders(width))
				.join(', ')})`;
			const params = [...rows.params, ...held.flat()];
			// In the same write as the delete, so it weighs exactly the rows deleted.
			const weight = rows.weight
				? Number(live.value(`SELECT total(${rows.weight}) FROM ${table} ${which}`, params))
				: null;
			const deleted = live.run(`DELETE FROM ${table} ${which}`, params).changes;
			return {
				seen: held.length,
				deleted,
				weight: weight ?? deleted,
				last: held[held.length - 1]!,
			};
		},
	};
}
