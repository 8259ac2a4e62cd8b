/**
 * Telegram's driver for the outbox dispatcher (alerts/dispatcher.ts), and the app's dispatcher, which
 * delivers Telegram's messages and every channel's. Only "simple" requests go to the Bot API; Telegram's
 * limits are kept (one message a second per chat, twenty a minute per group); a migrated group is followed
 * to its supergroup, a revoked token marks its bot, a blocked or kicked bot disables its chat.
 */
import type { ChatType } from '../../../shared/telegram';
import type { LiveDatabase } from '../../core/database/live-database';
import type { Engine } from '../../core/engine';
import { failPendingForChat, setOutboxStatus, type Deliverable } from '../../stores/outbox';
import { apiBase } from '../../stores/settings';
import { setBotStatus } from '../../stores/telegram-bots';
import { disableChat, migrateChat } from '../../stores/telegram-chats';
import { channelDriver } from '../alerts/channel-driver';
import { DeliveryFailure, type DeliveryDriver } from '../alerts/delivery';
import { OutboxDispatcher, type DispatchEnv } from '../alerts/dispatcher';
import { enqueueReminders } from './alerts';
import { BotApiError, botPost, type ApiMessage } from './api';
import { dueDeliveries, nextDeliveryAt } from './deliveries';
import { logDelivery } from './delivery-log';

export type { DispatchEnv };

const PER_CHAT_GAP_MS = 1_000;
const GROUP_WINDOW_MS = 60_000;
const GROUP_MAX_IN_WINDOW = 20;

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

export function telegramDriver(env: Pick<DispatchEnv, 'fetch'>): DeliveryDriver<Deliverable> {
	const limiter = new ChatRateLimiter();
	const failed = (engine: Engine, message: Deliverable, reason: string, now: number) => {
		setOutboxStatus(engine, message.id, 'failed', { error: reason });
		logDelivery(engine, now, message, 'failed', reason);
	};
	return {
		name: 'Telegram',
		due: dueDeliveries,
		nextAt: nextDeliveryAt,
		waitFor: (m, now) => limiter.waitFor(m.chatRef, m.chatType, now),
		sending: (m, now) => limiter.sent(m.chatRef, now),
		block: (m, until) => limiter.block(m.chatRef, until),
		async send(engine, message) {
			const sent = await botPost<ApiMessage>(
				{ fetch: env.fetch, base: apiBase(engine) },
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
			return { status: 'sent', messageId: sent.message_id };
		},
		failure(engine, message, error, now) {
			const failure =
				error instanceof BotApiError ? error : new BotApiError('transient', String(error), null);
			if (failure.unanswered) return new DeliveryFailure('transient', failure.message, null, true);
			switch (failure.kind) {
				case 'rate-limited':
					return new DeliveryFailure('rate-limited', failure.message, failure.retryAfterS);
				case 'migrated':
					migrateChat(engine, message.botId, { from: message.chatId, to: failure.migrateTo! }, now);
					setOutboxStatus(engine, message.id, 'pending', {
						nextAttemptAt: now,
						error: failure.message,
					});
					return 'handled';
				case 'unauthorized':
					setBotStatus(engine, message.botId, 'revoked', failure.message, now);
					failed(engine, message, failure.message, now);
					return 'handled';
				case 'chat-gone': {
					const reason = `Telegram refuses this chat: ${failure.message}`;
					disableChat(engine, message.chatRef, reason, now);
					failed(engine, message, reason, now);
					failPendingForChat(engine, message.chatRef, reason);
					return 'handled';
				}
				case 'refused':
				case 'conflict':
					return new DeliveryFailure('refused', failure.message);
				default:
					return new DeliveryFailure('transient', failure.message);
			}
		},
		log: (engine, at, message, outcome, error) => logDelivery(engine, at, message, outcome, error),
	};
}

/** The app's outbox dispatcher: Telegram's messages, then every channel's, and reminders while down. */
export class Dispatcher extends OutboxDispatcher {
	constructor(db: LiveDatabase, env: DispatchEnv) {
		super(db, env, [telegramDriver(env), channelDriver(env)], enqueueReminders);
	}
}
