import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Database, SqlJsStatic } from 'sql.js';
import { describe, expect, it } from 'vitest';
import { fileHookOf, imageSourceFor } from '../../src/worker/core/persistence/image-source';
import {
	adoptable,
	findNames,
	patchSqlJs,
	PATCH_MARKER,
	SqlJsShapeError,
	type SqlJsFileHook,
} from '../../src/worker/core/persistence/sqljs-patch';
import { loadSql } from './helpers';

const DIST = join(import.meta.dirname, '../../node_modules/sql.js/dist');
const BUILDS = ['sql-wasm-browser.js', 'sql-wasm.js'] as const;
const read = (file: string) => readFileSync(join(DIST, file), 'utf8');

describe('the sql.js patch', () => {
	it.each(BUILDS)(
		'finds every name it needs in the shipped %s and inserts the hook once',
		(file) => {
			const code = read(file);
			const names = findNames(code);
			for (const name of Object.values(names)) expect(name).toMatch(/^[\w$]+$/);
			const patched = patchSqlJs(code);
			expect(patched.split(PATCH_MARKER)).toHaveLength(2);
			// Only two insertions, and the original code is intact around them: the adoption check right
			// after the constructor names its file, and the hook right before sqlite3_open opens it.
			const adopt = /var __monitorAdopted=.*?if\(__monitorAdopted\)[\w$]+=null;/.exec(patched)!;
			const at = patched.indexOf(PATCH_MARKER);
			const resume = patched.indexOf('this.handleError(', at);
			expect(patched.slice(adopt.index - 50, adopt.index)).toMatch(/Math\.random\(\)>>>0\);$/);
			expect(adopt.index).toBeLessThan(at);
			expect(
				patched.slice(0, adopt.index) +
					patched.slice(adopt.index + adopt[0].length, at) +
					patched.slice(resume),
			).toBe(code);
		},
	);

	it.each([
		['the constructor', (c: string) => c.replace('"dbfile_"', '"db_"')],
		['export()', (c: string) => c.replace(/=Object\.create\(/g, '=Object.assign(')],
		['MEMFS file nodes', (c: string) => c.replace(/\.file\.stream,/g, '.file.streams,')],
		['setattr', (c: string) => c.replace('["mode","atime","mtime","ctime"]', '["mode"]')],
		['a pattern found twice', (c: string) => c + ';' + c],
	])('refuses sql.js whose shape changed (%s), loudly', (_what, mutate) => {
		for (const file of BUILDS) {
			expect(() => patchSqlJs(mutate(read(file)))).toThrow(SqlJsShapeError);
		}
	});

	it('refuses to patch twice', () => {
		expect(() => patchSqlJs(patchSqlJs(read('sql-wasm.js')))).toThrow(/already patched/);
	});

	it('is applied by vite.config.ts to the Node build the unit tests load', async () => {
		const SQL = await loadSql();
		const db = new SQL.Database();
		expect(fileHookOf(db)).not.toBeNull();
		expect(imageSourceFor(db).kind).toBe('tracked');
		db.close();
	});

	it('falls back to the export source at run time when sql.js is not patched', async () => {
		// Node's own require bypasses Vite, so this is the sql.js from npm, untouched.
		const require = createRequire(import.meta.url);
		const initSqlJs = require(join(DIST, 'sql-wasm.js')) as () => Promise<SqlJsStatic>;
		const SQL = await initSqlJs();
		const db = new SQL.Database();
		expect(fileHookOf(db)).toBeNull();
		expect(imageSourceFor(db).kind).toBe('export');
		db.exec('CREATE TABLE t (v); INSERT INTO t VALUES (1)');
		const bytes = db.export();
		db.close();

		// Unpatched sql.js ignores the adoption marker and copies: the caller's bytes stay as they were.
		const given = adoptable(bytes.slice());
		const adopted = new SQL.Database(given);
		adopted.exec('UPDATE t SET v = 2');
		expect(given).toEqual(bytes);
		expect(adopted.exec('SELECT v FROM t')[0]!.values).toEqual([[2]]);
		adopted.close();
	});
});

describe('the file-change hook', () => {
	const hookOf = (db: Database): SqlJsFileHook => {
		const hook = fileHookOf(db);
		if (!hook) throw new Error('not patched');
		return hook;
	};

	/** Every byte that differs between two snapshots lies in a block the hook reported. */
	function expectCovered(before: Uint8Array, after: Uint8Array, dirty: number[], block: number) {
		const blocks = new Set(dirty);
		const length = Math.max(before.length, after.length);
		const missed: number[] = [];
		for (let i = 0; i < length; i++) {
			if (before[i] !== after[i] && !blocks.has(Math.floor(i / block))) missed.push(i);
		}
		expect(missed.slice(0, 5)).toEqual([]);
	}

	it('reports every block SQLite writes, grows or truncates, through inserts, updates, deletes and VACUUM', async () => {
		const SQL = await loadSql();
		const db = new SQL.Database();
		const hook = hookOf(db);
		db.exec('PRAGMA journal_mode = MEMORY; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
		let snapshot = hook.bytes().slice();
		hook.takeDirty();
		const steps = [
			`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
			 INSERT INTO t (v) SELECT printf('%0200d', i) FROM n`,
			"UPDATE t SET v = v || 'x' WHERE id % 7 = 0",
			'DELETE FROM t WHERE id % 3 = 0',
			'VACUUM',
			'DELETE FROM t WHERE id > 100',
			'VACUUM',
			'PRAGMA page_size = 8192',
			'VACUUM',
			`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
			 INSERT INTO t (v) SELECT printf('%0500d', i) FROM n`,
		];
		for (const sql of steps) {
			db.exec(sql);
			const now = hook.bytes();
			expectCovered(snapshot, now, hook.takeDirty(), hook.blockSize);
			snapshot = now.slice();
		}
		expect(db.exec('PRAGMA page_size')[0]!.values[0]![0]).toBe(8192);
		db.close();
	});

	it('exposes the live file, equal to export() apart from the change counter, and reports each change once', async () => {
		const SQL = await loadSql();
		const db = new SQL.Database();
		const hook = hookOf(db);
		expect(hook.bytes()).toHaveLength(0);
		db.exec("PRAGMA journal_mode = MEMORY; CREATE TABLE t (v); INSERT INTO t VALUES ('a')");
		const exported = db.export();
		const live = hook.bytes();
		expect(live.length).toBe(exported.length);
		const differing = [...live.keys()].filter((i) => live[i] !== exported[i]);
		// Bytes 24-27 and 92-95: the file change counter and "version valid for", which the backup resets.
		expect(differing.every((i) => (i >= 24 && i < 28) || (i >= 92 && i < 96))).toBe(true);
		expect(hook.takeDirty().length).toBeGreaterThan(0);
		expect(hook.takeDirty()).toEqual([]);

		const reopened = new SQL.Database(exported);
		expect(hookOf(reopened).takeDirty()).toEqual([]);
		expect(hookOf(reopened).bytes()).toEqual(exported);
		reopened.close();
		db.close();
	});

	/** A file of `rows` rows, exported. */
	async function fileWith(rows: number): Promise<Uint8Array> {
		const SQL = await loadSql();
		const db = new SQL.Database();
		db.exec(`PRAGMA journal_mode = MEMORY; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
			INSERT INTO t (v) SELECT printf('%0100d', i) FROM n`);
		const bytes = db.export();
		db.close();
		return bytes;
	}

	it('opens adopted bytes without copying them: the file is that buffer, and nothing is dirty yet', async () => {
		const SQL = await loadSql();
		const original = await fileWith(2000);
		const given = adoptable(original.slice());
		const db = new SQL.Database(given);
		const hook = hookOf(db);
		expect(hook.bytes().buffer).toBe(given.buffer);
		expect(hook.bytes()).toEqual(original);
		expect(hook.takeDirty()).toEqual([]);
		expect(db.exec('SELECT count(*), sum(length(v)) FROM t')[0]!.values[0]).toEqual([
			2000, 200_000,
		]);

		// An update in place writes into the adopted buffer, and the hook reports exactly those blocks.
		db.exec("PRAGMA journal_mode = MEMORY; UPDATE t SET v = 'changed' WHERE id = 1500");
		const dirty = hook.takeDirty();
		expect(dirty.length).toBeGreaterThan(0);
		expectCovered(original, given, dirty, hook.blockSize);
		expect(Buffer.compare(given, original)).not.toBe(0);
		// Growing the file moves it to a larger buffer, as MEMFS always does; the contents carry over.
		db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
			INSERT INTO t (v) SELECT printf('%0300d', i) FROM n`);
		expect(hook.bytes().buffer).not.toBe(given.buffer);
		expect(db.exec("SELECT count(*) FROM t WHERE v = 'changed'")[0]!.values[0]).toEqual([1]);
		expect(db.exec('PRAGMA integrity_check')[0]!.values).toEqual([['ok']]);
		db.close();
	});

	it('lets go of adopted bytes once the file has moved to a larger buffer', async () => {
		// The hook's closures keep the constructor's scope alive for the life of the Database.
		v8.setFlagsFromString('--expose-gc');
		const gc = vm.runInNewContext('gc') as () => void;
		const SQL = await loadSql();
		// No reference to the given bytes may outlive this helper's scope.
		const open = async () => {
			const given = adoptable((await fileWith(300)).slice());
			return { db: new SQL.Database(given), original: new WeakRef(given.buffer) };
		};
		const { db, original } = await open();
		db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
			INSERT INTO t (v) SELECT printf('%0300d', i) FROM n`);
		// A WeakRef read in this task keeps its target until the task ends.
		await new Promise((resolve) => setTimeout(resolve, 0));
		gc();
		expect(original.deref()).toBeUndefined();
		expect(db.exec('SELECT count(*) FROM t')[0]!.values[0]).toEqual([800]);
		db.close();
	});

	it('copies bytes that were not marked, and anything marked that is not a Uint8Array', async () => {
		const SQL = await loadSql();
		const original = await fileWith(300);
		const given = original.slice();
		const db = new SQL.Database(given);
		expect(hookOf(db).bytes().buffer).not.toBe(given.buffer);
		db.exec("UPDATE t SET v = 'changed'");
		expect(given).toEqual(original);
		db.close();

		const array = Object.assign(Array.from(original), { __monitorAdopt: true });
		const fromArray = new SQL.Database(array);
		expect(fromArray.exec('SELECT count(*) FROM t')[0]!.values[0]).toEqual([300]);
		fromArray.close();
	});
});
