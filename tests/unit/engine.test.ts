import { describe, expect, it } from 'vitest';
import { STATEMENT_CACHE_SIZE, type Engine } from '../../src/worker/core/engine';
import { newEngine } from './helpers';

/** Counts the engine's live sql.js statements: prepared and not yet freed. */
function countStatements(engine: Engine): () => number {
	const db = engine.db;
	const prepare = db.prepare.bind(db);
	let live = 0;
	db.prepare = (...args: Parameters<typeof prepare>) => {
		const stmt = prepare(...args);
		live++;
		const free = stmt.free.bind(stmt);
		stmt.free = () => {
			live--;
			return free();
		};
		return stmt;
	};
	return () => live;
}

async function withTable() {
	const engine = await newEngine();
	engine.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
	return engine;
}

describe('engine', () => {
	it('binds parameters, never building SQL from strings', async () => {
		const engine = await withTable();
		const hostile = "x'); DROP TABLE t; --";
		engine.run('INSERT INTO t (v) VALUES (?)', [hostile]);
		expect(engine.all('SELECT v FROM t')).toEqual([{ v: hostile }]);
	});

	it('refuses parameter types SQLite would silently mangle', async () => {
		const engine = await withTable();
		expect(() => engine.run('INSERT INTO t (v) VALUES (?)', [undefined as never])).toThrow(
			/Unsupported SQL parameter/,
		);
		expect(() => engine.run('INSERT INTO t (v) VALUES (?)', [Number.NaN])).toThrow(
			/Unsupported SQL parameter/,
		);
		expect(() => engine.run('INSERT INTO t (v) VALUES (?)', [{} as never])).toThrow(
			/Unsupported SQL parameter/,
		);
	});

	it('commits a transaction and rolls it back on a throw', async () => {
		const engine = await withTable();
		engine.transaction(() => engine.run("INSERT INTO t (v) VALUES ('kept')"));
		expect(() =>
			engine.transaction(() => {
				engine.run("INSERT INTO t (v) VALUES ('lost')");
				throw new Error('boom');
			}),
		).toThrow('boom');
		expect(engine.all('SELECT v FROM t')).toEqual([{ v: 'kept' }]);
		expect(engine.inTransaction).toBe(false);
	});

	it('nests transactions as savepoints: an inner failure rolls back only the inner part', async () => {
		const engine = await withTable();
		engine.transaction(() => {
			engine.run("INSERT INTO t (v) VALUES ('outer')");
			expect(() =>
				engine.transaction(() => {
					engine.run("INSERT INTO t (v) VALUES ('inner')");
					throw new Error('inner failed');
				}),
			).toThrow('inner failed');
			engine.transaction(() => engine.run("INSERT INTO t (v) VALUES ('inner ok')"));
		});
		expect(engine.all('SELECT v FROM t ORDER BY id')).toEqual([{ v: 'outer' }, { v: 'inner ok' }]);
	});

	it('refuses an asynchronous transaction body, which could interleave with other calls', async () => {
		const engine = await withTable();
		expect(() => engine.transaction(() => Promise.resolve(1))).toThrow(/synchronous/);
		expect(engine.inTransaction).toBe(false);
	});

	it('rolls back a constraint failure and stays usable', async () => {
		const engine = await withTable();
		expect(() => engine.transaction(() => engine.run('INSERT INTO t (v) VALUES (NULL)'))).toThrow(
			/NOT NULL/,
		);
		engine.transaction(() => engine.run("INSERT INTO t (v) VALUES ('after')"));
		expect(engine.value('SELECT count(*) FROM t')).toBe(1);
	});

	it('frees or keeps every statement, even when binding or stepping fails: the wasm heap does not leak', async () => {
		const engine = await withTable();
		const live = countStatements(engine);
		for (let i = 0; i < 2000; i++) {
			expect(() => engine.get('SELECT * FROM t WHERE id = ?', [undefined as never])).toThrow();
			engine.get('SELECT * FROM t WHERE id = ?', [i]);
			expect(() => engine.run('INSERT INTO t (v) VALUES (?)', [null])).toThrow(/NOT NULL/);
			engine.run('INSERT INTO t (v) VALUES (?)', [`row ${i}`]);
		}
		// One kept statement per distinct SQL text (plus last_insert_rowid), however many calls.
		expect(live()).toBeLessThanOrEqual(3);
		expect(engine.value('SELECT count(*) FROM t')).toBe(2000);
	});

	it('keeps at most STATEMENT_CACHE_SIZE statements, however many different queries run', async () => {
		const engine = await withTable();
		const live = countStatements(engine);
		for (let i = 0; i < 3 * STATEMENT_CACHE_SIZE; i++) {
			expect(engine.value(`SELECT ${i} + count(*) FROM t`)).toBe(i);
		}
		expect(live()).toBe(STATEMENT_CACHE_SIZE);
	});

	it('answers PRAGMAs afresh after a setting changed', async () => {
		const engine = await withTable();
		expect(engine.value('PRAGMA foreign_keys')).toBe(1);
		engine.exec('PRAGMA foreign_keys = OFF');
		expect(engine.value('PRAGMA foreign_keys')).toBe(0);
		engine.exec('PRAGMA user_version = 7');
		expect(engine.value('PRAGMA user_version')).toBe(7);
		// cache_size's answer is computed while the statement is prepared, not while it runs.
		const cacheSize = engine.value('PRAGMA cache_size');
		engine.exec('PRAGMA cache_size = -1234');
		expect(engine.value('PRAGMA cache_size')).toBe(-1234);
		expect(cacheSize).not.toBe(-1234);
	});

	it('reuses a statement across schema changes and nested calls with the same SQL', async () => {
		const engine = await withTable();
		engine.run("INSERT INTO t (v) VALUES ('a')");
		expect(engine.all('SELECT * FROM t')).toEqual([{ id: 1, v: 'a' }]);
		engine.exec('ALTER TABLE t ADD COLUMN w TEXT');
		expect(engine.all('SELECT * FROM t')).toEqual([{ id: 1, v: 'a', w: null }]);
		// A change listener that runs the same query while the outer statement is in use gets its own.
		const counts: unknown[] = [];
		const stop = engine.onChange(() => counts.push(engine.value('SELECT count(*) FROM t')));
		engine.run("INSERT INTO t (v) VALUES ('b')");
		stop();
		expect(counts).toEqual([2]);
		expect(engine.value('SELECT count(*) FROM t')).toBe(2);
		engine.exec('DROP TABLE t');
		expect(() => engine.all('SELECT * FROM t')).toThrow(/no such table/);
	});

	it('reports the table of every changed row to its listeners', async () => {
		const engine = await withTable();
		const seen: string[] = [];
		const stop = engine.onChange((table) => seen.push(table));
		engine.run("INSERT INTO t (v) VALUES ('a')");
		stop();
		engine.run("INSERT INTO t (v) VALUES ('b')");
		expect(seen).toEqual(['t']);
	});

	it('fails with db-replaced, not sql.js’s bare string, once its database was closed', async () => {
		const engine = await withTable();
		// A cached statement (the case a replace hit: "Statement closed") and a fresh one ("Database closed").
		engine.run("INSERT INTO t (v) VALUES ('a')");
		engine.db.close();
		expect(engine.closed).toBe(true);
		const calls = [
			() => engine.run("INSERT INTO t (v) VALUES ('a')"),
			() => engine.all('SELECT v FROM t WHERE id > ?', [0]),
			() => engine.exec('SELECT 1'),
			() => engine.transaction(() => 1),
			() => engine.runMany('INSERT INTO t (v) VALUES (?)', [['b']]),
		];
		for (const call of calls)
			expect(call).toThrow(expect.objectContaining({ code: 'db-replaced' }));
	});
});
