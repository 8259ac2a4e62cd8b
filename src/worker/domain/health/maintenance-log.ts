/**
 * What a maintenance run leaves in the activity log: one line per run with its result, so "when did
 * we last VACUUM, and what did it give back?" has an answer after the toast is gone.
 */
import type {
	ArchiveRemoved,
	IntegrityResult,
	OptimizeResult,
	VacuumResult,
} from '../../../shared/health';
import { formatBytes } from '../../../shared/format';
import type { ActivityInput } from '../activity/log';
import type { CompactionResult } from '../history/compaction';

const count = (n: number, one: string, many = `${one}s`) =>
	`${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function vacuumEntry(result: VacuumResult): ActivityInput {
	return {
		kind: 'maintenance',
		message: `VACUUM: ${formatBytes(result.beforeBytes)} → ${formatBytes(result.afterBytes)}, the database held for ${Math.round(result.blockedMs)} ms.`,
		details: { ...result, blockedMs: Math.round(result.blockedMs) },
	};
}

export function optimizeEntry(result: OptimizeResult): ActivityInput {
	return {
		kind: 'maintenance',
		message: result.analyzed.length
			? `PRAGMA optimize refreshed the statistics of ${count(result.analyzed.length, 'index', 'indexes')} (${Math.round(result.ms)} ms).`
			: `PRAGMA optimize: the statistics were current (${Math.round(result.ms)} ms).`,
		details: { analyzed: result.analyzed.length, ms: Math.round(result.ms) },
	};
}

export function integrityEntry(result: IntegrityResult): ActivityInput {
	const problems = result.messages.filter((m) => m !== 'ok').length + result.foreignKeys.length;
	return {
		kind: 'maintenance',
		level: result.ok ? 'info' : 'error',
		message: result.ok
			? `Integrity check: no problem found (${Math.round(result.ms)} ms).`
			: `Integrity check found ${count(problems, 'problem')}: ${[...result.messages, ...result.foreignKeys][0] ?? ''}`,
		details: { ok: result.ok, problems, ms: Math.round(result.ms) },
	};
}

export function archiveEntry(removed: ArchiveRemoved): ActivityInput {
	return {
		kind: 'maintenance',
		message: `Archive: ${count(removed.checks, 'check')}, ${count(removed.rollups, 'rollup row')} and ${count(removed.notifications, 'notification')} moved out of the database into the downloaded file.`,
		details: { ...removed },
	};
}

export function compactionEntry(result: CompactionResult, ms: number): ActivityInput {
	return {
		kind: 'maintenance',
		message: `Compaction packed ${count(result.checks, 'check')} into ${count(result.blocks, 'history block')} (${Math.round(ms)} ms).`,
		details: { ...result, ms: Math.round(ms) },
	};
}
