/** The `telegram_chats` table: the chats each bot was seen in, and the person's choices for each. */
import type { ChatType, TelegramChat } from '../../shared/telegram';
import type { Engine } from '../core/engine';

/** A chat as an update names it (Telegram's own field names). */
export interface SeenChat {
	id: number;
	type: ChatType;
	title?: string;
	username?: string;
	first_name?: string;
	last_name?: string;
	is_forum?: boolean;
}

export interface ChatSighting {
	chat: SeenChat;
	/** The bot's membership, when the update says (my_chat_member). */
	memberStatus: string | null;
}

/** A group that became a supergroup: Telegram gives it a new id. */
export interface ChatMigration {
	from: number;
	to: number;
}

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

export function findChat(engine: Engine, chatRef: number): TelegramChat | undefined {
	const row = engine.get<ChatRow>('SELECT * FROM telegram_chats WHERE id = ?', [chatRef]);
	return row && toChat(row);
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
	migration: ChatMigration,
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

export function setChatDefaults(
	engine: Engine,
	chatRef: number,
	settings: { isDefault: boolean; defaultThreadId: number | null; defaultSilent: boolean },
): void {
	engine.run(
		'UPDATE telegram_chats SET is_default = ?, default_thread_id = ?, default_silent = ? WHERE id = ?',
		[settings.isDefault ? 1 : 0, settings.defaultThreadId, settings.defaultSilent ? 1 : 0, chatRef],
	);
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
