/**
 * Reads over compacted history: charts and uptime read the same numbers before and after compaction, a
 * raw read gives back every check of a range and inflates only the blocks that meet it, and the counts in
 * the blocks' rows add up to the hour rollups.
 */
import { describe, expect, it } from 'vitest';
import { CHART_RANGES } from '../../src/shared/history';
import { compact } from '../../src/worker/domain/history/compaction';
import { chart } from '../../src/worker/domain/history/history';
import { historyTiers } from '../../src/worker/domain/history/tiers';
import { checksBetween } from '../../src/worker/domain/history/raw';
import type { Compression } from '../../src/worker/stores/history/compression';
import { uptimeSince } from '../../src/worker/stores/rollups';
import { compression, database, DAY, expected, FROM, migrated, recordRows } from './history-store';

const HOUR = 3_600_000;
const NOW = FROM + 3 * DAY + 7 * 60_000;

describe('reads over compacted history', () => {
	it('charts and uptime read the same numbers before and after compaction', async () => {
		const engine = await migrated();
		const monitors = recordRows(engine, [60, 300], 3.1, 5);
		const figures = () =>
			monitors.map(({ monitorId }) => ({
				charts: CHART_RANGES.map((range) => chart(engine, monitorId, range, NOW)),
				uptime: [DAY, 7 * DAY, 30 * DAY, 90 * DAY].map((span) =>
					uptimeSince(engine, monitorId, NOW - span),
				),
			}));
		const before = figures();
		const result = await compact(database(engine), NOW, { compression, pause: async () => {} });
		expect(result.checks).toBeGreaterThan(2000);
		expect(figures()).toEqual(before);
		expect(before[0]!.charts[0]!.points.length).toBeGreaterThan(50);
	});

	it('a raw read gives back the checks of its range and inflates only the blocks that meet it', async () => {
		const engine = await migrated();
		const [monitor] = recordRows(engine, [60], 3.1, 9);
		await compact(database(engine), NOW, { compression, pause: async () => {} });
		let inflated = 0;
		const counting: Compression = {
			name: 'counting',
			deflate: (data) => compression.deflate(data),
			inflate: (data, length) => {
				inflated++;
				return compression.inflate(data, length);
			},
		};
		// 05:30–07:30 of the first day meets two 6-hour blocks: 00–06 and 06–12.
		const from = FROM + 5.5 * HOUR;
		const to = FROM + 7.5 * HOUR;
		const read = await checksBetween(engine, counting, monitor!.monitorId, from, to);
		expect(inflated).toBe(4); // two streams a block
		const wanted = monitor!.checks.filter((c) => c.startedAt >= from && c.startedAt < to);
		expect(read.length).toBe(wanted.length);
		expect(expected(read)).toEqual(expected(wanted));
	});

	it("the blocks' counts add up to the hour rollups of their spans", async () => {
		const engine = await migrated();
		recordRows(engine, [60, 30], 3.1, 3);
		await compact(database(engine), NOW, { compression, pause: async () => {} });
		const blocks = engine.all<{
			monitor_id: number;
			d: number;
			checks: number;
			up: number;
			down: number;
		}>(
			`SELECT monitor_id, block_start / ${DAY} AS d, sum(checks) AS checks, sum(up) AS up, sum(down) AS down
			 FROM history_blocks GROUP BY 1, 2 ORDER BY 1, 2`,
		);
		expect(blocks.length).toBeGreaterThan(2);
		for (const b of blocks) {
			const day = engine.get<{ checks: number; up: number; down: number }>(
				"SELECT checks, up, down FROM rollups WHERE monitor_id = ? AND resolution = 'day' AND bucket_start = ?",
				[b.monitor_id, b.d * DAY],
			);
			expect({ checks: b.checks, up: b.up, down: b.down }).toEqual(day);
		}
	});

	it('the Database page counts every check once across rows and blocks', async () => {
		const engine = await migrated();
		const monitors = recordRows(engine, [60], 3.1, 4);
		const before = historyTiers(engine)!;
		await compact(database(engine), NOW, { compression, pause: async () => {} });
		const after = historyTiers(engine)!;
		const total = monitors[0]!.checks.length;
		expect(before.rows.rows).toBe(total);
		expect(after.rows.rows + after.blocks.checks).toBe(total);
		expect(after.blocks.blocks).toBeGreaterThan(0);
		expect(after.bytesPerCheck!).toBeLessThan(before.bytesPerCheck! / 2);
	});
});
