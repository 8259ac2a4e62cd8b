/** The threshold logic: levels, hysteresis, raises, validation and what the alerts say. */
import { describe, expect, it } from 'vitest';
import {
	alertMessage,
	DEFAULT_THRESHOLDS,
	formatMetric,
	isRaise,
	measuredLevel,
	nextLevel,
	parseThresholds,
	rawLevel,
	validateThresholds,
} from '../../src/shared/health';

const MB = 1024 * 1024;
const p95 = { warning: 100, critical: 500 };

describe('levels', () => {
	it('defaults to the seed’s scaling triggers for size, memory and query time', () => {
		expect(DEFAULT_THRESHOLDS.size).toEqual({ warning: 100 * MB, critical: 200 * MB });
		expect(DEFAULT_THRESHOLDS.memory).toEqual({ warning: 400 * MB, critical: 800 * MB });
		expect(DEFAULT_THRESHOLDS.queryP95).toEqual({ warning: 100, critical: 500 });
		expect(DEFAULT_THRESHOLDS.writeRate.warning).toBeLessThan(
			DEFAULT_THRESHOLDS.writeRate.critical,
		);
	});

	it('is the level of the highest threshold reached (reaching counts)', () => {
		expect(rawLevel(99.9, p95)).toBe('ok');
		expect(rawLevel(100, p95)).toBe('warning');
		expect(rawLevel(499, p95)).toBe('warning');
		expect(rawLevel(500, p95)).toBe('critical');
	});

	it('goes up at once, straight to critical if need be', () => {
		expect(nextLevel('ok', 120, p95)).toBe('warning');
		expect(nextLevel('ok', 800, p95)).toBe('critical');
		expect(nextLevel('warning', 500, p95)).toBe('critical');
	});

	it('comes down only 10% below the threshold it leaves (hysteresis)', () => {
		expect(nextLevel('warning', 95, p95)).toBe('warning');
		expect(nextLevel('warning', 90, p95)).toBe('warning');
		expect(nextLevel('warning', 89.9, p95)).toBe('ok');
		expect(nextLevel('critical', 460, p95)).toBe('critical');
		expect(nextLevel('critical', 449, p95)).toBe('warning');
		expect(nextLevel('critical', 50, p95)).toBe('ok');
		expect(nextLevel('critical', 95, p95)).toBe('warning');
	});

	it('keeps the level when nothing was measured', () => {
		expect(nextLevel('warning', null, p95)).toBe('warning');
		expect(nextLevel('ok', Number.NaN, p95)).toBe('ok');
	});

	it('a raise is a move to a higher level only', () => {
		expect(isRaise('ok', 'warning')).toBe(true);
		expect(isRaise('warning', 'critical')).toBe(true);
		expect(isRaise('ok', 'critical')).toBe(true);
		expect(isRaise('critical', 'warning')).toBe(false);
		expect(isRaise('warning', 'ok')).toBe(false);
		expect(isRaise('ok', 'ok')).toBe(false);
	});

	it('a lower bound may raise a level but never lower one; too few samples move nothing', () => {
		expect(measuredLevel('ok', 120, p95, 'lower-bound')).toBe('warning');
		expect(measuredLevel('critical', 10, p95, 'lower-bound')).toBe('critical');
		expect(measuredLevel('critical', 10, p95, 'exact')).toBe('ok');
		expect(measuredLevel('ok', 800, p95, 'too-few')).toBe('ok');
		expect(measuredLevel('warning', 10, p95, 'too-few')).toBe('warning');
	});
});

describe('validation', () => {
	it('accepts positive levels with warning below critical', () => {
		const result = validateThresholds({
			...DEFAULT_THRESHOLDS,
			queryP95: { warning: 50, critical: 60 },
		});
		expect(result).toEqual({
			ok: true,
			thresholds: { ...DEFAULT_THRESHOLDS, queryP95: { warning: 50, critical: 60 } },
		});
	});

	it('says, per metric, what is wrong', () => {
		const result = validateThresholds({
			size: { warning: 200, critical: 100 },
			memory: { warning: -1, critical: 5 },
			writeRate: { warning: 'many', critical: 5 },
		});
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.errors.size).toMatch(/below the critical/);
		expect(result.errors.memory).toMatch(/above zero/);
		expect(result.errors.writeRate).toMatch(/above zero/);
		expect(result.errors.queryP95).toMatch(/above zero/);
	});

	it('reads stored thresholds metric by metric, falling back to the defaults', () => {
		expect(parseThresholds(null)).toEqual(DEFAULT_THRESHOLDS);
		expect(parseThresholds('not json')).toEqual(DEFAULT_THRESHOLDS);
		expect(
			parseThresholds(
				JSON.stringify({ size: { warning: 1, critical: 2 }, memory: { warning: 9, critical: 3 } }),
			),
		).toEqual({ ...DEFAULT_THRESHOLDS, size: { warning: 1, critical: 2 } });
	});
});

describe('what people read', () => {
	it('formats each metric in its unit', () => {
		expect(formatMetric('size', 150 * MB)).toBe('150 MiB');
		expect(formatMetric('memory', 1.5 * MB)).toBe('1.5 MiB');
		expect(formatMetric('writeRate', 12345.4)).toBe('12,345/h');
		expect(formatMetric('queryP95', 0.123)).toBe('0.12 ms');
		expect(formatMetric('queryP95', 130.4)).toBe('130 ms');
		expect(formatMetric('queryP95', null)).toBe('–');
	});

	it('an alert names the value, the level crossed and the seed’s action', () => {
		expect(alertMessage('size', 'warning', 120 * MB, DEFAULT_THRESHOLDS)).toBe(
			'Database size is 120 MiB, past the warning level of 100 MiB. ' +
				'Rotate or archive old check history (Database → Maintenance), then compact the file with VACUUM.',
		);
		expect(alertMessage('queryP95', 'critical', 700, DEFAULT_THRESHOLDS)).toMatch(
			/^Query time \(P95\) is 700 ms, past the critical level of 500 ms\. .*index/,
		);
		expect(alertMessage('size', 'ok', 50 * MB, DEFAULT_THRESHOLDS)).toBe(
			'Database size is back to normal: 50 MiB.',
		);
	});
});
