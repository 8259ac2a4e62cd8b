/**
 * SQL text as a grouping key. Prepared statements use SQLite's own `sqlite3_normalized_sql()` (sql.js
 * is built with SQLITE_ENABLE_NORMALIZE and exposes it as `Statement.getNormalizedSQL()`; there is no
 * `sqlite_normalize()` SQL function in this build). Scripts run through `exec()` have no statement
 * object, so they are normalised here the same way: literals become `?`, whitespace collapses.
 */

const MAX_LENGTH = 300;

export function normalizeSql(sql: string): string {
	const text = sql
		.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
		.replace(/\bx'[0-9a-f]*'/gi, '?')
		.replace(/'(?:[^']|'')*'/g, '?')
		.replace(/(?<![\w$])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '?')
		.replace(/\s+/g, ' ')
		.trim();
	return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}…` : text;
}

/** SQLite's normal form drops every optional space (`id=?AND`); put some back for people to read. */
export function readableSql(normalized: string): string {
	return normalized
		.replace(/;$/, '')
		.replace(/,(?=\S)/g, ', ')
		.replace(/(<=|>=|<>|!=|==|=|<|>)/g, ' $1 ')
		.replace(/\?(?=[A-Za-z(])/g, '? ')
		.replace(/(?<=[A-Za-z])\?/g, ' ?')
		.replace(/(?<=[A-Za-z])\*(?=[A-Za-z])/g, ' * ')
		.replace(/\)(?=[A-Za-z])/g, ') ')
		.replace(/\b(IN|VALUES|EXISTS)\(/gi, '$1 (')
		.replace(/ {2,}/g, ' ')
		.trim();
}
