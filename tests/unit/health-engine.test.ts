/** Every statement through the engine is timed and grouped by its normalised SQL. */
import { describe, expect, it } from 'vitest';
import { normalizeSql, readableSql } from '../../src/worker/core/metrics/normalize';
import { newEngine } from './helpers';

async function timedEngine() {
	const engine = await newEngine();
	const seen: { sql: string; ms: number }[] = [];
	engine.setTimer((sql, ms) => seen.push({ sql, ms }));
	engine.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n REAL)');
	seen.length = 0;
	return { engine, seen };
}

describe('statement timing', () => {
	it('records each statement once, keyed by SQLite’s normal form with literals as ?', async () => {
		const { engine, seen } = await timedEngine();
		engine.run("INSERT INTO t (name, n) VALUES ('a', 1.5)");
		engine.run('INSERT INTO t (name, n) VALUES (?, ?)', ['b', 2]);
		engine.all('SELECT * FROM t WHERE n > 1');
		engine.get('SELECT name FROM t WHERE id = ?', [1]);
		engine.value('SELECT count(*) FROM t');
		engine.allFor('SELECT name FROM t WHERE id = ?', [[1], [2]]);
		expect(seen.map((s) => s.sql)).toEqual([
			'INSERT INTO t(name,n)VALUES(?,?);',
			'INSERT INTO t(name,n)VALUES(?,?);',
			'SELECT*FROM t WHERE n>?;',
			'SELECT name FROM t WHERE id=?;',
			'SELECT count(*)FROM t;',
			'SELECT name FROM t WHERE id=?;',
			'SELECT name FROM t WHERE id=?;',
		]);
		for (const { ms } of seen) expect(ms).toBeGreaterThanOrEqual(0);
	});

	it('does not count its own last_insert_rowid lookup, and times a transaction’s COMMIT', async () => {
		const { engine, seen } = await timedEngine();
		engine.transaction(() => engine.run('INSERT INTO t (name) VALUES (?)', ['x']));
		expect(seen.map((s) => s.sql)).toEqual(['INSERT INTO t(name)VALUES(?);', 'COMMIT;']);
	});

	it('normalises scripts run through exec() in JavaScript', async () => {
		const { engine, seen } = await timedEngine();
		engine.exec("UPDATE t SET name = 'it''s', n = -2.5e3 WHERE id IN (1, 2)");
		expect(seen.map((s) => s.sql)).toEqual(['UPDATE t SET name = ?, n = ? WHERE id IN (?, ?)']);
	});

	it('leaves statements untimed inside untimed(), and nothing is timed without a timer', async () => {
		const { engine, seen } = await timedEngine();
		engine.untimed(() => engine.value('SELECT count(*) FROM t'));
		expect(seen).toEqual([]);
		engine.setTimer(null);
		engine.value('SELECT 1');
		expect(seen).toEqual([]);
	});

	it('copies rows with one prepared statement (runMany) and counts the changes', async () => {
		const { engine } = await timedEngine();
		const changes = engine.runMany('INSERT INTO t (id, name, n) VALUES (?, ?, ?)', [
			[1, 'a', 0.1],
			[2, null, 1e-300],
		]);
		expect(changes).toBe(2);
		expect(engine.all('SELECT * FROM t ORDER BY id')).toEqual([
			{ id: 1, name: 'a', n: 0.1 },
			{ id: 2, name: null, n: 1e-300 },
		]);
	});
});

describe('normalised SQL for people', () => {
	it('replaces literals, drops comments and collapses whitespace', () => {
		expect(normalizeSql("SELECT 1, 'x''y', x'00ff' -- note\n FROM  t /* c */ WHERE a=-3.5")).toBe(
			'SELECT ?, ?, ? FROM t WHERE a=?',
		);
		expect(normalizeSql('SELECT t1.c2 FROM t1')).toBe('SELECT t1.c2 FROM t1');
	});

	it('puts spaces back into SQLite’s compact form', () => {
		expect(
			readableSql(
				'SELECT id,message FROM checks WHERE monitor_id=?AND started_at>=?ORDER BY started_at DESC LIMIT?;',
			),
		).toBe(
			'SELECT id, message FROM checks WHERE monitor_id = ? AND started_at >= ? ORDER BY started_at DESC LIMIT ?',
		);
		expect(readableSql('DELETE FROM checks WHERE id IN(SELECT id FROM checks);')).toBe(
			'DELETE FROM checks WHERE id IN (SELECT id FROM checks)',
		);
	});
});
