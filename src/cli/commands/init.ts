/**
 * `init`: a new monitor.db with every migration applied, as the app makes one on its first start (the
 * seed's run-all-migrations). It never overwrites: an existing path is refused before anything runs.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../../shared/errors';
import { openEngine } from '../../worker/core/connection';
import { migrate as runMigrations } from '../../worker/core/migrations/runner';
import type { CommandContext } from '../context';
import { loadSql } from '../database';
import { writeNew } from '../files';
import { CliError, EXIT_OK } from '../io';
import { printApplied } from './migrate';

export async function init(ctx: CommandContext): Promise<number> {
	const { io } = ctx;
	const name = basename(ctx.file);
	if (existsSync(ctx.file))
		throw new CliError(`${ctx.file} already exists; init never overwrites a file.`);
	const files = await ctx.migrations();
	const engine = openEngine(await loadSql());
	try {
		const applied = runMigrations(engine, files, {
			onProgress: (next) => io.out(`⏳ Applying: ${next.filename}`),
		});
		printApplied(io, applied, 'Applied');
		writeNew(ctx.file, engine.db.export());
		io.out(`🆕 ${name} created at schema version ${Number(engine.value('PRAGMA user_version'))}.`);
		return EXIT_OK;
	} catch (error) {
		if (error instanceof AppError) throw new CliError(`${error.message}. ${name} was not created.`);
		throw error;
	} finally {
		engine.db.close();
	}
}
