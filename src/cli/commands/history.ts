/**
 * `history --monitor <id|name> [--from] [--to] [--format csv|json]`: every check of a monitor in range,
 * oldest first, read the way the app reads it (rows, and the blocks whose span meets the range, each
 * checked against its row). An older file is migrated in memory first; the file itself is never written.
 * An archive file (Database → Archive: `checks` and `history_blocks` without the rest of Monitor's tables)
 * is read the same way, by monitor id, since it has no monitors table.
 */
import { migrate as runMigrations } from '../../worker/core/migrations/runner';
import type { Engine } from '../../worker/core/engine';
import { checksBetween } from '../../worker/domain/history/raw';
import type { CommandContext } from '../context';
import { mismatchMessage, newerMessage, openDb, requireMonitor } from '../database';
import { readDbFile } from '../files';
import { nodeCompression } from '../history-compression';
import { CSV_HEADER, csvLine, isoOption, jsonLine } from '../history-format';
import { CliError, EXIT_OK } from '../io';

/** After every time a check can have (2^47, see stores/history/checks.ts). */
const END_OF_TIME = 2 ** 47 + 1;

function findMonitor(engine: Engine, wanted: string): number {
	const rows = engine.all<{ id: number }>(
		'SELECT id FROM monitors WHERE id = ? OR name = ? ORDER BY id = ? DESC, id',
		[/^\d+$/.test(wanted) ? Number(wanted) : -1, wanted, Number(wanted) || -1],
	);
	if (rows.length === 0) throw new CliError(`no monitor has the id or name "${wanted}".`);
	if (rows.length > 1 && !/^\d+$/.test(wanted))
		throw new CliError(`${rows.length} monitors are named "${wanted}": give its id instead.`);
	return rows[0]!.id;
}

/** An archive holds the checks' two tables and no ledger (domain/health/archive.ts). */
function isArchive(engine: Engine): boolean {
	const tables = engine.all<{ name: string }>(
		"SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('checks', 'history_blocks')",
	);
	return tables.length === 2;
}

function archivedMonitor(wanted: string): number {
	if (!/^\d+$/.test(wanted))
		throw new CliError(
			`an archive has no monitors table: give the monitor's id (Monitor shows it in the monitor's address, #/monitors/<id>), not "${wanted}".`,
		);
	return Number(wanted);
}

export async function history(ctx: CommandContext): Promise<number> {
	const { io, flags } = ctx;
	if (flags.monitor === undefined) throw new CliError('history needs --monitor <id or name>.');
	const format = flags.format ?? 'csv';
	if (format !== 'csv' && format !== 'json')
		throw new CliError(`--format takes csv or json, not "${format}".`);
	const from = isoOption('from', flags.from) ?? 0;
	const to = isoOption('to', flags.to) ?? END_OF_TIME;
	const file = readDbFile(ctx.file);
	const files = await ctx.migrations();
	const opened = await openDb(file, files);
	const { engine, report } = opened;
	let monitorId: number;
	if (!opened.isMonitor && isArchive(engine)) monitorId = archivedMonitor(flags.monitor);
	else {
		requireMonitor(file, opened);
		if (report.verdict === 'newer') throw new CliError(newerMessage(file, report));
		if (report.verdict === 'mismatch') throw new CliError(mismatchMessage(file, report));
		if (report.verdict === 'pending') runMigrations(engine, files);
		monitorId = findMonitor(engine, flags.monitor);
	}
	const checks = await checksBetween(engine, nodeCompression, monitorId, from, to);
	if (format === 'csv') io.out(CSV_HEADER);
	for (const check of checks) io.out(format === 'csv' ? csvLine(check) : jsonLine(check));
	return EXIT_OK;
}
