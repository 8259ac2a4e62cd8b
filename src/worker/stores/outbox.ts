/**
 * The `outbox` table: every alert, from queued to sent (or failed, or "uncertain", or "unconfirmed"),
 * which is also the notification log the UI shows. This module reads Telegram's rows (a chat in
 * `chat_ref`) and the whole log; channels' rows are read by stores/channel-outbox.ts. Tokens come out as
 * stored: domain/telegram reveals them.
 */
import type {
	AlertTarget,
	ChatType,
	OutboxEntry,
	OutboxKind,
	OutboxStatus,
} from '../../shared/telegram';
import type { Engine } from '../core/engine';

export interface Enqueue {
	kind: OutboxKind;
	text: string;
	eventId?: number | null;
	monitorId?: number | null;
	target: AlertTarget;
	now: number;
}

export function enqueue(engine: Engine, item: Enqueue): number {
	return engine.run(
		`INSERT INTO outbox (kind, event_id, monitor_id, chat_ref, thread_id, silent, text, created_at, next_attempt_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		[
			item.kind,
			item.eventId ?? null,
			item.monitorId ?? null,
			item.target.chatRef,
			item.target.threadId,
			item.target.silent ? 1 : 0,
			item.text,
			item.now,
			item.now,
		],
	).lastInsertRowid;
}

/** A message ready to go, with its bot's token as stored (it may be sealed). */
export interface Deliverable {
	id: number;
	text: string;
	threadId: number | null;
	silent: boolean;
	attempts: number;
	chatRef: number;
	chatId: number;
	chatType: ChatType;
	botId: number;
	token: string;
}

/** Deliverable: to a chat not disabled, through a bot not revoked whose token is there (and readable). */
const DELIVERABLE = `o.status = 'pending' AND c.disabled_at IS NULL AND b.status != 'revoked'
	AND b.needs_token = 0 AND (b.token NOT LIKE 'enc:%' OR :sealedReadable)`;

/**
 * Pending messages that are due, oldest first, to chats and bots that can receive them. Messages
 * through a bot whose token is sealed are left out unless `sealedReadable` (the key is in memory).
 */
export function dueMessages(
	engine: Engine,
	now: number,
	sealedReadable: boolean,
	limit = 50,
): Deliverable[] {
	return engine
		.all<{
			id: number;
			text: string;
			thread_id: number | null;
			silent: number;
			attempts: number;
			chat_ref: number;
			chat_id: number;
			type: string;
			bot_id: number;
			token: string;
		}>(
			`SELECT o.id, o.text, o.thread_id, o.silent, o.attempts, o.chat_ref, c.chat_id, c.type, c.bot_id, b.token
			 FROM outbox o JOIN telegram_chats c ON c.id = o.chat_ref JOIN telegram_bots b ON b.id = c.bot_id
			 WHERE ${DELIVERABLE} AND o.next_attempt_at <= :now
			 ORDER BY o.id LIMIT :limit`,
			{ ':now': now, ':sealedReadable': sealedReadable ? 1 : 0, ':limit': limit },
		)
		.map((r) => ({
			id: r.id,
			text: r.text,
			threadId: r.thread_id,
			silent: r.silent === 1,
			attempts: r.attempts,
			chatRef: r.chat_ref,
			chatId: r.chat_id,
			chatType: r.type as ChatType,
			botId: r.bot_id,
			token: r.token,
		}));
}

/** When the next deliverable message is due, or null when none waits. */
export function nextAttemptAt(engine: Engine, sealedReadable: boolean): number | null {
	const value = engine.value<number>(
		`SELECT min(o.next_attempt_at) FROM outbox o JOIN telegram_chats c ON c.id = o.chat_ref
		 JOIN telegram_bots b ON b.id = c.bot_id
		 WHERE ${DELIVERABLE}`,
		{ ':sealedReadable': sealedReadable ? 1 : 0 },
	);
	return typeof value === 'number' ? value : null;
}

export function setOutboxStatus(
	engine: Engine,
	id: number,
	status: OutboxStatus,
	fields: {
		error?: string | null;
		nextAttemptAt?: number;
		sentAt?: number;
		messageId?: number;
		attempt?: boolean;
	} = {},
): void {
	engine.run(
		`UPDATE outbox SET status = ?, last_error = coalesce(?, last_error), next_attempt_at = coalesce(?, next_attempt_at),
		   sent_at = coalesce(?, sent_at), telegram_message_id = coalesce(?, telegram_message_id),
		   attempts = attempts + ?
		 WHERE id = ?`,
		[
			status,
			fields.error ?? null,
			fields.nextAttemptAt ?? null,
			fields.sentAt ?? null,
			fields.messageId ?? null,
			fields.attempt ? 1 : 0,
			id,
		],
	);
}

/**
 * Messages claimed by an owner that stopped before it learnt the outcome. They are not sent again: Telegram
 * has no way to ask "did you get it?", and a second copy is worse than the honest "may not have arrived".
 */
export function markAbandonedSends(engine: Engine): number {
	return engine.run(
		`UPDATE outbox SET status = 'uncertain',
		   last_error = 'Monitor stopped while sending; it may or may not have arrived.'
		 WHERE status = 'sending'`,
	).changes;
}

export function failPendingForChat(engine: Engine, chatRef: number, reason: string): void {
	engine.run(
		`UPDATE outbox SET status = 'failed', last_error = ? WHERE chat_ref = ? AND status = 'pending'`,
		[reason, chatRef],
	);
}

/** Queues a failed or uncertain message again; returns false for any other (or no) message. */
export function requeue(engine: Engine, id: number, now: number): boolean {
	return (
		engine.run(
			`UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = NULL
			 WHERE id = ? AND status IN ('failed', 'uncertain')`,
			[now, id],
		).changes > 0
	);
}

export function pendingCount(engine: Engine): number {
	return Number(engine.value("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')"));
}

/** The notification log, newest first: of one monitor, or of all (health and test messages too). */
export function outboxFor(engine: Engine, monitorId: number | null, limit = 50): OutboxEntry[] {
	return engine
		.all<{
			id: number;
			kind: string;
			monitor_id: number | null;
			chat_ref: number | null;
			title: string | null;
			username: string | null;
			first_name: string | null;
			chat_id: number | null;
			channel_id: number | null;
			channel_name: string | null;
			text: string;
			created_at: number;
			status: string;
			attempts: number;
			sent_at: number | null;
			last_error: string | null;
		}>(
			`SELECT o.id, o.kind, o.monitor_id, o.chat_ref, c.title, c.username, c.first_name, c.chat_id,
			   o.channel_id, ch.name AS channel_name, o.text, o.created_at, o.status, o.attempts, o.sent_at, o.last_error
			 FROM outbox o LEFT JOIN telegram_chats c ON c.id = o.chat_ref
			 LEFT JOIN channels ch ON ch.id = o.channel_id
			 WHERE (? IS NULL OR o.monitor_id = ?) ORDER BY o.id DESC LIMIT ?`,
			[monitorId, monitorId, limit],
		)
		.map((r) => ({
			id: r.id,
			kind: r.kind as OutboxKind,
			monitorId: r.monitor_id,
			chatRef: r.chat_ref,
			channelId: r.channel_id,
			chatTitle:
				r.channel_name ??
				r.title ??
				(r.username
					? `@${r.username}`
					: (r.first_name ?? (r.chat_id === null ? null : String(r.chat_id)))),
			text: r.text,
			createdAt: r.created_at,
			status: r.status as OutboxStatus,
			attempts: r.attempts,
			sentAt: r.sent_at,
			lastError: r.last_error,
		}));
}

/** Deletes up to `batch` of the log's settled messages (sent, unconfirmed, failed, uncertain) created before `before`. */
export function deleteSettledBefore(engine: Engine, before: number, batch: number): number {
	return engine.run(
		`DELETE FROM outbox WHERE id IN (SELECT id FROM outbox
		   WHERE status IN ('sent', 'unconfirmed', 'failed', 'uncertain') AND created_at < ? ORDER BY id LIMIT ?)`,
		[before, batch],
	).changes;
}
