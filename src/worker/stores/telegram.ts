/** Telegram rows in and out of SQLite: bots, chats, per-monitor alert choices and the outbox. */
import { AppError } from '../../shared/errors';
import {
	maskToken,
	type AlertTarget,
	type BotStatus,
	type ChatType,
	type MonitorAlerts,
	type OutboxEntry,
	type OutboxKind,
	type OutboxStatus,
	type TelegramBot,
	type TelegramChat,
} from '../../shared/telegram';
// eslint-disable-next-line no-restricted-imports -- house: moves down in the stores split
import { isSealed } from '../domain/account/crypto';
// eslint-disable-next-line no-restricted-imports -- house: moves down in the stores split
import { vault } from '../domain/account/vault';
import type { Engine } from '../core/engine';
// eslint-disable-next-line no-restricted-imports -- house: moves down in the stores split
import type { BotUser } from '../domain/telegram/api';
// eslint-disable-next-line no-restricted-imports -- house: moves down in the stores split
import type { ChatSighting, Migration } from '../domain/telegram/updates';

// --- bots -------------------------------------------------------------------------------------------

interface BotRow {
	id: number;
	token: string;
	username: string | null;
	first_name: string | null;
	reads_all_group_messages: number;
	status: string;
	status_message: string | null;
	update_offset: number;
	added_at: number;
	checked_at: number | null;
	token_hint: string | null;
	needs_token: number;
}

function toBot(row: BotRow): TelegramBot {
	// A sealed token is never decrypted for display; its hint shows only the bot's public id.
	const clear = !isSealed(row.token) && row.needs_token === 0;
	return {
		id: row.id,
		maskedToken: clear ? maskToken(row.token) : (row.token_hint ?? '…'),
		needsToken: row.needs_token === 1,
		username: row.username,
		firstName: row.first_name,
		privacyMode: row.reads_all_group_messages === 0,
		status: row.status as BotStatus,
		statusMessage: row.status_message,
		addedAt: row.added_at,
		checkedAt: row.checked_at,
	};
}

export function listBots(engine: Engine): TelegramBot[] {
	return engine.all<BotRow>('SELECT * FROM telegram_bots ORDER BY id').map(toBot);
}

/**
 * For the owner's own calls to Telegram only: the token never leaves the worker. Bots whose token is
 * sealed while the passphrase has not been entered (or that need their token again) are left out.
 */
export function botSecrets(
	engine: Engine,
): { id: number; token: string; offset: number; status: BotStatus }[] {
	return engine
		.all<BotRow>('SELECT * FROM telegram_bots WHERE needs_token = 0 ORDER BY id')
		.filter((r) => vault.canReveal(r.token))
		.map((r) => ({
			id: r.id,
			token: vault.reveal(r.token),
			offset: r.update_offset,
			status: r.status as BotStatus,
		}));
}

export function botToken(engine: Engine, botId: number): string {
	const row = engine.get<{ token: string; needs_token: number }>(
		'SELECT token, needs_token FROM telegram_bots WHERE id = ?',
		[botId],
	);
	if (!row) throw new AppError('not-found', 'That bot is no longer in this database.');
	if (row.needs_token) throw new AppError('telegram-token-invalid');
	return vault.reveal(row.token);
}

/**
 * Stores a bot checked with getMe. `stored` is the token as kept (sealed under a passphrase), `hint` its
 * public id. The same bot added again (a new token from BotFather) replaces its old token.
 */
export function saveBot(
	engine: Engine,
	stored: string,
	hint: string,
	me: BotUser,
	now: number,
): TelegramBot {
	engine.run(
		`INSERT INTO telegram_bots (token, token_hint, bot_user_id, username, first_name, reads_all_group_messages,
		   status, status_message, added_at, checked_at)
		 VALUES (?, ?, ?, ?, ?, ?, 'ok', NULL, ?, ?)
		 ON CONFLICT (bot_user_id) DO UPDATE SET token = excluded.token, token_hint = excluded.token_hint,
		   needs_token = 0, username = excluded.username, first_name = excluded.first_name,
		   reads_all_group_messages = excluded.reads_all_group_messages, status = 'ok', status_message = NULL,
		   checked_at = excluded.checked_at`,
		[
			stored,
			hint,
			me.id,
			me.username ?? null,
			me.first_name,
			me.can_read_all_group_messages ? 1 : 0,
			now,
			now,
		],
	);
	const row = engine.get<BotRow>('SELECT * FROM telegram_bots WHERE bot_user_id = ?', [me.id]);
	return toBot(row!);
}

export function setBotStatus(
	engine: Engine,
	botId: number,
	status: BotStatus,
	message: string | null,
	now: number,
): void {
	engine.run(
		'UPDATE telegram_bots SET status = ?, status_message = ?, checked_at = ? WHERE id = ?',
		[status, message, now, botId],
	);
}

export function deleteBot(engine: Engine, botId: number): boolean {
	return engine.run('DELETE FROM telegram_bots WHERE id = ?', [botId]).changes > 0;
}

// --- chats ------------------------------------------------------------------------------------------

interface ChatRow {
	id: number;
	bot_id: number;
	chat_id: number;
	type: string;
	title: string | null;
	username: string | null;
	first_name: string | null;
	last_name: string | null;
	is_forum: number;
	member_status: string | null;
	first_seen_at: number;
	last_seen_at: number;
	is_default: number;
	default_thread_id: number | null;
	default_silent: number;
	disabled_at: number | null;
	disabled_reason: string | null;
}

function toChat(row: ChatRow): TelegramChat {
	return {
		id: row.id,
		botId: row.bot_id,
		chatId: row.chat_id,
		type: row.type as ChatType,
		title: row.title,
		username: row.username,
		firstName: row.first_name,
		lastName: row.last_name,
		isForum: row.is_forum === 1,
		memberStatus: row.member_status,
		firstSeenAt: row.first_seen_at,
		lastSeenAt: row.last_seen_at,
		isDefault: row.is_default === 1,
		defaultThreadId: row.default_thread_id,
		defaultSilent: row.default_silent === 1,
		disabledAt: row.disabled_at,
		disabledReason: row.disabled_reason,
	};
}

export function listChats(engine: Engine): TelegramChat[] {
	return engine
		.all<ChatRow>('SELECT * FROM telegram_chats ORDER BY bot_id, last_seen_at DESC')
		.map(toChat);
}

export function getChat(engine: Engine, chatRef: number): TelegramChat {
	const row = engine.get<ChatRow>('SELECT * FROM telegram_chats WHERE id = ?', [chatRef]);
	if (!row) throw new AppError('not-found', 'That chat is no longer in this database.');
	return toChat(row);
}

/** Stores what an update said about a chat; returns true for a chat not seen before. */
export function recordSighting(
	engine: Engine,
	botId: number,
	sighting: ChatSighting,
	now: number,
): boolean {
	const { chat } = sighting;
	const known = engine.value('SELECT 1 FROM telegram_chats WHERE bot_id = ? AND chat_id = ?', [
		botId,
		chat.id,
	]);
	engine.run(
		`INSERT INTO telegram_chats (bot_id, chat_id, type, title, username, first_name, last_name, is_forum,
		   member_status, first_seen_at, last_seen_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (bot_id, chat_id) DO UPDATE SET type = excluded.type, title = excluded.title,
		   username = excluded.username, first_name = excluded.first_name, last_name = excluded.last_name,
		   is_forum = excluded.is_forum, member_status = coalesce(excluded.member_status, member_status),
		   last_seen_at = excluded.last_seen_at,
		   -- A bot added back to a chat it was removed from may send there again.
		   disabled_at = CASE WHEN excluded.member_status IN ('member', 'administrator', 'creator')
		     THEN NULL ELSE disabled_at END,
		   disabled_reason = CASE WHEN excluded.member_status IN ('member', 'administrator', 'creator')
		     THEN NULL ELSE disabled_reason END`,
		[
			botId,
			chat.id,
			chat.type,
			chat.title ?? null,
			chat.username ?? null,
			chat.first_name ?? null,
			chat.last_name ?? null,
			chat.is_forum ? 1 : 0,
			sighting.memberStatus,
			now,
			now,
		],
	);
	if (sighting.memberStatus === 'left' || sighting.memberStatus === 'kicked') {
		engine.run(
			`UPDATE telegram_chats SET disabled_at = ?, disabled_reason = ? WHERE bot_id = ? AND chat_id = ?`,
			[
				now,
				`The bot was ${sighting.memberStatus === 'left' ? 'removed from' : 'banned in'} this chat.`,
				botId,
				chat.id,
			],
		);
	}
	return !known;
}

/** A group upgraded to a supergroup keeps its settings and history under the new id. */
export function migrateChat(
	engine: Engine,
	botId: number,
	migration: Migration,
	now: number,
): void {
	const target = engine.value('SELECT id FROM telegram_chats WHERE bot_id = ? AND chat_id = ?', [
		botId,
		migration.to,
	]);
	const source = engine.value('SELECT id FROM telegram_chats WHERE bot_id = ? AND chat_id = ?', [
		botId,
		migration.from,
	]);
	if (source === undefined) return;
	if (target !== undefined) {
		// Both ids were seen: keep the old row (its settings and history) and drop the new one.
		engine.run(
			'UPDATE monitor_alert_chats SET chat_ref = ? WHERE chat_ref = ? AND NOT EXISTS (SELECT 1 FROM monitor_alert_chats m2 WHERE m2.monitor_id = monitor_alert_chats.monitor_id AND m2.chat_ref = ?)',
			[source, target, source],
		);
		engine.run('UPDATE outbox SET chat_ref = ? WHERE chat_ref = ?', [source, target]);
		engine.run('DELETE FROM telegram_chats WHERE id = ?', [target]);
	}
	engine.run(
		`UPDATE telegram_chats SET chat_id = ?, type = 'supergroup', last_seen_at = ? WHERE id = ?`,
		[migration.to, now, source],
	);
}

export function setOffset(engine: Engine, botId: number, offset: number): void {
	engine.run('UPDATE telegram_bots SET update_offset = max(update_offset, ?) WHERE id = ?', [
		offset,
		botId,
	]);
}

export function updateChatSettings(
	engine: Engine,
	chatRef: number,
	settings: { isDefault: boolean; defaultThreadId: number | null; defaultSilent: boolean },
): TelegramChat {
	getChat(engine, chatRef);
	engine.run(
		'UPDATE telegram_chats SET is_default = ?, default_thread_id = ?, default_silent = ? WHERE id = ?',
		[settings.isDefault ? 1 : 0, settings.defaultThreadId, settings.defaultSilent ? 1 : 0, chatRef],
	);
	return getChat(engine, chatRef);
}

export function disableChat(engine: Engine, chatRef: number, reason: string, now: number): void {
	engine.run('UPDATE telegram_chats SET disabled_at = ?, disabled_reason = ? WHERE id = ?', [
		now,
		reason,
		chatRef,
	]);
}

export function enableChat(engine: Engine, chatRef: number): void {
	engine.run('UPDATE telegram_chats SET disabled_at = NULL, disabled_reason = NULL WHERE id = ?', [
		chatRef,
	]);
}

// --- per-monitor alerts ---------------------------------------------------------------------------

export function monitorAlerts(engine: Engine, monitorId: number): MonitorAlerts {
	const row = engine.get<{ mode: string; reminder_minutes: number | null }>(
		'SELECT mode, reminder_minutes FROM monitor_alerts WHERE monitor_id = ?',
		[monitorId],
	);
	const chats = engine
		.all<{ chat_ref: number; thread_id: number | null; silent: number }>(
			'SELECT chat_ref, thread_id, silent FROM monitor_alert_chats WHERE monitor_id = ? ORDER BY chat_ref',
			[monitorId],
		)
		.map((r): AlertTarget => ({
			chatRef: r.chat_ref,
			threadId: r.thread_id,
			silent: r.silent === 1,
		}));
	return {
		mode: (row?.mode ?? 'default') as MonitorAlerts['mode'],
		reminderMinutes: row?.reminder_minutes ?? null,
		chats,
	};
}

export function setMonitorAlerts(
	engine: Engine,
	monitorId: number,
	alerts: MonitorAlerts,
): MonitorAlerts {
	engine.run(
		`INSERT INTO monitor_alerts (monitor_id, mode, reminder_minutes) VALUES (?, ?, ?)
		 ON CONFLICT (monitor_id) DO UPDATE SET mode = excluded.mode, reminder_minutes = excluded.reminder_minutes`,
		[monitorId, alerts.mode, alerts.reminderMinutes],
	);
	engine.run('DELETE FROM monitor_alert_chats WHERE monitor_id = ?', [monitorId]);
	for (const target of alerts.chats) {
		getChat(engine, target.chatRef);
		engine.run(
			'INSERT INTO monitor_alert_chats (monitor_id, chat_ref, thread_id, silent) VALUES (?, ?, ?, ?)',
			[monitorId, target.chatRef, target.threadId, target.silent ? 1 : 0],
		);
	}
	return monitorAlerts(engine, monitorId);
}

type TargetRow = { chat_ref: number; thread_id: number | null; silent: number };

const toTarget = (r: TargetRow): AlertTarget => ({
	chatRef: r.chat_ref,
	threadId: r.thread_id,
	silent: r.silent === 1,
});

/** The default chats (with their default topic and silence); never a disabled chat or a revoked bot. */
export function defaultTargets(engine: Engine): AlertTarget[] {
	return engine
		.all<TargetRow>(
			`SELECT c.id AS chat_ref, c.default_thread_id AS thread_id, c.default_silent AS silent
			 FROM telegram_chats c JOIN telegram_bots b ON b.id = c.bot_id
			 WHERE c.is_default = 1 AND c.disabled_at IS NULL AND b.status != 'revoked'
			 ORDER BY c.id`,
		)
		.map(toTarget);
}

/** Where a monitor's alerts go now: its chosen chats, or the default chats; never a disabled chat or a revoked bot. */
export function alertTargets(engine: Engine, monitorId: number): AlertTarget[] {
	const { mode } = monitorAlerts(engine, monitorId);
	if (mode === 'off') return [];
	if (mode === 'default') return defaultTargets(engine);
	return engine
		.all<TargetRow>(
			`SELECT a.chat_ref, a.thread_id, a.silent FROM monitor_alert_chats a
			 JOIN telegram_chats c ON c.id = a.chat_ref JOIN telegram_bots b ON b.id = c.bot_id
			 WHERE a.monitor_id = ? AND c.disabled_at IS NULL AND b.status != 'revoked'`,
			[monitorId],
		)
		.map(toTarget);
}

// --- outbox -----------------------------------------------------------------------------------------

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

/** Pending messages that are due, oldest first, to chats and bots that can receive them. */
export function dueMessages(engine: Engine, now: number, limit = 50): Deliverable[] {
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
			 WHERE o.status = 'pending' AND o.next_attempt_at <= ? AND c.disabled_at IS NULL AND b.status != 'revoked'
			   AND b.needs_token = 0 AND (b.token NOT LIKE 'enc:%' OR ?)
			 ORDER BY o.id LIMIT ?`,
			[now, vault.hasKey ? 1 : 0, limit],
		)
		.filter((r) => vault.canReveal(r.token))
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
			token: vault.reveal(r.token),
		}));
}

export function nextAttemptAt(engine: Engine): number | null {
	const value = engine.value<number>(
		`SELECT min(o.next_attempt_at) FROM outbox o JOIN telegram_chats c ON c.id = o.chat_ref
		 JOIN telegram_bots b ON b.id = c.bot_id
		 WHERE o.status = 'pending' AND c.disabled_at IS NULL AND b.status != 'revoked'
		   AND b.needs_token = 0 AND (b.token NOT LIKE 'enc:%' OR ?)`,
		[vault.hasKey ? 1 : 0],
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

export function requeue(engine: Engine, id: number, now: number): void {
	const changed = engine.run(
		`UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = NULL
		 WHERE id = ? AND status IN ('failed', 'uncertain')`,
		[now, id],
	).changes;
	if (!changed)
		throw new AppError('invalid-input', 'Only a failed or uncertain message can be sent again.');
}

export function pendingCount(engine: Engine): number {
	return Number(engine.value("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')"));
}

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
			text: string;
			created_at: number;
			status: string;
			attempts: number;
			sent_at: number | null;
			last_error: string | null;
		}>(
			`SELECT o.id, o.kind, o.monitor_id, o.chat_ref, c.title, c.username, c.first_name, c.chat_id, o.text,
			   o.created_at, o.status, o.attempts, o.sent_at, o.last_error
			 FROM outbox o LEFT JOIN telegram_chats c ON c.id = o.chat_ref
			 WHERE (? IS NULL OR o.monitor_id = ?) ORDER BY o.id DESC LIMIT ?`,
			[monitorId, monitorId, limit],
		)
		.map((r) => ({
			id: r.id,
			kind: r.kind as OutboxKind,
			monitorId: r.monitor_id,
			chatRef: r.chat_ref,
			chatTitle:
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
