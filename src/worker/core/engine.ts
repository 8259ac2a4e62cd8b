/**
 * The only wrapper around a sql.js Database. It owns statement and transaction lifetimes: parameters
 * are always bound and type-checked, nested transactions become SAVEPOINTs, and every statement is
 * either freed in `finally` or reset and kept in a small cache for the next call with the same SQL
 * (preparing a statement costs more than running a one-row INSERT; sql.js keeps statements in the wasm
 * heap until freed, so the cache is bounded).
 *
 * Shared by the worker and the Node command line: nothing here touches a browser API.
 */
import type { Database, SqlValue, Statement } from 'sql.js';
import { AppError } from '../../shared/errors';
import { normalizeSql } from './metrics/normalize';

export type Param = string | number | null | Uint8Array;
export type Params = readonly Param[] | Readonly<Record<string, Param>>;
export type Row = Record<string, SqlValue>;

export interface RunResult {
	changes: number;
	lastInsertRowid: number;
}

export type ChangeListener = (table: string) => void;

/** Hears how long each statement took, in milliseconds, with its normalised SQL. */
export type StatementTimer = (sql: string, ms: number) => void;

/** Distinct SQL texts whose normal form is remembered; past it the cache starts again. */
const NORMALIZED_CACHE_SIZE = 1000;

/** How many prepared statements an engine keeps for reuse (least recently used go first). */
export const STATEMENT_CACHE_SIZE = 64;

/**
 * PRAGMAs are not kept: SQLite computes many of their answers while preparing and marks such statements
 * run-once, so a kept one would only be prepared again (and take a slot from a statement worth keeping).
 */
const UNCACHEABLE = /^\s*PRAGMA\b/i;

export class Engine {
	readonly db: Database;
	#depth = 0;
	#savepointSeq = 0;
	#listeners = new Set<ChangeListener>();
	#statementCount = 0;
	#timer: StatementTimer | null = null;
	#untimed = 0;
	readonly #normalized = new Map<string, string>();
	/** Reset statements ready for reuse, by SQL text; a Map keeps insertion order, oldest first. */
	readonly #cache = new Map<string, Statement>();
	#closed = false;

	constructor(db: Database) {
		this.db = db;
		// Callers close `engine.db` directly (a replace swaps the live database and closes the old one).
		// Noting it here lets a late call on this engine fail with a code the app can act on, instead of
		// sql.js's bare "Statement closed" string thrown from a cached statement.
		const close = db.close.bind(db);
		db.close = () => {
			this.#closed = true;
			this.#cache.clear();
			close();
		};
		db.updateHook((_op, _database, table) => {
			for (const listener of this.#listeners) listener(table);
		});
	}

	/** The sql.js database was closed: every further call fails with `db-replaced`. */
	get closed(): boolean {
		return this.#closed;
	}

	get inTransaction(): boolean {
		return this.#depth > 0;
	}

	/** How many statements this engine has run; the health page turns this into a rate later. */
	get statementCount(): number {
		return this.#statementCount;
	}

	/**
	 * Times every statement from now on (null stops it): the health page's query times come from here.
	 * Costs two `performance.now()` calls and a map lookup per statement (tests/bench/health-overhead.ts).
	 */
	setTimer(timer: StatementTimer | null): void {
		this.#timer = timer;
	}

	/** Runs `fn` with its statements untimed: health measuring itself would skew what it measures. */
	untimed<T>(fn: () => T): T {
		this.#untimed++;
		try {
			return fn();
		} finally {
			this.#untimed--;
		}
	}

	/** Called with the table name of every row an INSERT, UPDATE or DELETE touches. */
	onChange(listener: ChangeListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	all<T = Row>(sql: string, params?: Params): T[] {
		return this.#with(sql, params, (stmt) => rowsOf<T>(stmt));
	}

	get<T = Row>(sql: string, params?: Params): T | undefined {
		return this.#with(sql, params, (stmt) =>
			stmt.step() ? (toRow(stmt.getColumnNames(), stmt.get()) as T) : undefined,
		);
	}

	/** The first column of the first row, for `SELECT count(*)` and PRAGMA reads. */
	value<T extends SqlValue = SqlValue>(sql: string, params?: Params): T | undefined {
		return this.#with(sql, params, (stmt) => (stmt.step() ? (stmt.get()[0] as T) : undefined));
	}

	/**
	 * Runs one query with many parameter sets, preparing it once: for "the latest N rows of each monitor",
	 * where one prepared statement beats both N separate prepares and a scan of the whole table.
	 */
	allFor<T = Row>(sql: string, paramSets: readonly Params[]): T[][] {
		return this.#each(sql, paramSets, (stmt) => rowsOf<T>(stmt));
	}

	/**
	 * Runs one write statement with many parameter sets, preparing it once (copying rows into another
	 * database). Returns the rows changed in all.
	 */
	runMany(sql: string, paramSets: readonly Params[]): number {
		let changes = 0;
		this.#each(sql, paramSets, (stmt) => {
			stmt.step();
			changes += this.db.getRowsModified();
		});
		return changes;
	}

	run(sql: string, params?: Params): RunResult {
		this.#with(sql, params, (stmt) => stmt.step());
		return {
			changes: this.db.getRowsModified(),
			lastInsertRowid: Number(this.untimed(() => this.value<number>('SELECT last_insert_rowid()'))),
		};
	}

	/**
	 * How many rows INSERT, UPDATE and DELETE statements changed since the database was opened
	 * (SQLite's `total_changes()`): a write that leaves it unchanged changed no row. Bookkeeping, untimed.
	 */
	totalChanges(): number {
		return Number(this.untimed(() => this.value<number>('SELECT total_changes()')));
	}

	/** Runs a script of several statements with no parameters (migrations, PRAGMA batches). */
	exec(sql: string): void {
		this.#assertOpen();
		this.#statementCount++;
		const start = this.#start();
		try {
			this.db.exec(sql);
		} finally {
			this.#stop(start, sql, null);
		}
	}

	/**
	 * Runs `fn` atomically. The function must be synchronous: a transaction never spans an `await`,
	 * so no other call can interleave with it and persistence always sees committed states.
	 */
	transaction<T>(fn: () => T): T {
		this.#assertOpen();
		if (this.#depth === 0) return this.#outer(fn);
		const name = `sp${++this.#savepointSeq}`;
		this.db.exec(`SAVEPOINT ${name}`);
		this.#depth++;
		try {
			const result = fn();
			assertSync(result);
			this.db.exec(`RELEASE ${name}`);
			return result;
		} catch (error) {
			this.db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
			throw error;
		} finally {
			this.#depth--;
		}
	}

	#outer<T>(fn: () => T): T {
		this.untimed(() => this.#control('BEGIN IMMEDIATE'));
		this.#depth = 1;
		try {
			const result = fn();
			assertSync(result);
			// Committing is where a large transaction's pages are written out: it counts as a statement.
			this.#control('COMMIT');
			return result;
		} catch (error) {
			try {
				this.untimed(() => this.#control('ROLLBACK'));
			} catch {
				// Some errors (SQLITE_FULL, IOERR) end the transaction themselves; the first error is the one to report.
			}
			throw error;
		} finally {
			this.#depth = 0;
		}
	}

	/** Transaction control, through the statement cache (no `exec` string copy and parse each time). */
	#control(sql: 'BEGIN IMMEDIATE' | 'COMMIT' | 'ROLLBACK'): void {
		this.#with(sql, undefined, (stmt) => stmt.step());
	}

	/** Runs `use` once per parameter set on one statement, timing each run as a statement of its own. */
	#each<R>(sql: string, paramSets: readonly Params[], use: (stmt: Statement) => R): R[] {
		this.#assertOpen();
		for (const params of paramSets) checkParams(params);
		this.#statementCount += paramSets.length;
		const stmt = this.#acquire(sql);
		try {
			const results = paramSets.map((params) => {
				const start = this.#start();
				stmt.bind(params as never);
				const result = use(stmt);
				stmt.reset();
				this.#stop(start, sql, stmt);
				return result;
			});
			this.#release(sql, stmt);
			return results;
		} catch (error) {
			stmt.free();
			throw error;
		}
	}

	/**
	 * Runs `use` with a statement for `sql`, bound to `params`, timed: a cached statement when there is
	 * one, else a freshly prepared one. Afterwards it is reset (bindings cleared, so no bound text stays in
	 * the wasm heap) and cached, unless `use` threw (it is freed: an error never leaves a statement in an
	 * unknown state for the next caller). A statement in use is out of the cache, so a nested call with
	 * the same SQL (from a change listener, say) prepares its own.
	 */
	#with<R>(sql: string, params: Params | undefined, use: (stmt: Statement) => R): R {
		this.#assertOpen();
		this.#statementCount++;
		if (params !== undefined) checkParams(params);
		const start = this.#start();
		const stmt = this.#acquire(sql);
		let result: R;
		try {
			if (params !== undefined) stmt.bind(params as never);
			result = use(stmt);
		} catch (error) {
			this.#stop(start, sql, stmt);
			stmt.free();
			throw error;
		}
		this.#stop(start, sql, stmt);
		this.#release(sql, stmt);
		return result;
	}

	#assertOpen(): void {
		if (this.#closed) throw new AppError('db-replaced');
	}

	#acquire(sql: string): Statement {
		const cached = this.#cache.get(sql);
		if (!cached) return this.db.prepare(sql);
		this.#cache.delete(sql);
		return cached;
	}

	#release(sql: string, stmt: Statement): void {
		if (UNCACHEABLE.test(sql) || this.#cache.has(sql)) {
			stmt.free();
			return;
		}
		stmt.reset();
		this.#cache.set(sql, stmt);
		if (this.#cache.size > STATEMENT_CACHE_SIZE) {
			const [oldestSql, oldest] = this.#cache.entries().next().value!;
			this.#cache.delete(oldestSql);
			oldest.free();
		}
	}

	/** The start time of a statement, or -1 when nothing is timed. */
	#start(): number {
		return this.#timer !== null && this.#untimed === 0 ? performance.now() : -1;
	}

	#stop(start: number, sql: string, stmt: Statement | null): void {
		if (start < 0 || this.#timer === null) return;
		const ms = performance.now() - start;
		this.#timer(this.#normalize(sql, stmt), ms);
	}

	#normalize(sql: string, stmt: Statement | null): string {
		let key = this.#normalized.get(sql);
		if (key === undefined) {
			key = (stmt && normalizedOf(stmt)) || normalizeSql(sql);
			if (this.#normalized.size >= NORMALIZED_CACHE_SIZE) this.#normalized.clear();
			this.#normalized.set(sql, key);
		}
		return key;
	}
}

/**
 * The rows left in `stmt`, as objects keyed by column name. sql.js's `getAsObject` asks SQLite for the
 * column names again for every row; asking once per statement makes a row about twice as cheap to read
 * (3,000 rows of the monitor list: 34 against 12 ms, tests/bench/results/README.md).
 */
function rowsOf<T>(stmt: Statement): T[] {
	const rows: T[] = [];
	let names: string[] | null = null;
	while (stmt.step()) {
		names ??= stmt.getColumnNames();
		rows.push(toRow(names, stmt.get()) as T);
	}
	return rows;
}

/** One row as an object; a name that appears twice keeps its last value, as `getAsObject` does. */
function toRow(names: readonly string[], values: readonly SqlValue[]): Row {
	const row: Row = {};
	for (let i = 0; i < names.length; i++) row[names[i]!] = values[i]!;
	return row;
}

/** SQLite's normal form of a prepared statement (literals as `?`), or null where it has none. */
function normalizedOf(stmt: Statement): string | null {
	try {
		return stmt.getNormalizedSQL() || null;
	} catch {
		return null;
	}
}

function checkParams(params: Params): void {
	const values = Array.isArray(params) ? params : Object.values(params);
	for (const value of values) {
		const ok =
			value === null ||
			typeof value === 'string' ||
			(typeof value === 'number' && Number.isFinite(value)) ||
			value instanceof Uint8Array;
		if (!ok) throw new AppError('internal', `Unsupported SQL parameter: ${String(value)}`);
	}
}

function assertSync(result: unknown): void {
	if (result instanceof Promise) {
		throw new AppError('internal', 'A transaction body must be synchronous.');
	}
}
