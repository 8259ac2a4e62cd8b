/**
 * Shared setup for the history store tests: a migrated database with monitors and generated checks
 * written as plain rows (the layout before compaction), and a fingerprint of every check it holds.
 */
import { nodeCompression } from '../../src/cli/history-compression';
import type { Engine } from '../../src/worker/core/engine';
import { migrate } from '../../src/worker/core/migrations/runner';
import type { HistoryDatabase } from '../../src/worker/domain/history/compaction';
import { checksBetween } from '../../src/worker/domain/history/raw';
import { syntheticChecks } from '../../src/worker/domain/history/synthetic';
import { createMonitor } from '../../src/worker/domain/monitors/service';
import type { HistoryCheck } from '../../src/worker/stores/history/checks';
import { quantizeDuration } from '../../src/worker/stores/history/checks';
import { insertRow } from '../../src/worker/stores/history/rows';
import { addToRollup } from '../../src/worker/stores/rollups';
import { newEngine, realMigrations } from './helpers';

export const DAY = 86_400_000;
export const FROM = Date.UTC(2026, 0, 1);
export const compression = nodeCompression;

/** Every write is a transaction, as the live database's are (durability is not the point here). */
export function database(engine: Engine): HistoryDatabase {
	return { engine, write: (fn) => Promise.resolve(engine.transaction(fn)) };
}

export async function migrated(image?: Uint8Array): Promise<Engine> {
	const engine = await newEngine(image);
	migrate(engine, await realMigrations());
	return engine;
}

export interface Generated {
	monitorId: number;
	checks: HistoryCheck[];
}

/** Monitors of these intervals with `days` of synthetic checks each, recorded row by row as the app does. */
export function recordRows(
	engine: Engine,
	intervals: readonly number[],
	days: number,
	seed = 7,
): Generated[] {
	return intervals.map((intervalS, index) => {
		const monitor = createMonitor(
			engine,
			{ name: `m${index}`, url: `http://127.0.0.2:9/${index}`, intervalS },
			FROM,
		);
		const checks = [
			...syntheticChecks({
				seed,
				monitorId: monitor.id,
				from: FROM,
				to: FROM + days * DAY,
				intervalMs: intervalS * 1000,
			}),
		].map((c) => ({ ...c, durationMs: quantizeDuration(c.durationMs) }));
		engine.transaction(() => {
			for (const check of checks) {
				insertRow(engine, monitor.id, check);
				for (const resolution of ['hour', 'day'] as const)
					addToRollup(
						engine,
						monitor.id,
						resolution,
						check.startedAt,
						check.outcome,
						check.durationMs,
					);
			}
		});
		return { monitorId: monitor.id, checks };
	});
}

const key = (c: HistoryCheck) =>
	JSON.stringify([c.dueAt, c.startedAt, c.durationMs, c.outcome, c.httpStatus, c.message, c.mode]);

/** Every check of a monitor as one sorted list of keys: equal lists mean each check exactly once. */
export async function fingerprint(engine: Engine, monitorId: number): Promise<string[]> {
	return (await checksBetween(engine, compression, monitorId, 0, 2 ** 47)).map(key).sort();
}

export const expected = (checks: readonly HistoryCheck[]): string[] => checks.map(key).sort();
