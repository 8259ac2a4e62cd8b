/**
 * Runs each enabled monitor's check when it is due, in the worker that owns the database (worker timers
 * are not throttled like a hidden tab's). Due times live in `monitor_status.next_due_at`, so after a
 * suspended tab the first check records how late it ran: the gap is shown, not hidden, and no burst of
 * catch-up checks is fired. After a reopen the overdue checks are spread over one interval
 * (spreadOverdue). Offline, nothing runs and nothing is recorded as a failure.
 */
import type { Monitor } from '../../../shared/monitors';
import type { LiveDatabase } from '../../core/database/live-database';
import { dueTimes, setNextDue } from '../../stores/monitor-status';
import { listMonitors } from '../monitors/service';
import { runCheck, type CheckEnv, type CheckTarget } from './http';
import { RecordBatch } from './record-batch';
import { isReplaced } from '../same-database';

export interface SchedulerEnv extends CheckEnv {
	setTimer(fn: () => void, ms: number): unknown;
	clearTimer(handle: unknown): void;
	online(): boolean;
	/** A check that could not be recorded (the notices funnel); by default the console. */
	report?(what: string, error: unknown): void;
}

export interface SchedulerOptions {
	/** Checks running at once; more wait their turn (and their delay is measured). */
	concurrency?: number;
	/** How soon a failed check is retried, at most (never later than the interval). */
	retryDelayMs?: number;
	/** Results of checks that end within this long of each other are one write (record-batch.ts). */
	recordTickMs?: number;
}

interface Scheduled {
	id: number;
	target: CheckTarget;
	intervalMs: number;
	retries: number;
	nextDueAt: number;
	/** The due time stored in the database, when `nextDueAt` was re-planned (spreadOverdue). */
	storedDueAt?: number;
}

const DELAY_SAMPLES = 2000;
const OFFLINE_POLL_MS = 5_000;

export class Scheduler {
	readonly #db: LiveDatabase;
	readonly #env: SchedulerEnv;
	readonly #concurrency: number;
	readonly #retryDelayMs: number;
	#monitors = new Map<number, Scheduled>();
	readonly #running = new Set<number>();
	readonly #batch: RecordBatch;
	#timer: unknown = null;
	#stopped = true;
	#refreshQueued = false;
	/** No check starts before this time (see `hold`). */
	#heldUntil = 0;
	/** Milliseconds between due and start, for the last checks (a ring buffer). */
	readonly #delays: number[] = [];
	#delayCursor = 0;
	readonly #idle = new Set<() => void>();

	constructor(db: LiveDatabase, env: SchedulerEnv, options: SchedulerOptions = {}) {
		this.#db = db;
		this.#env = env;
		this.#concurrency = options.concurrency ?? 32;
		this.#retryDelayMs = options.retryDelayMs ?? 20_000;
		this.#batch = new RecordBatch(db, env, options.recordTickMs);
	}

	get running(): number {
		return this.#running.size;
	}

	/** Starts checking; checks that fell due while no window ran them are spread over one interval. */
	start(): void {
		this.#stopped = false;
		this.#reload(true);
	}

	stop(): void {
		this.#stopped = true;
		if (this.#timer !== null) this.#env.clearTimer(this.#timer);
		this.#timer = null;
		void this.#batch.flush();
	}

	/** Writes the results waiting for their tick now: the page may be about to go (a flush). */
	flushResults(): Promise<void> {
		return this.#batch.flush();
	}

	/**
	 * Reloads monitors and due times from the database (after any change to the monitors table). Calls in
	 * one burst (hundreds of monitors created at once) are folded into one reload.
	 */
	refresh(): void {
		if (this.#refreshQueued) return;
		this.#refreshQueued = true;
		this.#env.setTimer(() => {
			this.#refreshQueued = false;
			this.#reload();
		}, 0);
	}

	#reload(spread = false): void {
		if (this.#stopped || this.#db.readOnly) return;
		const engine = this.#db.engine;
		const due = dueTimes(engine);
		const before = this.#monitors;
		this.#monitors = new Map(
			listMonitors(engine)
				// A monitor whose headers or body are locked (or lost) waits: a check without them would only
				// fail; one whose conditions cannot be read too: a check without them would report a wrong state.
				.filter(
					(m) =>
						m.enabled &&
						!m.secretsLocked &&
						!m.needsHeaders &&
						!m.needsBody &&
						!m.conditionsError &&
						due.has(m.id),
				)
				.map((m) => {
					const scheduled = toScheduled(m, due.get(m.id)!);
					// A spread check keeps its place while its stored due time has not moved (an edit moves it).
					const planned = before.get(m.id);
					if (planned?.storedDueAt === scheduled.nextDueAt) {
						scheduled.storedDueAt = planned.storedDueAt;
						scheduled.nextDueAt = planned.nextDueAt;
					}
					return [m.id, scheduled];
				}),
		);
		if (spread) spreadOverdue([...this.#monitors.values()], this.#env.now());
		this.#tick();
	}

	/** Network state changed: resume at once when back online. */
	onlineChanged(): void {
		this.#tick();
	}

	/**
	 * Starts no new check for `ms` (checks already running finish). Used while a new version of the app
	 * activates: each check's request passes the old service worker, and one arriving while Chromium
	 * swaps the worker out starts it again and holds the update up for minutes. A hold ends by itself,
	 * so a window that asks for one and then goes away cannot stop the monitoring.
	 */
	hold(ms: number): void {
		this.#heldUntil = Math.max(this.#heldUntil, this.#env.now() + ms);
		this.#tick();
	}

	/** Moves a monitor's next check to now. */
	async checkNow(id: number): Promise<void> {
		const now = this.#env.now();
		await this.#db.write(() => setNextDue(this.#db.engine, id, now));
		this.#reload();
	}

	/** Due-to-start delays of the recent checks, in ms. */
	delays(): number[] {
		return [...this.#delays];
	}

	/** Checks that ended and whose result waits for its tick to be written (record-batch.ts). */
	get waitingForTick(): number {
		return this.#batch.queued;
	}

	/** Resolves when no check is running: a check runs until its result is durable. */
	whenIdle(): Promise<void> {
		if (this.#running.size === 0) return Promise.resolve();
		return new Promise((resolve) => this.#idle.add(resolve));
	}

	#tick(): void {
		if (this.#timer !== null) this.#env.clearTimer(this.#timer);
		this.#timer = null;
		if (this.#stopped) return;
		const now = this.#env.now();
		const waiting = [...this.#monitors.values()]
			.filter((m) => !this.#running.has(m.id))
			.sort((a, b) => a.nextDueAt - b.nextDueAt);
		const held = this.#heldUntil > now;
		if (this.#env.online() && !held) {
			for (const monitor of waiting) {
				if (monitor.nextDueAt > now || this.#running.size >= this.#concurrency) break;
				void this.#run(monitor);
			}
		}
		const next = waiting.find((m) => !this.#running.has(m.id));
		if (!next || this.#running.size >= this.#concurrency) return;
		// Offline, look again every few seconds: not every browser tells a worker when the network is back.
		const wait = this.#env.online()
			? Math.max(0, next.nextDueAt - now, this.#heldUntil - now)
			: OFFLINE_POLL_MS;
		this.#timer = this.#env.setTimer(() => this.#tick(), wait);
	}

	async #run(monitor: Scheduled): Promise<void> {
		this.#running.add(monitor.id);
		const dueAt = monitor.nextDueAt;
		// A restore or an import during the request swaps the database: this check then belongs to none.
		const engine = this.#db.engine;
		try {
			const observation = await runCheck(monitor.target, this.#env);
			// A check that failed because the browser went offline meanwhile says nothing about the target.
			if (observation.outcome === 'down' && !this.#env.online()) return;
			this.#sampleDelay(observation.startedAt - dueAt);
			const end = this.#env.now();
			const cadence = dueAt + monitor.intervalMs;
			// Written with the other checks that end in the same tick: one transaction, one commit (record-batch.ts).
			const recording = this.#batch.record(engine, {
				monitorId: monitor.id,
				retries: monitor.retries,
				dueAt,
				storedDueAt: monitor.storedDueAt,
				observation,
				nextDueAt: cadence > end ? cadence : end + monitor.intervalMs,
				retryAt: end + Math.min(this.#retryDelayMs, monitor.intervalMs),
			});
			const recorded = await recording;
			const current = this.#monitors.get(monitor.id);
			if (recorded && current && current.nextDueAt === dueAt) {
				current.nextDueAt = recorded.nextDueAt;
				delete current.storedDueAt;
			}
		} catch (error) {
			if (isReplaced(error)) return;
			// A failed save is retried by the persister; a refused one (read-only, stale) ends this owner's run.
			(this.#env.report ?? console.warn)('Recording a check failed', error);
			const current = this.#monitors.get(monitor.id);
			if (current && current.nextDueAt === dueAt)
				current.nextDueAt = this.#env.now() + monitor.intervalMs;
		} finally {
			this.#running.delete(monitor.id);
			if (this.#running.size === 0) {
				const waiting = [...this.#idle];
				this.#idle.clear();
				for (const resolve of waiting) resolve();
			}
			this.#tick();
		}
	}

	#sampleDelay(ms: number): void {
		if (this.#delays.length < DELAY_SAMPLES) this.#delays.push(ms);
		else this.#delays[this.#delayCursor] = ms;
		this.#delayCursor = (this.#delayCursor + 1) % DELAY_SAMPLES;
	}
}

/**
 * After a reopen (or a hand-over) every check that fell due meanwhile is overdue at once: 200 monitors
 * would fire together, in the worker's first second, while the app is still opening. Instead, overdue
 * check i of n is planned at i/n of its monitor's interval from now, the order they fell due in kept;
 * the time no window ran them stays visible as the gap in their history.
 */
export function spreadOverdue(
	monitors: { nextDueAt: number; intervalMs: number; storedDueAt?: number }[],
	now: number,
): void {
	const overdue = monitors
		.filter((m) => m.nextDueAt <= now)
		.sort((a, b) => a.nextDueAt - b.nextDueAt);
	overdue.forEach((m, i) => {
		m.storedDueAt = m.nextDueAt;
		m.nextDueAt = now + Math.floor((i * m.intervalMs) / overdue.length);
	});
}

function toScheduled(monitor: Monitor, nextDueAt: number): Scheduled {
	const { id, url, method, timeoutMs, mode, conditions, headers, body } = monitor;
	return {
		id,
		intervalMs: monitor.intervalS * 1000,
		retries: monitor.retries,
		nextDueAt,
		target: { url, method, timeoutMs, mode, conditions, headers, body },
	};
}
