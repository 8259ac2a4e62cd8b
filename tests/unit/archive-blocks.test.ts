/**
 * Archive with history blocks (real sql.js, the live database and its maintenance): the blocks rotation
 * would delete go into the archive file as they are, the command line prints their checks back from the
 * file, and they leave the database only once the download is confirmed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLine } from '../../src/cli/history-format';
import { main } from '../../src/cli/main';
import { MemoryBackupStore } from '../../src/worker/core/backups/memory-backup-store';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { checkImage } from '../../src/worker/core/integrity/integrity';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { appendHistory } from '../../src/worker/domain/history/append';
import { checksBetween } from '../../src/worker/domain/history/raw';
import { syntheticChecks } from '../../src/worker/domain/history/synthetic';
import { Maintenance } from '../../src/worker/domain/health/maintenance';
import { HealthService } from '../../src/worker/domain/health/service';
import { createMonitor } from '../../src/worker/domain/monitors/service';
import { compression } from './history-store';
import { loadSql, realMigrations, sha256 } from './helpers';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 26, 12);
/** Retention 30 days: blocks whose day ended by T0 − 30 days are past it. */
const CUTOFF = T0 - 30 * DAY;
const INTERVAL_MS = 300_000;

async function setup() {
	const SQL = await loadSql();
	const db = await LiveDatabase.open({
		SQL,
		store: new MemoryImageStore(),
		files: await realMigrations(),
		writerId: 'test',
		backups: new MemoryBackupStore(),
		chunkSize: 4096,
		now: () => T0,
	});
	const health = new HealthService(db, {
		now: () => T0,
		wasmBytes: () => 0,
		storage: () => Promise.resolve({ usage: 0, quota: 1 }),
		checkIntegrity: (image) => Promise.resolve(checkImage(SQL, image)),
		sql: () => Promise.resolve(SQL),
	});
	// 40 days of checks every 5 minutes for two monitors: day blocks, and the last day as rows.
	for (const k of [1, 2]) {
		const monitor = await db.write(() =>
			createMonitor(
				db.engine,
				{ name: `m${k}`, url: `http://127.0.0.2:9/${k}`, intervalS: INTERVAL_MS / 1000 },
				T0 - 40 * DAY,
			),
		);
		const checks = [
			...syntheticChecks({
				seed: 11,
				monitorId: k,
				from: T0 - 40 * DAY,
				to: T0,
				intervalMs: INTERVAL_MS,
			}),
		];
		await appendHistory(db, compression, monitor.id, INTERVAL_MS, checks, T0);
	}
	await db.write(() =>
		db.engine.run(
			"INSERT INTO settings (key, value, updated_at) VALUES ('retention_days', '30', 0)",
		),
	);
	return { db, maintenance: new Maintenance(db, health) };
}

const blocks = (db: LiveDatabase, where: string) =>
	db.engine.all(`SELECT * FROM history_blocks WHERE ${where} ORDER BY id`, [CUTOFF]);

/** Every check the old blocks hold, as the command line prints them (JSON lines, oldest first). */
async function oldChecks(db: LiveDatabase, monitorId: number): Promise<string[]> {
	const before = Math.floor(CUTOFF / DAY) * DAY; // the day blocks that ended by the cutoff
	return (await checksBetween(db.engine, compression, monitorId, 0, before)).map(jsonLine);
}

describe('archive of history blocks', () => {
	it('carries the blocks past retention into the file, readable with the command line, and removes them once confirmed', async () => {
		const { db, maintenance } = await setup();
		const old = blocks(db, 'block_end <= ?');
		const kept = blocks(db, 'block_end > ?');
		const checks = old.reduce((sum, b) => sum + Number(b.checks), 0);
		expect(old.length).toBe(2 * 10);
		expect(checks).toBeGreaterThan(4000);
		const expected = [await oldChecks(db, 1), await oldChecks(db, 2)];
		const before = sha256(db.engine.db.export());

		const result = await maintenance.archive();
		expect(result.checks).toBe(checks);
		// Nothing is deleted before the download is confirmed.
		expect(sha256(db.engine.db.export())).toBe(before);

		const SQL = await loadSql();
		const archive = new SQL.Database(result.file!.bytes);
		const [read] = archive.exec('SELECT * FROM history_blocks ORDER BY id');
		expect(
			read!.values.map((v) => Object.fromEntries(read!.columns.map((c, i) => [c, v[i]]))),
		).toEqual(old);
		archive.close();

		const dir = mkdtempSync(join(tmpdir(), 'monitor-archive-'));
		writeFileSync(join(dir, 'archive.db'), result.file!.bytes);
		for (const monitor of [1, 2]) {
			const out: string[] = [];
			const err: string[] = [];
			const code = await main(
				['history', 'archive.db', '--monitor', String(monitor), '--format', 'json'],
				{ out: (l) => out.push(l), err: (l) => err.push(l), cwd: dir, now: () => T0 },
			);
			expect({ code, err }).toEqual({ code: 0, err: [] });
			expect(out).toEqual(expected[monitor - 1]);
		}
		const byName: string[] = [];
		await main(['history', 'archive.db', '--monitor', 'm1'], {
			out: () => undefined,
			err: (l) => byName.push(l),
			cwd: dir,
			now: () => T0,
		});
		expect(byName.join('\n')).toMatch(/archive has no monitors table: give the monitor's id/);

		expect(await maintenance.confirmArchive(result.token!)).toEqual({
			checks,
			rollups: 0,
			notifications: 0,
		});
		expect(blocks(db, 'block_end <= ?')).toEqual([]);
		expect(blocks(db, 'block_end > ?')).toEqual(kept);
	});

	it('keeps every block when the download is discarded', async () => {
		const { db, maintenance } = await setup();
		const before = sha256(db.engine.db.export());
		const result = await maintenance.archive();
		expect(result.checks).toBeGreaterThan(4000);
		expect(maintenance.discardArchive(result.token!)).toEqual({ discarded: true });
		expect(sha256(db.engine.db.export())).toBe(before);
	});
});
