/**
 * Realistic check history for benchmarks and tests, as a pure function of a seed: what the scheduler
 * (domain/checks/scheduler.ts) and the HTTP check (http.ts, evaluate.ts) would have recorded for one
 * monitor. Latency noise with a daily swell and a long tail, rare outages (timeouts, unreachable, HTTP
 * errors) with the app's own messages, degraded spells above a threshold, retries that shift the schedule,
 * the app closed for hours (a gap, then one late check), timer lag, and now and then the clock stepping
 * back (a check that starts before it was due).
 *
 * Deterministic everywhere: a 32-bit PRNG and only + - * / floor and round, which IEEE 754 defines
 * exactly (Math.exp, log and sin may differ between engines).
 */
import type { CheckMode, Outcome } from '../../../shared/checks';
import type { HistoryCheck } from '../../stores/history/checks';

export interface SyntheticOptions {
	seed: number;
	/** Monitors under one seed differ; the same (seed, monitor) always gives the same history. */
	monitorId: number;
	/** The first check is due in the first interval from here (epoch ms). */
	from: number;
	/** No check starts at or after this. */
	to: number;
	intervalMs: number;
	/** By default drawn from the monitor's profile (about one monitor in eight is reachability). */
	mode?: CheckMode;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const RETRY_DELAY_MS = 20_000;

/** sfc32 seeded through splitmix32: small, fast, and the same numbers in every engine. */
function random(seed: number, stream: number): () => number {
	let state = (seed ^ Math.imul(stream, 0x9e3779b9)) >>> 0;
	const split = () => {
		state = (state + 0x9e3779b9) >>> 0;
		let z = state;
		z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
		z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
		return (z ^ (z >>> 16)) >>> 0;
	};
	let a = split();
	let b = split();
	let c = split();
	let d = split();
	return () => {
		const t = (((a + b) | 0) + d) | 0;
		d = (d + 1) | 0;
		a = b ^ (b >>> 9);
		b = (c + (c << 3)) | 0;
		c = (c << 21) | (c >>> 11);
		c = (c + t) | 0;
		return (t >>> 0) / 4_294_967_296;
	};
}

interface Profile {
	mode: CheckMode;
	baseMs: number;
	/** Relative spread of the latency noise. */
	spread: number;
	okStatus: number;
	/** Above this the check is degraded; undefined when the monitor has no threshold. */
	maxResponseMs: number | undefined;
	retries: number;
	timeoutMs: number;
}

function profileOf(next: () => number, options: SyntheticOptions): Profile {
	const mode = options.mode ?? (next() < 0.125 ? 'reachability' : 'full');
	const baseMs = 15 + 400 * next() * next();
	const statusDraw = next();
	return {
		mode,
		baseMs,
		spread: 0.05 + 0.25 * next(),
		okStatus: statusDraw < 0.85 ? 200 : statusDraw < 0.95 ? 204 : 202,
		maxResponseMs:
			next() < 0.4 ? Math.max(100, Math.round((baseMs * (2 + 2 * next())) / 50) * 50) : undefined,
		retries: next() < 0.7 ? 0 : 1 + Math.floor(next() * 3),
		timeoutMs: Math.min(10_000, options.intervalMs),
	};
}

/** -1 … 1 … -1 over a day, peaking mid-afternoon UTC: the daily swell of load, without Math.sin. */
function dailySwell(at: number): number {
	const phase = ((((at - 15 * HOUR) % DAY) + DAY) % DAY) / DAY;
	return 1 - 4 * Math.abs(phase - 0.5);
}

type Trouble = 'timeout' | 'unreachable' | 'http';

export function* syntheticChecks(options: SyntheticOptions): Generator<HistoryCheck> {
	const next = random(options.seed, options.monitorId);
	const profile = profileOf(next, options);
	const { intervalMs } = options;
	const chance = (meanEveryMs: number) => next() < intervalMs / meanEveryMs;
	let due = options.from + Math.floor(next() * intervalMs);
	let outageUntil = -1;
	let outage: Trouble = 'timeout';
	let outageStatus = 503;
	let slowUntil = -1;
	let slowFactor = 1;
	let failures = 0;
	for (;;) {
		let startedAt = due + lag(next);
		// The app was closed: the check due meanwhile runs when it opens again, late by the whole gap.
		if (chance(2 * DAY)) startedAt = due + 5 * MINUTE + Math.floor(10 * HOUR * next() * next());
		// The clock stepped back while the timer waited: the check starts "before" it was due.
		else if (chance(45 * DAY)) startedAt = due - 1000 - Math.floor(29_000 * next());
		if (startedAt >= options.to) return;

		if (startedAt >= outageUntil && chance(7 * DAY)) {
			outageUntil = startedAt + MINUTE + Math.floor(59 * MINUTE * next() * next());
			const draw = next();
			outage =
				draw < 0.4
					? 'timeout'
					: draw < 0.7 || profile.mode === 'reachability'
						? 'unreachable'
						: 'http';
			outageStatus = [500, 502, 503, 504][Math.floor(next() * 4)]!;
		}
		if (startedAt >= slowUntil && chance(3 * DAY)) {
			slowUntil = startedAt + 5 * MINUTE + Math.floor(2 * HOUR * next() * next());
			slowFactor = 3 + 5 * next();
		}
		const check =
			startedAt < outageUntil
				? failed(outage, outageStatus, profile, next)
				: answered(startedAt < slowUntil ? slowFactor : 1, startedAt, profile, next);
		yield { dueAt: due, startedAt, mode: profile.mode, ...check };

		failures = check.outcome === 'down' ? failures + 1 : 0;
		const end = startedAt + Math.ceil(check.durationMs);
		const cadence = due + intervalMs;
		const retrying = failures > 0 && failures <= profile.retries;
		due = retrying
			? end + Math.min(RETRY_DELAY_MS, intervalMs)
			: cadence > end
				? cadence
				: end + intervalMs;
	}
}

/** Timer lag between due and start: a few ms, sometimes a busy worker's hundreds. */
function lag(next: () => number): number {
	const draw = next();
	return draw < 0.98 ? Math.floor(5 * draw * draw * draw) : 10 + Math.floor(490 * next() * next());
}

type Result = Pick<HistoryCheck, 'durationMs' | 'outcome' | 'httpStatus' | 'message'>;

/** Rounds like `performance.now()` differences do: to 0.1 ms, the whole ms quoted from the unrounded value. */
function measured(ms: number, next: () => number): { durationMs: number; quoted: number } {
	const tenths = Math.max(1, Math.round(ms * 10));
	// A duration of x.5 ms was x.4999… or x.5000… before rounding: messages quote either.
	const quoted = tenths % 10 === 5 && next() < 0.5 ? (tenths - 5) / 10 : Math.round(tenths / 10);
	return { durationMs: tenths / 10, quoted };
}

function answered(slowFactor: number, at: number, profile: Profile, next: () => number): Result {
	const noise = 1 + profile.spread * (next() + next() + next() - 1.5);
	const tail = next() < 0.03 ? 1 / (0.2 + 0.8 * next()) : 1;
	const ms = profile.baseMs * (1 + 0.15 * dailySwell(at)) * noise * tail * slowFactor;
	const { durationMs, quoted } = measured(Math.min(ms, profile.timeoutMs - 1), next);
	const full = profile.mode === 'full';
	const status = full ? profile.okStatus : null;
	const said = full ? `HTTP ${status} in ${quoted} ms` : `Reachable in ${quoted} ms`;
	const max = profile.maxResponseMs;
	const outcome: Outcome = max !== undefined && durationMs > max ? 'degraded' : 'up';
	const message = outcome === 'degraded' ? `${said}, slower than ${max} ms` : said;
	return { durationMs, outcome, httpStatus: status, message };
}

function failed(trouble: Trouble, status: number, profile: Profile, next: () => number): Result {
	if (trouble === 'timeout') {
		const { durationMs } = measured(profile.timeoutMs + 1 + 30 * next(), next);
		const seconds =
			profile.timeoutMs % 1000 === 0
				? `${profile.timeoutMs / 1000} s`
				: `${(profile.timeoutMs / 1000).toFixed(1)} s`;
		return {
			durationMs,
			outcome: 'down',
			httpStatus: null,
			message: `No answer within ${seconds}`,
		};
	}
	if (trouble === 'unreachable') {
		const { durationMs } = measured(1 + 60 * next() * next(), next);
		const message = 'Unreachable: no answer from the server (Failed to fetch)';
		return { durationMs, outcome: 'down', httpStatus: null, message };
	}
	const { durationMs } = measured(profile.baseMs * (0.5 + next()), next);
	return {
		durationMs,
		outcome: 'down',
		httpStatus: status,
		message: `HTTP ${status}, expected 200-299`,
	};
}
