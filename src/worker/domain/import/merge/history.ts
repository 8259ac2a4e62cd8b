/**
 * Joining one monitor's history from the file with this database's (README: "Merging"). A check is
 * the same check when it was due and started at the same instants: two devices that share a past (one
 * imported the other's export, then both went on) hold the same checks, which are kept once.
 *
 * - A monitor that is new here gets the file's rows, blocks and rollups as they are.
 * - A matched monitor gets the file's checks this database lacks: a block of the file whose span holds
 *   nothing here (and whose start is free) is copied as it is; otherwise its missing checks become rows,
 *   which compaction folds into the block of their span as it does for any late row. Rows likewise.
 * - Rollups count checks, so they cannot be told apart once rows and blocks are rotated away. Where
 *   both sides still hold every check of a bucket (it starts after both sides' oldest check), the
 *   checks the file adds are counted into this database's bucket; before that, a bucket only the file
 *   has is copied, and of two, the one that counted more checks is kept (this database's on a tie).
 */
import type { Engine } from '../../../core/engine';
import { decodeBlock } from '../../../stores/history/block';
import { blockAt, insertBlock } from '../../../stores/history/blocks';
import type { HistoryCheck } from '../../../stores/history/checks';
import type { Compression } from '../../../stores/history/compression';
import { insertRow } from '../../../stores/history/rows';
import { addToRollup, bucketStart, type Resolution } from '../../../stores/rollups';
import { checksBetween } from '../../history/raw';

export interface HistoryJoin {
	/** Checks this database had of the monitor, the file has, and the file added. */
	here: number;
	inFile: number;
	added: number;
}

interface CheckRow {
	id: number;
	due_at: number;
	started_at: number;
	duration_ms: number;
	outcome: HistoryCheck['outcome'];
	http_status: number | null;
	message: string;
	mode: HistoryCheck['mode'];
}

interface BlockRow {
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
	body: Uint8Array;
}

interface RollupRow {
	resolution: Resolution;
	bucket_start: number;
	checks: number;
	up: number;
	degraded: number;
	down: number;
	min_ms: number | null;
	max_ms: number | null;
	sum_ms: number;
}

const key = (c: { dueAt: number; startedAt: number }) => `${c.startedAt}:${c.dueAt}`;

const toCheck = (r: CheckRow): HistoryCheck => ({
	dueAt: r.due_at,
	startedAt: r.started_at,
	durationMs: r.duration_ms,
	outcome: r.outcome,
	httpStatus: r.http_status,
	message: r.message,
	mode: r.mode,
});

/** How many checks a monitor has, as rows and in blocks. */
export function checkCount(engine: Engine, monitorId: number | null): number {
	const where = monitorId === null ? '' : ' WHERE monitor_id = ?';
	const params = monitorId === null ? [] : [monitorId];
	return (
		Number(engine.value(`SELECT count(*) FROM checks${where}`, params)) +
		Number(engine.value(`SELECT coalesce(sum(checks), 0) FROM history_blocks${where}`, params))
	);
}

/** From when on a monitor's raw history (rows and blocks) is whole; null without any. */
function firstAt(engine: Engine, monitorId: number): number | null {
	const at = engine.value(
		`SELECT min(t) FROM (SELECT min(started_at) AS t FROM checks WHERE monitor_id = ?
		   UNION ALL SELECT min(block_start) FROM history_blocks WHERE monitor_id = ?)`,
		[monitorId, monitorId],
	);
	return at === null || at === undefined ? null : Number(at);
}

function fileHistory(incoming: Engine, fileId: number) {
	return {
		rows: incoming.all<CheckRow>(
			`SELECT id, due_at, started_at, duration_ms, outcome, http_status, message, mode
			 FROM checks WHERE monitor_id = ? ORDER BY id`,
			[fileId],
		),
		blocks: incoming.all<BlockRow>(
			`SELECT block_start, block_end, checks, up, degraded, down, maintenance, min_tenths, max_tenths,
			   sum_tenths, body FROM history_blocks WHERE monitor_id = ? ORDER BY block_start`,
			[fileId],
		),
		rollups: incoming.all<RollupRow>(
			`SELECT resolution, bucket_start, checks, up, degraded, down, min_ms, max_ms, sum_ms
			 FROM rollups WHERE monitor_id = ? ORDER BY resolution, bucket_start`,
			[fileId],
		),
	};
}

function copyBlock(target: Engine, monitorId: number, b: BlockRow): void {
	insertBlock(target, {
		monitorId,
		start: b.block_start,
		end: b.block_end,
		summary: {
			checks: b.checks,
			up: b.up,
			degraded: b.degraded,
			down: b.down,
			maintenance: b.maintenance,
			minTenths: b.min_tenths,
			maxTenths: b.max_tenths,
			sumTenths: b.sum_tenths,
			firstAt: b.block_start,
			lastAt: b.block_end - 1,
		},
		body: b.body,
	});
}

function putRollup(target: Engine, monitorId: number, r: RollupRow): void {
	target.run(
		`INSERT OR REPLACE INTO rollups (monitor_id, resolution, bucket_start, checks, up, degraded, down,
		   min_ms, max_ms, sum_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		[
			monitorId,
			r.resolution,
			r.bucket_start,
			r.checks,
			r.up,
			r.degraded,
			r.down,
			r.min_ms,
			r.max_ms,
			r.sum_ms,
		],
	);
}

/** A monitor new here: everything of the file's, as it is. `checkIds` learns the rows' new ids. */
export function copyHistory(
	target: Engine,
	incoming: Engine,
	fileId: number,
	targetId: number,
	checkIds: Map<number, number>,
): HistoryJoin {
	const { rows, blocks, rollups } = fileHistory(incoming, fileId);
	target.transaction(() => {
		for (const row of rows) checkIds.set(row.id, insertRow(target, targetId, toCheck(row)));
		for (const block of blocks) copyBlock(target, targetId, block);
		for (const rollup of rollups) putRollup(target, targetId, rollup);
	});
	const inFile = rows.length + blocks.reduce((n, b) => n + b.checks, 0);
	return { here: 0, inFile, added: inFile };
}

/** A monitor both have: the file's checks missing here are added, each once (see the top of this file). */
export async function joinHistory(
	target: Engine,
	incoming: Engine,
	fileId: number,
	targetId: number,
	compression: Compression,
	checkIds: Map<number, number>,
): Promise<HistoryJoin> {
	const { rows, blocks, rollups } = fileHistory(incoming, fileId);
	const here = checkCount(target, targetId);
	const inFile = rows.length + blocks.reduce((n, b) => n + b.checks, 0);
	const hereFirst = firstAt(target, targetId);
	const fileFirst = firstAt(incoming, fileId);
	// Buckets from here on hold every check of both sides (Infinity: no bucket does).
	const whole =
		hereFirst === null || fileFirst === null ? Infinity : Math.max(hereFirst, fileFirst);

	// The same block here (a shared past, compacted alike on both sides): every check is here already.
	const differing = blocks.filter(
		(b) => !sameBytes(blockAt(target, targetId, b.block_start)?.body, b.body),
	);
	// Only this database's checks in the span of what may be new are read (and its blocks inflated).
	let from = Infinity;
	let to = -Infinity;
	for (const r of rows) [from, to] = [Math.min(from, r.started_at), Math.max(to, r.started_at + 1)];
	for (const b of differing)
		[from, to] = [Math.min(from, b.block_start), Math.max(to, b.block_end)];
	const existing = from < to ? await checksBetween(target, compression, targetId, from, to) : [];
	const seen = new Set(existing.map(key));
	const starts = existing.map((c) => c.startedAt).sort((a, b) => a - b);
	const anyHere = (start: number, end: number) => {
		const i = lowerBound(starts, start);
		return (starts[i] ?? Infinity) < end;
	};

	const copied: BlockRow[] = [];
	const fresh: HistoryCheck[] = [];
	const added: HistoryCheck[] = [];
	for (const block of differing) {
		const checks = await decodeBlock(block.body, compression, {
			expect: { count: block.checks, start: block.block_start, end: block.block_end },
		});
		const missing = checks.filter((c) => !seen.has(key(c)));
		for (const c of missing) seen.add(key(c));
		const free =
			missing.length === checks.length &&
			!anyHere(block.block_start, block.block_end) &&
			blockAt(target, targetId, block.block_start) === null;
		if (free) copied.push(block);
		for (const c of missing) {
			if (!free) fresh.push(c);
			added.push(c);
		}
	}
	const freshRows: CheckRow[] = [];
	for (const row of rows) {
		const check = toCheck(row);
		if (seen.has(key(check))) continue;
		seen.add(key(check));
		freshRows.push(row);
		added.push(check);
	}

	target.transaction(() => {
		for (const block of copied) copyBlock(target, targetId, block);
		for (const check of fresh) insertRow(target, targetId, check);
		for (const row of freshRows) checkIds.set(row.id, insertRow(target, targetId, toCheck(row)));
		for (const check of added) {
			for (const resolution of ['hour', 'day'] as const) {
				if (bucketStart(check.startedAt, resolution) < whole) continue;
				addToRollup(target, targetId, resolution, check.startedAt, check.outcome, check.durationMs);
			}
		}
		for (const rollup of rollups) {
			if (rollup.resolution === 'minute' || rollup.bucket_start >= whole) continue;
			const mine = target.value(
				'SELECT checks FROM rollups WHERE monitor_id = ? AND resolution = ? AND bucket_start = ?',
				[targetId, rollup.resolution, rollup.bucket_start],
			);
			if (mine === undefined || rollup.checks > Number(mine)) putRollup(target, targetId, rollup);
		}
	});
	return { here, inFile, added: added.length };
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
	if (!a || a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

function lowerBound(sorted: readonly number[], value: number): number {
	let lo = 0;
	let hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if ((sorted[mid] ?? Infinity) < value) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}
