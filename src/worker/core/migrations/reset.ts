/**
 * The seed's migration reset, made safe: undo a migration and every later one with their
 * `-- migrate:down` sections (dbmate style), then apply them again from the current files. Used by the
 * command line on an in-memory copy, so a failure half way changes no file.
 */
import { AppError } from '../../../shared/errors';
import type { Engine } from '../engine';
import type { MigrationFile } from './files';
import {
	assertWritable,
	inspect,
	migrate,
	readLedger,
	revert,
	type AppliedMigration,
	type MigrateOptions,
} from './runner';

export interface ResetResult {
	/** Undone, last first. */
	undone: string[];
	/** Undone without a down section (forced): only forgotten, not reversed. */
	forced: string[];
	applied: AppliedMigration[];
}

/** Finds a migration by `003`, `003_name` or `003_name.sql`. */
export function findMigration(files: readonly MigrationFile[], name: string): MigrationFile {
	const wanted = name.replace(/^.*[\\/]/, '');
	const file = files.find(
		(f) =>
			f.filename === wanted ||
			f.filename === `${wanted}.sql` ||
			(/^\d{1,3}$/.test(wanted) && f.id === Number(wanted)),
	);
	if (!file) throw new AppError('invalid-input', `There is no migration called ${wanted}.`);
	return file;
}

export function resetFrom(
	engine: Engine,
	files: readonly MigrationFile[],
	target: MigrationFile,
	options: MigrateOptions & { force?: boolean } = {},
): ResetResult {
	const report = inspect(engine, files);
	if (report.verdict === 'newer') assertWritable(report);
	const ledger = readLedger(engine);

	// Files before the target stay applied, so they must be exactly the ones shipped; the target and
	// later ones are undone and re-applied, so a changed one is what a reset is for.
	const earlier = ledger.filter((row) => row.id < target.id);
	const broken = earlier.filter(
		(row, index) => row.id !== index + 1 || files[row.id - 1]?.checksum !== row.checksum,
	);
	if (broken.length > 0) {
		throw new AppError(
			'migration-checksum-mismatch',
			`${broken.map((r) => r.filename).join(', ')} changed since applied and come before ${target.filename}; reset the earliest changed migration instead.`,
			{ files: broken.map((r) => r.filename) },
		);
	}
	if (!ledger.some((row) => row.id === target.id)) {
		throw new AppError(
			'invalid-input',
			`${target.filename} is not applied to this database, so there is nothing to reset. Use migrate.`,
		);
	}

	const undo = ledger
		.filter((row) => row.id >= target.id)
		.reverse()
		.map((row) => files[row.id - 1]!);
	const withoutDown = undo.filter((file) => file.down === null).map((file) => file.filename);
	if (withoutDown.length > 0 && !options.force) {
		throw new AppError(
			'migration-no-down',
			`${withoutDown.join(', ')} ${withoutDown.length === 1 ? 'has' : 'have'} no "-- migrate:down" section, so the reset cannot undo ${withoutDown.length === 1 ? 'it' : 'them'}. Add one, or pass --force to only forget and re-apply ${withoutDown.length === 1 ? 'it' : 'them'}.`,
			{ files: withoutDown },
		);
	}
	for (const file of undo) revert(engine, file, options.force);
	const lastUndone = undo[0]!.id;
	const applied = migrate(engine, files.slice(0, lastUndone), options);
	return { undone: undo.map((f) => f.filename), forced: withoutDown, applied };
}
