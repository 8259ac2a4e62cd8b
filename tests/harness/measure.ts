/**
 * Measurements in Chromium for the health thresholds (not tests: nothing here asserts a time).
 * `writeRate` grows a database to a size, then counts durable check writes per second, one at a
 * time (each awaited) and with many in flight (group commit), and times VACUUM and integrity_check.
 */
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { recordCheck } from '../../src/worker/domain/checks/record';
import { bundledMigrations } from '../../src/worker/core/migrations/bundled';
import { createDurableStore } from '../../src/worker/core/persistence/idb-connection';
import { IdbImageStore } from '../../src/worker/core/persistence/idb-store';
import { loadSqlJs } from '../../src/worker/core/sqljs';

const MONITORS = 100;

function growTo(db: LiveDatabase, megabytes: number): Promise<void> {
	const e = db.engine;
	return db.write(() => {
		for (let m = 1; m <= MONITORS; m++) {
			e.run(`INSERT INTO monitors (id, name, url, created_at, updated_at) VALUES (?, ?, ?, 1, 1)`, [
				m,
				`Monitor ${m}`,
				`http://127.0.0.2:9/${m}`,
			]);
			e.run('INSERT INTO monitor_status (monitor_id, next_due_at) VALUES (?, 0)', [m]);
		}
		let t = 1;
		while (Number(e.value('PRAGMA page_count')) * 4096 < megabytes * 1048576) {
			e.run(
				`WITH RECURSIVE s(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM s WHERE v < 9999)
				 INSERT INTO checks (monitor_id, due_at, started_at, duration_ms, outcome, http_status, message, mode)
				 SELECT 1 + v % ?, ? + v * 600, ? + v * 600, 80 + abs(random() % 70), 'up', 200, 'OK: 200', 'full' FROM s`,
				[MONITORS, t, t],
			);
			t += 10_000 * 600;
		}
	});
}

export async function writeRate(megabytes: number, ms: number) {
	const [SQL, files] = await Promise.all([loadSqlJs(), bundledMigrations()]);
	const store = new IdbImageStore(createDurableStore(`measure-${Date.now()}`, 'database'));
	const db = await LiveDatabase.open({ SQL, files, store, writerId: 'measure' });
	await growTo(db, megabytes);
	let at = Date.now();
	const check = (i: number) =>
		db.write(() =>
			recordCheck(db.engine, {
				monitorId: 1 + (i % MONITORS),
				retries: 0,
				dueAt: at,
				nextDueAt: at + 60_000,
				retryAt: at + 10_000,
				observation: {
					startedAt: (at += 7),
					durationMs: 120,
					outcome: 'up',
					httpStatus: 200,
					message: 'OK',
					corsBlocked: false,
				},
			}),
		);
	let n = 0;
	let t0 = performance.now();
	while (performance.now() - t0 < ms) await check(n++);
	const sequentialPerS = n / ((performance.now() - t0) / 1000);

	n = 0;
	t0 = performance.now();
	const lane = async () => {
		while (performance.now() - t0 < ms) await check(n++);
	};
	await Promise.all(Array.from({ length: 32 }, lane));
	const concurrentPerS = n / ((performance.now() - t0) / 1000);

	const size = Number(db.engine.value('PRAGMA page_count')) * 4096;
	t0 = performance.now();
	const verdict = db.engine.value('PRAGMA integrity_check');
	const integrityMs = performance.now() - t0;
	t0 = performance.now();
	db.engine.exec('VACUUM');
	const vacuumMs = performance.now() - t0;
	t0 = performance.now();
	db.engine.db.export();
	const exportMs = performance.now() - t0;
	return {
		megabytes: size / 1048576,
		sequentialPerS,
		concurrentPerS,
		integrityMs,
		verdict,
		vacuumMs,
		exportMs,
	};
}
