/**
 * Database health: the seed document's scaling triggers (size, memory, write rate, query time P95),
 * the level each metric is at, and what to do about it in plain words. Pure, shared by the worker (which
 * measures and records level changes) and the UI (which shows them and edits the thresholds).
 */
import { formatBytes } from './format';
import { parseJson } from './json';

export const HEALTH_METRICS = ['size', 'memory', 'writeRate', 'queryP95'] as const;
export type HealthMetric = (typeof HEALTH_METRICS)[number];

export const HEALTH_LEVELS = ['ok', 'warning', 'critical'] as const;
export type HealthLevel = (typeof HEALTH_LEVELS)[number];

export interface Threshold {
	warning: number;
	critical: number;
}

/** In base units: bytes, bytes, durable writes per hour, milliseconds. */
export type Thresholds = Record<HealthMetric, Threshold>;

const MB = 1024 * 1024;

/**
 * The seed's table, except the write rate. The seed's 500 / 1000 writes per hour described a file
 * exported whole after every write; ours are set from what this persistence layer was measured to
 * sustain (`npx tsx tests/bench/health-write-rate.ts`, Chromium 156, 2 shared and busy cores,
 * November 2026): durable check writes one at a time, each awaited, ran at 246/s on a 2 MB database,
 * 145/s at 11 MB, 182/s at 51 MB and 89/s at 100 MB (the size warning), about 320,000 an hour.
 * Warning at about a third of that (saves busy a third of the time), critical at about two thirds,
 * before the writer is saturated. 200 monitors checked every 30 s make 24,000 writes an hour.
 */
export const DEFAULT_THRESHOLDS: Thresholds = {
	size: { warning: 100 * MB, critical: 200 * MB },
	memory: { warning: 400 * MB, critical: 800 * MB },
	writeRate: { warning: 100_000, critical: 200_000 },
	queryP95: { warning: 100, critical: 500 },
};

/** The settings row the thresholds are stored in (JSON, base units). */
export const THRESHOLDS_KEY = 'health_thresholds';

/**
 * A metric goes back down a level only once it is this share below that level's threshold, so a value
 * hovering around a threshold does not raise an alert on every sample.
 */
export const HYSTERESIS = 0.1;

const RANK: Record<HealthLevel, number> = { ok: 0, warning: 1, critical: 2 };

export function levelRank(level: HealthLevel): number {
	return RANK[level];
}

/** The level a value is at, ignoring history: at or above a threshold is that level. */
export function rawLevel(value: number, threshold: Threshold): HealthLevel {
	if (value >= threshold.critical) return 'critical';
	if (value >= threshold.warning) return 'warning';
	return 'ok';
}

/**
 * The level a metric moves to from `current` for a new value: up as soon as a threshold is reached,
 * down only once the value is `hysteresis` below the threshold of the level it leaves. A null value
 * (nothing measured) keeps the level.
 */
export function nextLevel(
	current: HealthLevel,
	value: number | null,
	threshold: Threshold,
	hysteresis = HYSTERESIS,
): HealthLevel {
	if (value === null || !Number.isFinite(value)) return current;
	const raw = rawLevel(value, threshold);
	if (RANK[raw] >= RANK[current]) return raw;
	let level = current;
	while (level !== 'ok' && value < threshold[level] * (1 - hysteresis)) {
		level = level === 'critical' ? 'warning' : 'ok';
	}
	return level;
}

/**
 * How far a measured value can be trusted to move a level: `exact`; `lower-bound`, a count that began
 * less than its window ago (it can show a rise, never a fall: a reload must not turn a warning into
 * "back to normal" and raise it again an hour later); `too-few`, too few samples to mean anything (it
 * moves no level, either way).
 */
export type Confidence = 'exact' | 'lower-bound' | 'too-few';

/** The level a metric moves to from `current` for a measured value (see `nextLevel`, `Confidence`). */
export function measuredLevel(
	current: HealthLevel,
	value: number | null,
	threshold: Threshold,
	confidence: Confidence = 'exact',
): HealthLevel {
	if (confidence === 'too-few') return current;
	const level = nextLevel(current, value, threshold);
	if (confidence === 'lower-bound' && RANK[level] < RANK[current]) return current;
	return level;
}

/** A move between levels that the person hears about: into warning or critical from below. */
export function isRaise(from: HealthLevel, to: HealthLevel): boolean {
	return RANK[to] > RANK[from];
}

export interface MetricInfo {
	label: string;
	/** What the metric measures, in one sentence. */
	describe: string;
	/** The seed's recommended action, for this app, per level. */
	action: Record<Exclude<HealthLevel, 'ok'>, string>;
}

export const METRIC_INFO: Record<HealthMetric, MetricInfo> = {
	size: {
		label: 'Database size',
		describe: 'The size of monitor.db: it is kept in memory and saved to the browser as a whole.',
		action: {
			warning:
				'Rotate or archive old check history (Database → Maintenance), then compact the file with VACUUM.',
			critical:
				'Archive old history and compact now. If it stays this large, export the database and start a fresh one with a shorter history.',
		},
	},
	memory: {
		label: 'Memory',
		describe:
			'What the database takes in the worker: the file itself (sql.js keeps it in memory) plus SQLite’s WebAssembly heap.',
		action: {
			warning:
				'Keep less history (Settings → History) and archive old data: the whole database lives in memory.',
			critical:
				'Archive old data and compact now, or export the database and start fresh: the browser may stop the tab when memory runs out.',
		},
	},
	writeRate: {
		label: 'Write rate',
		describe: 'Durable writes in the last hour: every check result is one.',
		action: {
			warning:
				'Check less often, or pause monitors you do not need: every check is saved to the browser’s storage.',
			critical:
				'Lengthen check intervals now: at this rate saving no longer keeps up, and changes wait longer before they are stored.',
		},
	},
	queryP95: {
		label: 'Query time (P95)',
		describe: '95% of the statements the database ran recently took at most this long.',
		action: {
			warning:
				'Run Optimize (Database → Maintenance; it refreshes SQLite’s statistics) and look at the slowest statements on the Database page; archiving old history helps too.',
			critical:
				'Run Optimize, archive old data and compact. A statement that stays slow needs an index: report it with its text from the Database page.',
		},
	},
};

/** A value in the metric's own unit, for people. */
export function formatMetric(metric: HealthMetric, value: number | null): string {
	if (value === null) return '–';
	switch (metric) {
		case 'size':
		case 'memory':
			return formatBytes(value);
		case 'writeRate':
			return `${Math.round(value).toLocaleString('en-US')}/h`;
		case 'queryP95':
			return value < 10 ? `${value.toFixed(2)} ms` : `${Math.round(value)} ms`;
	}
}

/** The unit thresholds are edited in, and the factor from it to the stored base unit. */
export const THRESHOLD_UNITS: Record<HealthMetric, { unit: string; factor: number }> = {
	size: { unit: 'MiB', factor: MB },
	memory: { unit: 'MiB', factor: MB },
	writeRate: { unit: 'writes/hour', factor: 1 },
	queryP95: { unit: 'ms', factor: 1 },
};

/** One sentence for a level change, as the banner (and later a Telegram message) says it. */
export function alertMessage(
	metric: HealthMetric,
	level: HealthLevel,
	value: number,
	thresholds: Thresholds,
): string {
	const info = METRIC_INFO[metric];
	const now = formatMetric(metric, value);
	if (level === 'ok') return `${info.label} is back to normal: ${now}.`;
	const limit = formatMetric(metric, thresholds[metric][level]);
	return `${info.label} is ${now}, past the ${level} level of ${limit}. ${info.action[level]}`;
}

/**
 * Checks thresholds from outside (a form, a stored row). Returns the thresholds or, per metric, why
 * they are not valid.
 */
export function validateThresholds(
	input: unknown,
):
	| { ok: true; thresholds: Thresholds }
	| { ok: false; errors: Partial<Record<HealthMetric, string>> } {
	const source = (typeof input === 'object' && input !== null ? input : {}) as Record<
		string,
		unknown
	>;
	const errors: Partial<Record<HealthMetric, string>> = {};
	const thresholds = {} as Thresholds;
	for (const metric of HEALTH_METRICS) {
		const t = (source[metric] ?? {}) as Record<string, unknown>;
		const warning = Number(t.warning);
		const critical = Number(t.critical);
		if (!(Number.isFinite(warning) && warning > 0 && Number.isFinite(critical) && critical > 0)) {
			errors[metric] = 'Both levels must be numbers above zero.';
		} else if (warning >= critical) {
			errors[metric] = 'The warning level must be below the critical level.';
		} else {
			thresholds[metric] = { warning, critical };
		}
	}
	return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, thresholds };
}

/** Reads stored thresholds; anything missing or invalid falls back to the defaults, metric by metric. */
export function parseThresholds(json: string | null | undefined): Thresholds {
	// A damaged row reads as the defaults; saving the form writes a good one.
	const parsed = parseJson(json);
	const stored = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
		string,
		unknown
	>;
	const result = { ...DEFAULT_THRESHOLDS };
	for (const metric of HEALTH_METRICS) {
		const one = validateThresholds({ ...DEFAULT_THRESHOLDS, [metric]: stored[metric] });
		if (one.ok) result[metric] = one.thresholds[metric];
	}
	return result;
}

// What the worker reports.

export interface Percentiles {
	p50: number | null;
	p95: number | null;
	p99: number | null;
	/** How many samples the percentiles are over. */
	count: number;
}

export interface SlowStatement {
	/** The SQL with literals replaced by `?` (SQLite's own normalisation where it could be used). */
	sql: string;
	count: number;
	avgMs: number;
	maxMs: number;
}

export interface MetricStatus {
	metric: HealthMetric;
	value: number | null;
	level: HealthLevel;
	threshold: Threshold;
}

export interface TableRows {
	name: string;
	rows: number;
}

/** What check history takes, tier by tier (bytes estimated from row counts: sql.js has no dbstat). */
export interface HistoryTiers {
	rows: { rows: number; bytes: number };
	blocks: { blocks: number; checks: number; bytes: number };
	rollups: { rows: number; bytes: number };
	/** All three tiers over every check kept (rows and blocks); null without checks. */
	bytesPerCheck: number | null;
}

export interface HealthReport {
	at: number;
	sizeBytes: number;
	pageSize: number;
	pageCount: number;
	freePages: number;
	schemaVersion: number;
	tables: TableRows[];
	/** Absent on a schema older than compacted history (007). */
	history?: HistoryTiers;
	queries: Percentiles & {
		/** The rolling window: the latest statements of this many milliseconds. */
		windowMs: number;
		/** Statements run since this worker opened the database. */
		total: number;
		slowest: SlowStatement[];
	};
	/** Durable writes in the last hour, and since when this worker counts (it started less than an hour ago). */
	writes: { lastHour: number; countingSince: number };
	saves: Percentiles;
	memory: { totalBytes: number; fileBytes: number; wasmBytes: number | null };
	storage: { usage: number; quota: number } | null;
	metrics: MetricStatus[];
	thresholds: Thresholds;
	/** When this worker became the owner: query and write statistics start there. */
	since: number;
}

export const HEALTH_RANGES = ['24h', '7d', '30d'] as const;
export type HealthRange = (typeof HEALTH_RANGES)[number];

export interface HealthPoint {
	t: number;
	sizeBytes: number | null;
	queryP95: number | null;
	/** The file plus SQLite's wasm heap. */
	memoryBytes: number | null;
	/** Durable writes in the hour before the sample. */
	writesPerHour: number | null;
}

export interface HealthHistory {
	range: HealthRange;
	from: number;
	to: number;
	bucketMs: number;
	points: HealthPoint[];
}

export interface HealthAlert {
	id: number;
	at: number;
	metric: HealthMetric;
	level: HealthLevel;
	previous: HealthLevel;
	value: number;
	message: string;
}

/** How long samples are kept: the page charts up to 30 days. */
export const SAMPLES_KEPT_DAYS = 30;
/** How often the owner writes a sample. */
export const SAMPLE_EVERY_MS = 5 * 60 * 1000;

// Maintenance.

/** Rows archived (copied into the file) or, once confirmed, removed from the database. */
export interface ArchiveRemoved {
	/** Checks, whether rows or in history blocks (a block counts the checks it holds). */
	checks: number;
	rollups: number;
	/** Sent, failed and uncertain Telegram messages (the notification log). */
	notifications: number;
}

/**
 * An archive made and not yet applied: its rows are still in the database. They are removed by
 * `maintenance.archiveConfirm` with `token`, once the person says the download finished.
 */
export interface ArchiveResult extends ArchiveRemoved {
	/** The archive file, or null when nothing was old enough to archive. */
	file: { filename: string; bytes: Uint8Array } | null;
	/** Names this archive to confirm or discard; null without a file. */
	token: string | null;
}

export interface VacuumResult {
	beforeBytes: number;
	afterBytes: number;
	/** How long VACUUM held the database (every call waited meanwhile). */
	blockedMs: number;
}

export interface OptimizeResult {
	/** The ANALYZE statements `PRAGMA optimize` ran; empty when the statistics were current. */
	analyzed: string[];
	ms: number;
}

export interface IntegrityResult {
	ok: boolean;
	/** SQLite's own words: `ok`, or the problems it found (at most 100). */
	messages: string[];
	/** Foreign-key violations, as `table rowid → parent`. */
	foreignKeys: string[];
	ms: number;
	sizeBytes: number;
}

/** The file name an archive gets: `monitor-archive-2026-11-26-153012.db`. */
export function archiveFilename(at: number): string {
	const d = new Date(at);
	const pad = (n: number) => String(n).padStart(2, '0');
	return (
		`monitor-archive-${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}-` +
		`${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}.db`
	);
}
