/**
 * The only wrapper around a sql.js Database. It owns statement and transaction lifetimes:
 * statements are freed in `finally` (sql.js keeps them in the wasm heap until freed), parameters are
 * always bound and type-checked, and nested transactions become SAVEPOINTs.
 *
 * Shared by the worker and the Node command line: nothing here touches a browser API.
 */
import type { Database, SqlValue, Statement } from 'sql.js';
import { AppError } from '../shared/errors';
import { normalizeSql } from './health/normalize';

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

export class Engine {
	readonly db: Database;
	#depth = 0;
	#savepointSeq = 0;
	#listeners = new Set<ChangeListener>();
	#statementCount = 0;
	#timer: StatementTimer | null = null;
	#untimed = 0;
	readonly #normalized = new Map<string, string>();

	constructor(db: Database) {
		this.db = db;
		db.updateHook((_op, _database, table) => {
			for (const listener of this.#listeners) listener(table);
		});
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
		const start = this.#start();
		const stmt = this.#prepare(sql, params);
		try {
			const rows: T[] = [];
			while (stmt.step()) rows.push(stmt.getAsObject() as T);
			return rows;
		} finally {
			this.#stop(start, sql, stmt);
			stmt.free();
		}
	}

	get<T = Row>(sql: string, params?: Params): T | undefined {
		const start = this.#start();
		const stmt = this.#prepare(sql, params);
		try {
			return stmt.step() ? (stmt.getAsObject() as T) : undefined;
		} finally {
			this.#stop(start, sql, stmt);
			stmt.free();
		}
	}

	/** The first column of the first row, for `SELECT count(*)` and PRAGMA reads. */
	value<T extends SqlValue = SqlValue>(sql: string, params?: Params): T | undefined {
		const start = this.#start();
		const stmt = this.#prepare(sql, params);
		try {
			return stmt.step() ? (stmt.get()[0] as T) : undefined;
		} finally {
			this.#stop(start, sql, stmt);
			stmt.free();
		}
	}

	/**
	 * Runs one query with many parameter sets, preparing it once: for "the latest N rows of each monitor",
	 * where one prepared statement beats both N separate prepares and a scan of the whole table.
	 */
	allFor<T = Row>(sql: string, paramSets: readonly Params[]): T[][] {
		this.#statementCount += paramSets.length;
		const stmt = this.db.prepare(sql);
		try {
			return paramSets.map((params) => {
				const start = this.#start();
				checkParams(params);
				stmt.bind(params as never);
				const rows: T[] = [];
				while (stmt.step()) rows.push(stmt.getAsObject() as T);
				stmt.reset();
				this.#stop(start, sql, stmt);
				return rows;
			});
		} finally {
			stmt.free();
		}
	}

	/**
	 * Runs one write statement with many parameter sets, preparing it once (copying rows into another
	 * database). Returns the rows changed in all.
	 */
	runMany(sql: string, paramSets: readonly Params[]): number {
		this.#statementCount += paramSets.length;
		const stmt = this.db.prepare(sql);
		let changes = 0;
		try {
			for (const params of paramSets) {
				const start = this.#start();
				checkParams(params);
				stmt.bind(params as never);
				stmt.step();
				stmt.reset();
				changes += this.db.getRowsModified();
				this.#stop(start, sql, stmt);
			}
			return changes;
		} finally {
			stmt.free();
		}
	}

	run(sql: string, params?: Params): RunResult {
		const start = this.#start();
		const stmt = this.#prepare(sql, params);
		try {
			stmt.step();
		} finally {
			this.#stop(start, sql, stmt);
			stmt.free();
		}
		return {
			changes: this.db.getRowsModified(),
			lastInsertRowid: Number(this.untimed(() => this.value<number>('SELECT last_insert_rowid()'))),
		};
	}

	/** Runs a script of several statements with no parameters (migrations, PRAGMA batches). */
	exec(sql: string): void {
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
		this.db.exec('BEGIN IMMEDIATE');
		this.#depth = 1;
		try {
			const result = fn();
			assertSync(result);
			// Committing is where a large transaction's pages are written out: it counts as a statement.
			const start = this.#start();
			this.db.exec('COMMIT');
			this.#stop(start, 'COMMIT', null);
			return result;
		} catch (error) {
			try {
				this.db.exec('ROLLBACK');
			} catch {
				// Some errors (SQLITE_FULL, IOERR) end the transaction themselves; the first error is the one to report.
			}
			throw error;
		} finally {
			this.#depth = 0;
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

	#prepare(sql: string, params?: Params) {
		this.#statementCount++;
		const stmt = this.db.prepare(sql);
		if (params !== undefined) {
			try {
				checkParams(params);
				stmt.bind(params as never);
			} catch (error) {
				stmt.free();
				throw error;
			}
		}
		return stmt;
	}
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
