/**
 * A chart's buckets are merged from hour rollups in JavaScript (issue 22: SQLite's GROUP BY sorted
 * them first, most of a 30-day chart's query). Property: for any rollups, the merge equals what the
 * SQL aggregate it replaced gives, bucket for bucket.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/worker/core/migrations/runner';
import { createMonitor } from '../../src/worker/domain/monitors/service';
import { addToRollup, rollupBuckets } from '../../src/worker/stores/rollups';
import { newEngine, realMigrations } from './helpers';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);
const OUTCOMES = ['up', 'degraded', 'down'] as const;

const reference = `SELECT (bucket_start / ?1) * ?1 AS t, sum(checks) AS checks, sum(up) AS up,
	sum(degraded) AS degraded, sum(down) AS down, min(min_ms) AS minMs, max(max_ms) AS maxMs,
	sum(sum_ms) AS sumMs FROM rollups WHERE monitor_id = ?2 AND resolution = 'hour' AND bucket_start >= ?3
	GROUP BY 1 ORDER BY 1`;

describe('rollup buckets', () => {
	it('equal the SQL aggregate for any hours, outcomes and bucket size', async () => {
		const engine = await newEngine();
		migrate(engine, await realMigrations());
		const { id } = createMonitor(
			engine,
			{ name: 'A', url: 'http://127.0.0.2:9/', intervalS: 60 },
			T0,
		);
		const other = createMonitor(
			engine,
			{ name: 'B', url: 'http://127.0.0.2:9/', intervalS: 60 },
			T0,
		).id;
		fc.assert(
			fc.property(
				fc.array(
					fc.record({
						hour: fc.integer({ min: 0, max: 24 * 40 }),
						outcome: fc.constantFrom(...OUTCOMES),
						ms: fc.integer({ min: 0, max: 30_000 }),
						mine: fc.boolean(),
					}),
					{ maxLength: 120 },
				),
				fc.constantFrom(HOUR, 4 * HOUR, 12 * HOUR, 24 * HOUR),
				fc.integer({ min: 0, max: 24 * 40 * HOUR }),
				(checks, size, since) => {
					engine.run('DELETE FROM rollups');
					for (const c of checks)
						addToRollup(
							engine,
							c.mine ? id : other,
							'hour',
							T0 + c.hour * HOUR + 1,
							c.outcome,
							c.ms,
						);
					const from = T0 + since;
					const expected = engine.all(reference, [size, id, from]);
					const merged = rollupBuckets(engine, id, 'hour', size, from);
					expect(merged.map((b) => ({ ...b, sumMs: Math.round(b.sumMs) }))).toEqual(
						expected.map((b) => ({ ...b, sumMs: Math.round(b.sumMs as number) })),
					);
				},
			),
			{ numRuns: 60 },
		);
	});
});
