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
	levelRank,
	nextLevel,
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
	type Percentiles,
	type TableRows,
	type Thresholds,
} from '../../../shared/health';
import type { LiveDatabase } from '../../core/database/live-database';
import type { Engine } from '../../core/engine';
import type { SqlJs } from '../../core/scratch';
import { getSetting, putSetting, THRESHOLDS_KEY } from '../../stores/settings';
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

interface Measured {
	sizeBytes: number;
	pageSize: number;
	pageCount: number;
	freePages: number;
	wasmBytes: number | null;
	memoryBytes: number;
	queries: Percentiles & { total: number };
	writes: number;
	saves: Percentiles;
	values: Record<HealthMetric, number | null>;
	/** The write counter has run for less than an hour: its count is a lower bound. */
	writesPartial: boolean;
	/** Too few statements in the window for their P95 to mean more than the slowest one or two. */
	queriesPartial: boolean;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Alert rows kept (the latest of each metric always stays: it is the metric's current level). */
const ALERTS_KEPT = 500;
/**
 * Statements the query window must hold before their P95 may change a level: then at least six slow
 * ones make a P95. Right after a start the window holds a few dozen cold statements (wasm code not yet
 * optimised, tables read for the first time), and on a busy machine one or two of them take 100 ms or
 * more: on their own they would raise a warning, and a Telegram message, on every reload.
 */
const MIN_STATEMENTS_FOR_P95 = 100;

const RANGES: Record<HealthRange, { spanMs: number; bucketMs: number }> = {
	'24h': { spanMs: DAY, bucketMs: 5 * 60_000 },
	'7d': { spanMs: 7 * DAY, bucketMs: 30 * 60_000 },
	'30d': { spanMs: 30 * DAY, bucketMs: 2 * 60 * 60_000 },
};

interface AlertRow {
	id: number;
	at: number;
	metric: HealthMetric;
	level: HealthLevel;
	previous: HealthLevel;
	value: number;
	message: string;
}

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
				schemaVersion: Number(this.#engine.value('PRAGMA user_version')),
				tables: this.#tables(),
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
				this.#engine.run(
					`INSERT OR REPLACE INTO health_samples (at, size_bytes, free_bytes, memory_bytes, wasm_bytes,
					   query_count, query_p50_ms, query_p95_ms, query_p99_ms, writes_last_hour, save_p50_ms,
					   save_p95_ms, storage_usage, storage_quota)
					 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					[
						now,
						m.sizeBytes,
						m.freePages * m.pageSize,
						m.memoryBytes,
						m.wasmBytes,
						m.queries.count,
						m.queries.p50,
						m.queries.p95,
						m.queries.p99,
						m.writes,
						m.saves.p50,
						m.saves.p95,
						storage?.usage ?? null,
						storage?.quota ?? null,
					],
				);
				this.#engine.run('DELETE FROM health_samples WHERE at < ?', [
					now - SAMPLES_KEPT_DAYS * DAY,
				]);
				this.#engine.run(
					`DELETE FROM health_alerts WHERE id <= (SELECT max(id) FROM health_alerts) - ?
					   AND id NOT IN (SELECT max(id) FROM health_alerts GROUP BY metric)`,
					[ALERTS_KEPT],
				);
				this.#record(m);
			}),
		);
	}

	history(range: HealthRange): HealthHistory {
		const { spanMs, bucketMs } = RANGES[range];
		const to = this.env.now();
		const from = to - spanMs;
		if (!this.#hasTables()) return { range, from, to, bucketMs, points: [] };
		const points = this.#engine.untimed(() =>
			this.#engine.all<{ t: number; size: number | null; p95: number | null }>(
				`SELECT (at / ?) * ? AS t, max(size_bytes) AS size, max(query_p95_ms) AS p95
				 FROM health_samples WHERE at >= ? GROUP BY at / ? ORDER BY t`,
				[bucketMs, bucketMs, from, bucketMs],
			),
		);
		return {
			range,
			from,
			to,
			bucketMs,
			points: points.map((p) => ({ t: p.t, sizeBytes: p.size, queryP95: p.p95 })),
		};
	}

	/** The raises not dismissed and still current (no later change of the same metric). */
	activeAlerts(): HealthAlert[] {
		if (!this.#hasTables()) return [];
		return this.#engine.untimed(() =>
			this.#engine.all<AlertRow>(
				`SELECT id, at, metric, level, previous, value, message FROM health_alerts
				 WHERE id IN (SELECT max(id) FROM health_alerts GROUP BY metric)
				   AND dismissed_at IS NULL
				   AND (level = 'critical' OR (level = 'warning' AND previous = 'ok'))
				 ORDER BY id`,
			),
		);
	}

	/** For a write handler: remembers that the banner of this alert was dismissed, in every window. */
	dismiss(id: number): { dismissed: boolean } {
		const changes = this.#engine.run(
			'UPDATE health_alerts SET dismissed_at = ? WHERE id = ? AND dismissed_at IS NULL',
			[this.env.now(), id],
		).changes;
		return { dismissed: changes > 0 };
	}

	/**
	 * A database left on an older schema (a failed migration opens it read-only) has no health tables:
	 * the report still works from what is measured, without history or alerts.
	 */
	#hasTables(): boolean {
		return this.#engine.untimed(
			() =>
				this.#engine.value(
					"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('health_samples', 'health_alerts')",
				) === 2,
		);
	}

	async #storage(): Promise<{ usage: number; quota: number } | null> {
		try {
			return await this.env.storage();
		} catch {
			return null;
		}
	}

	#measure(): Measured {
		const e = this.#engine;
		const pageSize = Number(e.value('PRAGMA page_size'));
		const pageCount = Number(e.value('PRAGMA page_count'));
		const freePages = Number(e.value('PRAGMA freelist_count'));
		const sizeBytes = pageSize * pageCount;
		const wasmBytes = this.env.wasmBytes();
		// sql.js keeps the file in memory (Emscripten's MEMFS, outside the wasm heap), so it counts in full.
		const memoryBytes = sizeBytes + (wasmBytes ?? 0);
		const queries = this.#db.health.queries();
		const writes = this.#db.health.writesLastHour();
		return {
			sizeBytes,
			pageSize,
			pageCount,
			freePages,
			wasmBytes,
			memoryBytes,
			queries,
			writes,
			saves: this.#db.health.saves(),
			values: { size: sizeBytes, memory: memoryBytes, writeRate: writes, queryP95: queries.p95 },
			writesPartial: this.env.now() - this.#db.health.since < HOUR,
			queriesPartial: queries.count < MIN_STATEMENTS_FOR_P95,
		};
	}

	/**
	 * The level a metric moves to. A write count that started less than an hour ago (this window just
	 * took the database over) can show a rate above a threshold, never that it fell below one: a reload
	 * must not turn a warning into "back to normal" and raise it again an hour later. A query P95 over
	 * too few statements moves no level, either way.
	 */
	#levelOf(
		metric: HealthMetric,
		stored: HealthLevel,
		m: Measured,
		thresholds: Thresholds,
	): HealthLevel {
		const level = nextLevel(stored, m.values[metric], thresholds[metric]);
		if (metric === 'writeRate' && m.writesPartial && levelRank(level) < levelRank(stored)) {
			return stored;
		}
		if (metric === 'queryP95' && m.queriesPartial) return stored;
		return level;
	}

	#storedLevels(): Record<HealthMetric, HealthLevel> {
		const levels = Object.fromEntries(HEALTH_METRICS.map((m) => [m, 'ok'])) as Record<
			HealthMetric,
			HealthLevel
		>;
		if (!this.#hasTables()) return levels;
		// SQLite returns the other columns of the row that holds max(id): each metric's latest level.
		for (const row of this.#engine.all<{ metric: HealthMetric; level: HealthLevel }>(
			'SELECT metric, level, max(id) FROM health_alerts GROUP BY metric',
		)) {
			levels[row.metric] = row.level;
		}
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
			const { lastInsertRowid: id } = this.#engine.run(
				`INSERT INTO health_alerts (at, metric, level, previous, value, message) VALUES (?, ?, ?, ?, ?, ?)`,
				[at, t.metric, t.level, t.previous, t.value, t.message],
			);
			enqueueHealthAlert(this.#engine, t, thresholds, at);
			return { id, at, ...t };
		});
	}

	#tables(): TableRows[] {
		return this.#engine
			.all<{ name: string }>(
				"SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
			)
			.map(({ name }) => ({
				name,
				rows: Number(this.#engine.value(`SELECT count(*) FROM "${name.replace(/"/g, '""')}"`)),
			}));
	}
}
