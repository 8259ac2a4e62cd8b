/**
 * The `history_blocks` table: a monitor's checks of one span as one block (format in README.md), with the
 * counts a chart or an uptime figure needs beside it so most reads never inflate anything.
 */
import type { Engine } from '../../core/engine';
import type { BlockSummary } from './summary';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Spans divide a UTC day, so blocks of every monitor line up with hour and day rollups. */
const SPAN_HOURS = [24, 12, 8, 6, 4, 3, 2, 1] as const;
/** About 360 checks (600–800 bytes) a block: several blocks share a 4 KiB page (README, "Storing"). */
const CHECKS_PER_SPAN = 360;

/** The longest span of a day's divisors that holds at most ~360 checks of this interval (1 h at least). */
export function spanFor(intervalMs: number): number {
	const hours = SPAN_HOURS.find((h) => h * HOUR <= CHECKS_PER_SPAN * intervalMs) ?? 1;
	return hours * HOUR;
}

export function spanStart(at: number, spanMs: number): number {
	return Math.floor(at / spanMs) * spanMs;
}

export interface BlockRow {
	id: number;
	monitorId: number;
	start: number;
	end: number;
	summary: Omit<BlockSummary, 'firstAt' | 'lastAt'>;
	bytes: number;
}

export interface BlockWithBody extends BlockRow {
	body: Uint8Array;
}

interface Row {
	id: number;
	monitor_id: number;
	block_start: number;
	block_end: number;
	checks: number;
	up: number;
	degraded: number;
	down: number;
	maintenance: number;
	min_tenths: number | null;
	max_tenths: number | null;
	sum_tenths: number;
	bytes: number;
	body?: Uint8Array;
}

const COLUMNS = `id, monitor_id, block_start, block_end, checks, up, degraded, down, maintenance, min_tenths,
	max_tenths, sum_tenths, length(body) AS bytes`;

function toBlock(row: Row): BlockRow {
	return {
		id: row.id,
		monitorId: row.monitor_id,
		start: row.block_start,
		end: row.block_end,
		summary: {
			checks: row.checks,
			up: row.up,
			degraded: row.degraded,
			down: row.down,
			maintenance: row.maintenance,
			minTenths: row.min_tenths,
			maxTenths: row.max_tenths,
			sumTenths: row.sum_tenths,
		},
		bytes: row.bytes,
	};
}

export interface NewBlock {
	monitorId: number;
	start: number;
	end: number;
	summary: BlockSummary;
	body: Uint8Array;
}

export function insertBlock(engine: Engine, block: NewBlock): number {
	const s = block.summary;
	return engine.run(
		`INSERT INTO history_blocks (monitor_id, block_start, block_end, checks, up, degraded, down,
		   maintenance, min_tenths, max_tenths, sum_tenths, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		[
			block.monitorId,
			block.start,
			block.end,
			s.checks,
			s.up,
			s.degraded,
			s.down,
			s.maintenance,
			s.minTenths,
			s.maxTenths,
			s.sumTenths,
			block.body,
		],
	).lastInsertRowid;
}

export function deleteBlock(engine: Engine, id: number): number {
	return engine.run('DELETE FROM history_blocks WHERE id = ?', [id]).changes;
}

/** The block of a monitor that starts at `start`, with its bytes. */
export function blockAt(engine: Engine, monitorId: number, start: number): BlockWithBody | null {
	const row = engine.get<Row>(
		`SELECT ${COLUMNS}, body FROM history_blocks WHERE monitor_id = ? AND block_start = ?`,
		[monitorId, start],
	);
	return row ? { ...toBlock(row), body: row.body! } : null;
}

/** A monitor's blocks whose span meets [from, to), oldest first, with their bytes. */
export function blocksBetween(
	engine: Engine,
	monitorId: number,
	from: number,
	to: number,
): BlockWithBody[] {
	// block_start > from - DAY bounds the index range: no span is longer than a day.
	return engine
		.all<Row>(
			`SELECT ${COLUMNS}, body FROM history_blocks
			 WHERE monitor_id = ? AND block_start > ? AND block_start < ? AND block_end > ?
			 ORDER BY block_start`,
			[monitorId, from - DAY, to, from],
		)
		.map((row) => ({ ...toBlock(row), body: row.body! }));
}

/** Each monitor's newest block (the one that starts last), with its bytes; null for a monitor without. */
export function newestBlocks(
	engine: Engine,
	monitorIds: readonly number[],
): (BlockWithBody | null)[] {
	return engine
		.allFor<Row>(
			`SELECT ${COLUMNS}, body FROM history_blocks WHERE monitor_id = ? ORDER BY block_start DESC LIMIT 1`,
			monitorIds.map((id) => [id]),
		)
		.map(([row]) => (row ? { ...toBlock(row), body: row.body! } : null));
}

/** Every block's row without its bytes, in rowid order from `afterId` (for validation in pages). */
export function blockPage(engine: Engine, afterId: number, limit: number): BlockWithBody[] {
	return engine
		.all<Row>(`SELECT ${COLUMNS}, body FROM history_blocks WHERE id > ? ORDER BY id LIMIT ?`, [
			afterId,
			limit,
		])
		.map((row) => ({ ...toBlock(row), body: row.body! }));
}

/** Deletes up to `batch` blocks whose span ended at or before `before`; returns how many. */
export function deleteBlocksBefore(engine: Engine, before: number, batch: number): number {
	return engine.run(
		'DELETE FROM history_blocks WHERE id IN (SELECT id FROM history_blocks WHERE block_end <= ? LIMIT ?)',
		[before, batch],
	).changes;
}

export interface BlockTotals {
	blocks: number;
	checks: number;
	bytes: number;
}

export function blockTotals(engine: Engine): BlockTotals {
	const row = engine.get<{ blocks: number; checks: number | null; bytes: number | null }>(
		'SELECT count(*) AS blocks, sum(checks) AS checks, sum(length(body)) AS bytes FROM history_blocks',
	);
	return { blocks: row?.blocks ?? 0, checks: row?.checks ?? 0, bytes: row?.bytes ?? 0 };
}
