/**
 * `generate-history --monitors <n> --interval <s> --days <d> [--seed <n>] [--to <ISO>]`: adds n monitors
 * with d days of synthetic checks (domain/history/synthetic.ts) to a file, creating and migrating it if
 * it does not exist. The checks go through the app's own stores: closed spans older than a day as blocks,
 * the last day as rows, every check in the hour and day rollups. The same seed and --to give the same checks.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Engine } from '../../worker/core/engine';
import { migrate as runMigrations } from '../../worker/core/migrations/runner';
import { appendHistory } from '../../worker/domain/history/append';
import { syntheticChecks } from '../../worker/domain/history/synthetic';
import { createMonitor } from '../../worker/domain/monitors/service';
import type { CommandContext } from '../context';
import {
	loadSql,
	mismatchMessage,
	newerMessage,
	openDb,
	requireIntact,
	requireMonitor,
} from '../database';
import { readDbFile, replaceFile, writeAtomically } from '../files';
import { nodeCompression } from '../history-compression';
import { intOption, isoOption } from '../history-format';
import { CliError, EXIT_OK } from '../io';
import { openEngine } from '../../worker/core/connection';

const DAY = 86_400_000;

export interface GenerateOptions {
	monitors: number;
	intervalS: number;
	days: number;
	seed: number;
	/** No check starts at or after this (epoch ms); checks start from `to - days`. */
	to: number;
}

/** The synthetic monitors' histories, written into `engine`; the k-th monitor is generator stream k. */
export async function generateInto(engine: Engine, options: GenerateOptions) {
	const db = { engine, write: <T>(fn: () => T) => Promise.resolve(engine.transaction(fn)) };
	const first = Number(engine.value("SELECT count(*) FROM monitors WHERE name LIKE 'synthetic %'"));
	const totals = { checks: 0, blocks: 0, rows: 0 };
	for (let k = first + 1; k <= first + options.monitors; k++) {
		const checks = [
			...syntheticChecks({
				seed: options.seed,
				monitorId: k,
				from: options.to - options.days * DAY,
				to: options.to,
				intervalMs: options.intervalS * 1000,
			}),
		];
		const monitor = engine.transaction(() =>
			createMonitor(
				engine,
				{
					name: `synthetic ${k}`,
					url: `http://127.0.0.2:9/synthetic/${k}`,
					intervalS: options.intervalS,
					mode: checks[0]?.mode ?? 'full',
				},
				options.to,
			),
		);
		const written = await appendHistory(
			db,
			nodeCompression,
			monitor.id,
			options.intervalS * 1000,
			checks,
			options.to,
		);
		totals.checks += written.checks;
		totals.blocks += written.blocks;
		totals.rows += written.rows;
	}
	return totals;
}

export async function generateHistory(ctx: CommandContext): Promise<number> {
	const { io, flags } = ctx;
	const options: GenerateOptions = {
		monitors: intOption('monitors', flags.monitors, 1, 10_000),
		intervalS: intOption('interval', flags.interval, 10, 86_400),
		days: intOption('days', flags.days, 1, 365),
		seed: intOption('seed', flags.seed, 0, 2 ** 32 - 1, 1),
		to: isoOption('to', flags.to) ?? Math.floor(io.now() / DAY) * DAY,
	};
	const files = await ctx.migrations();
	const started = performance.now();
	const exists = existsSync(ctx.file);
	const file = exists ? readDbFile(ctx.file) : null;
	let engine: Engine;
	if (file) {
		const opened = await openDb(file, files);
		requireMonitor(file, opened);
		if (opened.report.verdict === 'newer') throw new CliError(newerMessage(file, opened.report));
		if (opened.report.verdict === 'mismatch')
			throw new CliError(mismatchMessage(file, opened.report));
		if (opened.report.verdict === 'pending')
			throw new CliError(`${file.name} has migrations pending: run migrate first.`);
		requireIntact(file, opened.engine);
		engine = opened.engine;
	} else {
		engine = openEngine(await loadSql());
		runMigrations(engine, files);
	}
	const totals = await generateInto(engine, options);
	const bytes = engine.db.export();
	if (file) replaceFile(file, bytes);
	else writeAtomically(ctx.file, bytes);
	const seconds = ((performance.now() - started) / 1000).toFixed(1);
	io.out(
		`✅ ${basename(ctx.file)}: ${options.monitors} monitors, ${totals.checks.toLocaleString('en')} checks ` +
			`(${totals.blocks.toLocaleString('en')} blocks, ${totals.rows.toLocaleString('en')} rows) in ${seconds} s; ` +
			`${(bytes.length / 1e6).toFixed(1)} MB, ${(bytes.length / Math.max(1, totals.checks)).toFixed(2)} bytes a check.`,
	);
	return EXIT_OK;
}
