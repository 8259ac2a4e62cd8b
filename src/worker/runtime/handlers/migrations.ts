/** The Database page's migration tools: reset from a migration, and a dry run of the pending ones. */
import { AppError } from '../../../shared/errors';
import { recordReset } from '../../domain/activity/migrations';
import type { AreaHandlers } from './table';

function migrationName(args: unknown): string {
	const migration = (args as { migration?: unknown } | undefined)?.migration;
	if (typeof migration !== 'string' || migration.length === 0 || migration.length > 200) {
		throw new AppError('invalid-input', 'A reset is named by its migration, e.g. 003_checks.sql.');
	}
	return migration;
}

export const migrationHandlers: AreaHandlers<'migrations'> = {
	// Long work that keeps the database consistent itself (a backup, then one transaction, saved
	// strictly). A refusal changes nothing, not even the activity log.
	'migrations.reset': {
		kind: 'task',
		run: ({ db, now }, args) =>
			db.reset(migrationName(args), (engine, report) => recordReset(engine, now(), report)),
	},
	'migrations.dryRun': { kind: 'read', run: ({ db }) => db.dryRunMigrations() },
};
