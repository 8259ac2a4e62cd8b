/**
 * Copying old rows into an archive database and deleting them from the live one. Each group of old
 * rows is selected and deleted by the same ordered query, so a batch deletes exactly the rows it copied.
 * Which rows are old is rotation's rule: the cutoffs come from domain/checks/retention.ts.
 */
import { AppError } from '../../shared/errors';
import type { Engine, Param } from '../core/engine';

/** One group of old rows: its table, which of its rows, and in which order they are taken. */
export interface OldRows {
	table: 'checks' | 'rollups' | 'outbox';
	where: string;
	params: number[];
	/** Follows an index, so each batch reads its rows in order without sorting the rest. */
	order: string;
	key: string;
}

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

/** The notification log's settled messages (sent, failed, uncertain); messages still to be sent stay. */
export function oldLog(before: number): OldRows {
	return {
		table: 'outbox',
		where: "status IN ('sent', 'failed', 'uncertain') AND created_at < ?",
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

/** Moves batches of one table's old rows from `live` into `archive` (see `archiveTable`). */
export interface Mover {
	/** Copies and deletes up to `batch` rows; returns how many. Must run in a write of `live`. */
	move(rows: OldRows, batch: number): number;
}

/**
 * Creates `table` in the archive: the live table's columns, types, NOT NULLs and primary key, without
 * its foreign key (the archive has no monitors table) or CHECKs (its rows come from a table that
 * enforced them).
 */
export function archiveTable(live: Engine, archive: Engine, table: OldRows['table']): Mover {
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
	return {
		move(rows, batch) {
			const select = `SELECT ${list} FROM ${table} WHERE ${rows.where} ORDER BY ${rows.order} LIMIT ?`;
			const remove =
				`DELETE FROM ${table} WHERE ${rows.key} IN ` +
				`(SELECT ${rows.key.replace(/[()]/g, '')} FROM ${table} WHERE ${rows.where} ORDER BY ${rows.order} LIMIT ?)`;
			const found = live.all<Record<string, Param>>(select, [...rows.params, batch]);
			if (found.length === 0) return 0;
			archive.runMany(
				insert,
				found.map((row) => columns.map((c) => row[c.name] ?? null)),
			);
			const removed = live.run(remove, [...rows.params, batch]).changes;
			if (removed !== found.length) {
				throw new AppError(
					'internal',
					`Archiving ${table}: copied ${found.length} rows but would delete ${removed}.`,
				);
			}
			return found.length;
		},
	};
}
