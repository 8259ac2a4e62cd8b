/** The statistics under the health page: percentile windows, the hourly write counter, statement groups. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { throttle } from '../../src/worker/domain/health/throttle';
import {
	DurationWindow,
	MinuteCounter,
	percentile,
	StatementGroups,
} from '../../src/worker/core/metrics/window';

describe('percentile (nearest rank)', () => {
	it('is null for no values and the value itself for one', () => {
		expect(percentile([], 95)).toBeNull();
		expect(percentile([7], 50)).toBe(7);
		expect(percentile([7], 99)).toBe(7);
	});

	it('picks the smallest value with at least p% of the values at or below it', () => {
		const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
		expect(percentile(sorted, 50)).toBe(50);
		expect(percentile(sorted, 95)).toBe(95);
		expect(percentile(sorted, 99)).toBe(99);
		expect(percentile(sorted, 100)).toBe(100);
		expect(percentile([1, 2, 3, 4], 50)).toBe(2);
		expect(percentile([1, 2, 3, 4], 51)).toBe(3);
	});
});

describe('DurationWindow', () => {
	it('computes P50/P95/P99 over what it holds, whatever the order they came in', () => {
		const w = new DurationWindow(1000, 60_000);
		const values = Array.from({ length: 200 }, (_, i) => (i * 37) % 200);
		for (const v of values) w.add(v, 1000);
		expect(w.percentiles(1000)).toEqual({ p50: 99, p95: 189, p99: 197, count: 200 });
	});

	it('keeps only the latest `capacity` values', () => {
		const w = new DurationWindow(10, 60_000);
		for (let i = 1; i <= 25; i++) w.add(i, 0);
		const p = w.percentiles(0);
		expect(p.count).toBe(10);
		expect(p.p50).toBe(20);
		expect(p.p99).toBe(25);
	});

	it('forgets values older than its age limit', () => {
		const w = new DurationWindow(100, 10_000);
		w.add(500, 0);
		w.add(1, 9_000);
		w.add(2, 15_000);
		expect(w.percentiles(15_000)).toEqual({ p50: 1, p95: 2, p99: 2, count: 2 });
		expect(w.percentiles(30_000)).toEqual({ p50: null, p95: null, p99: null, count: 0 });
	});
});

describe('MinuteCounter', () => {
	it('counts the events of the last hour, minute by minute', () => {
		const c = new MinuteCounter(60);
		const minute = 60_000;
		const start = 1_000 * minute;
		for (let m = 0; m < 90; m++) c.add(start + m * minute + 5_000, 2);
		// At minute 89 the last hour is minutes 30..89: 60 minutes of 2 events.
		expect(c.total(start + 89 * minute + 30_000)).toBe(120);
		// Ten minutes later with nothing new, minutes 40..89 remain.
		expect(c.total(start + 99 * minute)).toBe(100);
		// Two hours of silence: nothing.
		expect(c.total(start + 220 * minute)).toBe(0);
	});

	it('does not mix a minute with the one an hour before it in the same slot', () => {
		const c = new MinuteCounter(60);
		c.add(0);
		c.add(60 * 60_000);
		expect(c.total(60 * 60_000)).toBe(1);
	});
});

describe('StatementGroups', () => {
	it('groups by SQL and lists the slowest on average first', () => {
		const g = new StatementGroups();
		g.record('SELECT a', 1);
		g.record('SELECT a', 3);
		g.record('SELECT b', 10);
		g.record('SELECT c', 0.5);
		expect(g.slowest(2)).toEqual([
			{ sql: 'SELECT b', count: 1, avgMs: 10, maxMs: 10 },
			{ sql: 'SELECT a', count: 2, avgMs: 2, maxMs: 3 },
		]);
	});

	it('stays bounded, dropping the groups that took the least time in all', () => {
		const g = new StatementGroups(8);
		g.record('heavy', 1000);
		for (let i = 0; i < 50; i++) g.record(`light ${i}`, 0.01);
		expect(g.size).toBeLessThanOrEqual(8);
		expect(g.slowest(1)[0]?.sql).toBe('heavy');
	});
});

describe('throttle', () => {
	afterEach(() => vi.useRealTimers());

	it('runs at once, then at most once per interval, with one trailing run for a burst', () => {
		vi.useFakeTimers();
		let now = 0;
		let runs = 0;
		const t = throttle(
			() => runs++,
			5000,
			() => now,
		);
		t();
		expect(runs).toBe(1);
		now = 1000;
		t();
		t();
		t();
		expect(runs).toBe(1);
		now = 5000;
		vi.advanceTimersByTime(4000);
		expect(runs).toBe(2);
		now = 20_000;
		t();
		expect(runs).toBe(3);
		t.cancel();
	});
});
