/**
 * Every check of a monitor in a time range, exactly as it was recorded: from the blocks whose span meets
 * the range (only those are inflated, each checked against its row) and from the recent rows.
 */
import type { Engine } from '../../core/engine';
import { decodeBlock } from '../../stores/history/block';
import { blocksBetween } from '../../stores/history/blocks';
import { quantizeDuration, type HistoryCheck } from '../../stores/history/checks';
import type { Compression } from '../../stores/history/compression';
import { rowsBetween } from '../../stores/history/rows';

/** The checks that started in [from, to), oldest first (checks that started together: as written). */
export async function checksBetween(
	engine: Engine,
	compression: Compression,
	monitorId: number,
	from: number,
	to: number,
): Promise<HistoryCheck[]> {
	const checks: HistoryCheck[] = [];
	for (const block of blocksBetween(engine, monitorId, from, to)) {
		const decoded = await decodeBlock(block.body, compression, {
			expect: { count: block.summary.checks, start: block.start, end: block.end },
		});
		for (const check of decoded)
			if (check.startedAt >= from && check.startedAt < to) checks.push(check);
	}
	for (const { id: _id, ...row } of rowsBetween(engine, monitorId, from, to))
		checks.push({ ...row, durationMs: quantizeDuration(row.durationMs) });
	// Array.prototype.sort is stable: checks that started at the same instant keep their written order.
	return checks.sort((a, b) => a.startedAt - b.startedAt);
}
