/**
 * "Archive": the rows rotation would delete (raw checks past the retention period, old rollups, the
 * notification log's sent and failed messages of the same age) are copied into a separate SQLite file
 * and deleted from the live database.
 *
 * Each batch is copied and deleted inside one write transaction, selected and deleted by the same
 * ordered query, so the archive holds exactly the rows that were removed, whatever else writes in
 * between batches (checks keep being recorded). The archive's own batch is a SAVEPOINT that is undone
 * if the live transaction fails. Rows are deleted before the file reaches the person, batch by batch:
 * they are rows rotation deletes every day anyway, so a lost download costs nothing the daily job
 * would not have removed.
 */
import { AppError } from '../../../shared/errors';
import { archiveFilename, type ArchiveResult } from '../../../shared/health';
import { rotationCutoffs } from '../checks/retention';
import type { LiveDatabase } from '../../core/database/live-database';
import type { Engine, Param } from '../../core/engine';
import { emptyEngine, type SqlJs } from '../../core/scratch';

interface Rule {
	table: 'checks' | 'rollups' | 'outbox';
	/** Which count of the result its rows add to. */
	counts: 'checks' | 'rollups' | 'notifications';
	where: string;
	params: number[];
	/** Follows an index, so each batch reads its rows in order without sorting the rest. */
	order: string;
	key: string;
}

interface Column {
	name: string;
	type: string;
	notnull: number;
	pk: number;
}

export interface ArchiveOptions {
	batch?: number;
	pause?: () => Promise<void>;
	onProgress?: (done: number, total: number) => void;
}

function rules(db: LiveDatabase, now: number): Rule[] {
	const cut = rotationCutoffs(db.engine, now);
	const rollupOrder = 'resolution, bucket_start, monitor_id';
	const rollupKey = '(monitor_id, resolution, bucket_start)';
	return [
		{
			table: 'checks',
			counts: 'checks',
			where: 'started_at < ?',
			params: [cut.checksBefore],
			order: 'started_at, id',
			key: 'id',
		},
		{
			// As rotation: the log follows the checks' retention; messages still to be sent stay.
			table: 'outbox',
			counts: 'notifications',
			where: "status IN ('sent', 'failed', 'uncertain') AND created_at < ?",
			params: [cut.checksBefore],
			order: 'id',
			key: 'id',
		},
		{
			table: 'rollups',
			counts: 'rollups',
			where: "resolution = 'minute' AND bucket_start < ?",
			params: [cut.minuteRollupsBefore],
			order: rollupOrder,
			key: rollupKey,
		},
		{
			table: 'rollups',
			counts: 'rollups',
			where: "resolution IN ('hour', 'day') AND bucket_start < ?",
			params: [cut.rollupsBefore],
			order: rollupOrder,
			key: rollupKey,
		},
	];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function columnsOf(engine: Engine, table: string): Column[] {
	return engine.all<Column>(
		'SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY cid',
		[table],
	);
}

/**
 * The archive's table: the live table's columns, types, NOT NULLs and primary key, without its foreign
 * key (the archive has no monitors table) or CHECKs (its rows come from a table that enforced them).
 */
function archiveTableSql(engine: Engine, table: string, columns: Column[]): string {
	const withoutRowid = Number(
		engine.value('SELECT wr FROM pragma_table_list WHERE schema = ? AND name = ?', ['main', table]),
	);
	const keys = columns
		.filter((c) => c.pk > 0)
		.sort((a, b) => a.pk - b.pk)
		.map((c) => quote(c.name));
	const defs = columns.map((c) => `${quote(c.name)} ${c.type}${c.notnull ? ' NOT NULL' : ''}`);
	if (keys.length > 0) defs.push(`PRIMARY KEY (${keys.join(', ')})`);
	return `CREATE TABLE ${quote(table)} (${defs.join(', ')}) STRICT${withoutRowid ? ', WITHOUT ROWID' : ''}`;
}

export async function archiveOldRows(
	db: LiveDatabase,
	SQL: SqlJs,
	now: number,
	options: ArchiveOptions = {},
): Promise<ArchiveResult> {
	const batch = options.batch ?? 5000;
	const pause = options.pause ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
	const counted = rules(db, now).map((rule) => ({
		rule,
		rows: Number(
			db.engine.value(`SELECT count(*) FROM ${rule.table} WHERE ${rule.where}`, rule.params),
		),
	}));
	// Only tables with rows to move get into the archive (and its file).
	const plan = counted.filter((c) => c.rows > 0).map((c) => c.rule);
	const total = counted.reduce((sum, c) => sum + c.rows, 0);
	if (total === 0) return { checks: 0, rollups: 0, notifications: 0, file: null };

	// A restore or an import swaps the engine: the archive would then mix two databases' rows.
	const live = db.engine;
	const archive = emptyEngine(SQL);
	try {
		archive.exec('PRAGMA journal_mode = MEMORY');
		const columns = new Map<string, Column[]>();
		for (const table of new Set(plan.map((r) => r.table))) {
			const cols = columnsOf(db.engine, table);
			columns.set(table, cols);
			archive.exec(archiveTableSql(db.engine, table, cols));
		}
		const moved = { checks: 0, rollups: 0, notifications: 0 };
		let done = 0;
		options.onProgress?.(0, total);
		for (const rule of plan) {
			const cols = columns.get(rule.table)!;
			const list = cols.map((c) => quote(c.name)).join(', ');
			const select = `SELECT ${list} FROM ${rule.table} WHERE ${rule.where} ORDER BY ${rule.order} LIMIT ?`;
			const insert = `INSERT INTO ${rule.table} (${list}) VALUES (${cols.map(() => '?').join(', ')})`;
			const remove =
				`DELETE FROM ${rule.table} WHERE ${rule.key} IN ` +
				`(SELECT ${rule.key.replace(/[()]/g, '')} FROM ${rule.table} WHERE ${rule.where} ORDER BY ${rule.order} LIMIT ?)`;
			for (;;) {
				archive.exec('SAVEPOINT batch');
				let count: number;
				try {
					count = await db.write(() => {
						if (db.engine !== live) {
							throw new AppError(
								'maintenance-busy',
								'The database was replaced (a restore or an import) while it was being archived, so archiving stopped.',
							);
						}
						const rows = db.engine.all<Record<string, Param>>(select, [...rule.params, batch]);
						if (rows.length === 0) return 0;
						archive.runMany(
							insert,
							rows.map((row) => cols.map((c) => row[c.name] ?? null)),
						);
						const removed = db.engine.run(remove, [...rule.params, batch]).changes;
						if (removed !== rows.length) {
							throw new AppError(
								'internal',
								`Archiving ${rule.table}: copied ${rows.length} rows but would delete ${removed}.`,
							);
						}
						return rows.length;
					});
					archive.exec('RELEASE batch');
				} catch (error) {
					archive.exec('ROLLBACK TO batch; RELEASE batch');
					throw error;
				}
				moved[rule.counts] += count;
				done += count;
				options.onProgress?.(done, Math.max(total, done));
				if (count < batch) break;
				await pause();
			}
		}
		const bytes = archive.db.export();
		return {
			...moved,
			file:
				moved.checks + moved.rollups + moved.notifications > 0
					? { filename: archiveFilename(now), bytes }
					: null,
		};
	} finally {
		archive.db.close();
	}
}
