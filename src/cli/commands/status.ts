/** `status`: the seed's report. Exit 0 up to date, 1 pending, 2 a problem. */
import { formatStatusReport } from '../../shared/migration-report';
import type { CommandContext } from '../context';
import { mismatchMessage, newerMessage, openDb, requireMonitor } from '../database';
import { readDbFile } from '../files';
import { EXIT_OK, EXIT_PENDING, EXIT_PROBLEM } from '../io';

export async function status(ctx: CommandContext): Promise<number> {
	const file = readDbFile(ctx.file);
	const opened = await openDb(file, await ctx.migrations());
	requireMonitor(file, opened);
	const { report } = opened;
	for (const line of formatStatusReport(report)) ctx.io.out(line);
	switch (report.verdict) {
		case 'up-to-date':
			return EXIT_OK;
		case 'pending':
			return EXIT_PENDING;
		case 'newer':
			ctx.io.err(`error: ${newerMessage(file, report)}`);
			return EXIT_PROBLEM;
		default:
			ctx.io.err(`error: ${mismatchMessage(file, report)}`);
			return EXIT_PROBLEM;
	}
}
