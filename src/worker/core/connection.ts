/**
 * Connection settings applied every time a database is opened. PRAGMAs are not stored in the file,
 * so an imported or restored database gets exactly the same treatment.
 */
import type { Database, SqlJsStatic } from 'sql.js';
import { Engine } from './engine';
import { adoptable } from './persistence/sqljs-patch';

export function configure(db: Database): Engine {
	db.exec(
		[
			// Files from elsewhere must not run functions from their schema (views, triggers) with side
			// effects. First, before any statement that could read the schema of an imported file.
			'PRAGMA trusted_schema = OFF',
			// The in-memory file is persisted between transactions, so a rollback journal on MEMFS would only
			// cost copies; an in-memory journal still supports ROLLBACK and SAVEPOINT.
			'PRAGMA journal_mode = MEMORY',
			// No other connection ever opens this MEMFS file, so the lock can be kept: in the default mode
			// every transaction releases it and the next one retakes it and rechecks the header through
			// the file system, which in wasm costs more than a one-row INSERT (tests/bench). The header
			// stays valid: SQLite still writes the page count on growth with a matching change counter.
			'PRAGMA locking_mode = EXCLUSIVE',
			// Durability comes from the IndexedDB save, not from the in-memory file: fsync on MEMFS is a
			// no-op, and skipping its calls saves a trip out of wasm per transaction.
			'PRAGMA synchronous = OFF',
			'PRAGMA foreign_keys = ON',
			'PRAGMA mmap_size = 0',
			// Deleted content is overwritten with zeros, so a secret replaced by its ciphertext (or removed)
			// does not linger in free pages of an exported file.
			'PRAGMA secure_delete = ON',
		].join(';'),
	);
	return new Engine(db);
}

/**
 * Opens `image` (or a new database). With `adopt`, a patched sql.js keeps `image` itself as the file
 * instead of copying it (see sqljs-patch.ts): only for bytes nothing else uses afterwards.
 */
export function openEngine(
	SQL: SqlJsStatic,
	image?: Uint8Array,
	{ adopt = false }: { adopt?: boolean } = {},
): Engine {
	if (!image) return configure(new SQL.Database());
	return configure(new SQL.Database(adopt ? adoptable(image) : image));
}

/**
 * Opens and queries an empty database once. The browser compiles wasm functions on their first call,
 * so doing this while the stored file is still being read takes that cost off the cold open's path.
 */
export function warmUp(SQL: SqlJsStatic): SqlJsStatic {
	const engine = openEngine(SQL);
	try {
		engine.value('SELECT count(*) FROM sqlite_schema');
	} finally {
		engine.db.close();
	}
	return SQL;
}
