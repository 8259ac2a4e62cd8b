/**
 * Compaction: a monitor's rows of a span that closed more than a day ago become one block (README in
 * stores/history). Like rotation it works in small steps: each span is one transaction that writes the
 * block and deletes exactly the rows it holds, so a crash at any point leaves every check either still a
 * row or already in its block, never both and never neither. Running it again carries on from there.
 */
import { AppError } from '../../../shared/errors';
import type { Engine } from '../../core/engine';
import { decodeBlock, encodeBlock } from '../../stores/history/block';
import { blockAt, deleteBlock, insertBlock, spanFor, spanStart } from '../../stores/history/blocks';
import type { HistoryCheck } from '../../stores/history/checks';
import type { Compression } from '../../stores/history/compression';
import { deleteRowsBetween, monitorRows, rowsBetween } from '../../stores/history/rows';

const DAY = 86_400_000;
/** Rows of the last day stay rows: live views, the check bar, retries and short charts read them. */
export const RECENT_MS = DAY;

/** What compaction needs of the database: reads, and writes that are one durable transaction each. */
export interface HistoryDatabase {
	readonly engine: Engine;
	write<T>(fn: () => T): Promise<T>;
}

export interface CompactionOptions {
	compression: Compression;
	/** Runs between two spans, so other calls keep being answered. */
	pause?: () => Promise<void>;
	/** Stops after this many blocks written (the next run carries on). */
	maxBlocks?: number;
}

export interface CompactionResult {
	blocks: number;
	checks: number;
}

const withoutId = ({ id: _id, ...check }: HistoryCheck & { id: number }): HistoryCheck => check;

/** Moves one monitor's rows of [start, end) into the block of that span; returns how many moved. */
export async function compactSpan(
	db: HistoryDatabase,
	monitorId: number,
	start: number,
	end: number,
	compression: Compression,
): Promise<number> {
	const rows = rowsBetween(db.engine, monitorId, start, end);
	if (rows.length === 0) return 0;
	// A row that arrives for a span already compacted (a clock set back) joins the block it belongs to.
	const existing = blockAt(db.engine, monitorId, start);
	const earlier = existing
		? await decodeBlock(existing.body, compression, {
				expect: { count: existing.summary.checks, start: existing.start, end: existing.end },
			})
		: [];
	const blockEnd = Math.max(end, existing?.end ?? end);
	const encoded = await encodeBlock([...earlier, ...rows.map(withoutId)], compression);
	const lastId = rows.reduce((max, row) => Math.max(max, row.id), 0);
	await db.write(() => {
		// Between the read and this write the span's rows or block may have changed: then nothing is written.
		if ((blockAt(db.engine, monitorId, start)?.id ?? null) !== (existing?.id ?? null))
			throw raced('its block changed');
		if (existing) deleteBlock(db.engine, existing.id);
		insertBlock(db.engine, {
			monitorId,
			start,
			end: blockEnd,
			summary: encoded.summary,
			body: encoded.body,
		});
		const deleted = deleteRowsBetween(db.engine, monitorId, start, end, lastId);
		if (deleted !== rows.length) throw raced(`${rows.length} rows were read, ${deleted} deleted`);
	});
	return rows.length;
}

function raced(why: string): AppError {
	return new AppError('history-compaction-raced', `Compaction stopped: ${why} while it ran.`);
}

/** Compacts every closed span older than a day, oldest first per monitor, one span per transaction. */
export async function compact(
	db: HistoryDatabase,
	now: number,
	options: CompactionOptions,
): Promise<CompactionResult> {
	const pause = options.pause ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
	const maxBlocks = options.maxBlocks ?? Infinity;
	const cutoff = now - RECENT_MS;
	const result: CompactionResult = { blocks: 0, checks: 0 };
	for (;;) {
		let progressed = false;
		for (const monitor of monitorRows(db.engine)) {
			if (monitor.oldestAt === null) continue;
			const span = spanFor(monitor.intervalMs);
			const start = spanStart(monitor.oldestAt, span);
			if (start + span > cutoff) continue;
			if (result.blocks >= maxBlocks) return result;
			result.checks += await compactSpan(
				db,
				monitor.monitorId,
				start,
				start + span,
				options.compression,
			);
			result.blocks++;
			progressed = true;
			await pause();
		}
		if (!progressed) return result;
	}
}
