/**
 * Hour summaries of a day block: they add up to the block's summary, round-trip exactly, and a reader
 * refuses any that could not describe real checks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { syntheticChecks } from '../../src/worker/domain/history/synthetic';
import { ByteWriter } from '../../src/worker/stores/history/bytes';
import {
	readSegments,
	summarizeSegments,
	writeSegments,
} from '../../src/worker/stores/history/segments';
import { summarize } from '../../src/worker/stores/history/summary';
import { checkSeries } from './history-helpers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function code(read: () => unknown): string {
	try {
		read();
	} catch (error) {
		expect(error).toBeInstanceOf(AppError);
		return (error as AppError).code;
	}
	return 'accepted';
}

describe('segments', () => {
	it('sum a synthetic day by hour to the block summary, and round-trip', () => {
		const from = Date.UTC(2026, 0, 9);
		const day = [
			...syntheticChecks({ seed: 9, monitorId: 4, from, to: from + DAY, intervalMs: 60_000 }),
		];
		const segments = summarizeSegments(day, from, HOUR, 24);
		const block = summarize(day);
		const total = (key: 'checks' | 'up' | 'degraded' | 'down' | 'sumTenths') =>
			segments.reduce((sum, s) => sum + s[key], 0);
		for (const key of ['checks', 'up', 'degraded', 'down', 'sumTenths'] as const)
			expect(total(key)).toBe(block[key]);
		const bytes = writeSegments(segments, HOUR);
		expect(bytes.length).toBeLessThan(24 * 12);
		expect(readSegments(bytes)).toEqual({ segmentMs: HOUR, segments });
	});

	it('round-trip any series, with empty segments and segments of only failures', () => {
		fc.assert(
			fc.property(checkSeries(80), fc.integer({ min: 1, max: 1440 }), (checks, count) => {
				const first = Math.min(...checks.map((c) => c.startedAt));
				const last = Math.max(...checks.map((c) => c.startedAt));
				const segmentMs = Math.max(1, Math.ceil((last - first + 1) / count));
				if (segmentMs > DAY) return;
				const segments = summarizeSegments(checks, first, segmentMs, count);
				expect(readSegments(writeSegments(segments, segmentMs))).toEqual({ segmentMs, segments });
			}),
		);
	});

	it('refuse to sum a check outside the span', () => {
		const from = Date.UTC(2026, 0, 9);
		const day = [
			...syntheticChecks({ seed: 9, monitorId: 4, from, to: from + DAY, intervalMs: 60_000 }),
		];
		expect(code(() => summarizeSegments(day, from + HOUR, HOUR, 23))).toBe(
			'history-check-unstorable',
		);
		expect(code(() => summarizeSegments(day, from, HOUR, 23))).toBe('history-check-unstorable');
	});

	const written = (write: (w: ByteWriter) => void) => {
		const w = new ByteWriter();
		w.byte(1);
		w.uint(HOUR);
		write(w);
		return w.finish();
	};

	it.each([
		['no segments', (w: ByteWriter) => w.uint(0)],
		['more degraded than checks', (w: ByteWriter) => (w.uint(1), w.uint(2), w.uint(3))],
		['more down than checks', (w: ByteWriter) => (w.uint(1), w.uint(2), w.uint(0), w.uint(3))],
		[
			'a sum below min × count',
			(w: ByteWriter) => (
				w.uint(1),
				w.uint(3),
				w.uint(0),
				w.uint(0),
				w.uint(0),
				w.uint(10),
				w.uint(5),
				w.uint(30)
			),
		],
		[
			'a sum above max × count',
			(w: ByteWriter) => (
				w.uint(1),
				w.uint(3),
				w.uint(0),
				w.uint(0),
				w.uint(0),
				w.uint(10),
				w.uint(5),
				w.uint(46)
			),
		],
		[
			'one check with min ≠ max',
			(w: ByteWriter) => (
				w.uint(1),
				w.uint(1),
				w.uint(0),
				w.uint(0),
				w.uint(0),
				w.uint(10),
				w.uint(5),
				w.uint(10)
			),
		],
		[
			'two checks not summing to min + max',
			(w: ByteWriter) => (
				w.uint(1),
				w.uint(2),
				w.uint(0),
				w.uint(0),
				w.uint(0),
				w.uint(10),
				w.uint(5),
				w.uint(26)
			),
		],
		['a missing segment', (w: ByteWriter) => (w.uint(2), w.uint(0))],
		['a byte left over', (w: ByteWriter) => (w.uint(1), w.uint(0), w.byte(0))],
	])('refuse %s', (_what, write) => {
		expect(code(() => readSegments(written(write)))).toBe('history-block-corrupt');
	});

	it('accept the tightest sums (the hand-written layout is the README one)', () => {
		const three = (sum: number) =>
			written(
				(w) => (
					w.uint(1),
					w.uint(3),
					w.uint(0),
					w.uint(0),
					w.uint(0),
					w.uint(10),
					w.uint(5),
					w.uint(sum)
				),
			);
		expect(readSegments(three(35)).segments[0]).toEqual({
			checks: 3,
			up: 3,
			degraded: 0,
			down: 0,
			maintenance: 0,
			minTenths: 10,
			maxTenths: 15,
			sumTenths: 35,
		});
		expect(code(() => readSegments(three(40)))).toBe('accepted');
		expect(code(() => readSegments(three(41)))).toBe('history-block-corrupt');
	});

	it('refuse random bytes and every truncation', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
				expect(['history-block-corrupt', 'accepted']).toContain(code(() => readSegments(bytes)));
			}),
		);
		const from = Date.UTC(2026, 0, 9);
		const day = [
			...syntheticChecks({ seed: 9, monitorId: 4, from, to: from + DAY, intervalMs: 60_000 }),
		];
		const bytes = writeSegments(summarizeSegments(day, from, HOUR, 24), HOUR);
		for (let length = 0; length < bytes.length; length++)
			expect(code(() => readSegments(bytes.subarray(0, length)))).toBe('history-block-corrupt');
	});
});
