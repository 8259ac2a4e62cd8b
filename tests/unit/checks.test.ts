import { describe, expect, it } from 'vitest';
import { parseJsonPath, parseStatusRanges, validateConditions } from '../../src/shared/checks';
import { evaluate } from '../../src/worker/domain/checks/evaluate';
import { transition } from '../../src/worker/domain/checks/transition';

const ok = (body: string | null = null, status = 200, durationMs = 50) => ({
	status,
	durationMs,
	body,
});

describe('conditions', () => {
	it('accepts 200–299 by default and any listed codes or ranges', () => {
		expect(evaluate(ok(), {})).toEqual({ outcome: 'up', message: 'HTTP 200 in 50 ms' });
		expect(evaluate(ok(null, 500), {})).toEqual({
			outcome: 'down',
			message: 'HTTP 500, expected 200-299',
		});
		expect(evaluate(ok(null, 304), { statusCodes: '200-299, 304' }).outcome).toBe('up');
		expect(evaluate(ok(null, 404), { statusCodes: '404' }).outcome).toBe('up');
		expect(evaluate(ok(null, 200), { statusCodes: '404' }).outcome).toBe('down');
	});

	it('is degraded above the response-time threshold, and says so', () => {
		expect(evaluate(ok(null, 200, 900), { maxResponseMs: 500 })).toEqual({
			outcome: 'degraded',
			message: 'HTTP 200 in 900 ms, slower than 500 ms',
		});
		expect(evaluate(ok(null, 200, 400), { maxResponseMs: 500 }).outcome).toBe('up');
	});

	it('looks for a keyword to be present, or absent', () => {
		expect(
			evaluate(ok('all systems operational'), { keyword: { text: 'operational', present: true } })
				.outcome,
		).toBe('up');
		expect(
			evaluate(ok('major outage'), { keyword: { text: 'operational', present: true } }),
		).toEqual({
			outcome: 'down',
			message: 'HTTP 200, keyword “operational” not found',
		});
		expect(
			evaluate(ok('error: db down'), { keyword: { text: 'error', present: false } }).message,
		).toBe('HTTP 200, keyword “error” found');
	});

	it('compares a JSON field with a value', () => {
		const body = JSON.stringify({
			status: 'ok',
			db: { latency: 12, replicas: ['a', 'b'] },
			items: [{ state: 'green' }],
		});
		const json = (path: string, operator: '==' | '!=' | '<' | '>' | 'contains', value: string) =>
			evaluate(ok(body), { json: { path, operator, value } });
		expect(json('status', '==', 'ok').outcome).toBe('up');
		expect(json('$.db.latency', '<', '50').outcome).toBe('up');
		expect(json('db.latency', '>', '50')).toEqual({
			outcome: 'down',
			message: 'HTTP 200, db.latency is 12, expected > 50',
		});
		expect(json('items[0].state', '==', 'green').outcome).toBe('up');
		expect(json('db.replicas', 'contains', 'b').outcome).toBe('up');
		expect(json('status', '!=', 'ok').outcome).toBe('down');
		expect(json('nope.deeper', '==', 'x').message).toBe('HTTP 200, nope.deeper is missing');
		expect(
			evaluate(ok('<html>'), { json: { path: 'status', operator: '==', value: 'ok' } }).message,
		).toBe('HTTP 200, the body is not JSON');
	});

	it('stores a short message: a JSON value is quoted to 80 characters, the message to 200, never the body', () => {
		const secret = 'x'.repeat(5_000);
		const body = JSON.stringify({
			data: { blob: secret, list: Array.from({ length: 500 }, (_, i) => i) },
		});
		const failed = evaluate(ok(body), { json: { path: 'data', operator: '==', value: 'small' } });
		expect(failed.outcome).toBe('down');
		expect(failed.message).toMatch(/^HTTP 200, data is \{"blob":"x+…, expected == small$/);
		expect(Array.from(failed.message.split(' is ')[1]!.split(', expected')[0]!)).toHaveLength(80);
		expect(failed.message).not.toContain(secret);

		const longKeyword = '🙂'.repeat(300);
		const keyword = evaluate(ok('body'), { keyword: { text: longKeyword, present: true } });
		expect(Array.from(keyword.message)).toHaveLength(200);
		expect(keyword.message.endsWith('…')).toBe(true);
		// Cut between code points: no half of a surrogate pair is left.
		expect(keyword.message).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
	});

	it('checks the status before the body, and the body before the time', () => {
		expect(
			evaluate(ok('x', 503, 9000), { keyword: { text: 'y', present: true }, maxResponseMs: 10 })
				.message,
		).toBe('HTTP 503, expected 200-299');
	});

	it('parses status lists, JSON paths and refuses what reachability mode cannot see', () => {
		expect(parseStatusRanges('200-299, 304')).toEqual([
			[200, 299],
			[304, 304],
		]);
		expect(parseStatusRanges('2xx')).toBeNull();
		expect(parseStatusRanges('299-200')).toBeNull();
		expect(parseJsonPath('a.b[2].c')).toEqual(['a', 'b', 2, 'c']);
		expect(parseJsonPath('a..b')).toBeNull();
		expect(
			validateConditions({ keyword: { text: 'x', present: true } }, {}, 'reachability').statusCodes,
		).toMatch(/full mode/);
		expect(validateConditions({}, { Authorization: 'Bearer x' }, 'reachability').headers).toMatch(
			/full mode/,
		);
		expect(validateConditions({}, { 'Bad Header': 'x' }, 'full').headers).toBeDefined();
		expect(validateConditions({ maxResponseMs: 300 }, { 'X-Api-Key': 'k' }, 'full')).toEqual({});
	});
});

describe('state machine', () => {
	it('makes the first check an event', () => {
		expect(transition({ state: 'unknown', failures: 0 }, 'up', 0)).toEqual({
			state: 'up',
			retrying: false,
			failures: 0,
			event: { from: null, to: 'up' },
		});
	});

	it('retries before declaring down, keeping the state meanwhile', () => {
		let status = { state: 'up' as const, failures: 0 };
		const first = transition(status, 'down', 2);
		expect(first).toEqual({ state: 'up', retrying: true, failures: 1, event: null });
		const second = transition({ state: 'up', failures: first.failures }, 'down', 2);
		expect(second.retrying).toBe(true);
		const third = transition({ state: 'up', failures: second.failures }, 'down', 2);
		expect(third).toEqual({
			state: 'down',
			retrying: false,
			failures: 3,
			event: { from: 'up', to: 'down' },
		});
		status = { state: 'up', failures: 0 };
		expect(transition(status, 'up', 2).event).toBeNull();
	});

	it('records recovery and degradation as events, and repeated states as none', () => {
		expect(transition({ state: 'down', failures: 4 }, 'up', 0).event).toEqual({
			from: 'down',
			to: 'up',
		});
		expect(transition({ state: 'up', failures: 0 }, 'degraded', 0).event).toEqual({
			from: 'up',
			to: 'degraded',
		});
		expect(transition({ state: 'degraded', failures: 0 }, 'degraded', 0).event).toBeNull();
		expect(transition({ state: 'down', failures: 1 }, 'down', 0)).toMatchObject({
			state: 'down',
			failures: 2,
			event: null,
		});
	});
});
