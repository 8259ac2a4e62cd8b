/**
 * The seed's persistence, as the baseline: sql.js in memory, and after every write `db.export()` stored
 * as one IndexedDB value (idb-keyval `set`, the browser's default durability). Each write waits for its
 * own save, one at a time, as `await execute(...); await persistDatabase()` does.
 */
import { createStore, del, get, set } from 'idb-keyval';
import type { Database } from 'sql.js';
import { loadSqlJs } from '../../../src/worker/core/sqljs';
import { INSERT_SQL, rowParams } from './schema';
import { serve, wasmBytes, watchWasmMemory } from './serve';

watchWasmMemory();
const store = createStore('bench-baseline', 'keyval');
const KEY = 'monitor.db';
let db: Database | undefined;
let queue: Promise<unknown> = Promise.resolve();

function serially<T>(task: () => Promise<T>): Promise<T> {
	const run = queue.then(task);
	queue = run.catch(() => undefined);
	return run;
}

async function persistDatabase(): Promise<void> {
	await set(KEY, db!.export(), store);
}

const fileBytes = () => {
	const [count, size] = db!
		.exec('PRAGMA page_count; PRAGMA page_size')
		.map((r) => Number(r.values[0]![0]));
	return count! * size!;
};

serve({
	async restore({ bytes }) {
		await set(KEY, bytes, store);
		return { storedBytes: bytes.length };
	},
	async open() {
		const [SQL, bytes] = await Promise.all([loadSqlJs(), get<Uint8Array>(KEY, store)]);
		db = new SQL.Database(bytes);
		const rows = Number(db.exec('SELECT count(*) FROM check_results')[0]!.values[0]![0]);
		return { rows, fileBytes: fileBytes(), source: 'export, one value' };
	},
	write({ n }) {
		return serially(async () => {
			db!.run(INSERT_SQL, rowParams(n));
			await persistDatabase();
			return null;
		});
	},
	txn({ from, count }) {
		return serially(async () => {
			db!.exec('BEGIN');
			const stmt = db!.prepare(INSERT_SQL);
			try {
				for (let n = from; n < from + count; n++) stmt.run(rowParams(n));
			} finally {
				stmt.free();
			}
			db!.exec('COMMIT');
			await persistDatabase();
			return null;
		});
	},
	memory() {
		return { wasmBytes: wasmBytes(), fileBytes: fileBytes() };
	},
	async clear() {
		await del(KEY, store);
		return null;
	},
});
