/**
 * The best peer: the official SQLite WASM build with the opfs-sahpool VFS (OPFS sync access handles,
 * no COOP/COEP needed), in a dedicated worker, with its default settings (rollback journal,
 * synchronous=FULL): every autocommit write is durable when it returns.
 */
import sqlite3InitModule, {
	type Database,
	type SAHPoolUtil,
	type Sqlite3Static,
} from '@sqlite.org/sqlite-wasm';
import { INSERT_SQL, rowParams } from './schema';
import { serve } from './serve';

const FILE = '/bench.db';
let pool: Promise<{ sqlite3: Sqlite3Static; util: SAHPoolUtil }> | undefined;
let db: Database | undefined;

function install() {
	pool ??= (async () => {
		const sqlite3 = await sqlite3InitModule();
		const util = await sqlite3.installOpfsSAHPoolVfs({
			name: 'bench-sahpool',
			directory: '.bench-sahpool',
		});
		return { sqlite3, util };
	})();
	return pool;
}

const value = (sql: string) => Number(db!.selectValue(sql));
const fileBytes = () => value('PRAGMA page_count') * value('PRAGMA page_size');

serve({
	async restore({ bytes }) {
		const { util } = await install();
		await util.importDb(FILE, bytes);
		return { storedBytes: bytes.length };
	},
	async open() {
		const { util } = await install();
		db = new util.OpfsSAHPoolDb(FILE);
		return {
			rows: value('SELECT count(*) FROM check_results'),
			fileBytes: fileBytes(),
			source: 'opfs-sahpool',
		};
	},
	write({ n }) {
		db!.exec({ sql: INSERT_SQL, bind: rowParams(n) });
		return null;
	},
	txn({ from, count }) {
		db!.transaction((tx) => {
			const stmt = tx.prepare(INSERT_SQL);
			try {
				for (let n = from; n < from + count; n++) stmt.bind(rowParams(n)).stepReset();
			} finally {
				stmt.finalize();
			}
		});
		return null;
	},
	async memory() {
		// This build imports its memory rather than exporting it; ask the build itself.
		const { sqlite3 } = await install();
		return { wasmBytes: sqlite3.wasm.heap8u().byteLength, fileBytes: fileBytes() };
	},
	async clear() {
		const { util } = await install();
		db?.close();
		await util.wipeFiles();
		return null;
	},
});
