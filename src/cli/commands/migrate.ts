/**
 * `migrate [--dry-run]`: back up the file next to it, apply the pending migrations in memory with
 * per-file timing, and replace the file atomically only if all of them succeeded. A dry run applies
 * them to an in-memory copy and writes nothing.
 */
import { AppError } from '../../shared/errors';
import type { DryRunReport, MigrationTiming } from '../../shared/database';
import { appliedLines, dryRunLines } from '../../shared/migration-report';
import { dryRun } from '../../worker/core/migrations/dry-run';
import type { CommandContext } from '../context';
import { mismatchMessage, newerMessage, openDb, requireIntact, requireMonitor } from '../database';
import { readDbFile, replaceFile, writeBackup } from '../files';
import { CliError, EXIT_OK, type Io } from '../io';

export async function migrate(ctx: CommandContext): Promise<number> {
	const { io } = ctx;
	const file = readDbFile(ctx.file);
	const files = await ctx.migrations();
	const { engine, report, ...opened } = await openDb(file, files);
	requireMonitor(file, { engine, report, ...opened });
	if (report.verdict === 'newer') throw new CliError(newerMessage(file, report));
	requireIntact(file, engine);
	if (report.verdict === 'mismatch') throw new CliError(mismatchMessage(file, report));
	if (report.verdict === 'up-to-date') {
		io.out(`✅ ${file.name} is up to date (schema version ${report.dbSchemaVersion}).`);
		return EXIT_OK;
	}

	let backup: string | null = null;
	if (ctx.dryRun) io.out(`🧪 Dry run on an in-memory copy of ${file.name}: nothing is written.`);
	else {
		backup = writeBackup(file, io.now());
		io.out(`💾 Backup: ${backup}`);
	}

	let result: DryRunReport;
	try {
		// The file is in memory: a dry run is the same run, only never written back.
		result = dryRun(engine, files, {
			onProgress: (next) => io.out(`⏳ Applying: ${next.filename}`),
		});
	} catch (error) {
		if (!(error instanceof AppError)) throw error;
		const kept = backup ? ` The backup is at ${backup}.` : '';
		throw new CliError(`${error.message}. ${file.name} was not changed.${kept}`);
	}
	if (ctx.dryRun) {
		for (const line of dryRunLines(result)) io.out(line.replace('the database', file.name));
	} else {
		printApplied(io, result.applied, 'Applied');
		replaceFile(file, engine.db.export());
		io.out(`Schema version ${result.fromVersion} → ${result.toVersion}. ${file.name} saved.`);
	}
	return EXIT_OK;
}

export function printApplied(io: Io, applied: readonly MigrationTiming[], verb: string): void {
	for (const line of appliedLines(applied, verb)) io.out(line);
}
