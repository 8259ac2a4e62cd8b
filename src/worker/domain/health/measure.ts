/**
 * One measurement of the seed's metrics: the file's size and free pages, memory (the file plus
 * SQLite's WebAssembly heap), durable writes in the last hour and the query P95, with how far each
 * value may be trusted to move a level.
 */
import type { Confidence, HealthMetric, Percentiles } from '../../../shared/health';
import type { LiveDatabase } from '../../core/database/live-database';
import { pageStats } from '../../stores/database-file';

const HOUR = 3_600_000;
/**
 * Statements the query window must hold before their P95 may change a level: then at least six slow
 * ones make a P95. Right after a start the window holds a few dozen cold statements (wasm code not yet
 * optimised, tables read for the first time), and on a busy machine one or two of them take 100 ms or
 * more: on their own they would raise a warning, and a Telegram message, on every reload.
 */
const MIN_STATEMENTS_FOR_P95 = 100;

export interface Measured {
	sizeBytes: number;
	pageSize: number;
	pageCount: number;
	freePages: number;
	wasmBytes: number | null;
	memoryBytes: number;
	queries: Percentiles & { total: number };
	writes: number;
	saves: Percentiles;
	values: Record<HealthMetric, number | null>;
	/**
	 * A write count that started less than an hour ago (this window just took the database over) is a
	 * lower bound; a query P95 over too few statements is too few.
	 */
	confidence: Record<HealthMetric, Confidence>;
}

export function measure(
	db: LiveDatabase,
	env: { now: () => number; wasmBytes: () => number | null },
): Measured {
	const { pageSize, pageCount, freePages } = pageStats(db.engine);
	const sizeBytes = pageSize * pageCount;
	const wasmBytes = env.wasmBytes();
	// sql.js keeps the file in memory (Emscripten's MEMFS, outside the wasm heap), so it counts in full.
	const memoryBytes = sizeBytes + (wasmBytes ?? 0);
	const queries = db.health.queries();
	const writes = db.health.writesLastHour();
	return {
		sizeBytes,
		pageSize,
		pageCount,
		freePages,
		wasmBytes,
		memoryBytes,
		queries,
		writes,
		saves: db.health.saves(),
		values: { size: sizeBytes, memory: memoryBytes, writeRate: writes, queryP95: queries.p95 },
		confidence: {
			size: 'exact',
			memory: 'exact',
			writeRate: env.now() - db.health.since < HOUR ? 'lower-bound' : 'exact',
			queryP95: queries.count < MIN_STATEMENTS_FOR_P95 ? 'too-few' : 'exact',
		},
	};
}
