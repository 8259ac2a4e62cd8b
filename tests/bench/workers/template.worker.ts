/**
 * Builds the starting database every configuration restores before a run, so all three start from the
 * same file: the bench schema (applied by the app's migration runner) and check results up to a size.
 */
import { LiveDatabase } from '../../../src/worker/core/database/live-database';
import { parseMigrations } from '../../../src/worker/core/migrations/files';
import { MemoryImageStore } from '../../../src/worker/core/persistence/memory-store';
import { loadSqlJs } from '../../../src/worker/core/sqljs';
import { fileBytes, INSERT_SQL, rowParams, SCHEMA } from './schema';
import { serve } from './serve';

serve({
	async template({ targetBytes }) {
		const db = await LiveDatabase.open({
			SQL: await loadSqlJs(),
			store: new MemoryImageStore(),
			files: await parseMigrations({ '/migrations/001_check_results.sql': SCHEMA }),
			writerId: 'bench-template',
		});
		const e = db.engine;
		let n = 0;
		while (fileBytes(e) < targetBytes) {
			e.transaction(() => {
				for (let i = 0; i < 5000; i++, n++) e.run(INSERT_SQL, rowParams(n));
			});
		}
		const bytes = e.db.export();
		e.db.close();
		return bytes;
	},
});
