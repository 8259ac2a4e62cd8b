/**
 * `check`: the file header, `PRAGMA integrity_check`, foreign keys, the application id, the ledger
 * against this checkout's files and the schema version; then one verdict.
 * Exit 0 healthy and up to date, 1 healthy with migrations pending, 2 any problem.
 */
import { formatBytes } from '../../shared/format';
import { APPLICATION_ID, readLedger } from '../../worker/core/migrations/runner';
import type { CommandContext } from '../context';
import { mismatchMessage, newerMessage, openDb } from '../database';
import { readDbFile } from '../files';
import { headerProblems, readHeader } from '../header';
import { EXIT_OK, EXIT_PENDING, EXIT_PROBLEM } from '../io';

export async function check(ctx: CommandContext): Promise<number> {
	const { io } = ctx;
	const file = readDbFile(ctx.file);
	const problems: string[] = [];
	const line = (ok: boolean, text: string) => {
		io.out(`${ok ? '✅' : '❌'} ${text}`);
		if (!ok) problems.push(text);
	};
	io.out(`🔎 Checking ${file.name}`);

	const header = readHeader(file.bytes);
	const headerIssues = headerProblems(header, file.bytes.length);
	line(
		headerIssues.length === 0,
		headerIssues.length === 0
			? `Header: SQLite format 3, ${header.pageSize}-byte pages, ${file.bytes.length / header.pageSize} pages (${formatBytes(file.bytes.length)})`
			: `Header: ${headerIssues.join('; ')}`,
	);

	const files = await ctx.migrations();
	const { engine, report, applicationId, isMonitor } = await openDb(file, files);
	const integrity = attempt(() =>
		engine.all<{ integrity_check: string }>('PRAGMA integrity_check').map((r) => r.integrity_check),
	);
	const intact = integrity.length === 1 && integrity[0] === 'ok';
	line(
		intact,
		intact
			? 'Integrity: ok'
			: `Integrity: ${integrity.slice(0, 5).join('; ')}${integrity.length > 5 ? ` (+${integrity.length - 5} more)` : ''}`,
	);

	const violations = attempt(() => engine.all('PRAGMA foreign_key_check').map(() => 'violation'));
	if (violations.length === 1 && violations[0] !== 'violation') {
		line(false, `Foreign keys: ${violations[0]}`);
		return verdict(ctx, file.name, problems, 0);
	}
	line(
		violations.length === 0,
		violations.length === 0
			? 'Foreign keys: ok'
			: `Foreign keys: ${violations.length} violation(s)`,
	);

	const hex = `0x${applicationId.toString(16).padStart(8, '0')}`;
	line(
		applicationId === APPLICATION_ID,
		applicationId === APPLICATION_ID
			? `Application id: Monitor (${hex})`
			: `Application id: ${hex}, not Monitor's (0x${APPLICATION_ID.toString(16)})`,
	);

	let pending = 0;
	if (!intact && integrity.some((p) => p.includes('malformed'))) {
		// Reading the ledger of a malformed file would only repeat the same error.
		return verdict(ctx, file.name, problems, 0);
	}
	if (isMonitor) {
		const applied = readLedger(engine).length;
		pending = report.entries.filter((e) => e.state === 'pending').length;
		if (report.verdict === 'newer') line(false, `Ledger: ${newerMessage(file, report)}`);
		else if (report.verdict === 'mismatch') line(false, `Ledger: ${mismatchMessage(file, report)}`);
		else
			line(
				true,
				`Ledger: ${applied} migration${applied === 1 ? '' : 's'} applied, checksums match this checkout`,
			);
		if (pending > 0 && report.verdict === 'pending')
			io.out(`⏳ Ledger: ${pending} migration${pending === 1 ? '' : 's'} pending`);
		const lastApplied = Math.max(
			0,
			...report.entries
				.filter((e) => e.state !== 'pending')
				.map((e) => Number(e.filename.slice(0, 3))),
		);
		line(
			report.dbSchemaVersion === lastApplied,
			report.dbSchemaVersion === lastApplied
				? `Schema version: ${report.dbSchemaVersion} (the ledger agrees)`
				: `Schema version: ${report.dbSchemaVersion}, but the ledger's last migration is ${lastApplied}`,
		);
	} else {
		line(false, 'Ledger: no _migrations table; this is not a Monitor database');
	}
	engine.db.close();
	return verdict(ctx, file.name, problems, pending);
}

/** The rows of a check, or its error as the one problem (a malformed file throws instead of answering). */
function attempt(fn: () => string[]): string[] {
	try {
		return fn();
	} catch (error) {
		return [error instanceof Error ? error.message : String(error)];
	}
}

function verdict(ctx: CommandContext, name: string, problems: string[], pending: number): number {
	const { io } = ctx;
	io.out('');
	if (problems.length > 0) {
		io.out(`Verdict: ❌ ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${name}.`);
		io.err(
			`error: ${name} failed its check: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}.`,
		);
		return EXIT_PROBLEM;
	}
	if (pending > 0) {
		io.out(
			`Verdict: ✅ ${name} is healthy; ${pending} migration${pending === 1 ? '' : 's'} pending.`,
		);
		return EXIT_PENDING;
	}
	io.out(`Verdict: ✅ ${name} is healthy and up to date.`);
	return EXIT_OK;
}
