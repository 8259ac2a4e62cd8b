/**
 * Builds the database the sustained scenario starts from, in Node with the app's sql.js and migrations:
 * the monitors, a Telegram bot with a default chat (pointed at a local stand-in), 30 days of hour and
 * day rollups with their state-change events and sent alerts (the app's own `transition` and
 * `enqueueAlert`), and, for the most recent hours, raw checks with their minute rollups, as many hours as
 * it takes to reach the target size. At this check rate raw checks grow by megabytes an hour, so a 50 MB
 * file holds hours of them, not 30 days (see the README). Rows are written with prepared statements,
 * not through `recordCheck` (a dozen statements prepared per check): 30 days are 17 million checks.
 */
import type { Statement } from 'sql.js';
import { DEFAULT_MIGRATIONS, loadSql, readMigrations } from '../../../src/cli/database';
import type { Outcome } from '../../../src/shared/checks';
import { openEngine } from '../../../src/worker/core/connection';
import type { Engine } from '../../../src/worker/core/engine';
import { RESOLUTIONS, type Resolution } from '../../../src/worker/stores/rollups';
import { transition, type StatusSnapshot } from '../../../src/worker/domain/checks/transition';
import { createMonitor } from '../../../src/worker/domain/monitors/service';
import { migrate } from '../../../src/worker/core/migrations/runner';
import { enqueueAlert } from '../../../src/worker/domain/telegram/alerts';
import { API_BASE_KEY, putSetting } from '../../../src/worker/stores/settings';
import { observe } from './observe';
import { HISTORY_WEATHER, kindOf, monitorInput, type Kind, type SustainedSettings } from './plan';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MB = 1024 * 1024;

export interface SeedOptions {
	settings: SustainedSettings;
	urlFor(kind: Kind, index: number): string;
	telegram: { url: string; token: string; chatId: number };
	/** The history ends here (epoch ms): the app was last open then. */
	end: number;
}

export interface Seed {
	bytes: Uint8Array;
	/** Raw checks are kept from here on; before, only rollups and events. */
	rawFrom: number;
	rows: Record<string, number>;
	buildMs: number;
}

interface Bucket {
	checks: number;
	up: number;
	degraded: number;
	down: number;
	min: number | null;
	max: number | null;
	sum: number;
}

/** Rollups of the checks before the raw window, kept in memory until their bucket is complete. */
class Rollups {
	readonly #open = new Map<string, Bucket>();
	readonly #insert: Statement;

	constructor(engine: Engine) {
		this.#insert = engine.db.prepare(
			`INSERT INTO rollups (monitor_id, resolution, bucket_start, checks, up, degraded, down, min_ms, max_ms, sum_ms)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		);
	}

	add(monitorId: number, at: number, outcome: Outcome, ms: number, minutes: boolean): void {
		for (const resolution of minutes ? ALL : HOUR_DAY) {
			const start = Math.floor(at / RESOLUTIONS[resolution]) * RESOLUTIONS[resolution];
			const key = `${monitorId}|${resolution}|${start}`;
			let b = this.#open.get(key);
			if (!b) {
				b = { checks: 0, up: 0, degraded: 0, down: 0, min: null, max: null, sum: 0 };
				this.#open.set(key, b);
			}
			b.checks++;
			b[outcome]++;
			if (outcome !== 'down') {
				b.min = b.min === null ? ms : Math.min(b.min, ms);
				b.max = b.max === null ? ms : Math.max(b.max, ms);
				b.sum += ms;
			}
		}
	}

	/** Writes the buckets that end by `before` (all of them without it). */
	flush(before = Infinity): void {
		for (const [key, b] of this.#open) {
			const [id, resolution, start] = key.split('|') as [string, Resolution, string];
			if (Number(start) + RESOLUTIONS[resolution] > before) continue;
			this.#insert.run([
				Number(id),
				resolution,
				Number(start),
				b.checks,
				b.up,
				b.degraded,
				b.down,
				b.min,
				b.max,
				b.sum,
			]);
			this.#open.delete(key);
		}
	}

	free(): void {
		this.#insert.free();
	}
}

const ALL = ['minute', 'hour', 'day'] as const;
const HOUR_DAY = ['hour', 'day'] as const;

const fileBytes = (engine: Engine) =>
	Number(engine.value('PRAGMA page_count')) * Number(engine.value('PRAGMA page_size'));

interface Simulation {
	from: number;
	end: number;
	/** Decides, at each hour, whether raw checks start there (null: not yet). */
	rawFrom: (hour: number, engine: Engine) => boolean;
}

/** A migrated database with the monitors and the Telegram setup, history not yet written. */
async function prepare(options: SeedOptions, createdAt: number): Promise<Engine> {
	const { settings, telegram } = options;
	const engine = openEngine(await loadSql());
	migrate(engine, await readMigrations(DEFAULT_MIGRATIONS), { now: () => createdAt });
	engine.transaction(() => {
		for (let i = 0; i < settings.monitors; i++)
			createMonitor(
				engine,
				monitorInput(i, options.urlFor(kindOf(i), i), settings.intervalS),
				createdAt,
			);
		const { lastInsertRowid: botId } = engine.run(
			`INSERT INTO telegram_bots (token, bot_user_id, username, first_name, added_at, checked_at)
			 VALUES (?, 4242, 'bench_bot', 'bench', ?, ?)`,
			[telegram.token, createdAt, createdAt],
		);
		engine.run(
			`INSERT INTO telegram_chats (bot_id, chat_id, type, title, first_seen_at, last_seen_at, is_default)
			 VALUES (?, ?, 'supergroup', 'Ops room', ?, ?, 1)`,
			[botId, telegram.chatId, createdAt, createdAt],
		);
		putSetting(engine, API_BASE_KEY, telegram.url, createdAt);
	});
	return engine;
}

type Status = StatusSnapshot & {
	since: number | null;
	retrying: boolean;
	lastCheckId: number | null;
	lastAt: number;
};

/**
 * Every monitor's checks from `from` to `end`, in time order, one transaction per round of checks: the
 * state machine, events and alerts for all of them, rollups (minute ones only in the raw window), and
 * raw check rows once `rawFrom` says so. Ends by writing each monitor's status and next due time.
 */
function simulate(engine: Engine, settings: SustainedSettings, sim: Simulation): number {
	const step = settings.intervalS * 1000;
	const n = settings.monitors;
	const status: Status[] = Array.from({ length: n }, () => ({
		state: 'unknown',
		failures: 0,
		since: null,
		retrying: false,
		lastCheckId: null,
		lastAt: sim.from,
	}));
	const inputs = Array.from({ length: n }, (_, i) => monitorInput(i, 'http://x', 30));
	const retries = inputs.map((m) => m.retries ?? 0);
	const modes = inputs.map((m) => m.mode ?? 'full');
	const rollups = new Rollups(engine);
	const insertEvent = engine.db.prepare(
		'INSERT INTO events (monitor_id, at, from_state, to_state, message, check_id) VALUES (?, ?, ?, ?, ?, ?)',
	);
	const insertCheck = engine.db.prepare(
		`INSERT INTO checks (monitor_id, due_at, started_at, duration_ms, outcome, http_status, message, mode)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
	);
	const lastId = () => Number(engine.value('SELECT last_insert_rowid()'));
	let rawFrom = Infinity;
	let hour = -1;
	try {
		for (let round = sim.from; round <= sim.end; round += step) {
			if (Math.floor(round / HOUR) !== hour) {
				hour = Math.floor(round / HOUR);
				rollups.flush(round);
				if (rawFrom === Infinity && sim.rawFrom(hour * HOUR, engine)) rawFrom = round;
			}
			const raw = round >= rawFrom;
			engine.transaction(() => {
				for (let i = 0; i < n; i++) {
					const at = round + Math.round((i * step) / n);
					if (at > sim.end) continue;
					const o = observe(i, at, HISTORY_WEATHER);
					const s = status[i]!;
					s.lastAt = at;
					if (raw) {
						insertCheck.run([
							i + 1,
							at,
							at,
							o.durationMs,
							o.outcome,
							o.httpStatus,
							o.message,
							modes[i]!,
						]);
						s.lastCheckId = lastId();
					}
					rollups.add(i + 1, at, o.outcome, o.durationMs, raw);
					const next = transition(s, o.outcome, retries[i]!);
					if (next.event) {
						insertEvent.run([
							i + 1,
							at,
							next.event.from,
							next.event.to,
							o.message,
							raw ? s.lastCheckId : null,
						]);
						if (next.event.from !== null)
							enqueueAlert(engine, {
								monitorId: i + 1,
								kind: next.event.to,
								from: next.event.from,
								message: o.message,
								at,
								downtimeMs: next.event.from === 'down' && s.since !== null ? at - s.since : null,
								eventId: lastId(),
							});
						s.since = at;
					}
					s.state = next.state;
					s.failures = next.failures;
					s.retrying = next.retrying;
				}
			});
		}
		rollups.flush();
	} finally {
		rollups.free();
		insertEvent.free();
		insertCheck.free();
	}
	engine.transaction(() =>
		status.forEach((s, i) =>
			engine.run(
				`UPDATE monitor_status SET state = ?, failures = ?, state_since = ?, retrying = ?, last_check_id = ?,
				   cors_blocked = ?, next_due_at = ? WHERE monitor_id = ?`,
				[
					s.state,
					s.failures,
					s.since,
					s.retrying ? 1 : 0,
					s.lastCheckId,
					kindOf(i) === 'cors' ? 1 : 0,
					s.lastAt + step,
					i + 1,
				],
			),
		),
	);
	return rawFrom;
}

/** Bytes one hour of raw history adds (checks, their rollups, events and alerts), measured on a scratch file. */
async function rawBytesPerHour(options: SeedOptions): Promise<number> {
	const from = Math.floor((options.end - 2 * HOUR) / HOUR) * HOUR;
	const engine = await prepare(options, from - DAY);
	try {
		const before = fileBytes(engine);
		simulate(engine, options.settings, { from, end: from + HOUR, rawFrom: () => true });
		return fileBytes(engine) - before;
	} finally {
		engine.db.close();
	}
}

export async function buildSeed(options: SeedOptions): Promise<Seed> {
	const started = performance.now();
	const { settings, end } = options;
	const target = settings.targetMB * MB;
	const perHour = await rawBytesPerHour(options);
	const from = Math.floor((end - 30 * DAY) / HOUR) * HOUR;
	const engine = await prepare(options, from - DAY);
	try {
		const rawFrom = simulate(engine, settings, {
			from,
			end,
			// Raw checks start at the first hour from which they would fill the file to the target.
			rawFrom: (hour, e) => fileBytes(e) + ((end - hour) / HOUR) * perHour <= target,
		});
		engine.transaction(() => {
			// The history's alerts went out at the time.
			engine.run(
				"UPDATE outbox SET status = 'sent', attempts = 1, sent_at = created_at + 700, next_attempt_at = created_at",
			);
			if (settings.start === 'staggered') engine.run('UPDATE monitors SET enabled = 0');
		});
		const rows: Record<string, number> = {};
		for (const table of ['monitors', 'checks', 'rollups', 'events', 'outbox'])
			rows[table] = Number(engine.value(`SELECT count(*) FROM ${table}`));
		const bytes = engine.db.export();
		return { bytes, rawFrom, rows, buildMs: performance.now() - started };
	} finally {
		engine.db.close();
	}
}
