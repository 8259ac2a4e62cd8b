/**
 * The seed's migration reset, made safe: undo a migration and every later one with their
 * `-- migrate:down` sections (dbmate style), then apply them again from the current files, keeping every
 * row (keep-rows.ts). All of it is one transaction, so a failure half way changes nothing. The command
 * line runs it on an in-memory copy of a file, the app on the live database after a backup.
 */
import type { ResetReport } from '../../../shared/database';
import { AppError } from '../../../shared/errors';
import type { Engine } from '../engine';
import type { MigrationFile } from './files';
import { compareCounts, keepRows, restoreRows, rowCounts, touchedTables, } from './keep-rows';
import {
	assertWritable,
	checkForeignKeys,
	inspect,
	isolated,
	migrate,
	readLedger,
	revert,
	type MigrateOptions,
} from './runner';

/** What a reset did; the caller adds the migration's name and its backup (ResetReport). */
export type ResetResult = Omit<ResetReport, 'migration' | 'backupId'>;

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

export type ResetOptions = MigrateOptions & { force?: boolean };

/** Checks, then resets: see `planReset` and `runReset`. */
export function resetFrom(
	engine: Engine,
	files: readonly MigrationFile[],
	target: MigrationFile,
	options: ResetOptions = {},
): ResetResult {
	return runReset(engine, files, planReset(engine, files, target, options), options);
}

/**
 * Everything a reset refuses for, checked without changing anything (the app and the command line
 * then make their backup): returns the migrations to undo, last first.
 */
export function planReset(
	engine: Engine,
	files: readonly MigrationFile[],
	target: MigrationFile,
	options: ResetOptions = {},
): MigrationFile[] {
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
	const refusing = undo.filter((file) => file.refusal !== null);
	if (refusing.length > 0) {
		throw new AppError(
			'migration-reset-refused',
			`${refusing.map((f) => `Undoing ${f.filename} would destroy data: ${f.refusal}`).join(' ')}${/[.!]$/.test(refusing.at(-1)!.refusal!) ? '' : '.'} The reset was refused.`,
			{ files: refusing.map((f) => f.filename), reasons: refusing.map((f) => f.refusal) },
		);
	}
	const withoutDown = undo.filter((file) => file.down === null).map((file) => file.filename);
	if (withoutDown.length > 0 && !options.force) {
		throw new AppError(
			'migration-no-down',
			`${withoutDown.join(', ')} ${withoutDown.length === 1 ? 'has' : 'have'} no "-- migrate:down" section, so the reset cannot undo ${withoutDown.length === 1 ? 'it' : 'them'}. Add one, or pass --force to only forget and re-apply ${withoutDown.length === 1 ? 'it' : 'them'}.`,
			{ files: withoutDown },
		);
	}
	return undo;
}

/** Undoes `undo` (from `planReset`) and applies it again, keeping every row; one transaction. */
export function runReset(
	engine: Engine,
	files: readonly MigrationFile[],
	undo: readonly MigrationFile[],
	options: ResetOptions = {},
): ResetResult {
	const clock = options.clock ?? (() => performance.now());
	const started = clock();
	// One transaction for all of it, foreign keys off before BEGIN: rows put back into a parent table
	// must not cascade into its children, and a failure anywhere leaves the database as it was.
	return isolated(engine, () => {
		const counts = rowCounts(engine);
		const kept = keepRows(engine, touchedTables(engine, undo));
		const undone = undo.map((file) => {
			const at = clock();
			revert(engine, file, options.force);
			return { filename: file.filename, durationMs: clock() - at, forced: file.down === null };
		});
		const applied = migrate(engine, files.slice(0, undo[0]!.id), { ...options, clock });
		const restored = restoreRows(engine, kept);
		compareCounts(counts, rowCounts(engine));
		checkForeignKeys(engine);
		return { undone, applied, kept: restored, totalMs: clock() - started };
	});
}
