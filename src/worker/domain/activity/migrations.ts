/**
 * The activity log's lines about the schema: migrations applied when the database was opened (with
 * their timings, in the seed's words) and resets from the Database page. Each is written before the
 * save of the work it tells of, so it is saved with it.
 */
import type { MigrationTiming, ResetReport } from '../../../shared/database';
import { formatDuration } from '../../../shared/format';
import type { Engine } from '../../core/engine';
import { recordActivity } from './log';

/** `001_init.sql (2ms), 002_request_ledger.sql (0.81ms)`. */
function timings(list: readonly MigrationTiming[]): string {
	return list.map((m) => `${m.filename} (${formatDuration(m.durationMs)})`).join(', ');
}

function total(list: readonly MigrationTiming[]): number {
	return list.reduce((sum, m) => sum + m.durationMs, 0);
}

export function recordMigrations(
	engine: Engine,
	at: number,
	run: { fromVersion: number; applied: readonly MigrationTiming[]; backupId: number | null },
): void {
	const { applied, fromVersion } = run;
	if (applied.length === 0) return;
	const toVersion = Number(engine.value('PRAGMA user_version'));
	const ms = total(applied);
	const what =
		fromVersion === 0
			? 'Database created'
			: `Database updated from schema version ${fromVersion} to ${toVersion}`;
	const backup = run.backupId === null ? '' : ` The database before it is backup #${run.backupId}.`;
	recordActivity(engine, at, {
		kind: 'migration',
		message: `${what}. Applied: ${timings(applied)}. Total time: ${formatDuration(ms)}, average ${formatDuration(ms / applied.length)} per migration.${backup}`,
		details: {
			from: fromVersion,
			to: toVersion,
			migrations: applied.length,
			totalMs: round(ms),
			backup: run.backupId,
		},
	});
}

export function recordReset(engine: Engine, at: number, report: ResetReport): void {
	const rows = report.kept.reduce((sum, k) => sum + k.rows, 0);
	recordActivity(engine, at, {
		kind: 'reset',
		message: `Reset from ${report.migration}: undone ${timings(report.undone)}; applied ${timings(report.applied)}. Whole reset ${formatDuration(report.totalMs)}, ${rows} rows kept. The database before it is backup #${String(report.backupId)}.`,
		details: {
			migration: report.migration,
			undone: report.undone.length,
			applied: report.applied.length,
			rowsKept: rows,
			totalMs: round(report.totalMs),
			backup: report.backupId,
		},
	});
}

const round = (ms: number) => Math.round(ms * 100) / 100;
