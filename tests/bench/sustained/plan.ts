/**
 * What the sustained scenario runs: its settings (from the environment) and the mix of monitors, with
 * the one model of each kind's behaviour that both the starting history (seed.ts) and the live target
 * servers (targets.ts) follow, so the history looks like what the run then produces.
 */
import type { MonitorInput } from '../../../src/shared/monitors';

export interface SustainedSettings {
	monitors: number;
	intervalS: number;
	/** The measured window; a warm-up of one interval (plus the time to open) comes before it. */
	minutes: number;
	targetMB: number;
	/** `reopen`: the app is opened on a database whose monitors fell due while it was closed (the common
	 * case for a browser app). `staggered`: monitors are resumed one by one across one interval. */
	start: 'reopen' | 'staggered';
	/** A 30-day chart is opened this often (ms), each time for another monitor. */
	chartEveryMs: number;
}

function numberFrom(name: string, fallback: number, min: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min}`);
	return value;
}

export function sustainedSettings(): SustainedSettings {
	const start = process.env.BENCH_SUSTAINED_START ?? 'reopen';
	if (start !== 'reopen' && start !== 'staggered')
		throw new Error('BENCH_SUSTAINED_START is "reopen" or "staggered"');
	return {
		monitors: Math.round(numberFrom('BENCH_SUSTAINED_MONITORS', 200, 20)),
		// The app refuses intervals under 10 s (src/shared/monitors.ts), and so does this scenario.
		intervalS: Math.round(numberFrom('BENCH_SUSTAINED_INTERVAL_S', 30, 10)),
		minutes: numberFrom('BENCH_SUSTAINED_MINUTES', 10, 0.5),
		targetMB: numberFrom('BENCH_SUSTAINED_MB', 50, 1),
		start,
		chartEveryMs: 3_000,
	};
}

/**
 * Kinds of target. Every twenty monitors: ten healthy (two with body conditions), two slow (degraded in
 * slow spells), two reachability-only, one answering 500, one hanging up, two flapping, one without
 * CORS checked in full mode (CORS-blocked), one that stalls past its timeout.
 */
export const KINDS = [
	'fast',
	'fast',
	'fast',
	'fast',
	'fast',
	'fast',
	'fast',
	'keyword',
	'json',
	'fast',
	'slow',
	'slow',
	'plain',
	'plain',
	'error',
	'hangup',
	'flaky',
	'flaky',
	'cors',
	'stall',
] as const;
export type Kind = (typeof KINDS)[number];

export const kindOf = (index: number): Kind => KINDS[index % KINDS.length]!;

export const SLOW_LIMIT_MS = 1000;
export const STALL_TIMEOUT_MS = 2000;

/** The monitor for the `index`-th target (0-based) at `url` (a target server's URL for its kind). */
export function monitorInput(index: number, url: string, intervalS: number): MonitorInput {
	const kind = kindOf(index);
	const base: MonitorInput = { name: `Bench ${kind} ${index + 1}`, url, intervalS };
	switch (kind) {
		case 'keyword':
			return { ...base, conditions: { keyword: { text: '"ok"', present: true } } };
		case 'json':
			return {
				...base,
				conditions: { json: { path: 'db.latency', operator: '<', value: '100' } },
			};
		case 'slow':
			return { ...base, conditions: { maxResponseMs: SLOW_LIMIT_MS } };
		case 'plain':
			return { ...base, mode: 'reachability' };
		case 'hangup':
		case 'flaky':
			return { ...base, retries: 1 };
		case 'stall':
			return { ...base, timeoutMs: STALL_TIMEOUT_MS };
		default:
			return base;
	}
}

function mix(h: number, v: number): number {
	h ^= Math.imul((v | 0) ^ Math.floor(v / 2 ** 32), 0x85ebca6b);
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
	return h ^ (h >>> 16);
}

/** A deterministic number in [0, 1) from three integers (xorshift-multiply hash). */
export function hash01(a: number, b: number, c: number): number {
	return (mix(mix(mix(0x9e3779b9, a), b), c) >>> 0) / 2 ** 32;
}

/** How often slow spells and outages happen: rarer in the 30-day history than in the live run, so the
 * history holds a plausible number of events and the run still sees state changes every few minutes. */
export interface Weather {
	slowSpellMs: number;
	slowSpellChance: number;
	outageMs: number;
	outageChance: number;
}

export const HISTORY_WEATHER: Weather = {
	slowSpellMs: 10 * 60_000,
	slowSpellChance: 0.01,
	outageMs: 20 * 60_000,
	outageChance: 0.015,
};

export const LIVE_WEATHER: Weather = {
	slowSpellMs: 3 * 60_000,
	slowSpellChance: 0.15,
	outageMs: 2 * 60_000,
	outageChance: 0.3,
};

export function inSlowSpell(index: number, at: number, w: Weather): boolean {
	return hash01(index, 1, Math.floor(at / w.slowSpellMs)) < w.slowSpellChance;
}

export function inOutage(index: number, at: number, w: Weather): boolean {
	return hash01(index, 2, Math.floor(at / w.outageMs)) < w.outageChance;
}

/** Response time of a slow target at `at`: 80–700 ms, or 1.1–1.8 s in a slow spell. */
export function slowDelayMs(index: number, at: number, w: Weather, jitter: number): number {
	return inSlowSpell(index, at, w) ? 1100 + jitter * 700 : 80 + jitter * 620;
}
