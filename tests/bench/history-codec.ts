/**
 * What the history block format costs and how fast it is, on the synthetic history (60 s interval):
 * bytes per check for each encoding and block span, encode/decode speed through both compressions, and
 * what the reference workload W (100 monitors x 90 days, hour and day summaries for a year) weighs in
 * real SQLite for each way of storing it.
 *
 *   npx tsx tests/bench/history-codec.ts [--monitors 100] [--days 90] [--write]
 *
 * --write replaces tests/bench/results/history-codec.md with the tables printed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { nodeCompression } from '../../src/cli/history-compression';
import { decodeBlock, encodeBlock } from '../../src/worker/stores/history/block';
import type { HistoryCheck } from '../../src/worker/stores/history/checks';
import { streamCompression } from '../../src/worker/stores/history/compression';
import { writePayload } from '../../src/worker/stores/history/payload';
import {
	DAY,
	HOUR,
	buildWorkload,
	groupBySpan,
	insertBlocks,
	insertDays,
	insertRollups,
	insertRows,
	encodeSpans,
	monitorHistory,
	weigh,
	yearOfDays,
	type BlockTable,
	type StoredBlock,
} from './history-workload';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) =>
	args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback;
const MONITORS = option('--monitors', 100);
const DAYS = option('--days', 90);
const SAMPLE_MONITORS = Math.min(MONITORS, 20);
const SAMPLE_DAYS = Math.min(DAYS, 30);
const RUNS = 5;

const out: string[] = [];
const print = (line = '') => {
	console.log(line);
	out.push(line);
};
const table = (head: string[], rows: (string | number)[][]) => {
	print(`| ${head.join(' | ')} |`);
	print(`| ${head.map(() => '---').join(' | ')} |`);
	for (const row of rows) print(`| ${row.join(' | ')} |`);
	print();
};
const largest = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number) =>
	[...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;
const perCheck = (bytes: number, checks: number) => (bytes / checks).toFixed(2);
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const spanName = (span: number) => (span >= DAY ? `${span / DAY} d` : `${span / HOUR} h`);

const varintLength = (n: number) => Math.max(1, Math.ceil(Math.log2(n + 1) / 7));
/** The block frame around compressed (or, for the comparison, stored) streams. */
const frame = (count: number, columns: number, packedColumns: number, packedLow: number) =>
	1 +
	varintLength(count) +
	varintLength(columns) +
	4 +
	varintLength(packedColumns) +
	packedColumns +
	packedLow;

type Variant = (checks: HistoryCheck[]) => number;
const VARIANTS: Record<string, Variant> = {
	'CSV rows, deflated (deflate only)': (checks) =>
		deflateRawSync(
			new TextEncoder().encode(
				checks
					.map((c) =>
						[
							c.dueAt,
							c.startedAt,
							c.durationMs,
							c.outcome,
							c.httpStatus ?? '',
							JSON.stringify(c.message),
							c.mode,
						].join(','),
					)
					.join('\n'),
			),
		).length,
	'columns, not compressed': (checks) => {
		const { count, columns, lowBytes } = writePayload(checks);
		return frame(count, columns.length, columns.length, lowBytes.length);
	},
	'columns, one deflate stream': (checks) => {
		const { count, columns, lowBytes } = writePayload(checks);
		return frame(
			count,
			columns.length,
			deflateRawSync(new Uint8Array([...columns, ...lowBytes])).length,
			0,
		);
	},
	'columns, low duration bytes in a stream of their own (the format)': (checks) => {
		const { count, columns, lowBytes } = writePayload(checks);
		return frame(
			count,
			columns.length,
			deflateRawSync(columns).length,
			deflateRawSync(lowBytes).length,
		);
	},
};

/** What a check costs as a row today, measured in `encodings` and used to project W in today's layout. */
let rowBytesPerCheck = Number.NaN;

async function encodings(): Promise<void> {
	print(`## Bytes per check by encoding and block span`);
	print();
	print(
		`${SAMPLE_MONITORS} monitors x ${SAMPLE_DAYS} days at 60 s (synthetic, seed 2026); a block is one monitor's checks of one span.`,
	);
	print();
	const histories = Array.from({ length: SAMPLE_MONITORS }, (_, i) =>
		monitorHistory(i + 1, SAMPLE_DAYS),
	);
	const checks = histories.reduce((sum, h) => sum + h.length, 0);
	const rows: (string | number)[][] = [];
	const spans = [HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY];
	for (const [name, variant] of Object.entries(VARIANTS)) {
		for (const span of name.includes('(the format)') ? spans : [HOUR, DAY]) {
			const sizes = histories.flatMap((h) => [...groupBySpan(h, span).values()].map(variant));
			const total = sizes.reduce((a, b) => a + b, 0);
			rows.push([
				name,
				spanName(span),
				perCheck(total, checks),
				median(sizes),
				quantile(sizes, 0.95),
				largest(sizes),
			]);
		}
	}
	const week = histories.map((h) => h.filter((c) => c.startedAt < h[0]!.startedAt + 7 * DAY));
	const weekChecks = week.reduce((sum, h) => sum + h.length, 0);
	const today = await weigh(SAMPLE_MONITORS, (engine) => insertRows(engine, week));
	rowBytesPerCheck = today.live / weekChecks;
	rows.unshift([
		"rows of today's `checks` table with its 2 indexes (as written / vacuumed)",
		'-',
		`${perCheck(today.live, weekChecks)} / ${perCheck(today.vacuumed, weekChecks)}`,
		'-',
		'-',
		'-',
	]);
	table(['encoding', 'span', 'B/check', 'block p50 B', 'block p95 B', 'block max B'], rows);
}

/** The proposed span: the largest divisor of a day, 1 h to 24 h, of at most 360 intervals. */
const spanFor = (intervalMs: number) =>
	[24, 12, 8, 6, 4, 3, 2, 1].map((h) => h * HOUR).find((span) => span <= 360 * intervalMs) ?? HOUR;

async function intervals(): Promise<void> {
	print(`## Block size by check interval (20 monitors x 14 days, rowid table in SQLite)`);
	print();
	print(
		'A row larger than a third of a 4 KiB page leaves the rest of its page empty: what matters is the body size against the page.',
	);
	print();
	const rows: (string | number)[][] = [];
	for (const interval of [10_000, 30_000, 60_000, 300_000]) {
		const histories = Array.from({ length: 20 }, (_, i) => monitorHistory(i + 1, 14, interval));
		const checks = histories.reduce((sum, h) => sum + h.length, 0);
		for (const span of [...new Set([HOUR, spanFor(interval), 6 * HOUR, DAY])].sort(
			(a, b) => a - b,
		)) {
			const blocks = (
				await Promise.all(histories.map((h, i) => encodeSpans(i + 1, h, span)))
			).flat();
			const sizes = blocks.map((b) => b.body.length);
			const body = sizes.reduce((a, b) => a + b, 0);
			const stored = await weigh(20, (e) => insertBlocks(e, 'rowid', blocks));
			rows.push([
				`${interval / 1000} s`,
				spanName(span),
				Math.round(checks / blocks.length),
				median(sizes),
				quantile(sizes, 0.95),
				perCheck(body, checks),
				perCheck(stored.live, checks),
			]);
		}
	}
	table(
		[
			'interval',
			'span',
			'checks/block',
			'body p50 B',
			'body p95 B',
			'body B/check',
			'in SQLite B/check',
		],
		rows,
	);
}

async function speed(): Promise<void> {
	const histories = Array.from({ length: 10 }, (_, i) => monitorHistory(i + 1, 7));
	const blocks = histories.flatMap((h) => [...groupBySpan(h, DAY).values()]);
	const checks = blocks.reduce((sum, b) => sum + b.length, 0);
	print(
		`## Speed (day blocks, ${checks.toLocaleString('en')} checks, median of ${RUNS} passes, Node ${process.version})`,
	);
	print();
	const rows: (string | number)[][] = [];
	for (const compression of [nodeCompression, streamCompression]) {
		const encodeMs: number[] = [];
		const decodeMs: number[] = [];
		let bodies: Uint8Array[] = [];
		for (let run = 0; run < RUNS; run++) {
			let start = performance.now();
			bodies = [];
			for (const block of blocks) bodies.push((await encodeBlock(block, compression)).body);
			encodeMs.push(performance.now() - start);
			start = performance.now();
			for (const body of bodies) await decodeBlock(body, compression);
			decodeMs.push(performance.now() - start);
		}
		const perSecond = (ms: number) => `${(((checks / ms) * 1000) / 1e6).toFixed(2)} M`;
		const month = bodies.slice(0, 7);
		const monthMs: number[] = [];
		for (let run = 0; run < RUNS; run++) {
			const start = performance.now();
			for (let copy = 0; copy < 30 / 7; copy++)
				for (const body of month) await decodeBlock(body, compression);
			monthMs.push(performance.now() - start);
		}
		rows.push([
			compression.name,
			perSecond(median(encodeMs)),
			perSecond(median(decodeMs)),
			median(monthMs).toFixed(1),
		]);
	}
	table(
		['compression', 'encode checks/s', 'decode checks/s', "decode a monitor's 30 days, ms"],
		rows,
	);
}

const ROWS = 'rows: the last day in `checks`';
const DAYS_PART = 'day summaries with hour segments, a year (`history_days`)';
const ROLLUPS = "today's `rollups`, hour + day rows, a year";
const BLOCK_PARTS: [number, BlockTable][] = [
	[DAY, 'rowid'],
	[DAY, 'without rowid'],
	[12 * HOUR, 'rowid'],
	[12 * HOUR, 'without rowid'],
	[6 * HOUR, 'rowid'],
	[6 * HOUR, 'without rowid'],
	[HOUR, 'without rowid, summary columns'],
];
const blockPart = (span: number, kind: BlockTable) => `${spanName(span)} blocks, ${kind}`;

async function workload(): Promise<void> {
	const spans = [DAY, 12 * HOUR, 6 * HOUR, HOUR];
	let start = performance.now();
	const work = await buildWorkload(MONITORS, DAYS, spans);
	const buildS = (performance.now() - start) / 1000;
	const n = work.checks;
	const w = MONITORS * DAYS * 1440;
	/** What `bytes` for the generated checks would be for W's full count. */
	const forW = (bytes: number) => mb((bytes * w) / n);
	print(`## The workload W in SQLite: ${MONITORS} monitors x ${DAYS} days at 60 s`);
	print();
	print(
		`${n.toLocaleString('en')} checks generated (W counts ${w.toLocaleString('en')}: the synthetic app is closed now and then, so checks are missing), and encoded into ${spans.length} spans, in ${buildS.toFixed(0)} s. The last day stays as rows; ${DAYS - 1} days are blocks; day summaries (with 24 hour segments) cover a year (the ${DAYS} days repeated). Each part is weighed as what it adds to a migrated database with the monitors (4 KiB pages), written in compaction order, then after VACUUM. B/check is over the checks generated.`,
	);
	print();
	start = performance.now();
	const parts: Record<string, { live: number; vacuumed: number }> = {};
	const year = yearOfDays(work);
	parts[ROWS] = await weigh(MONITORS, (e) => insertRows(e, work.rows));
	parts[DAYS_PART] = await weigh(MONITORS, (e) => insertDays(e, year));
	parts[ROLLUPS] = await weigh(MONITORS, (e) => insertRollups(e, year, ['hour', 'day']));
	for (const [span, kind] of BLOCK_PARTS)
		parts[blockPart(span, kind)] = await weigh(MONITORS, (e) =>
			insertBlocks(e, kind, work.blocks.get(span)!),
		);
	table(
		['part', 'MB as written', 'MB vacuumed', 'B/check as written'],
		Object.entries(parts).map(([name, p]) => [
			name,
			mb(p.live),
			mb(p.vacuumed),
			perCheck(p.live, n),
		]),
	);
	table(
		['span', 'blocks', 'body p50 B', 'body p95 B', 'body max B'],
		spans.map((span) => {
			const sizes = work.blocks.get(span)!.map((b: StoredBlock) => b.body.length);
			return [spanName(span), sizes.length, median(sizes), quantile(sizes, 0.95), largest(sizes)];
		}),
	);
	const sum = (...names: string[]) => names.reduce((total, name) => total + parts[name]!.live, 0);
	const today = n * rowBytesPerCheck + parts[ROLLUPS].live;
	const layouts: [string, number][] = [
		...[DAY, 12 * HOUR, 6 * HOUR].map((span): [string, number] => [
			`${spanName(span)} blocks (rowid) + day summaries + a day of rows`,
			sum(ROWS, DAYS_PART, blockPart(span, 'rowid')),
		]),
		[
			'6 h blocks (without rowid) + day summaries + a day of rows',
			sum(ROWS, DAYS_PART, blockPart(6 * HOUR, 'without rowid')),
		],
		[
			"1 d blocks (rowid) + today's rollups + a day of rows",
			sum(ROWS, ROLLUPS, blockPart(DAY, 'rowid')),
		],
		[
			"1 h blocks that are also the hour rollups + today's rollups past the blocks + a day of rows",
			sum(ROWS, blockPart(HOUR, 'without rowid, summary columns')) +
				(parts[ROLLUPS].live * (365 - DAYS)) / 365,
		],
		["today's layout: every check a row (measured above) + today's rollups", today],
	];
	print(`### Whole layouts (sums of the parts above, as written)`);
	print();
	table(
		['layout', 'MB', 'B/check', `MB for W (${(w / 1e6).toFixed(2)} M checks)`],
		layouts.map(([name, bytes]) => [name, mb(bytes), perCheck(bytes, n), forW(bytes)]),
	);
	const chosen = await weigh(MONITORS, (e) => {
		insertRows(e, work.rows);
		insertDays(e, year);
		insertBlocks(e, 'rowid', work.blocks.get(6 * HOUR)!);
	});
	print(`### The proposed layout in one database`);
	print();
	table(
		['layout', 'MB as written', 'MB vacuumed', 'B/check as written', 'MB for W as written'],
		[
			[
				'6 h blocks (rowid) + day summaries + a day of rows',
				mb(chosen.live),
				mb(chosen.vacuumed),
				perCheck(chosen.live, n),
				forW(chosen.live),
			],
		],
	);
	print(`(SQLite part measured in ${((performance.now() - start) / 1000).toFixed(0)} s.)`);
	print();
}

print(`# History block codec: measurements`);
print();
print(
	`Run ${new Date().toISOString()}: \`npx tsx tests/bench/history-codec.ts --monitors ${MONITORS} --days ${DAYS}\`.`,
);
print();
await encodings();
await intervals();
await speed();
await workload();
if (args.includes('--write'))
	writeFileSync(
		join(import.meta.dirname, 'results/history-codec.md'),
		`${out.join('\n').trimEnd()}\n`,
	);
