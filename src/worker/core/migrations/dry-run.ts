/**
 * The dry run of pending migrations (the command line's `migrate --dry-run`, the Database page's "Dry
 * run pending migrations"): the real runner applied to a copy, which is then thrown away.
 */
import type { SqlJsStatic } from 'sql.js';
import type { DryRunReport } from '../../../shared/database';
import { openEngine } from '../connection';
import type { Engine } from '../engine';
import type { MigrationFile } from './files';
import { migrate, type MigrateOptions } from './runner';

/** Applies the pending migrations to `copy`, which must be a copy: it is changed. */
export function dryRun(
	copy: Engine,
	files: readonly MigrationFile[],
	options: MigrateOptions = {},
): DryRunReport {
	const fromVersion = Number(copy.value('PRAGMA user_version'));
	const applied = migrate(copy, files, options);
	return { fromVersion, toVersion: Number(copy.value('PRAGMA user_version')), applied };
}

/** A dry run on an in-memory copy of `image` (a database file), closed afterwards. */
export function dryRunImage(
	SQL: SqlJsStatic,
	image: Uint8Array,
	files: readonly MigrationFile[],
	options: MigrateOptions = {},
): DryRunReport {
	const copy = openEngine(SQL, image);
	try {
		return dryRun(copy, files, options);
	} finally {
		copy.db.close();
	}
}
