/**
 * The benchmark's table: check results as Monitor will store them, about 200 bytes of text per row,
 * with the index a history chart reads by.
 */
export const SCHEMA = `CREATE TABLE check_results (
	id INTEGER PRIMARY KEY,
	monitor_id INTEGER NOT NULL,
	checked_at INTEGER NOT NULL,
	status INTEGER NOT NULL,
	latency_ms INTEGER NOT NULL,
	body TEXT NOT NULL
);
CREATE INDEX check_results_monitor_time ON check_results (monitor_id, checked_at);`;

/**
 * The file's size from SQLite itself. Not `LiveDatabase.status()`: that also reads the app's own tables
 * (settings), which the benchmark's database does not have.
 */
export function fileBytes(engine: { value(sql: string): unknown }): number {
	return Number(engine.value('PRAGMA page_count')) * Number(engine.value('PRAGMA page_size'));
}

export const INSERT_SQL =
	'INSERT INTO check_results (monitor_id, checked_at, status, latency_ms, body) VALUES (?, ?, ?, ?, ?)';

const WORDS = [
	'ok',
	'up',
	'healthy',
	'status',
	'latency',
	'region',
	'edge',
	'cache',
	'hit',
	'miss',
];

/** Deterministic, varied text of ~200 bytes, so pages hold realistic, incompressible-ish rows. */
export function rowParams(n: number): [number, number, number, number, string] {
	let x = (n * 2654435761) >>> 0;
	const next = () => {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		return (x >>> 0) / 2 ** 32;
	};
	let text = `{"n":${n},"headers":"`;
	while (text.length < 190)
		text +=
			WORDS[Math.floor(next() * WORDS.length)]! + '-' + Math.floor(next() * 1e6).toString(36) + ' ';
	text += '"}';
	return [
		n % 50,
		1_700_000_000_000 + n * 60_000,
		next() < 0.98 ? 200 : 503,
		Math.floor(next() * 900),
		text,
	];
}
