/**
 * The synthetic history is a pure function of its seed, and looks like what the scheduler records:
 * the app's messages, durations to 0.1 ms, due times that follow the scheduler's rules, rare trouble.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { syntheticChecks, type SyntheticOptions } from '../../src/worker/domain/history/synthetic';
import { assertStorable, type HistoryCheck } from '../../src/worker/stores/history/checks';

const DAY = 86_400_000;
const FROM = Date.UTC(2026, 0, 1);
const options = (overrides: Partial<SyntheticOptions> = {}): SyntheticOptions => ({
	seed: 42,
	monitorId: 1,
	from: FROM,
	to: FROM + 30 * DAY,
	intervalMs: 60_000,
	...overrides,
});

const hash = (checks: HistoryCheck[]) =>
	createHash('sha256').update(JSON.stringify(checks)).digest('hex');

describe('synthetic history', () => {
	it('is the same for the same seed and monitor, and differs otherwise', () => {
		const once = [...syntheticChecks(options({ to: FROM + 3 * DAY }))];
		expect(hash([...syntheticChecks(options({ to: FROM + 3 * DAY }))])).toBe(hash(once));
		expect(hash([...syntheticChecks(options({ seed: 43, to: FROM + 3 * DAY }))])).not.toBe(
			hash(once),
		);
		expect(hash([...syntheticChecks(options({ monitorId: 2, to: FROM + 3 * DAY }))])).not.toBe(
			hash(once),
		);
		// A pinned digest: a change to the generator shows here (and in benchmarks' comparability).
		expect(hash(once.slice(0, 500))).toBe(
			'512c0dcb406fe142a3e646d270a494b6ea7204b2a6dde56828d20b5b817940f3',
		);
	});

	it('writes what the app writes: storable checks, its messages, durations to 0.1 ms', () => {
		const down =
			/^(No answer within 10 s|Unreachable: no answer from the server \(Failed to fetch\)|HTTP 5\d\d, expected 200-299)$/;
		const full = /^HTTP 20[024] in (\d+) ms(, slower than \d+ ms)?$/;
		const reachability = /^Reachable in (\d+) ms(, slower than \d+ ms)?$/;
		const odd: HistoryCheck[] = [];
		for (let monitorId = 1; monitorId <= 20; monitorId++) {
			for (const check of syntheticChecks(options({ monitorId, to: FROM + 7 * DAY }))) {
				assertStorable(check, 0);
				const quoted = (check.mode === 'full' ? full : reachability).exec(check.message);
				const fine =
					Math.round(check.durationMs * 10) / 10 === check.durationMs &&
					check.startedAt < FROM + 7 * DAY &&
					(check.outcome === 'down'
						? down.test(check.message)
						: quoted !== null && Math.abs(Number(quoted[1]) - check.durationMs) <= 0.5);
				if (!fine) odd.push(check);
			}
		}
		expect(odd).toEqual([]);
	});

	it('follows the scheduler: the next due time is the cadence, or after a late end, or a retry', () => {
		const seen = { cadence: 0, lateEnd: 0, retry: 0, odd: 0 };
		for (let monitorId = 1; monitorId <= 10; monitorId++) {
			const checks = [...syntheticChecks(options({ monitorId }))];
			for (let i = 1; i < checks.length; i++) {
				const [before, after] = [checks[i - 1]!, checks[i]!];
				const end = before.startedAt + Math.ceil(before.durationMs);
				if (after.dueAt - before.dueAt === 60_000) seen.cadence++;
				else if (after.dueAt === end + 60_000) seen.lateEnd++;
				else if (before.outcome === 'down' && after.dueAt === end + 20_000) seen.retry++;
				else seen.odd++;
			}
		}
		expect(seen.odd).toBe(0);
		expect(seen.lateEnd).toBeGreaterThan(10);
		expect(seen.retry).toBeGreaterThan(0);
	});

	it('has rare trouble at realistic rates over 50 monitor-months', () => {
		const counts = {
			checks: 0,
			down: 0,
			degraded: 0,
			maintenance: 0,
			gaps: 0,
			early: 0,
			late: 0,
			halfDown: 0,
		};
		for (let monitorId = 1; monitorId <= 50; monitorId++) {
			for (const check of syntheticChecks(options({ monitorId }))) {
				counts.checks++;
				if (check.outcome !== 'up') counts[check.outcome]++;
				const lateness = check.startedAt - check.dueAt;
				if (lateness >= 5 * 60_000) counts.gaps++;
				else if (lateness < 0) counts.early++;
				else if (lateness >= 10) counts.late++;
				// x.5 ms quoted as x: the message was written from a duration just below the half.
				if (check.durationMs % 1 === 0.5 && check.message.includes(` ${check.durationMs - 0.5} ms`))
					counts.halfDown++;
			}
		}
		const share = (n: number) => n / counts.checks;
		expect(counts.checks).toBeGreaterThan(50 * 30 * 1300);
		expect(share(counts.down)).toBeGreaterThan(0.0005);
		expect(share(counts.down)).toBeLessThan(0.01);
		expect(share(counts.degraded)).toBeGreaterThan(0.0005);
		expect(share(counts.degraded)).toBeLessThan(0.03);
		// The app closed every few days, a clock stepping back now and then, a busy worker 2 % of the time.
		expect(counts.gaps / 50).toBeGreaterThan(5);
		expect(counts.gaps / 50).toBeLessThan(30);
		expect(counts.early).toBeGreaterThan(5);
		expect(share(counts.late)).toBeGreaterThan(0.01);
		expect(share(counts.late)).toBeLessThan(0.05);
		expect(share(counts.halfDown)).toBeGreaterThan(0.02);
	});
});
