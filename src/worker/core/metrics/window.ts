/**
 * The small statistics the health page is built on: a rolling window of durations with percentiles,
 * a per-minute event counter for "in the last hour", and statement timings grouped by normalised SQL.
 * Pure and allocation-light, because the engine feeds every statement through them.
 */
import type { Percentiles, SlowStatement } from '../../../shared/health';

/** Nearest-rank percentile of sorted values: the smallest value with at least p% of values at or below it. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
	if (sorted.length === 0) return null;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** The latest `capacity` durations that are at most `maxAgeMs` old. */
export class DurationWindow {
	readonly capacity: number;
	readonly maxAgeMs: number;
	readonly #values: Float64Array;
	readonly #times: Float64Array;
	#next = 0;
	#size = 0;

	constructor(capacity: number, maxAgeMs: number) {
		this.capacity = capacity;
		this.maxAgeMs = maxAgeMs;
		this.#values = new Float64Array(capacity);
		this.#times = new Float64Array(capacity);
	}

	add(ms: number, at: number): void {
		this.#values[this.#next] = ms;
		this.#times[this.#next] = at;
		this.#next = (this.#next + 1) % this.capacity;
		if (this.#size < this.capacity) this.#size++;
	}

	percentiles(now: number): Percentiles {
		const from = now - this.maxAgeMs;
		const recent: number[] = [];
		for (let i = 0; i < this.#size; i++) {
			if (this.#times[i]! >= from) recent.push(this.#values[i]!);
		}
		const sorted = Float64Array.from(recent).sort();
		return {
			p50: percentile(sorted, 50),
			p95: percentile(sorted, 95),
			p99: percentile(sorted, 99),
			count: sorted.length,
		};
	}
}

const MINUTE = 60_000;

/** Counts events per minute over the last `minutes` minutes (a ring of buckets, no timestamps kept). */
export class MinuteCounter {
	readonly #counts: Float64Array;
	readonly #minuteOf: Float64Array;

	constructor(minutes = 60) {
		this.#counts = new Float64Array(minutes);
		this.#minuteOf = new Float64Array(minutes).fill(-1);
	}

	add(at: number, n = 1): void {
		const minute = Math.floor(at / MINUTE);
		const slot = minute % this.#counts.length;
		if (this.#minuteOf[slot] !== minute) {
			this.#minuteOf[slot] = minute;
			this.#counts[slot] = 0;
		}
		this.#counts[slot]! += n;
	}

	/** Events in the minute of `now` and the minutes before it, `minutes` in all. */
	total(now: number): number {
		const current = Math.floor(now / MINUTE);
		let sum = 0;
		for (let i = 0; i < this.#counts.length; i++) {
			const minute = this.#minuteOf[i]!;
			if (minute > current - this.#counts.length && minute <= current) sum += this.#counts[i]!;
		}
		return sum;
	}
}

interface Group {
	count: number;
	totalMs: number;
	maxMs: number;
}

/** Timings by normalised SQL. Bounded: past `maxGroups`, the groups with the least total time go. */
export class StatementGroups {
	readonly #groups = new Map<string, Group>();
	readonly #maxGroups: number;

	constructor(maxGroups = 400) {
		this.#maxGroups = maxGroups;
	}

	get size(): number {
		return this.#groups.size;
	}

	record(sql: string, ms: number): void {
		const group = this.#groups.get(sql);
		if (group) {
			group.count++;
			group.totalMs += ms;
			if (ms > group.maxMs) group.maxMs = ms;
			return;
		}
		if (this.#groups.size >= this.#maxGroups) this.#evict();
		this.#groups.set(sql, { count: 1, totalMs: ms, maxMs: ms });
	}

	/** The statements that take longest on average, slowest first. */
	slowest(limit: number): SlowStatement[] {
		return [...this.#groups]
			.map(([sql, g]) => ({ sql, count: g.count, avgMs: g.totalMs / g.count, maxMs: g.maxMs }))
			.sort((a, b) => b.avgMs - a.avgMs || b.maxMs - a.maxMs)
			.slice(0, limit);
	}

	#evict(): void {
		const byTotal = [...this.#groups].sort((a, b) => a[1].totalMs - b[1].totalMs);
		for (const [sql] of byTotal.slice(0, Math.ceil(this.#maxGroups / 4))) this.#groups.delete(sql);
	}
}
