/**
 * Reads what the app recorded during the measured window from the exported database: every check's due
 * and start time (the delay the issue asks for), how many ran, their outcomes, and the state changes.
 */
import { loadSql } from '../../../src/cli/database';
import { openEngine } from '../../../src/worker/core/connection';
import { percentile } from '../report';
import type { SustainedSettings } from './plan';

export interface RunFacts {
	checks: number;
	checksPerHour: number;
	/** Checks run as a share (%) of those that fell due in the window, at the monitors' interval. */
	checksRunShare: number;
	outcomes: Record<string, number>;
	events: number;
	dueDelayP50Ms: number;
	dueDelayP95Ms: number;
	dueDelayP99Ms: number;
	dueDelayMaxMs: number;
	/** Enabled monitors whose check was due over an interval before the export and had not started. */
	overdueAtExport: number;
}

export async function analyseRun(
	file: Uint8Array,
	window: { from: number; to: number; exportedAt: number; settings: SustainedSettings },
): Promise<RunFacts> {
	const engine = openEngine(await loadSql(), file);
	try {
		const { from, to, exportedAt, settings } = window;
		const range = [from, to];
		const delays = engine
			.all<{ d: number }>(
				'SELECT started_at - due_at AS d FROM checks WHERE due_at >= ? AND due_at < ?',
				range,
			)
			.map((r) => r.d);
		const outcomes = Object.fromEntries(
			engine
				.all<{ outcome: string; n: number }>(
					'SELECT outcome, count(*) AS n FROM checks WHERE started_at >= ? AND started_at < ? GROUP BY outcome',
					range,
				)
				.map((r) => [r.outcome, r.n]),
		);
		const checks = Object.values(outcomes).reduce((a, b) => a + b, 0);
		const expected = (settings.monitors * (to - from)) / (settings.intervalS * 1000);
		const events = Number(
			engine.value('SELECT count(*) FROM events WHERE at >= ? AND at < ?', range),
		);
		const overdueAtExport = Number(
			engine.value(
				`SELECT count(*) FROM monitor_status s JOIN monitors m ON m.id = s.monitor_id
				 WHERE m.enabled AND s.next_due_at < ?`,
				[exportedAt - settings.intervalS * 1000],
			),
		);
		return {
			checks,
			checksPerHour: (checks * 3_600_000) / (to - from),
			// Retries of failing monitors run between rounds and count as checks too; cap at 100%.
			checksRunShare: Math.min(100, (100 * delays.length) / expected),
			outcomes,
			events,
			dueDelayP50Ms: percentile(delays, 50),
			dueDelayP95Ms: percentile(delays, 95),
			dueDelayP99Ms: percentile(delays, 99),
			dueDelayMaxMs: delays.length ? Math.max(...delays) : NaN,
			overdueAtExport,
		};
	} finally {
		engine.db.close();
	}
}
