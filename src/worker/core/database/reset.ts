/**
 * The Database page's "Reset from here" and "Dry run pending migrations" on the live database. A reset
 * is refused before anything happens when the migrations say so (core/migrations/reset.ts); otherwise
 * the database is backed up (`before-reset`, listed with the other backups), the reset runs in one
 * transaction keeping every row, and it is saved with strict durability. Writes wait meanwhile, as
 * they do for a restore.
 */
import type { DryRunReport, ResetReport } from '../../../shared/database';
import type { Engine } from '../engine';
import { dryRunImage } from '../migrations/dry-run';
import { findMigration, planReset, runReset } from '../migrations/reset';
import { backUp } from './backups';
import type { LiveState } from './live-state';

/** Runs in the reset's save, after the reset: the activity log's line about it. */
export type ResetRecorder = (engine: Engine, report: ResetReport) => void;

export function resetLive(
	live: LiveState,
	migration: string,
	record?: ResetRecorder,
): Promise<ResetReport> {
	return live.exclusively(async () => {
		live.assertWritable();
		const { files } = live.options;
		const target = findMigration(files, migration);
		const undo = planReset(live.engine, files, target);
		const backup = await backUp(live, 'before-reset', `from ${target.filename}`, 'backup');
		live.progress('backup', `Resetting from ${target.filename}`, null);
		// Everything committed so far is saved first: the reset's own save then holds only the reset.
		if (live.persister.status().pending > 0) await live.persister.persist();
		const engine = live.engine;
		const result = runReset(engine, files, undo, { now: live.options.now });
		const report: ResetReport = { ...result, migration: target.filename, backupId: backup.id };
		record?.(engine, report);
		await live.persister.persist('strict');
		// Every table: the kept ones were rewritten, the log has the reset's line, and views re-read.
		live.announce(
			engine
				.all<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
				.map((t) => t.name),
		);
		return report;
	});
}

/** The pending migrations applied to a copy of the live database; nothing live is touched. */
export async function dryRunLive(live: LiveState): Promise<DryRunReport> {
	await live.settled();
	// A newer or diverged ledger is refused by the runner on the copy, with the same error as at open.
	// No transaction ever spans an await, so this is a committed state.
	return dryRunImage(live.options.SQL, live.engine.db.export(), live.options.files, {
		now: live.options.now,
	});
}
