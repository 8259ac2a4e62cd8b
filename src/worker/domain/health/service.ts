/**
 * Database health in the owner: measures the seed's metrics, evaluates them against the thresholds,
 * records every change of level in `health_alerts` (the banner reads it there; a rise also goes to the
 * default Telegram chats through the outbox, in the same write) and writes a sample to `health_samples`
 * every few minutes for the 30-day charts.
 *
 * Its own statements run untimed: the query times it reports are the app's, not its own.
 */
import { AppError } from '../../../shared/errors';
import {
	alertMessage,
	HEALTH_METRICS,
	isRaise,
	measuredLevel,
	parseThresholds,
	SAMPLES_KEPT_DAYS,
	validateThresholds,
	type HealthAlert,
	type HealthHistory,
	type HealthLevel,
	type HealthMetric,
	type HealthRange,
	type HealthReport,
	type IntegrityResult,
	type Thresholds,
} from '../../../shared/health';
import type { LiveDatabase } from '../../core/database/live-database';
import type { Engine } from '../../core/engine';
import type { SqlJs } from '../../core/scratch';
import { schemaVersion, tableRows } from '../../stores/database-file';
import {
	deleteSamplesBefore,
	dismissAlert,
	hasHealthTables,
	insertAlert,
	insertSample,
	latestUndismissedAlerts,
	pruneAlerts,
	sampleBuckets,
	storedLevels,
} from '../../stores/health';
import { getSetting, putSetting, THRESHOLDS_KEY } from '../../stores/settings';
import { measure, type Measured } from './measure';
import { enqueueHealthAlert } from './telegram';

export interface HealthEnv {
	now: () => number;
	/** Bytes of sql.js's WebAssembly memory, or null where it cannot be read. */
	wasmBytes: () => number | null;
	/** `navigator.storage.estimate()`, or null where there is none. */
	storage: () => Promise<{ usage: number; quota: number } | null>;
	/** Checks a copy of the database file (in a worker of its own in the browser). */
	checkIntegrity: (image: Uint8Array) => Promise<IntegrityResult>;
	/** sql.js, to build archive files. */
	sql: () => Promise<SqlJs>;
}

const DAY = 86_400_000;
/** Alert rows kept (the latest of each metric always stays: it is the metric's current level). */
const ALERTS_KEPT = 500;
const RANGES: Record<HealthRange, { spanMs: number; bucketMs: number }> = {
	'24h': { spanMs: DAY, bucketMs: 5 * 60_000 },
	'7d': { spanMs: 7 * DAY, bucketMs: 30 * 60_000 },
	'30d': { spanMs: 30 * DAY, bucketMs: 2 * 60 * 60_000 },
};

export class HealthService {
	readonly #db: LiveDatabase;
	readonly env: HealthEnv;

	constructor(db: LiveDatabase, env: HealthEnv) {
		this.#db = db;
		this.env = env;
	}

	get #engine(): Engine {
		return this.#db.engine;
	}

	thresholds(): Thresholds {
		return this.#engine.untimed(() => parseThresholds(getSetting(this.#engine, THRESHOLDS_KEY)));
	}

	/** Validates and stores new thresholds, then evaluates at once against them. */
	async setThresholds(input: unknown): Promise<Thresholds> {
		const checked = validateThresholds(input);
		if (!checked.ok) throw new AppError('invalid-input', undefined, { fields: checked.errors });
		await this.#db.write(() =>
			putSetting(this.#engine, THRESHOLDS_KEY, JSON.stringify(checked.thresholds), this.env.now()),
		);
		await this.evaluate();
		return checked.thresholds;
	}

	async report(): Promise<HealthReport> {
		const storage = await this.#storage();
		return this.#engine.untimed(() => {
			const m = this.#measure();
			const thresholds = this.thresholds();
			const stored = this.#storedLevels();
			return {
				at: this.env.now(),
				sizeBytes: m.sizeBytes,
				pageSize: m.pageSize,
				pageCount: m.pageCount,
				freePages: m.freePages,
				schemaVersion: schemaVersion(this.#engine),
				tables: tableRows(this.#engine),
				queries: {
					...m.queries,
					windowMs: this.#db.health.queryWindowMs,
					slowest: this.#db.health.slowest(10),
				},
				writes: { lastHour: m.writes, countingSince: this.#db.health.since },
				saves: m.saves,
				memory: { totalBytes: m.memoryBytes, fileBytes: m.sizeBytes, wasmBytes: m.wasmBytes },
				storage,
				metrics: HEALTH_METRICS.map((metric) => ({
					metric,
					value: m.values[metric],
					level: this.#levelOf(metric, stored[metric], m, thresholds),
					threshold: thresholds[metric],
				})),
				thresholds,
				since: this.#db.health.since,
			};
		});
	}

	/** Records the metrics whose level changed since the last evaluation; returns the new alert rows. */
	async evaluate(): Promise<HealthAlert[]> {
		if (this.#db.readOnly) return [];
		// Look first, write only when a level changed: most evaluations change nothing.
		const pending = this.#engine.untimed(() => this.#transitions(this.#measure()));
		if (pending.length === 0) return [];
		return this.#db.write(() => this.#engine.untimed(() => this.#record(this.#measure())));
	}

	/** Writes one sample, prunes what is past keeping, and records level changes, in one write. */
	async sample(): Promise<void> {
		if (this.#db.readOnly) return;
		const storage = await this.#storage();
		await this.#db.write(() =>
			this.#engine.untimed(() => {
				const m = this.#measure();
				const now = this.env.now();
				insertSample(this.#engine, {
					at: now,
					sizeBytes: m.sizeBytes,
					freeBytes: m.freePages * m.pageSize,
					memoryBytes: m.memoryBytes,
					wasmBytes: m.wasmBytes,
					queryCount: m.queries.count,
					queryP50: m.queries.p50,
					queryP95: m.queries.p95,
					queryP99: m.queries.p99,
					writesLastHour: m.writes,
					saveP50: m.saves.p50,
					saveP95: m.saves.p95,
					storageUsage: storage?.usage ?? null,
					storageQuota: storage?.quota ?? null,
				});
				deleteSamplesBefore(this.#engine, now - SAMPLES_KEPT_DAYS * DAY);
				pruneAlerts(this.#engine, ALERTS_KEPT);
				this.#record(m);
			}),
		);
	}

	history(range: HealthRange): HealthHistory {
		const { spanMs, bucketMs } = RANGES[range];
		const to = this.env.now();
		const from = to - spanMs;
		if (!this.#hasTables()) return { range, from, to, bucketMs, points: [] };
		const points = this.#engine.untimed(() => sampleBuckets(this.#engine, from, bucketMs));
		return { range, from, to, bucketMs, points };
	}

	/** The raises not dismissed and still current (no later change of the same metric). */
	activeAlerts(): HealthAlert[] {
		if (!this.#hasTables()) return [];
		return this.#engine
			.untimed(() => latestUndismissedAlerts(this.#engine))
			.filter((a) => isRaise(a.previous, a.level));
	}

	/** For a write handler: remembers that the banner of this alert was dismissed, in every window. */
	dismiss(id: number): { dismissed: boolean } {
		return { dismissed: dismissAlert(this.#engine, id, this.env.now()) };
	}

	/**
	 * A database left on an older schema (a failed migration opens it read-only) has no health tables:
	 * the report still works from what is measured, without history or alerts.
	 */
	#hasTables(): boolean {
		return this.#engine.untimed(() => hasHealthTables(this.#engine));
	}

	async #storage(): Promise<{ usage: number; quota: number } | null> {
		try {
			return await this.env.storage();
		} catch {
			return null;
		}
	}

	#measure(): Measured {
		return measure(this.#db, this.env);
	}

	#levelOf(
		metric: HealthMetric,
		stored: HealthLevel,
		m: Measured,
		thresholds: Thresholds,
	): HealthLevel {
		return measuredLevel(stored, m.values[metric], thresholds[metric], m.confidence[metric]);
	}

	#storedLevels(): Record<HealthMetric, HealthLevel> {
		const levels = Object.fromEntries(HEALTH_METRICS.map((m) => [m, 'ok'])) as Record<
			HealthMetric,
			HealthLevel
		>;
		if (!this.#hasTables()) return levels;
		for (const [metric, level] of storedLevels(this.#engine)) levels[metric] = level;
		return levels;
	}

	#transitions(m: Measured) {
		const thresholds = this.thresholds();
		const stored = this.#storedLevels();
		return HEALTH_METRICS.flatMap((metric) => {
			const value = m.values[metric];
			const level = this.#levelOf(metric, stored[metric], m, thresholds);
			if (level === stored[metric] || value === null) return [];
			return [
				{
					metric,
					level,
					previous: stored[metric],
					value,
					message: alertMessage(metric, level, value, thresholds),
				},
			];
		});
	}

	/** Must run in a write: a raise and its Telegram messages are stored together or not at all. */
	#record(m: Measured): HealthAlert[] {
		const at = this.env.now();
		const thresholds = this.thresholds();
		return this.#transitions(m).map((t) => {
			const id = insertAlert(this.#engine, { at, ...t });
			enqueueHealthAlert(this.#engine, t, thresholds, at);
			return { id, at, ...t };
		});
	}
}
