/**
 * What the live database records about itself as it runs: every statement's time (from the engine),
 * every durable write, every save's latency. Kept in memory by the worker that owns the database, so
 * the figures start again when another window takes over; the sampled history is in `health_samples`.
 */
import type { Percentiles, SlowStatement } from '../../../shared/health';
import { readableSql } from './normalize';
import { DurationWindow, MinuteCounter, StatementGroups } from './window';

/** Query percentiles are over the latest statements of the last ten minutes, at most this many. */
const QUERY_WINDOW = { capacity: 4096, maxAgeMs: 10 * 60_000 };
/** Save percentiles are over the latest saves of the last day. */
const SAVE_WINDOW = { capacity: 512, maxAgeMs: 24 * 60 * 60_000 };

export class DatabaseHealth {
	readonly since: number;
	readonly #now: () => number;
	readonly #queries = new DurationWindow(QUERY_WINDOW.capacity, QUERY_WINDOW.maxAgeMs);
	readonly #groups = new StatementGroups();
	readonly #writes = new MinuteCounter(60);
	readonly #saves = new DurationWindow(SAVE_WINDOW.capacity, SAVE_WINDOW.maxAgeMs);
	#statements = 0;

	constructor(now: () => number = Date.now) {
		this.#now = now;
		this.since = now();
	}

	/** The engine's statement timer (an arrow, so it can be handed over as is). */
	readonly statement = (sql: string, ms: number): void => {
		this.#statements++;
		this.#queries.add(ms, this.#now());
		this.#groups.record(sql, ms);
	};

	/** A write that changed something and is now durable. */
	wrote(): void {
		this.#writes.add(this.#now());
	}

	saved(ms: number): void {
		this.#saves.add(ms, this.#now());
	}

	get queryWindowMs(): number {
		return QUERY_WINDOW.maxAgeMs;
	}

	queries(): Percentiles & { total: number } {
		return { ...this.#queries.percentiles(this.#now()), total: this.#statements };
	}

	slowest(limit = 10): SlowStatement[] {
		return this.#groups.slowest(limit).map((s) => ({ ...s, sql: readableSql(s.sql) }));
	}

	writesLastHour(): number {
		return this.#writes.total(this.#now());
	}

	saves(): Percentiles {
		return this.#saves.percentiles(this.#now());
	}
}
