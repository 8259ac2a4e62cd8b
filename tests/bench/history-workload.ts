/**
 * The reference workload W in real SQLite (sql.js, 4 KiB pages): the synthetic history encoded into
 * blocks, then each way of storing it written into a migrated database in the order compaction would
 * write it (one span at a time, every monitor), and weighed as the file's page count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { nodeCompression } from '../../src/cli/history-compression';
import { configure } from '../../src/worker/core/connection';
import type { Engine } from '../../src/worker/core/engine';
import { parseMigrations } from '../../src/worker/core/migrations/files';
import { migrate } from '../../src/worker/core/migrations/runner';
import { syntheticChecks } from '../../src/worker/domain/history/synthetic';
import { encodeBlock } from '../../src/worker/stores/history/block';
import type { HistoryCheck } from '../../src/worker/stores/history/checks';
import {
	summarizeSegments,
	writeSegments,
	type SegmentSummary,
} from '../../src/worker/stores/history/segments';
import {
	summarize,
	type BlockSummary,
	type CheckCounts,
} from '../../src/worker/stores/history/summary';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const FROM = Date.UTC(2026, 0, 1);
export const SEED = 2026;

export interface StoredBlock {
	monitorId: number;
	start: number;
	span: number;
	summary: BlockSummary;
	body: Uint8Array;
}

export interface StoredDay {
	monitorId: number;
	day: number;
	summary: BlockSummary;
	hours: SegmentSummary[];
}

export interface Workload {
	monitors: number;
	days: number;
	checks: number;
	/** Checks of the last day, which stays as rows. */
	rows: HistoryCheck[][];
	blocks: Map<number, StoredBlock[]>;
	summaries: StoredDay[];
}

export function monitorHistory(
	monitorId: number,
	days: number,
	intervalMs = 60_000,
): HistoryCheck[] {
	const to = FROM + days * DAY;
	return [...syntheticChecks({ seed: SEED, monitorId, from: FROM, to, intervalMs })];
}

export async function encodeSpans(
	monitorId: number,
	checks: readonly HistoryCheck[],
	span: number,
): Promise<StoredBlock[]> {
	const blocks: StoredBlock[] = [];
	for (const [start, group] of groupBySpan(checks, span)) {
		const { summary, body } = await encodeBlock(group, nodeCompression);
		blocks.push({ monitorId, start, span, summary, body });
	}
	return blocks;
}

export function groupBySpan(
	checks: readonly HistoryCheck[],
	spanMs: number,
): Map<number, HistoryCheck[]> {
	const groups = new Map<number, HistoryCheck[]>();
	for (const check of checks) {
		const start = Math.floor(check.startedAt / spanMs) * spanMs;
		let group = groups.get(start);
		if (!group) groups.set(start, (group = []));
		group.push(check);
	}
	return groups;
}

/** All but the last day go into blocks of each span; the last day stays as rows. */
export async function buildWorkload(
	monitors: number,
	days: number,
	spans: number[],
): Promise<Workload> {
	const work: Workload = { monitors, days, checks: 0, rows: [], blocks: new Map(), summaries: [] };
	for (const span of spans) work.blocks.set(span, []);
	const rowsFrom = FROM + (days - 1) * DAY;
	for (let monitorId = 1; monitorId <= monitors; monitorId++) {
		const history = monitorHistory(monitorId, days);
		work.checks += history.length;
		work.rows.push(history.filter((c) => c.startedAt >= rowsFrom));
		const old = history.filter((c) => c.startedAt < rowsFrom);
		for (const span of spans)
			work.blocks.get(span)!.push(...(await encodeSpans(monitorId, old, span)));
		for (const [day, checks] of groupBySpan(history, DAY))
			work.summaries.push({
				monitorId,
				day,
				summary: summarize(checks),
				hours: summarizeSegments(checks, day, HOUR, 24),
			});
	}
	return work;
}

let sql: Promise<SqlJsStatic> | undefined;

/** A migrated database with the workload's monitors, as the app would have it. */
export async function baseDatabase(monitors: number): Promise<Engine> {
	sql ??= initSqlJs();
	const engine = configure(new (await sql).Database());
	const dir = join(import.meta.dirname, '../../migrations');
	const sources = Object.fromEntries(
		readdirSync(dir).map((n) => [`/migrations/${n}`, readFileSync(join(dir, n), 'utf8')]),
	);
	migrate(engine, await parseMigrations(sources));
	engine.transaction(() => {
		for (let id = 1; id <= monitors; id++)
			engine.run(
				'INSERT INTO monitors (id, name, url, interval_s, timeout_ms, created_at, updated_at) VALUES (?, ?, ?, 60, 10000, ?, ?)',
				[id, `Service ${id}`, `http://127.0.0.2:9/service-${id}`, FROM, FROM],
			);
	});
	return engine;
}

export const fileBytes = (engine: Engine) =>
	Number(engine.value('PRAGMA page_count')) * Number(engine.value('PRAGMA page_size'));

/** Runs `write` in batches of transactions, as a background job would. */
export function inserting<T>(
	engine: Engine,
	sql: string,
	items: readonly T[],
	bind: (item: T) => (number | string | Uint8Array | null)[],
): void {
	const statement = engine.db.prepare(sql);
	try {
		for (let at = 0; at < items.length; at += 5000)
			engine.transaction(() => {
				for (const item of items.slice(at, at + 5000)) statement.run(bind(item));
			});
	} finally {
		statement.free();
	}
}

/** Compaction's order: one span after another, every monitor within it. */
export const inCompactionOrder = <T extends { monitorId: number }>(
	items: T[],
	at: (item: T) => number,
) => [...items].sort((a, b) => at(a) - at(b) || a.monitorId - b.monitorId);

export const BLOCK_TABLES = {
	/** The proposal (README.md beside the codec). */
	rowid: `CREATE TABLE history_blocks (
		id INTEGER PRIMARY KEY,
		monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
		block_start INTEGER NOT NULL,
		block_end INTEGER NOT NULL,
		checks INTEGER NOT NULL CHECK (checks > 0),
		body BLOB NOT NULL,
		CHECK (block_end > block_start AND block_end - block_start <= 86400000)
	) STRICT;
	CREATE UNIQUE INDEX history_blocks_key ON history_blocks (monitor_id, block_start);`,
	'without rowid': `CREATE TABLE history_blocks (
		monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
		block_start INTEGER NOT NULL,
		block_end INTEGER NOT NULL,
		checks INTEGER NOT NULL,
		body BLOB NOT NULL,
		PRIMARY KEY (monitor_id, block_start)
	) STRICT, WITHOUT ROWID;`,
	/** Hour blocks whose row is also the hour's rollup (the alternative to day summaries). */
	'without rowid, summary columns': `CREATE TABLE history_blocks (
		monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
		block_start INTEGER NOT NULL,
		checks INTEGER NOT NULL, up INTEGER NOT NULL, degraded INTEGER NOT NULL, down INTEGER NOT NULL,
		min_tenths INTEGER, max_tenths INTEGER, sum_tenths INTEGER NOT NULL,
		body BLOB NOT NULL,
		PRIMARY KEY (monitor_id, block_start)
	) STRICT, WITHOUT ROWID;`,
} as const;
export type BlockTable = keyof typeof BLOCK_TABLES;

/** The proposal (README.md beside the codec). */
export const DAYS_TABLE = `CREATE TABLE history_days (
	monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
	day INTEGER NOT NULL,
	checks INTEGER NOT NULL CHECK (checks > 0),
	up INTEGER NOT NULL,
	degraded INTEGER NOT NULL,
	down INTEGER NOT NULL,
	min_tenths INTEGER,
	max_tenths INTEGER,
	sum_tenths INTEGER NOT NULL DEFAULT 0,
	hours BLOB NOT NULL,
	PRIMARY KEY (monitor_id, day),
	CHECK (up + degraded + down = checks)
) STRICT, WITHOUT ROWID;`;

const countColumns = (s: CheckCounts) => [
	s.checks,
	s.up,
	s.degraded,
	s.down,
	s.minTenths,
	s.maxTenths,
	s.sumTenths,
];

export function insertBlocks(engine: Engine, table: BlockTable, blocks: StoredBlock[]): void {
	engine.exec(BLOCK_TABLES[table]);
	const ordered = inCompactionOrder(blocks, (b) => b.start);
	if (table === 'without rowid, summary columns')
		inserting(
			engine,
			'INSERT INTO history_blocks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
			ordered,
			(b) => [b.monitorId, b.start, ...countColumns(b.summary), b.body],
		);
	else
		inserting(
			engine,
			'INSERT INTO history_blocks (monitor_id, block_start, block_end, checks, body) VALUES (?, ?, ?, ?, ?)',
			ordered,
			(b) => [b.monitorId, b.start, b.start + b.span, b.summary.checks, b.body],
		);
}

/** A year of day summaries: the workload's days, repeated to fill 365 (sizes, not values, matter here). */
export function yearOfDays(work: Workload): StoredDay[] {
	const year: StoredDay[] = [];
	for (let index = 0; index < 365; index++) {
		for (const day of work.summaries.filter((d) => d.day === FROM + (index % work.days) * DAY))
			year.push({ ...day, day: FROM + index * DAY });
	}
	return year;
}

export function insertDays(engine: Engine, days: StoredDay[]): void {
	engine.exec(DAYS_TABLE);
	inserting(
		engine,
		'INSERT INTO history_days VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
		inCompactionOrder(days, (d) => d.day),
		(d) => [d.monitorId, d.day, ...countColumns(d.summary), writeSegments(d.hours, HOUR)],
	);
}

/** Today's rollups table: an hour row per monitor-hour and a day row per monitor-day. */
export function insertRollups(
	engine: Engine,
	days: StoredDay[],
	resolutions: ('hour' | 'day')[],
): void {
	const rows: { monitorId: number; resolution: string; start: number; s: SegmentSummary }[] = [];
	for (const day of days) {
		if (resolutions.includes('day'))
			rows.push({ monitorId: day.monitorId, resolution: 'day', start: day.day, s: day.summary });
		if (resolutions.includes('hour'))
			day.hours.forEach((s, hour) => {
				if (s.checks > 0)
					rows.push({
						monitorId: day.monitorId,
						resolution: 'hour',
						start: day.day + hour * HOUR,
						s,
					});
			});
	}
	const ms = (tenths: number | null) => (tenths === null ? null : tenths / 10);
	inserting(
		engine,
		'INSERT INTO rollups (monitor_id, resolution, bucket_start, checks, up, degraded, down, min_ms, max_ms, sum_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
		inCompactionOrder(rows, (r) => r.start),
		(r) => [
			r.monitorId,
			r.resolution,
			r.start,
			r.s.checks,
			r.s.up,
			r.s.degraded,
			r.s.down,
			ms(r.s.minTenths),
			ms(r.s.maxTenths),
			r.s.sumTenths / 10,
		],
	);
}

/** The raw rows of today's `checks` table, in the order the scheduler writes them. */
export function insertRows(engine: Engine, rows: HistoryCheck[][]): void {
	const all = rows.flatMap((checks, index) => checks.map((c) => ({ ...c, monitorId: index + 1 })));
	inserting(
		engine,
		'INSERT INTO checks (monitor_id, due_at, started_at, duration_ms, outcome, http_status, message, mode) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
		inCompactionOrder(all, (c) => c.startedAt),
		(c) => [
			c.monitorId,
			c.dueAt,
			c.startedAt,
			c.durationMs,
			c.outcome,
			c.httpStatus,
			c.message,
			c.mode,
		],
	);
}

/** The bytes `build` adds to a migrated database with the workload's monitors: as written, and vacuumed. */
export async function weigh(
	monitors: number,
	build: (engine: Engine) => void,
): Promise<{ live: number; vacuumed: number }> {
	const engine = await baseDatabase(monitors);
	const base = fileBytes(engine);
	build(engine);
	const live = fileBytes(engine) - base;
	engine.exec('VACUUM');
	const vacuumed = fileBytes(engine) - base;
	engine.db.close();
	return { live, vacuumed };
}
