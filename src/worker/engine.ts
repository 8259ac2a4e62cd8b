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
import { AppError } from '../shared/errors';

export type Param = string | number | null | Uint8Array;
export type Params = readonly Param[] | Readonly<Record<string, Param>>;
export type Row = Record<string, SqlValue>;

export interface RunResult {
	changes: number;
	lastInsertRowid: number;
}

export type ChangeListener = (table: string) => void;

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
	/** Reset statements ready for reuse, by SQL text; a Map keeps insertion order, oldest first. */
	readonly #cache = new Map<string, Statement>();

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

	/** Called with the table name of every row an INSERT, UPDATE or DELETE touches. */
	onChange(listener: ChangeListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	all<T = Row>(sql: string, params?: Params): T[] {
		return this.#with(sql, params, (stmt) => {
			const rows: T[] = [];
			while (stmt.step()) rows.push(stmt.getAsObject() as T);
			return rows;
		});
	}

	get<T = Row>(sql: string, params?: Params): T | undefined {
		return this.#with(sql, params, (stmt) => (stmt.step() ? (stmt.getAsObject() as T) : undefined));
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
		this.#statementCount += paramSets.length - 1;
		return this.#with(sql, undefined, (stmt) =>
			paramSets.map((params) => {
				checkParams(params);
				stmt.bind(params as never);
				const rows: T[] = [];
				while (stmt.step()) rows.push(stmt.getAsObject() as T);
				stmt.reset();
				return rows;
			}),
		);
	}

	run(sql: string, params?: Params): RunResult {
		this.#with(sql, params, (stmt) => stmt.step());
		return {
			changes: this.db.getRowsModified(),
			lastInsertRowid: Number(this.value('SELECT last_insert_rowid()')),
		};
	}

	/**
	 * How many rows INSERT, UPDATE and DELETE statements changed since the database was opened
	 * (SQLite's `total_changes()`): a write that leaves it unchanged changed no row.
	 */
	totalChanges(): number {
		return Number(this.value('SELECT total_changes()'));
	}

	/** Runs a script of several statements with no parameters (migrations, PRAGMA batches). */
	exec(sql: string): void {
		this.#statementCount++;
		this.db.exec(sql);
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
		this.#control('BEGIN IMMEDIATE');
		this.#depth = 1;
		try {
			const result = fn();
			assertSync(result);
			this.#control('COMMIT');
			return result;
		} catch (error) {
			try {
				this.#control('ROLLBACK');
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

	/**
	 * Runs `use` with a statement for `sql`, bound to `params`: a cached one when there is one, else a
	 * freshly prepared one. Afterwards the statement is reset (bindings cleared, so no bound text stays in
	 * the wasm heap) and cached, unless `use` threw (it is freed: an error never leaves a statement in an
	 * unknown state for the next caller). A statement in use is out of the cache, so a nested call with
	 * the same SQL (from a change listener, say) prepares its own.
	 */
	#with<R>(sql: string, params: Params | undefined, use: (stmt: Statement) => R): R {
		this.#statementCount++;
		if (params !== undefined) checkParams(params);
		let stmt = this.#cache.get(sql);
		if (stmt) this.#cache.delete(sql);
		else stmt = this.db.prepare(sql);
		let result: R;
		try {
			if (params !== undefined) stmt.bind(params as never);
			result = use(stmt);
		} catch (error) {
			stmt.free();
			throw error;
		}
		this.#keep(sql, stmt);
		return result;
	}

	#keep(sql: string, stmt: Statement): void {
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
