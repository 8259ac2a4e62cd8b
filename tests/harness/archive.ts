/**
 * Archive in Chromium against real IndexedDB: a database with 45 days of checks and rollups, and a day
 * of checks 40 days ago compacted into a history block (the browser's CompressionStream), is archived,
 * then reopened from storage. Returns the archive file and the rows that were due to go, so the test can
 * open the file with stock sqlite3 and compare.
 */
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { checkImage } from '../../src/worker/core/integrity/integrity';
import { Maintenance } from '../../src/worker/domain/health/maintenance';
import { HealthService } from '../../src/worker/domain/health/service';
import { bundledMigrations } from '../../src/worker/core/migrations/bundled';
import { createDurableStore } from '../../src/worker/core/persistence/idb-connection';
import { IdbImageStore } from '../../src/worker/core/persistence/idb-store';
import { loadSqlJs } from '../../src/worker/core/sqljs';
import { appendHistory } from '../../src/worker/domain/history/append';
import { syntheticChecks } from '../../src/worker/domain/history/synthetic';
import { streamCompression } from '../../src/worker/stores/history/compression';

const DAY = 86_400_000;

function base64(bytes: Uint8Array): string {
	let text = '';
	for (let i = 0; i < bytes.length; i += 0x8000) {
		text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	}
	return btoa(text);
}

export async function archiveScenario() {
	const [SQL, files] = await Promise.all([loadSqlJs(), bundledMigrations()]);
	const store = new IdbImageStore(createDurableStore(`archive-${Date.now()}`, 'database'));
	const db = await LiveDatabase.open({ SQL, files, store, writerId: 'archive' });
	const now = Date.now();
	const e = db.engine;
	await db.write(() => {
		// Checks are kept 30 days here (the default is 90): the older 15 days are what archive takes.
		e.run("INSERT INTO settings (key, value, updated_at) VALUES ('retention_days', '30', 1)");
		for (const id of [1, 2]) {
			e.run(`INSERT INTO monitors (id, name, url, created_at, updated_at) VALUES (?, ?, ?, 1, 1)`, [
				id,
				`Monitor ${id}`,
				`http://127.0.0.2:9/${id}`,
			]);
		}
		for (let d = 0; d < 45; d++) {
			for (const monitor of [1, 2]) {
				const at = now - d * DAY - monitor * 1000;
				// Durations with few significant digits: sqlite3 prints REALs with 15 of them.
				e.run(
					`INSERT INTO checks (monitor_id, due_at, started_at, duration_ms, outcome, http_status, message, mode)
					 VALUES (?, ?, ?, ?, ?, ?, ?, 'full')`,
					[
						monitor,
						at - 5,
						at,
						100 + d / 8,
						d % 5 ? 'up' : 'down',
						d % 5 ? 200 : null,
						`Check ${d} “ok”`,
					],
				);
				for (const [resolution, size] of [
					['minute', 60_000],
					['hour', 3_600_000],
					['day', DAY],
				] as const) {
					e.run(
						`INSERT INTO rollups (monitor_id, resolution, bucket_start, checks, up, degraded, down, min_ms, max_ms, sum_ms)
						 VALUES (?, ?, ?, 1, 1, 0, 0, ?, ?, ?)`,
						[monitor, resolution, Math.floor(at / size) * size, 0.5 + d, 1.25 + d, 0.5 + d],
					);
				}
			}
		}
	});
	const day = Math.floor((now - 40 * DAY) / DAY) * DAY;
	const blockChecks = [
		...syntheticChecks({ seed: 3, monitorId: 1, from: day, to: day + DAY, intervalMs: 300_000 }),
	];
	await appendHistory(db, streamCompression, 1, 300_000, blockChecks, now);
	// Blobs as hex, the way sqlite3 -json can be asked for them too.
	const BLOCKS =
		'SELECT id, monitor_id, block_start, block_end, checks, hex(body) AS body FROM history_blocks';
	const removedBlocks = e.all(`${BLOCKS} ORDER BY id`);
	const removedChecks = e.all('SELECT * FROM checks WHERE started_at < ? ORDER BY id', [
		now - 30 * DAY,
	]);
	const removedRollups = e.all(
		`SELECT * FROM rollups WHERE resolution = 'minute' AND bucket_start < ?
		 ORDER BY monitor_id, resolution, bucket_start`,
		[now - 7 * DAY],
	);
	const keptChecks = e.all('SELECT * FROM checks WHERE started_at >= ? ORDER BY id', [
		now - 30 * DAY,
	]);

	const health = new HealthService(db, {
		now: () => now,
		wasmBytes: () => null,
		storage: () => Promise.resolve(null),
		checkIntegrity: (image) => Promise.resolve(checkImage(SQL, image)),
		sql: () => Promise.resolve(SQL),
	});
	const maintenance = new Maintenance(db, health);
	const result = await maintenance.archive();
	// The person confirms the download finished; only then are the rows deleted.
	if (result.token) await maintenance.confirmArchive(result.token);

	const reopened = await LiveDatabase.open({ SQL, files, store, writerId: 'reopened' });
	return {
		counts: { checks: result.checks, rollups: result.rollups },
		blockChecks: blockChecks.length,
		removedBlocks,
		storedBlocks: Number(reopened.engine.value('SELECT count(*) FROM history_blocks')),
		filename: result.file?.filename ?? null,
		file: result.file ? base64(result.file.bytes) : null,
		removedChecks,
		removedRollups,
		keptChecks,
		storedChecks: reopened.engine.all('SELECT * FROM checks ORDER BY id'),
		storedMinuteRollups: Number(
			reopened.engine.value("SELECT count(*) FROM rollups WHERE resolution = 'minute'"),
		),
	};
}
