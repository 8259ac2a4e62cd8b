/**
 * `log [--limit N]`: the activity log, newest first, one entry a line (time, kind, level, message,
 * details as JSON). Reads through the app's own store, so a row the app would show as 'other' is
 * shown the same way here.
 */
import { ACTIVITY_PAGE_MAX, ACTIVITY_PAGE_SIZE } from '../../shared/activity';
import { listActivity } from '../../worker/stores/activity';
import type { CommandContext } from '../context';
import { newerMessage, openDb, requireMonitor } from '../database';
import { readDbFile } from '../files';
import { CliError, EXIT_OK } from '../io';

export async function log(ctx: CommandContext): Promise<number> {
	const { io } = ctx;
	const limit = ctx.flags.limit === undefined ? ACTIVITY_PAGE_SIZE : Number(ctx.flags.limit);
	if (!Number.isInteger(limit) || limit < 1 || limit > ACTIVITY_PAGE_MAX)
		throw new CliError(`--limit takes a whole number from 1 to ${ACTIVITY_PAGE_MAX}.`);
	const file = readDbFile(ctx.file);
	const opened = await openDb(file, await ctx.migrations());
	requireMonitor(file, opened);
	if (opened.report.verdict === 'newer') io.err(`note: ${newerMessage(file, opened.report)}`);
	const entries = listActivity(opened.engine, { limit });
	if (entries.length === 0) io.out(`${file.name} has no activity recorded.`);
	for (const e of entries) {
		const details = e.details ? ` ${JSON.stringify(e.details)}` : '';
		io.out(
			`${new Date(e.at).toISOString()}  ${e.kind.padEnd(11)} ${e.level.padEnd(5)} ${e.message}${details}`,
		);
	}
	return EXIT_OK;
}
