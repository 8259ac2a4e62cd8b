/** `info`: size, page size and count, tables with row counts, schema version. */
import { formatBytes } from '../../shared/format';
import { APPLICATION_ID } from '../../worker/core/migrations/runner';
import type { CommandContext } from '../context';
import { newerMessage, openDb } from '../database';
import { readDbFile } from '../files';
import { readHeader, versionString } from '../header';
import { EXIT_OK, EXIT_PROBLEM } from '../io';

export async function info(ctx: CommandContext): Promise<number> {
	const { io } = ctx;
	const file = readDbFile(ctx.file);
	const { engine, report, applicationId, isMonitor } = await openDb(file, await ctx.migrations());
	const header = readHeader(file.bytes);
	const pageSize = Number(engine.value('PRAGMA page_size'));
	const pageCount = Number(engine.value('PRAGMA page_count'));
	const free = Number(engine.value('PRAGMA freelist_count'));
	const tables = engine.all<{ name: string }>(
		"SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
	);
	const indexes = Number(engine.value("SELECT count(*) FROM sqlite_schema WHERE type = 'index'"));

	const row = (label: string, value: string) => io.out(`${`${label}:`.padEnd(13)}${value}`);
	row('File', file.path);
	row(
		'Size',
		`${formatBytes(file.bytes.length)} (${file.bytes.length.toLocaleString('en')} bytes)`,
	);
	row(
		'Pages',
		`${pageCount.toLocaleString('en')} × ${pageSize.toLocaleString('en')} bytes, ${free.toLocaleString('en')} free`,
	);
	row(
		'SQLite',
		`last written by ${versionString(header.sqliteVersion)}; read with ${String(engine.value('SELECT sqlite_version()'))}`,
	);
	row(
		'Application',
		applicationId === APPLICATION_ID ? 'Monitor' : `not Monitor (application id ${applicationId})`,
	);
	row(
		'Schema',
		isMonitor
			? `version ${report.dbSchemaVersion}; this checkout: ${report.appSchemaVersion} (${report.verdict})`
			: `user_version ${report.dbSchemaVersion}`,
	);
	row('Tables', `${tables.length}, with ${indexes} ${indexes === 1 ? 'index' : 'indexes'}`);
	const width = Math.max(12, ...tables.map((t) => t.name.length + 2));
	for (const { name } of tables) {
		const count = Number(engine.value(`SELECT count(*) FROM "${name.replaceAll('"', '""')}"`));
		io.out(
			`  ${name.padEnd(width)}${count.toLocaleString('en').padStart(10)} row${count === 1 ? '' : 's'}`,
		);
	}
	engine.db.close();
	if (isMonitor && report.verdict === 'newer') {
		io.err(`error: ${newerMessage(file, report)}`);
		return EXIT_PROBLEM;
	}
	return EXIT_OK;
}
