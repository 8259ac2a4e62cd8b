/**
 * `reset <NNN_name.sql> [--force]`: back up, undo that migration and every later one with their
 * `-- migrate:down` sections, and apply them again from the current files, keeping every row (the
 * app's "Reset from here" runs the same core/migrations/reset.ts); all in memory, so the file is
 * replaced only if every step succeeded. Without a down section it refuses unless --force, which only
 * forgets the migration and re-applies it; a down section that says undoing destroys data refuses.
 */
import { AppError } from '../../shared/errors';
import { resetLines } from '../../shared/migration-report';
import { findMigration, resetFrom } from '../../worker/core/migrations/reset';
import type { CommandContext } from '../context';
import { newerMessage, openDb, requireIntact, requireMonitor } from '../database';
import { readDbFile, replaceFile, writeBackup } from '../files';
import { CliError, EXIT_OK } from '../io';

export async function reset(ctx: CommandContext): Promise<number> {
	const { io } = ctx;
	if (!ctx.migration)
		throw new CliError(
			'reset needs the migration to reset, e.g. reset 003_add_index.sql monitor.db.',
		);
	const file = readDbFile(ctx.file);
	const files = await ctx.migrations();
	let target;
	try {
		target = findMigration(files, ctx.migration);
	} catch (error) {
		throw new CliError(error instanceof Error ? error.message : String(error));
	}
	const opened = await openDb(file, files);
	requireMonitor(file, opened);
	if (opened.report.verdict === 'newer') throw new CliError(newerMessage(file, opened.report));
	requireIntact(file, opened.engine);

	const { engine } = opened;
	let result;
	try {
		// Refusals (no down section, not applied, an earlier file changed) come before any backup is written.
		result = resetFrom(engine, files, target, { force: ctx.force, now: () => io.now() });
	} catch (error) {
		if (!(error instanceof AppError)) throw error;
		throw new CliError(
			`${error.message}${error.message.endsWith('.') ? '' : '.'} ${file.name} was not changed.`,
		);
	}
	const backup = writeBackup(file, io.now());
	io.out(`💾 Backup: ${backup}`);
	for (const line of resetLines(result)) io.out(line);
	replaceFile(file, engine.db.export());
	io.out(`${file.name} saved at schema version ${Number(engine.value('PRAGMA user_version'))}.`);
	return EXIT_OK;
}
