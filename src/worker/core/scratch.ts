/**
 * Databases beside the live one, for work that builds a file of its own (an archive). The layers above
 * core reach sql.js only through here: the type of a loaded sql.js, and an empty engine made with it.
 */
import type { SqlJsStatic } from 'sql.js';
import { Engine } from './engine';

/** A loaded sql.js module (`loadSqlJs()` in the browser, `initSqlJs()` in Node). */
export type SqlJs = SqlJsStatic;

/**
 * An empty in-memory database. Not `configure()`d: foreign keys stay off, as in any stock sqlite3
 * opening the file it becomes.
 */
export function emptyEngine(SQL: SqlJs): Engine {
	return new Engine(new SQL.Database());
}
