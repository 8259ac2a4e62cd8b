/**
 * Writes a monitor's history in bulk through the app's own stores: spans closed more than a day before
 * `now` as blocks (as compaction would have left them), the rest as rows, and every check counted in its
 * hour and day rollups. For the generator (`npm run db -- generate-history`), benchmarks and tests.
 */
import { RESOLUTIONS, addCountsToRollup, type Resolution } from '../../stores/rollups';
import { encodeBlock, type EncodedBlock } from '../../stores/history/block';
import { insertBlock, spanFor, spanStart } from '../../stores/history/blocks';
import { fromTenths, type HistoryCheck } from '../../stores/history/checks';
import type { Compression } from '../../stores/history/compression';
import { insertRow } from '../../stores/history/rows';
import { countCheck, noChecks, type CheckCounts } from '../../stores/history/summary';
import { RECENT_MS, type HistoryDatabase } from './compaction';

export interface AppendResult {
	checks: number;
	blocks: number;
	rows: number;
}

const LONG_ROLLUPS: Resolution[] = ['hour', 'day'];

function rollupsOf(
	checks: readonly HistoryCheck[],
	resolution: Resolution,
): Map<number, CheckCounts> {
	const size = RESOLUTIONS[resolution];
	const buckets = new Map<number, CheckCounts>();
	for (const check of checks) {
		const t = Math.floor(check.startedAt / size) * size;
		let counts = buckets.get(t);
		if (!counts) buckets.set(t, (counts = noChecks()));
		countCheck(counts, check);
	}
	return buckets;
}

const toMs = (tenths: number | null) => (tenths === null ? null : fromTenths(tenths));

/** Appends `checks` (in the order the scheduler would have recorded them) to a monitor's history. */
export async function appendHistory(
	db: HistoryDatabase,
	compression: Compression,
	monitorId: number,
	intervalMs: number,
	checks: readonly HistoryCheck[],
	now: number,
): Promise<AppendResult> {
	const span = spanFor(intervalMs);
	const cutoff = now - RECENT_MS;
	const spans = new Map<number, HistoryCheck[]>();
	for (const check of checks) {
		const start = spanStart(check.startedAt, span);
		let list = spans.get(start);
		if (!list) spans.set(start, (list = []));
		list.push(check);
	}
	const result: AppendResult = { checks: checks.length, blocks: 0, rows: 0 };
	const blocks: { start: number; encoded: EncodedBlock }[] = [];
	const rows: HistoryCheck[] = [];
	for (const [start, list] of [...spans].sort((a, b) => a[0] - b[0])) {
		if (start + span > cutoff) rows.push(...list);
		else blocks.push({ start, encoded: await encodeBlock(list, compression) });
	}
	await db.write(() => {
		for (const { start, encoded } of blocks) {
			insertBlock(db.engine, {
				monitorId,
				start,
				end: start + span,
				summary: encoded.summary,
				body: encoded.body,
			});
		}
		for (const row of rows) insertRow(db.engine, monitorId, row);
		for (const resolution of LONG_ROLLUPS) {
			for (const [t, counts] of rollupsOf(checks, resolution)) {
				addCountsToRollup(db.engine, monitorId, resolution, t, {
					...counts,
					minMs: toMs(counts.minTenths),
					maxMs: toMs(counts.maxTenths),
					sumMs: fromTenths(counts.sumTenths),
				});
			}
		}
	});
	result.blocks = blocks.length;
	result.rows = rows.length;
	return result;
}
