import type { Database } from 'sql.js';
import { describe, expect, it } from 'vitest';
import { fileHookOf } from '../../src/worker/core/persistence/image-source';
import { loadSql, newEngine } from './helpers';

/** What a later open of `bytes` relies on: SQLite trusts the header's page count when it is marked valid. */
function header(bytes: Uint8Array) {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const pageSize = view.getUint16(16) === 1 ? 65536 : view.getUint16(16);
	return {
		pageSize,
		changeCounter: view.getUint32(24),
		pageCount: view.getUint32(28),
		validFor: view.getUint32(92),
	};
}

async function reopened(bytes: Uint8Array): Promise<Database> {
	const SQL = await loadSql();
	return new SQL.Database(bytes);
}

describe('connection settings', () => {
	it('keep the lock and skip fsync, and the live file stays a valid database after every transaction', async () => {
		const engine = await newEngine();
		expect(engine.value('PRAGMA locking_mode')).toBe('exclusive');
		expect(engine.value('PRAGMA synchronous')).toBe(0);
		const hook = fileHookOf(engine.db);
		expect(hook).not.toBeNull();
		engine.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
		const counters = new Set<number>();
		for (let i = 1; i <= 120; i++) {
			// Each transaction grows the file by about a page; every 30th deletes, so pages are reused too.
			engine.transaction(() => {
				engine.run('INSERT INTO t (v) VALUES (?)', ['x'.repeat(3000 + i)]);
				if (i % 30 === 0) engine.run('DELETE FROM t WHERE id % 4 = 0');
			});
			// The bytes persistence stores: the live MEMFS file, between transactions.
			const live = hook!.bytes().slice();
			const h = header(live);
			counters.add(h.changeCounter);
			expect(h.validFor).toBe(h.changeCounter);
			expect(h.pageCount * h.pageSize).toBe(live.length);
			if (i % 20 === 0) {
				const copy = await reopened(live);
				expect(copy.exec('PRAGMA integrity_check')[0]!.values).toEqual([['ok']]);
				expect(copy.exec('SELECT count(*), max(id) FROM t')[0]!.values[0]).toEqual([
					engine.value('SELECT count(*) FROM t'),
					engine.value('SELECT max(id) FROM t'),
				]);
				copy.close();
			}
		}
		// export() (backups, downloads) still works while the connection holds its lock.
		const exported = engine.db.export();
		const copy = await reopened(exported);
		expect(copy.exec('SELECT count(*) FROM t')[0]!.values[0]![0]).toBe(
			engine.value('SELECT count(*) FROM t'),
		);
		copy.close();
		engine.db.close();
	});
});
