/**
 * Delivers the outbox, in the window that owns the database only, through every channel's driver. Each
 * message is claimed durably ("sending") before its request leaves and marked sent when the endpoint
 * confirms, so a reload or a hand-over to another window never sends it again; a claim found without an
 * outcome becomes "uncertain" (see markAbandonedSends), and so does a send whose answer was lost (it may
 * have arrived). A request whose answer cannot be read at all (no-cors) is "unconfirmed". Each pass works
 * on the database it started on: after a restore or an import nothing is marked in the new one, whose own
 * abandoned claims are swept first. Offline it waits; a "retry after" waits as long as the endpoint says;
 * each driver keeps its endpoint's rate limits.
 */
import type { LiveDatabase } from '../../core/database/live-database';
import type { Engine } from '../../core/engine';
import { markAbandonedSends, setOutboxStatus } from '../../stores/outbox';
import type { Notify } from './senders';
import { isReplaced, writeOn } from '../same-database';
import { BACKOFF_MS, clampRetryAfter, type DeliveryDriver, type Outgoing } from './delivery';

export interface DispatchEnv {
	fetch: typeof fetch;
	now: () => number;
	setTimer(fn: () => void, ms: number): unknown;
	clearTimer(handle: unknown): void;
	online(): boolean;
	/** A failure the person should hear about (the notices funnel); by default the console. */
	report?(what: string, error: unknown): void;
	/** Shows a browser notification (through a window: runtime/notification-bridge.ts). */
	notify?: Notify;
}

const OFFLINE_POLL_MS = 5_000;
/**
 * A pass that found messages due but could send none of them (a sealed secret that does not open here
 * is due for ever, yet never deliverable) looks again this much later, not at once.
 */
const NOTHING_SENDABLE_MS = 1_000;
const REMINDER_EVERY_MS = 60_000;

// Drivers of different message types share one list; each only ever sees the messages it read.
type AnyDriver = DeliveryDriver<Outgoing>;

export class OutboxDispatcher {
	readonly #db: LiveDatabase;
	readonly #env: DispatchEnv;
	readonly #drivers: readonly AnyDriver[];
	readonly #reminders: ((engine: Engine, now: number) => number) | null;
	#timer: unknown = null;
	#reminderTimer: unknown = null;
	#running: Promise<void> | null = null;
	#again = false;
	#stopped = true;
	/** The database whose abandoned claims were last swept (a restore or an import brings another). */
	#swept: Engine | null = null;
	/** The driver the pass is working with, to name it when the pass fails. */
	#current = 'alert';

	constructor(
		db: LiveDatabase,
		env: DispatchEnv,
		drivers: readonly AnyDriver[],
		reminders: ((engine: Engine, now: number) => number) | null = null,
	) {
		this.#db = db;
		this.#env = env;
		this.#drivers = drivers;
		this.#reminders = reminders;
	}

	async start(): Promise<void> {
		this.#stopped = false;
		await this.#sweep(this.#db.engine);
		this.#scheduleReminders();
		this.kick();
	}

	stop(): void {
		this.#stopped = true;
		if (this.#timer !== null) this.#env.clearTimer(this.#timer);
		if (this.#reminderTimer !== null) this.#env.clearTimer(this.#reminderTimer);
		this.#timer = this.#reminderTimer = null;
	}

	/** Something was queued (or the network came back): deliver what is due now. */
	kick(): void {
		if (this.#stopped) return;
		if (this.#running) {
			this.#again = true;
			return;
		}
		this.#running = this.#drain()
			.catch((error: unknown) => {
				if (!isReplaced(error)) this.#report(`Delivering ${this.#current} messages failed`, error);
			})
			.finally(() => {
				this.#running = null;
				if (this.#again) {
					this.#again = false;
					this.kick();
				}
			});
	}

	/** Resolves when no delivery pass is running (tests wait on it). */
	async idle(): Promise<void> {
		while (this.#running) await this.#running;
	}

	/** Marks the claims an earlier owner (or the imported file's device) left without an outcome. */
	async #sweep(engine: Engine): Promise<void> {
		if (this.#db.readOnly || this.#swept === engine) return;
		await writeOn(this.#db, engine, (e) => markAbandonedSends(e));
		this.#swept = engine;
	}

	async #drain(): Promise<void> {
		if (this.#timer !== null) this.#env.clearTimer(this.#timer);
		this.#timer = null;
		if (this.#db.readOnly) return;
		const engine = this.#db.engine;
		await this.#sweep(engine);
		if (!this.#env.online()) {
			this.#arm(OFFLINE_POLL_MS);
			return;
		}
		let soonest = Number.POSITIVE_INFINITY;
		let sent = 0;
		for (const driver of this.#drivers) {
			this.#current = driver.name;
			for (const message of driver.due(engine, this.#env.now())) {
				if (this.#stopped) return;
				const wait = driver.waitFor(message, this.#env.now());
				if (wait > 0) {
					soonest = Math.min(soonest, wait);
					continue;
				}
				// A replace ends the pass (db-replaced); the new database's change event starts the next.
				await this.#deliver(engine, driver, message);
				sent++;
			}
			const next = driver.nextAt(engine);
			if (next !== null) soonest = Math.min(soonest, Math.max(0, next - this.#env.now()));
		}
		this.#current = 'alert';
		if (Number.isFinite(soonest))
			this.#arm(Math.max(soonest, sent === 0 && soonest === 0 ? NOTHING_SENDABLE_MS : 50));
	}

	async #deliver(engine: Engine, driver: AnyDriver, message: Outgoing): Promise<void> {
		// The claim is durable before the request leaves: after a crash this message is "uncertain", never resent.
		await writeOn(this.#db, engine, (e) =>
			setOutboxStatus(e, message.id, 'sending', { attempt: true }),
		);
		driver.sending(message, this.#env.now());
		try {
			const sent = await driver.send(engine, message);
			await writeOn(this.#db, engine, (e) => {
				const sentAt = this.#env.now();
				setOutboxStatus(e, message.id, sent.status, {
					sentAt,
					messageId: sent.messageId ?? undefined,
					error:
						sent.status === 'unconfirmed'
							? 'Sent; this endpoint does not let a page read its answer, so delivery cannot be confirmed.'
							: null,
				});
				driver.log(e, sentAt, message, sent.status);
			});
		} catch (error) {
			if (isReplaced(error)) throw error;
			await writeOn(this.#db, engine, (e) => this.#handleFailure(e, driver, message, error));
		}
	}

	#handleFailure(engine: Engine, driver: AnyDriver, message: Outgoing, error: unknown): void {
		const now = this.#env.now();
		const failure = driver.failure(engine, message, error, now);
		if (failure === 'handled') return;
		const retry = (at: number) =>
			setOutboxStatus(engine, message.id, 'pending', { nextAttemptAt: at, error: failure.message });
		if (failure.unanswered) {
			// It may have arrived: a second copy is worse than an honest "may not have arrived".
			setOutboxStatus(engine, message.id, 'uncertain', {
				error: `${failure.message} It may or may not have arrived.`,
			});
			driver.log(engine, now, message, 'uncertain', failure.message);
			return;
		}
		switch (failure.kind) {
			case 'rate-limited': {
				const until = now + clampRetryAfter(failure.retryAfterS) * 1000;
				driver.block(message, until);
				retry(until);
				return;
			}
			case 'refused':
				setOutboxStatus(engine, message.id, 'failed', { error: failure.message });
				driver.log(engine, now, message, 'failed', failure.message);
				return;
			default:
				retry(now + BACKOFF_MS[Math.min(message.attempts, BACKOFF_MS.length - 1)]!);
		}
	}

	#report(what: string, error: unknown): void {
		if (this.#env.report) this.#env.report(what, error);
		else console.warn(what, error);
	}

	#arm(ms: number): void {
		if (this.#stopped) return;
		if (this.#timer !== null) this.#env.clearTimer(this.#timer);
		this.#timer = this.#env.setTimer(() => this.kick(), ms);
	}

	#scheduleReminders(): void {
		const reminders = this.#reminders;
		if (!reminders) return;
		this.#reminderTimer = this.#env.setTimer(() => {
			if (this.#stopped) return;
			if (!this.#db.readOnly) {
				this.#db
					.write(() => reminders(this.#db.engine, this.#env.now()))
					.then((count) => count > 0 && this.kick())
					.catch((error: unknown) => {
						if (!isReplaced(error)) this.#report('Queuing reminders failed', error);
					});
			}
			this.#scheduleReminders();
		}, REMINDER_EVERY_MS);
	}
}
