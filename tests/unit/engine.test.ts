import { describe, expect, it } from 'vitest';
import { newEngine } from './helpers';

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

	it('frees statements even when binding fails, so the wasm heap does not leak', async () => {
		const engine = await withTable();
		for (let i = 0; i < 2000; i++) {
			expect(() => engine.get('SELECT * FROM t WHERE id = ?', [undefined as never])).toThrow();
			engine.get('SELECT * FROM t WHERE id = ?', [i]);
		}
		// sql.js tracks live statements in db.statements; freed ones are removed.
		expect(
			Object.keys((engine.db as unknown as { statements: object }).statements ?? {}),
		).toHaveLength(0);
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
});
