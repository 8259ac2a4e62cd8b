import { describe, expect, it } from 'vitest';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { rotate } from '../../src/worker/domain/checks/retention';
import { Scheduler, type SchedulerEnv } from '../../src/worker/domain/checks/scheduler';
import { createMonitor, setMonitorEnabled } from '../../src/worker/domain/monitors/service';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { MemoryBackupStore } from '../../src/worker/core/backups/memory-backup-store';
import { loadSql, realMigrations } from './helpers';

const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);

/** A clock that only moves when told, timers that fire when it passes them, and a scripted network. */
class FakeEnv implements SchedulerEnv {
	time = T0;
	isOnline = true;
	timers: { at: number; fn: () => void; id: number }[] = [];
	#nextTimer = 1;
	/** What the next requests get: a status code, 'network' for a failed connection. */
	answers: (number | 'network')[] = [];
	defaultAnswer: number | 'network' = 200;
	requests: string[] = [];
	latencyMs = 20;

	now = () => this.time;
	clock = () => this.time;
	online = () => this.isOnline;
	setTimer = (fn: () => void, ms: number) => {
		const id = this.#nextTimer++;
		this.timers.push({ at: this.time + ms, fn, id });
		return id;
	};
	clearTimer = (handle: unknown) => {
		this.timers = this.timers.filter((t) => t.id !== handle);
	};
	fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
		const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
		this.requests.push(`${init?.mode ?? 'cors'} ${url}`);
		const answer = this.answers.shift() ?? this.defaultAnswer;
		this.time += this.latencyMs;
		if (answer === 'network') return Promise.reject(new TypeError('Failed to fetch'));
		return Promise.resolve(new Response('ok', { status: answer }));
	};
}

/** `recordTickMs`: 0 writes each result at once, to test the rest of the timing exactly. */
async function setup(intervalS = 30, retries = 0, recordTickMs = 0) {
	const env = new FakeEnv();
	const db = await LiveDatabase.open({
		SQL: await loadSql(),
		files: await realMigrations(),
		store: new MemoryImageStore(),
		backups: new MemoryBackupStore(),
		writerId: 'test',
		now: () => env.time,
	});
	const monitor = await db.write(() =>
		createMonitor(
			db.engine,
			{ name: 'API', url: 'http://127.0.0.2:9/api/health', intervalS, retries },
			env.time,
		),
	);
	const scheduler = new Scheduler(db, env, { retryDelayMs: 5_000, recordTickMs });
	db.subscribe((tables) => tables.includes('monitors') && scheduler.refresh());

	/** Moves the clock to `to`, firing the timers on the way, and lets each check finish. */
	const advanceTo = async (to: number) => {
		for (;;) {
			await settle();
			const next = env.timers.filter((t) => t.at <= to).sort((a, b) => a.at - b.at)[0];
			if (!next) {
				if (env.time >= to) break;
				env.time = to;
				continue;
			}
			env.timers = env.timers.filter((t) => t !== next);
			env.time = Math.max(env.time, next.at);
			next.fn();
		}
	};
	/** Lets every running check end or reach its record batch, where it waits for its tick's timer. */
	const settle = async () => {
		let quiet = 0;
		for (let i = 0; i < 2_000 && quiet < 5; i++) {
			await new Promise((resolve) => setImmediate(resolve));
			// Timers due by now fire, as the event loop would fire them (a record tick of 0 ms, say).
			const due = env.timers.filter((t) => t.at <= env.time).sort((a, b) => a.at - b.at)[0];
			if (due) {
				env.timers = env.timers.filter((t) => t !== due);
				due.fn();
				quiet = 0;
				continue;
			}
			quiet = scheduler.running === scheduler.waitingForTick ? quiet + 1 : 0;
		}
	};
	const checks = () =>
		db.engine.all<{ due_at: number; started_at: number; outcome: string; message: string }>(
			'SELECT due_at, started_at, outcome, message FROM checks ORDER BY id',
		);
	const events = () =>
		db.engine.all<{ from_state: string | null; to_state: string }>(
			'SELECT from_state, to_state FROM events ORDER BY id',
		);
	const status = () =>
		db.engine.get<{ state: string; retrying: number; next_due_at: number }>(
			'SELECT * FROM monitor_status',
		);
	return { env, db, monitor, scheduler, advanceTo, settle, checks, events, status };
}

describe('scheduler', () => {
	it('checks a new monitor at once, then every interval, on time', async () => {
		const t = await setup(30);
		t.scheduler.start();
		await t.advanceTo(T0 + 95_000);
		const rows = t.checks();
		expect(rows.map((r) => r.due_at - T0)).toEqual([0, 30_000, 60_000, 90_000]);
		expect(rows.every((r) => r.started_at === r.due_at && r.outcome === 'up')).toBe(true);
		expect(t.events()).toEqual([{ from_state: null, to_state: 'up' }]);
		expect(t.status()?.next_due_at).toBe(T0 + 120_000);
		expect(Math.max(...t.scheduler.delays())).toBe(0);
	});

	it('records a gap honestly after a suspension, without a burst of catch-up checks', async () => {
		const t = await setup(30);
		t.scheduler.start();
		await t.advanceTo(T0 + 1_000);
		// The tab is suspended for ten minutes: no timer fires, then time jumps.
		const timers = t.env.timers;
		t.env.timers = [];
		t.env.time = T0 + 600_000;
		for (const timer of timers) timer.fn();
		await t.settle();

		const rows = t.checks();
		expect(rows).toHaveLength(2);
		expect(rows[1]!.due_at).toBe(T0 + 30_000);
		expect(rows[1]!.started_at).toBe(T0 + 600_000);
		expect(Math.max(...t.scheduler.delays())).toBe(570_000);
		// The next check is one interval after this one ran, not a catch-up series.
		expect(t.status()!.next_due_at).toBeGreaterThanOrEqual(T0 + 630_000);
	});

	it('after a reopen, spreads the checks that fell due over one interval instead of firing them at once', async () => {
		const t = await setup(60);
		t.scheduler.start();
		await t.db.write(() => {
			for (let i = 1; i < 120; i++)
				createMonitor(
					t.db.engine,
					{ name: `M${i}`, url: `http://127.0.0.2:9/${i}`, intervalS: 60 },
					t.env.time,
				);
		});
		await t.advanceTo(T0 + 1_000);
		expect(t.checks()).toHaveLength(120); // new monitors: checked at once, as before
		t.scheduler.stop();

		// The app was closed for ten minutes; a window opens it again.
		t.env.timers = [];
		t.env.time = T0 + 600_000;
		const reopened = new Scheduler(t.db, t.env);
		t.db.subscribe((tables) => tables.includes('monitors') && reopened.refresh());
		reopened.start();
		await t.advanceTo(T0 + 600_000 + 10_000);
		// A monitor renamed meanwhile reloads them all: the plan stays.
		await t.db.write(() => t.db.engine.run("UPDATE monitors SET name = 'renamed' WHERE id = 1"));
		await t.advanceTo(T0 + 600_000 + 59_999);
		const after = t.checks().slice(120);
		expect(after).toHaveLength(120); // each monitor once in the first interval: no burst, no doubles
		const perSecond = new Map<number, number>();
		for (const row of after) {
			const second = Math.floor((row.started_at - (T0 + 600_000)) / 1000);
			perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
		}
		expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(2);
		expect(Math.max(...after.map((r) => r.started_at))).toBeLessThan(T0 + 660_000);
		// Each ran when it was planned: no delay from a queue of catch-up checks.
		expect(Math.max(...reopened.delays())).toBeLessThanOrEqual(t.env.latencyMs);
	});

	it('checks that fall due together share one write: one transaction, one commit, one change notice', async () => {
		const t = await setup(60, 0, 1_000);
		t.scheduler.start();
		await t.advanceTo(T0 + 1_000);
		// Twenty monitors added at once: all due now.
		await t.db.write(() => {
			for (let i = 1; i <= 20; i++)
				createMonitor(
					t.db.engine,
					{ name: `M${i}`, url: `http://127.0.0.2:9/${i}`, intervalS: 60 },
					t.env.time,
				);
		});
		const notices: string[][] = [];
		t.db.subscribe((tables) => tables.includes('checks') && notices.push(tables));
		await t.advanceTo(T0 + 2_000);
		expect(t.checks()).toHaveLength(21);
		// A notice is sent per durable write: one for all twenty (before, twenty).
		expect(notices).toHaveLength(1);
		// Each result, state and next due time is its own monitor's, as if written one by one.
		const states = t.db.engine.all<{ monitor_id: number; state: string; next_due_at: number }>(
			'SELECT monitor_id, state, next_due_at FROM monitor_status WHERE monitor_id != ? ORDER BY monitor_id',
			[t.monitor.id],
		);
		expect(states).toHaveLength(20);
		expect(states.every((s) => s.state === 'up' && s.next_due_at === T0 + 61_000)).toBe(true);
		expect(t.db.engine.value('SELECT count(*) FROM events')).toBe(21);
	});

	it('checks that end within one tick share one write, even when they fall due apart', async () => {
		for (const [tick, commits] of [
			[0, 5],
			[1_000, 1],
		] as const) {
			const t = await setup(60, 0, tick);
			t.scheduler.start();
			await t.advanceTo(T0 + 1_100); // the first monitor's result written
			// Five monitors due 150 ms apart, as 200 monitors every 30 s are once spread over their interval.
			await t.db.write(() => {
				for (let i = 1; i <= 5; i++)
					createMonitor(
						t.db.engine,
						{ name: `M${i}`, url: `http://127.0.0.2:9/${i}`, intervalS: 60 },
						t.env.time,
					);
				t.db.engine.run(
					'UPDATE monitor_status SET next_due_at = ? + 150 * monitor_id WHERE monitor_id > 1',
					[T0 + 1_500],
				);
			});
			const notices: string[][] = [];
			t.db.subscribe((tables) => tables.includes('checks') && notices.push(tables));
			await t.advanceTo(T0 + 4_000);
			expect(t.checks()).toHaveLength(6);
			expect(notices).toHaveLength(commits);
		}
	});

	it('a flush writes the results waiting for their tick at once (the page may be about to go)', async () => {
		const t = await setup(60, 0, 60_000);
		t.scheduler.start();
		await t.advanceTo(T0 + 1_000);
		expect(t.scheduler.waitingForTick).toBe(1);
		expect(t.checks()).toHaveLength(0);
		await t.scheduler.flushResults();
		expect(t.checks()).toHaveLength(1);
		expect(t.scheduler.waitingForTick).toBe(0);
		expect(t.status()).toMatchObject({ state: 'up' });
	});

	it('retries before declaring down, and records the recovery', async () => {
		const t = await setup(60, 2);
		t.env.answers = [200, 500, 500, 500, 200];
		t.scheduler.start();
		await t.advanceTo(T0 + 1_000);
		await t.advanceTo(T0 + 61_000);
		expect(t.status()).toMatchObject({ state: 'up', retrying: 1 });
		// Retries come after the retry delay, not a whole interval.
		expect(t.status()!.next_due_at - (T0 + 60_020)).toBe(5_000);
		await t.advanceTo(T0 + 67_000);
		expect(t.status()).toMatchObject({ state: 'up', retrying: 1 });
		await t.advanceTo(T0 + 73_000);
		expect(t.status()).toMatchObject({ state: 'down', retrying: 0 });
		await t.advanceTo(T0 + 200_000);
		expect(t.events()).toEqual([
			{ from_state: null, to_state: 'up' },
			{ from_state: 'up', to_state: 'down' },
			{ from_state: 'down', to_state: 'up' },
		]);
		expect(t.checks().map((c) => c.outcome)).toEqual(['up', 'down', 'down', 'down', 'up', 'up']);
	});

	it('runs nothing and records no failure while offline, and resumes when back online', async () => {
		const t = await setup(30);
		t.env.isOnline = false;
		t.scheduler.start();
		await t.advanceTo(T0 + 120_000);
		expect(t.checks()).toHaveLength(0);
		expect(t.env.requests).toHaveLength(0);
		t.env.isOnline = true;
		t.scheduler.onlineChanged();
		await t.advanceTo(T0 + 121_000);
		expect(t.checks()).toHaveLength(1);
		expect(t.checks()[0]).toMatchObject({ due_at: T0, started_at: T0 + 120_000, outcome: 'up' });
	});

	it('a hold starts no check until it ends, then the due ones run, late and with the delay recorded', async () => {
		const t = await setup(30);
		t.scheduler.start();
		await t.advanceTo(T0 + 1_000);
		expect(t.checks()).toHaveLength(1);
		t.scheduler.hold(45_000);
		await t.advanceTo(T0 + 45_999);
		expect(t.checks()).toHaveLength(1);
		expect(t.env.requests).toHaveLength(1);
		await t.advanceTo(T0 + 46_500);
		expect(t.checks()).toHaveLength(2);
		expect(t.checks()[1]).toMatchObject({ due_at: T0 + 30_000, started_at: T0 + 46_000 });
		expect(Math.max(...t.scheduler.delays())).toBe(16_000);
		// Back on the cadence afterwards; a shorter hold does not cut a longer one short.
		t.scheduler.hold(20_000);
		t.scheduler.hold(1_000);
		await t.advanceTo(T0 + 66_499);
		expect(t.checks()).toHaveLength(2);
		await t.advanceTo(T0 + 80_000);
		expect(t.checks().map((c) => c.started_at - T0)).toEqual([0, 46_000, 66_500]);
	});

	it('does not check a paused monitor; resuming checks it at once', async () => {
		const t = await setup(30);
		await t.db.write(() => setMonitorEnabled(t.db.engine, t.monitor.id, false, t.env.time));
		t.scheduler.start();
		await t.advanceTo(T0 + 100_000);
		expect(t.checks()).toHaveLength(0);
		await t.db.write(() => setMonitorEnabled(t.db.engine, t.monitor.id, true, t.env.time));
		await t.advanceTo(T0 + 100_500);
		expect(t.checks()).toHaveLength(1);
	});

	it('tells a CORS refusal from an unreachable server in full mode', async () => {
		const t = await setup(30);
		// The CORS request fails, the no-cors probe gets an (opaque) answer.
		t.env.answers = ['network', 200];
		t.scheduler.start();
		await t.advanceTo(T0 + 1_000);
		expect(t.env.requests).toEqual([
			'cors http://127.0.0.2:9/api/health',
			'no-cors http://127.0.0.2:9/api/health',
		]);
		expect(t.checks()[0]!.message).toMatch(/CORS/);
		expect(t.db.engine.value('SELECT cors_blocked FROM monitor_status')).toBe(1);

		t.env.answers = ['network', 'network'];
		await t.advanceTo(T0 + 31_000);
		expect(t.checks()[1]!.message).toMatch(/^Unreachable/);
		expect(t.db.engine.value('SELECT cors_blocked FROM monitor_status')).toBe(0);
	});

	it('keeps rollups that add up to the raw checks', async () => {
		const t = await setup(10);
		t.env.answers = [200, 200, 500, 200, 200, 200];
		t.scheduler.start();
		await t.advanceTo(T0 + 55_000);
		// Minute figures come from the raw rows of the last day; only hour and day rollups are kept.
		expect(t.db.engine.value("SELECT count(*) FROM rollups WHERE resolution = 'minute'")).toBe(0);
		const day = t.db.engine.get<{ checks: number; down: number }>(
			"SELECT checks, down FROM rollups WHERE resolution = 'day'",
		);
		expect(day).toEqual({ checks: t.checks().length, down: 1 });
		const hour = t.db.engine.get<{
			checks: number;
			min_ms: number;
			max_ms: number;
			sum_ms: number;
			up: number;
		}>("SELECT * FROM rollups WHERE resolution = 'hour'");
		expect(hour).toMatchObject({ checks: 6, up: 5, min_ms: 20, max_ms: 20, sum_ms: 100 });
	});
});

describe('retention', () => {
	it('deletes raw checks past the retention period in batches, and keeps events and recent rollups', async () => {
		const t = await setup(30);
		const DAY = 86_400_000;
		const e = t.db.engine;
		await t.db.write(() => {
			for (let i = 0; i < 105; i++) {
				const at = T0 - i * DAY;
				e.run(
					`INSERT INTO checks (monitor_id, due_at, started_at, duration_ms, outcome, message, mode)
					 VALUES (?, ?, ?, 10, 'up', '', 'full')`,
					[t.monitor.id, at, at],
				);
				for (const [resolution, size] of [
					['minute', 60_000],
					['hour', 3_600_000],
					['day', DAY],
				] as const)
					e.run(
						`INSERT OR IGNORE INTO rollups (monitor_id, resolution, bucket_start, checks, up, degraded, down, sum_ms)
						 VALUES (?, ?, ?, 1, 1, 0, 0, 10)`,
						[t.monitor.id, resolution, Math.floor(at / size) * size],
					);
			}
			e.run("INSERT INTO events (monitor_id, at, from_state, to_state) VALUES (?, ?, NULL, 'up')", [
				t.monitor.id,
				T0 - 40 * DAY,
			]);
		});
		let pauses = 0;
		const result = await rotate(t.db, T0 + 1, {
			batch: 4,
			pause: () => Promise.resolve(void pauses++),
		});

		// Default retention: 90 days. Checks at 0..89 days old stay (90 rows), 90..104 go (15 rows).
		expect(result.checks).toBe(15);
		expect(e.value('SELECT count(*) FROM checks')).toBe(90);
		expect(e.value('SELECT min(started_at) FROM checks')).toBe(T0 - 89 * DAY);
		expect(pauses).toBeGreaterThanOrEqual(3);
		expect(e.value('SELECT count(*) FROM events')).toBe(1);
		expect(e.value("SELECT count(*) FROM rollups WHERE resolution = 'minute'")).toBe(7);
		expect(e.value("SELECT count(*) FROM rollups WHERE resolution = 'hour'")).toBe(105);
		expect(e.value("SELECT count(*) FROM rollups WHERE resolution = 'day'")).toBe(105);
	});

	it('follows the retention setting', async () => {
		const t = await setup(30);
		const e = t.db.engine;
		await t.db.write(() => {
			e.run("INSERT INTO settings (key, value, updated_at) VALUES ('retention_days', '2', 0)");
			for (const days of [0, 1, 2.5, 3])
				e.run(
					`INSERT INTO checks (monitor_id, due_at, started_at, duration_ms, outcome, message, mode)
					 VALUES (?, 0, ?, 10, 'up', '', 'full')`,
					[t.monitor.id, T0 - days * 86_400_000],
				);
		});
		expect((await rotate(t.db, T0)).checks).toBe(2);
		expect(e.value('SELECT count(*) FROM checks')).toBe(2);
	});
});

describe('scheduler across a replace', () => {
	it('drops a check whose request straddled an import: the new database’s monitor with that id gets nothing', async () => {
		const t = await setup(30);
		// The file imported meanwhile: the same monitor id, never checked.
		const imported = t.db.engine.db.export();
		let answer!: (response: Response) => void;
		t.env.fetch = () => new Promise<Response>((resolve) => (answer = resolve));
		t.scheduler.start();
		await new Promise((resolve) => setImmediate(resolve));
		expect(t.scheduler.running).toBe(1);

		await t.db.replace(imported, {
			reason: 'before-import',
			subject: 'This file',
			corrupt: 'import-corrupt',
			task: 'import',
		});
		const ended = t.scheduler.whenIdle();
		answer(new Response('held across the import', { status: 503 }));
		await t.advanceTo(t.env.time);
		await ended;

		expect(t.checks().filter((c) => c.message.includes('503'))).toEqual([]);
		expect(t.events().filter((e) => e.to_state === 'down')).toEqual([]);
	});
});

describe('scheduler and unreadable conditions', () => {
	it('does not check a monitor whose stored conditions cannot be read', async () => {
		const t = await setup(30);
		await t.db.write(() => t.db.engine.run(`UPDATE monitors SET conditions = '{"keyword": "up"}'`));
		t.scheduler.start();
		await t.advanceTo(T0 + 5 * 60_000);
		expect(t.env.requests).toEqual([]);
		expect(t.checks()).toEqual([]);
	});
});
