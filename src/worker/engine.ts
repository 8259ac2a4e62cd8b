/**
 * The only wrapper around a sql.js Database. It owns statement and transaction lifetimes:
 * statements are freed in `finally` (sql.js keeps them in the wasm heap until freed), parameters are
 * always bound and type-checked, and nested transactions become SAVEPOINTs.
 *
 * Shared by the worker and the Node command line: nothing here touches a browser API.
 */
import type { Database, SqlValue } from 'sql.js';
import { AppError } from '../shared/errors';

export type Param = string | number | null | Uint8Array;
export type Params = readonly Param[] | Readonly<Record<string, Param>>;
export type Row = Record<string, SqlValue>;

export interface RunResult {
	changes: number;
	lastInsertRowid: number;
}

export type ChangeListener = (table: string) => void;

export class Engine {
	readonly db: Database;
	#depth = 0;
	#savepointSeq = 0;
	#listeners = new Set<ChangeListener>();
	#statementCount = 0;

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
		const stmt = this.#prepare(sql, params);
		try {
			const rows: T[] = [];
			while (stmt.step()) rows.push(stmt.getAsObject() as T);
			return rows;
		} finally {
			stmt.free();
		}
	}

	get<T = Row>(sql: string, params?: Params): T | undefined {
		const stmt = this.#prepare(sql, params);
		try {
			return stmt.step() ? (stmt.getAsObject() as T) : undefined;
		} finally {
			stmt.free();
		}
	}

	/** The first column of the first row, for `SELECT count(*)` and PRAGMA reads. */
	value<T extends SqlValue = SqlValue>(sql: string, params?: Params): T | undefined {
		const stmt = this.#prepare(sql, params);
		try {
			return stmt.step() ? (stmt.get()[0] as T) : undefined;
		} finally {
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
				checkParams(params);
				stmt.bind(params as never);
				const rows: T[] = [];
				while (stmt.step()) rows.push(stmt.getAsObject() as T);
				stmt.reset();
				return rows;
			});
		} finally {
			stmt.free();
		}
	}

	run(sql: string, params?: Params): RunResult {
		const stmt = this.#prepare(sql, params);
		try {
			stmt.step();
		} finally {
			stmt.free();
		}
		return {
			changes: this.db.getRowsModified(),
			lastInsertRowid: Number(this.value('SELECT last_insert_rowid()')),
		};
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
		this.db.exec('BEGIN IMMEDIATE');
		this.#depth = 1;
		try {
			const result = fn();
			assertSync(result);
			this.db.exec('COMMIT');
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
