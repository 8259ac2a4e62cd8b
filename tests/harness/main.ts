/**
 * A test-only page that runs the worker's persistence modules directly in Chromium, for what cannot be
 * reached through the app's UI: the persistence contract against real IndexedDB, and two owners racing.
 */
import { AppError } from '../../src/shared/errors';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { bundledMigrations } from '../../src/worker/core/migrations/bundled';
import { createDurableStore } from '../../src/worker/core/persistence/idb-connection';
import { IdbImageStore } from '../../src/worker/core/persistence/idb-store';
import { loadSqlJs } from '../../src/worker/core/sqljs';
import { imageStoreContract } from '../contract/image-store';
import { archiveScenario } from './archive';
import { blockLog } from './block-log';
import { olderBuildLease } from './lease';
import { splitManifest } from './split-manifest';
import { writeRate } from './measure';

let counter = 0;

function freshStore(): Promise<IdbImageStore> {
	const name = `harness-${Date.now()}-${counter++}`;
	return Promise.resolve(new IdbImageStore(createDurableStore(name, 'database')));
}

async function runContract(): Promise<Record<string, string>> {
	const results: Record<string, string> = {};
	for (const [name, run] of Object.entries(imageStoreContract)) {
		try {
			await run(freshStore);
			results[name] = 'ok';
		} catch (error) {
			results[name] = String(error);
		}
	}
	return results;
}

/** Two owners of one IndexedDB store: the one that claimed it last wins, the other is refused. */
async function staleWriter(): Promise<{ refused: string | null; stored: string[] }> {
	const [SQL, files] = await Promise.all([loadSqlJs(), bundledMigrations()]);
	const store = await freshStore();
	const insert = (db: LiveDatabase, name: string) =>
		db.write(() =>
			db.engine.run(
				`INSERT INTO monitors (name, url, interval_s, timeout_ms, created_at, updated_at)
				 VALUES (?, 'http://127.0.0.2:9', 60, 1000, 1, 1)`,
				[name],
			),
		);
	const old = await LiveDatabase.open({ SQL, files, store, writerId: 'old' });
	await insert(old, 'written by the old owner');
	const current = await LiveDatabase.open({ SQL, files, store, writerId: 'new' });
	await insert(current, 'written by the new owner');
	let refused: string | null = null;
	try {
		await insert(old, 'stale write');
	} catch (error) {
		refused = error instanceof AppError ? error.code : String(error);
	}
	const reopened = await LiveDatabase.open({ SQL, files, store, writerId: 'check' });
	const stored = reopened.engine
		.all<{ name: string }>('SELECT name FROM monitors ORDER BY id')
		.map((r) => r.name);
	return { refused, stored };
}

Object.assign(globalThis, {
	harness: {
		runContract,
		staleWriter,
		writeRate,
		archiveScenario,
		olderBuildLease,
		splitManifest,
		blockLog,
	},
});
document.body.dataset.ready = 'true';
