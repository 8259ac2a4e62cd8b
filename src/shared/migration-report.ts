/**
 * The seed document's migration status report, as text. The command line prints it; the Database
 * page renders the same icons and wording.
 */
import type {
	DryRunReport,
	MigrationEntry,
	MigrationReport,
	MigrationState,
	MigrationTiming,
	ResetReport,
} from './database';
import { formatDuration, formatTimestamp } from './format';

export function stateIcon(state: MigrationState): string {
	switch (state) {
		case 'applied':
			return '✅';
		case 'pending':
			return '⏳';
		case 'changed':
			return '⚠️';
		default:
			return '❓';
	}
}

/** `2025-10-20 18:00:00 (42ms)`, `PENDING`, `..., changed since applied`, `..., not in this app`. */
export function stateText(entry: MigrationEntry): string {
	if (entry.state === 'pending') return 'PENDING';
	const at = entry.appliedAt === null ? '' : formatTimestamp(entry.appliedAt);
	const took = entry.durationMs === null ? '' : ` (${formatDuration(entry.durationMs)})`;
	if (entry.state === 'changed') return `${at}${took}, changed since applied`;
	if (entry.state === 'unknown') return `${at}${took}, not in this app`;
	return at + took;
}

/** A one-line verdict, with what to do about it. */
export function verdictText(report: MigrationReport): string {
	const pending = report.entries.filter((e) => e.state === 'pending').length;
	switch (report.verdict) {
		case 'up-to-date':
			return '✅ Up to date.';
		case 'pending':
			return `⏳ ${pending} migration${pending === 1 ? '' : 's'} pending.`;
		case 'newer':
			return '❓ Written by a newer version of Monitor: its last migrations are not in this app.';
		default:
			return '⚠️ Applied migrations differ from this app’s files (changed since applied, or unknown).';
	}
}

export function formatStatusReport(report: MigrationReport): string[] {
	const width = Math.max(34, ...report.entries.map((e) => e.filename.length + 2));
	const applied = report.entries.filter((e) => e.durationMs !== null).length;
	return [
		'📊 Migration Status Report',
		...report.entries.map(
			(entry) => `${stateIcon(entry.state)} ${entry.filename.padEnd(width)} ${stateText(entry)}`,
		),
		'',
		'⏱️  Performance:',
		`   Total time: ${formatDuration(report.totalMs)}`,
		`   Average: ${formatDuration(report.averageMs)} per migration (${applied} applied)`,
		'',
		`Schema version ${report.dbSchemaVersion} in the database, ${report.appSchemaVersion} in this app.`,
		verdictText(report),
	];
}

/** The seed's performance lines: `✅ Applied: 001_init.sql (42ms)`, then the total and the average. */
export function appliedLines(applied: readonly MigrationTiming[], verb = 'Applied'): string[] {
	const total = applied.reduce((sum, a) => sum + a.durationMs, 0);
	return [
		...applied.map((a) => `✅ ${verb}: ${a.filename} (${formatDuration(a.durationMs)})`),
		'',
		'⏱️  Performance:',
		`   Total time: ${formatDuration(total)}`,
		`   Average: ${formatDuration(applied.length ? total / applied.length : 0)} per migration`,
	];
}

/** A reset as text: what was undone, then the seed's applied lines, the rows kept and the whole time. */
export function resetLines(report: Omit<ResetReport, 'migration' | 'backupId'>): string[] {
	const rows = report.kept.reduce((sum, k) => sum + k.rows, 0);
	return [
		...report.undone.map((u) =>
			u.forced
				? `↩️  Forgotten (no down section, --force): ${u.filename}`
				: `↩️  Undone: ${u.filename} (${formatDuration(u.durationMs)})`,
		),
		...appliedLines(report.applied),
		`   Whole reset: ${formatDuration(report.totalMs)}, ${rows.toLocaleString('en')} row${rows === 1 ? '' : 's'} of ${report.kept.length} table${report.kept.length === 1 ? '' : 's'} kept`,
	];
}

export function dryRunLines(report: DryRunReport): string[] {
	if (report.applied.length === 0) {
		return [`✅ Nothing pending: schema version ${report.fromVersion} is this app's latest.`];
	}
	return [
		...appliedLines(report.applied, 'Would apply'),
		'',
		`Dry run: schema version ${report.fromVersion} → ${report.toVersion} would succeed; the database was not changed.`,
	];
}
