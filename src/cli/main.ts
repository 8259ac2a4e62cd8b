/**
 * The monitor.db command line: `npm run db -- <command> [options] <file.db>`.
 * It uses the app's own migration runner, connection settings and sql.js release (its Node build), and
 * reads migrations from disk with the app's parser. Every failure is one line and a non-zero exit.
 */
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../shared/errors';
import { backup } from './commands/backup';
import { check } from './commands/check';
import { generateHistory } from './commands/generate-history';
import { history } from './commands/history';
import { info } from './commands/info';
import { init } from './commands/init';
import { log } from './commands/log';
import { merge } from './commands/merge';
import { migrate } from './commands/migrate';
import { reset } from './commands/reset';
import { status } from './commands/status';
import type { CommandContext } from './context';
import { DEFAULT_MIGRATIONS, readMigrations } from './database';
import { CliError, EXIT_OK, EXIT_PROBLEM, processIo, type Io } from './io';

export const USAGE = `Usage: npm run db -- <command> [options] <file.db>

Commands:
  init                            create a new database file with every migration applied
                                  (refuses a path that exists)
  status                          the migration status report
                                  (exit 0 up to date, 1 migrations pending, 2 a problem)
  migrate [--dry-run]             back up the file next to it (<file>.backup-<timestamp>), then apply
                                  the pending migrations; --dry-run applies them to a copy only
  reset <NNN_name.sql> [--force]  back up, undo that migration and every later one with their
                                  "-- migrate:down" sections, and apply them again; --force re-applies
                                  a migration that has no down section
  check                           header, integrity, foreign keys, application id, ledger and checksums
  info                            size, pages, tables with row counts, schema version
  backup [--out <path>]           a verified copy (default: next to the file, <file>.backup-<timestamp>)
  history --monitor <id|name> [--from <ISO>] [--to <ISO>] [--format csv|json]
                                  every check of a monitor in [from, to), oldest first, one a line,
                                  from its rows and its compacted blocks (default: all, csv)
  generate-history --monitors <n> --interval <s> --days <d> [--seed <n>] [--to <ISO>]
                                  add n monitors with d days of synthetic checks ending at --to
                                  (default: today 00:00 UTC), written as the app stores them;
                                  the same seed and --to give the same checks; creates the file
  log [--limit <n>]               the activity log, newest first (default 50 entries)
  merge <into.db> <from.db>       back up into.db next to it, then merge from.db into it as the app's
                                  import does with "Merge" (same method and URL: one monitor, history
                                  joined without doubled checks; others added paused; into.db's
                                  settings kept)

Options:
  --migrations <dir>              the migration files to compare with (default: this checkout's)
  -h, --help                      this text`;

const COMMANDS = {
	init,
	status,
	migrate,
	reset,
	check,
	info,
	backup,
	history,
	'generate-history': generateHistory,
	log,
	merge,
} as const;

/** Options that belong to one or two commands only. */
const OWN_FLAGS: Record<string, readonly CommandName[]> = {
	monitor: ['history'],
	from: ['history'],
	format: ['history'],
	to: ['history', 'generate-history'],
	monitors: ['generate-history'],
	interval: ['generate-history'],
	days: ['generate-history'],
	seed: ['generate-history'],
	limit: ['log'],
};
type CommandName = keyof typeof COMMANDS;

const isCommand = (name: string | undefined): name is CommandName =>
	name !== undefined && Object.hasOwn(COMMANDS, name);

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
	try {
		const { values, positionals } = parseArgs({
			args: [...argv],
			options: {
				'dry-run': { type: 'boolean', default: false },
				force: { type: 'boolean', default: false },
				out: { type: 'string' },
				limit: { type: 'string' },
				migrations: { type: 'string' },
				...Object.fromEntries(
					Object.keys(OWN_FLAGS).map((flag) => [flag, { type: 'string' as const }]),
				),
				help: { type: 'boolean', short: 'h', default: false },
			},
			allowPositionals: true,
			strict: true,
		});
		const [name, ...rest] = positionals;
		if (values.help || name === 'help') {
			io.out(USAGE);
			return EXIT_OK;
		}
		if (!isCommand(name)) {
			throw new CliError(
				name
					? `unknown command "${name}". Run with --help for the list.`
					: 'no command given. Run with --help for the list.',
			);
		}
		const wanted = name === 'reset' || name === 'merge' ? 2 : 1;
		if (rest.length !== wanted) {
			throw new CliError(
				name === 'reset'
					? 'reset takes a migration and a database file: reset <NNN_name.sql> <file.db>.'
					: name === 'merge'
						? 'merge takes two database files: merge <into.db> <from.db>.'
						: `${name} takes one database file: ${name} <file.db>.`,
			);
		}
		if (values['dry-run'] && name !== 'migrate')
			throw new CliError('--dry-run only applies to migrate.');
		if (values.force && name !== 'reset') throw new CliError('--force only applies to reset.');
		if (values.out !== undefined && name !== 'backup')
			throw new CliError('--out only applies to backup.');
		const flags: Record<string, string | undefined> = {};
		for (const [flag, commands] of Object.entries(OWN_FLAGS)) {
			// Every flag of OWN_FLAGS is declared a string option above.
			const value = (values as unknown as Record<string, string | undefined>)[flag];
			if (value === undefined) continue;
			if (!commands.includes(name))
				throw new CliError(`--${flag} only applies to ${commands.join(' and ')}.`);
			flags[flag] = value;
		}

		const migrationsDir = values.migrations
			? resolve(io.cwd, values.migrations)
			: DEFAULT_MIGRATIONS;
		const ctx: CommandContext = {
			io,
			file: resolve(io.cwd, name === 'merge' ? rest[0]! : rest.at(-1)!),
			other: name === 'merge' ? resolve(io.cwd, rest[1]!) : undefined,
			migration: name === 'reset' ? rest[0] : undefined,
			dryRun: values['dry-run'],
			force: values.force,
			out: values.out,
			flags,
			migrations: () => readMigrations(migrationsDir),
		};
		try {
			return await COMMANDS[name](ctx);
		} catch (error) {
			if (error instanceof CliError || error instanceof AppError || !(error instanceof Error))
				throw error;
			// SQLite reports a damaged file only when a query reaches the damage.
			throw new CliError(`${basename(ctx.file)}: ${error.message}. Run check for details.`);
		}
	} catch (error) {
		io.err(`error: ${oneLine(error)}`);
		return EXIT_PROBLEM;
	}
}

function oneLine(error: unknown): string {
	let message: string;
	if (error instanceof CliError || error instanceof AppError) message = error.message;
	else if (
		error instanceof Error &&
		'code' in error &&
		String(error.code).startsWith('ERR_PARSE_ARGS')
	) {
		message = `${error.message}. Run with --help for the usage.`;
	} else if (error instanceof Error) message = `unexpected failure: ${error.message}`;
	else message = `unexpected failure: ${String(error)}`;
	return message.replace(/\s*\n\s*/g, ' ');
}
