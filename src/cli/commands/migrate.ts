/**
 * `migrate [--dry-run]`: back up the file next to it, apply the pending migrations in memory with
 * per-file timing, and replace the file atomically only if all of them succeeded. A dry run applies
 * them to an in-memory copy and writes nothing.
 */
import { AppError } from '../../shared/errors';
import { formatDuration } from '../../shared/format';
import { migrate as runMigrations } from '../../worker/core/migrations/runner';
import type { AppliedMigration } from '../../worker/core/migrations/runner';
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

	let applied: AppliedMigration[];
	try {
		applied = runMigrations(engine, files, {
			onProgress: (next) => io.out(`⏳ Applying: ${next.filename}`),
		});
	} catch (error) {
		if (!(error instanceof AppError)) throw error;
		const kept = backup ? ` The backup is at ${backup}.` : '';
		throw new CliError(`${error.message}. ${file.name} was not changed.${kept}`);
	}
	printApplied(io, applied, ctx.dryRun ? 'Would apply' : 'Applied');
	const version = Number(engine.value('PRAGMA user_version'));
	if (ctx.dryRun) {
		io.out(
			`Dry run: schema version ${report.dbSchemaVersion} → ${version} would succeed; ${file.name} was not changed.`,
		);
	} else {
		replaceFile(file, engine.db.export());
		io.out(`Schema version ${report.dbSchemaVersion} → ${version}. ${file.name} saved.`);
	}
	return EXIT_OK;
}

export function printApplied(io: Io, applied: readonly AppliedMigration[], verb: string): void {
	for (const a of applied) io.out(`✅ ${verb}: ${a.filename} (${formatDuration(a.durationMs)})`);
	const total = applied.reduce((sum, a) => sum + a.durationMs, 0);
	io.out('');
	io.out('⏱️  Performance:');
	io.out(`   Total time: ${formatDuration(total)}`);
	io.out(
		`   Average: ${formatDuration(applied.length ? total / applied.length : 0)} per migration`,
	);
}
