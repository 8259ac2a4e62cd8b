/**
 * The history benchmark (issue 21): the reference workload W (100 monitors, 60 s, 90 days) built with the
 * generator through the app's stores, weighed, opened cold and queried; the old row layout on a tenth of W
 * in the same run for the ratio; and the CPU cost of compaction. `npm run bench:history [-- --monitors n]`
 * (fewer monitors to measure a fraction; the report says so). Results: tests/bench/results/history.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateInto } from '../../../src/cli/commands/generate-history';
import { DEFAULT_MIGRATIONS, loadSql, readMigrations } from '../../../src/cli/database';
import { nodeCompression } from '../../../src/cli/history-compression';
import { CHART_RANGES } from '../../../src/shared/history';
import { openEngine } from '../../../src/worker/core/connection';
import type { Engine } from '../../../src/worker/core/engine';
import { migrate } from '../../../src/worker/core/migrations/runner';
import { appendHistory } from '../../../src/worker/domain/history/append';
import { compact } from '../../../src/worker/domain/history/compaction';
import { chart } from '../../../src/worker/domain/history/history';
import { checksBetween } from '../../../src/worker/domain/history/raw';
import { syntheticChecks } from '../../../src/worker/domain/history/synthetic';
import { createMonitor } from '../../../src/worker/domain/monitors/service';
import { uptimeSince } from '../../../src/worker/stores/rollups';
import { oldLayout } from './old-layout';

const DAY = 86_400_000;
const TO = Date.UTC(2026, 3, 1);
const SEED = 2026;
const { values } = parseArgs({ options: { monitors: { type: 'string', default: '100' } } });
const MONITORS = Number(values.monitors);
const DAYS = 90;
const lines: string[] = [];
const say = (line: string) => {
	lines.push(line);
	console.log(line);
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function percentiles(samples: number[]): { p50: number; p95: number } {
	const sorted = [...samples].sort((a, b) => a - b);
	const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
	return { p50: at(0.5), p95: at(0.95) };
}

function time<T>(fn: () => T): [T, number] {
	const start = performance.now();
	const result = fn();
	return [result, performance.now() - start];
}

async function fresh(): Promise<Engine> {
	const engine = openEngine(await loadSql());
	migrate(engine, await readMigrations(DEFAULT_MIGRATIONS));
	return engine;
}

/** Bytes by table and index from SQLite's dbstat (the sqlite3 shell has it; sql.js does not). */
function tiers(bytes: Uint8Array): string {
	const file = join(mkdtempSync(join(tmpdir(), 'history-bench-')), 'w.db');
	writeFileSync(file, bytes);
	try {
		return execFileSync('sqlite3', [
			file,
			'SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8',
		])
			.toString()
			.trim()
			.split('\n')
			.map((l) => {
				const [name, size] = l.split('|');
				return `${name} ${mb(Number(size))}`;
			})
			.join(', ');
	} catch {
		return '(sqlite3 with dbstat not available)';
	}
}

async function main(): Promise<void> {
	say(`# History benchmark, ${new Date().toISOString()}`);
	say('');
	const fraction = MONITORS / 100;
	say(
		`W = ${MONITORS} monitors × 60 s × ${DAYS} days${fraction < 1 ? ` (${fraction * 100} % of W; figures per check hold, totals scale by ${1 / fraction})` : ''}, seed ${SEED}, Node ${process.version}, sql.js, node:zlib.`,
	);
	say('');

	const engine = await fresh();
	const [built, buildMs] = await (async () => {
		const start = performance.now();
		const totals = await generateInto(engine, {
			monitors: MONITORS,
			intervalS: 60,
			days: DAYS,
			seed: SEED,
			to: TO,
		});
		return [totals, performance.now() - start] as const;
	})();
	const bytes = engine.db.export();
	say('| measure | value |');
	say('| --- | --- |');
	say(
		`| checks | ${built.checks.toLocaleString('en')} (${built.blocks.toLocaleString('en')} blocks, ${built.rows.toLocaleString('en')} rows) |`,
	);
	say(`| file | ${mb(bytes.length)} |`);
	say(`| bytes per check (whole file) | ${(bytes.length / built.checks).toFixed(2)} |`);
	say(`| build time (generate + encode + write) | ${seconds(buildMs)} |`);
	say(`| largest tables and indexes | ${tiers(bytes)} |`);

	const SQL = await loadSql();
	const opens: number[] = [];
	for (let i = 0; i < 5; i++) {
		const [, ms] = time(() => {
			const cold = openEngine(SQL, bytes);
			chart(cold, 1, '30d', TO);
			cold.db.close();
		});
		opens.push(ms);
	}
	say(
		`| cold open to the first 30-day chart (median of 5) | ${percentiles(opens).p50.toFixed(0)} ms |`,
	);

	const monitorIds = engine.all<{ id: number }>('SELECT id FROM monitors').map((r) => r.id);
	const pick = (i: number) => monitorIds[(i * 7919) % monitorIds.length]!;
	for (const range of CHART_RANGES) {
		const samples = Array.from(
			{ length: 100 },
			(_, i) => time(() => chart(engine, pick(i), range, TO))[1],
		);
		const { p50, p95 } = percentiles(samples);
		say(`| chart ${range} p50 / p95 | ${p50.toFixed(2)} / ${p95.toFixed(2)} ms |`);
	}
	const uptimes = Array.from(
		{ length: 100 },
		(_, i) => time(() => uptimeSince(engine, pick(i), TO - 90 * DAY))[1],
	);
	const u = percentiles(uptimes);
	say(`| 90-day uptime p50 / p95 | ${u.p50.toFixed(2)} / ${u.p95.toFixed(2)} ms |`);
	const zooms: number[] = [];
	for (let i = 0; i < 50; i++) {
		const from = TO - (10 + (i % 70)) * DAY + (i % 24) * 3_600_000;
		const start = performance.now();
		await checksBetween(engine, nodeCompression, pick(i), from, from + 3_600_000);
		zooms.push(performance.now() - start);
	}
	const z = percentiles(zooms);
	say(
		`| raw zoom: 1 hour of checks 10–80 days ago, p50 / p95 | ${z.p50.toFixed(2)} / ${z.p95.toFixed(2)} ms |`,
	);
	engine.db.close();

	const old = oldLayout(await fresh(), Math.max(1, Math.round(MONITORS / 10)), DAYS, SEED, TO);
	say(
		`| old row layout, ${old.monitors} monitors (10 % of this W) | ${mb(old.bytes)}, ${(old.bytes / old.checks).toFixed(1)} bytes per check, built in ${seconds(old.ms)} |`,
	);
	say(
		`| ratio old / new, bytes per check | ${(old.bytes / old.checks / (bytes.length / built.checks)).toFixed(1)} × |`,
	);

	// Compaction: 100 monitors' rows of two days, then compacted in one run (the job's steady work).
	const rows = await fresh();
	const db = { engine: rows, write: <T>(fn: () => T) => Promise.resolve(rows.transaction(fn)) };
	const from = TO - 2 * DAY;
	let checks = 0;
	for (let k = 1; k <= 100; k++) {
		const monitor = createMonitor(
			rows,
			{ name: `m${k}`, url: `http://127.0.0.2:9/${k}`, intervalS: 60 },
			from,
		);
		const list = [
			...syntheticChecks({ seed: SEED, monitorId: k, from, to: TO, intervalMs: 60_000 }),
		];
		checks += list.length;
		await appendHistory(db, nodeCompression, monitor.id, 60_000, list, from);
	}
	const cpuStart = process.cpuUsage();
	const start = performance.now();
	const result = await compact(db, TO + DAY, {
		compression: nodeCompression,
		pause: async () => {},
	});
	const wall = performance.now() - start;
	const cpu = process.cpuUsage(cpuStart);
	const hours = (result.checks / checks) * 48;
	say(
		`| compaction, 100 monitors (CPU per hour of all 100 monitors' checks) | ${result.checks.toLocaleString('en')} checks into ${result.blocks} blocks: ${seconds(wall)} wall, ${((cpu.user + cpu.system) / 1000 / hours).toFixed(0)} ms CPU per hour of checks |`,
	);
	say('');
	writeFileSync(join(import.meta.dirname, '../results/history.md'), `${lines.join('\n')}\n`);
}

await main();
