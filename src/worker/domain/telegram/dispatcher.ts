/**
 * Delivers the outbox, in the window that owns the database only. Each message is claimed durably
 * ("sending") before its request leaves and marked sent when Telegram confirms, so a reload or a hand-over
 * to another window never sends it again; a claim found without an outcome becomes "uncertain" (see
 * markAbandonedSends), and so does a send whose reply was lost (it may have arrived). Each pass works
 * on the database it started on: after a restore or an import nothing is marked in the new one, whose
 * own abandoned claims are swept first. Offline it waits; on 429 it waits as long as Telegram says; it keeps to Telegram's
 * limits of one message a second per chat and twenty a minute per group.
 */
import type { ChatType } from '../../../shared/telegram';
import type { LiveDatabase } from '../../core/database/live-database';
import type { Engine } from '../../core/engine';
import { isReplaced, writeOn } from '../same-database';
import { BotApiError, botPost, clampRetryAfter, type ApiMessage } from './api';
import { enqueueReminders } from './alerts';
import {
	failPendingForChat,
	markAbandonedSends,
	setOutboxStatus,
	type Deliverable,
} from '../../stores/outbox';
import { setBotStatus } from '../../stores/telegram-bots';
import { disableChat, migrateChat } from '../../stores/telegram-chats';
import { dueDeliveries, nextDeliveryAt } from './deliveries';
import { logDelivery } from './delivery-log';
import { apiBase } from '../../stores/settings';

export interface DispatchEnv {
	fetch: typeof fetch;
	now: () => number;
	setTimer(fn: () => void, ms: number): unknown;
	clearTimer(handle: unknown): void;
	online(): boolean;
	/** A failure the person should hear about (the notices funnel); by default the console. */
	report?(what: string, error: unknown): void;
}

const PER_CHAT_GAP_MS = 1_000;
const GROUP_WINDOW_MS = 60_000;
const GROUP_MAX_IN_WINDOW = 20;
const OFFLINE_POLL_MS = 5_000;
const REMINDER_EVERY_MS = 60_000;
/** Waits after failures that are not Telegram's "retry after": 5 s, 30 s, 2 min, then every 10 min. */
const BACKOFF_MS = [5_000, 30_000, 120_000, 600_000];

/** Telegram's limits, per chat: when may the next message to it go? */
export class ChatRateLimiter {
	readonly #sent = new Map<number, number[]>();
	readonly #blockedUntil = new Map<number, number>();

	waitFor(chatRef: number, type: ChatType, now: number): number {
		const times = this.#sent.get(chatRef) ?? [];
		let wait = Math.max(0, (this.#blockedUntil.get(chatRef) ?? 0) - now);
		const last = times.at(-1);
		if (last !== undefined) wait = Math.max(wait, last + PER_CHAT_GAP_MS - now);
		if (type === 'group' || type === 'supergroup') {
			const recent = times.filter((t) => t > now - GROUP_WINDOW_MS);
			if (recent.length >= GROUP_MAX_IN_WINDOW)
				wait = Math.max(wait, recent[recent.length - GROUP_MAX_IN_WINDOW]! + GROUP_WINDOW_MS - now);
		}
		return wait;
	}

	sent(chatRef: number, now: number): void {
		const times = (this.#sent.get(chatRef) ?? []).filter((t) => t > now - GROUP_WINDOW_MS);
		times.push(now);
		this.#sent.set(chatRef, times);
	}

	block(chatRef: number, until: number): void {
		this.#blockedUntil.set(chatRef, Math.max(until, this.#blockedUntil.get(chatRef) ?? 0));
	}
}

export class Dispatcher {
	readonly #db: LiveDatabase;
	readonly #env: DispatchEnv;
	readonly #limiter = new ChatRateLimiter();
	#timer: unknown = null;
	#reminderTimer: unknown = null;
	#running: Promise<void> | null = null;
	#again = false;
	#stopped = true;
	/** The database whose abandoned claims were last swept (a restore or an import brings another). */
	#swept: Engine | null = null;

	constructor(db: LiveDatabase, env: DispatchEnv) {
		this.#db = db;
		this.#env = env;
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
				if (!isReplaced(error)) this.#report('Delivering Telegram messages failed', error);
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
		for (const message of dueDeliveries(engine, this.#env.now())) {
			if (this.#stopped) return;
			const wait = this.#limiter.waitFor(message.chatRef, message.chatType, this.#env.now());
			if (wait > 0) {
				soonest = Math.min(soonest, wait);
				continue;
			}
			// A replace ends the pass (db-replaced); the new database's change event starts the next.
			await this.#deliver(engine, message);
		}
		const next = nextDeliveryAt(engine);
		if (next !== null) soonest = Math.min(soonest, Math.max(0, next - this.#env.now()));
		if (Number.isFinite(soonest)) this.#arm(Math.max(soonest, 50));
	}

	async #deliver(engine: Engine, message: Deliverable): Promise<void> {
		// The claim is durable before the request leaves: after a crash this message is "uncertain", never resent.
		await writeOn(this.#db, engine, (e) =>
			setOutboxStatus(e, message.id, 'sending', { attempt: true }),
		);
		const now = this.#env.now();
		this.#limiter.sent(message.chatRef, now);
		try {
			const sent = await botPost<ApiMessage>(
				{ fetch: this.#env.fetch, base: apiBase(engine) },
				message.token,
				'sendMessage',
				{
					chat_id: message.chatId,
					text: message.text,
					parse_mode: 'HTML',
					message_thread_id: message.threadId,
					disable_notification: message.silent || undefined,
					link_preview_options: JSON.stringify({ is_disabled: true }),
				},
			);
			await writeOn(this.#db, engine, (e) => {
				const sentAt = this.#env.now();
				setOutboxStatus(e, message.id, 'sent', {
					sentAt,
					messageId: sent.message_id,
					error: null,
				});
				logDelivery(e, sentAt, message, 'sent');
			});
		} catch (error) {
			if (isReplaced(error)) throw error;
			await writeOn(this.#db, engine, (e) => this.#handleFailure(e, message, error));
		}
	}

	#handleFailure(engine: Engine, message: Deliverable, error: unknown): void {
		const now = this.#env.now();
		const failure =
			error instanceof BotApiError ? error : new BotApiError('transient', String(error), null);
		const retry = (at: number) =>
			setOutboxStatus(engine, message.id, 'pending', { nextAttemptAt: at, error: failure.message });
		if (failure.unanswered) {
			// It may have arrived: a second copy is worse than an honest "may not have arrived".
			setOutboxStatus(engine, message.id, 'uncertain', {
				error: `${failure.message} It may or may not have arrived.`,
			});
			logDelivery(engine, now, message, 'uncertain', failure.message);
			return;
		}
		switch (failure.kind) {
			case 'rate-limited': {
				const until = now + clampRetryAfter(failure.retryAfterS) * 1000;
				this.#limiter.block(message.chatRef, until);
				retry(until);
				return;
			}
			case 'migrated':
				migrateChat(engine, message.botId, { from: message.chatId, to: failure.migrateTo! }, now);
				retry(now);
				return;
			case 'unauthorized':
				setBotStatus(engine, message.botId, 'revoked', failure.message, now);
				setOutboxStatus(engine, message.id, 'failed', { error: failure.message });
				logDelivery(engine, now, message, 'failed', failure.message);
				return;
			case 'chat-gone': {
				const reason = `Telegram refuses this chat: ${failure.message}`;
				disableChat(engine, message.chatRef, reason, now);
				setOutboxStatus(engine, message.id, 'failed', { error: reason });
				logDelivery(engine, now, message, 'failed', reason);
				failPendingForChat(engine, message.chatRef, reason);
				return;
			}
			case 'refused':
			case 'conflict':
				setOutboxStatus(engine, message.id, 'failed', { error: failure.message });
				logDelivery(engine, now, message, 'failed', failure.message);
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
		this.#reminderTimer = this.#env.setTimer(() => {
			if (this.#stopped) return;
			if (!this.#db.readOnly) {
				this.#db
					.write(() => enqueueReminders(this.#db.engine, this.#env.now()))
					.then((count) => count > 0 && this.kick())
					.catch((error: unknown) => {
						if (!isReplaced(error)) this.#report('Queuing Telegram reminders failed', error);
					});
			}
			this.#scheduleReminders();
		}, REMINDER_EVERY_MS);
	}
}
