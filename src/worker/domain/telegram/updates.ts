/**
 * What getUpdates tells about chats, read the way Uptime Kuma's "auto get" did not: a bot that was just
 * added to a group is reported by `my_chat_member` (even with privacy mode on), not by a message.
 */
import type { ChatMigration, ChatSighting } from '../../stores/telegram-chats';
import type { ApiUpdate } from './api';

export type { ChatMigration, ChatSighting };

export interface ReadUpdates {
	sightings: ChatSighting[];
	migrations: ChatMigration[];
	/** The offset that confirms every update read: the last update_id plus one. */
	nextOffset: number | null;
}

export function readUpdates(updates: readonly ApiUpdate[]): ReadUpdates {
	const sightings: ChatSighting[] = [];
	const migrations: ChatMigration[] = [];
	let last: number | null = null;
	for (const update of updates) {
		last = Math.max(last ?? update.update_id, update.update_id);
		const messages = [
			update.message,
			update.edited_message,
			update.channel_post,
			update.edited_channel_post,
		];
		for (const message of messages) {
			if (!message) continue;
			sightings.push({ chat: message.chat, memberStatus: null });
			if (message.migrate_to_chat_id !== undefined)
				migrations.push({ from: message.chat.id, to: message.migrate_to_chat_id });
			if (message.migrate_from_chat_id !== undefined)
				migrations.push({ from: message.migrate_from_chat_id, to: message.chat.id });
		}
		if (update.my_chat_member) {
			sightings.push({
				chat: update.my_chat_member.chat,
				memberStatus: update.my_chat_member.new_chat_member.status,
			});
		}
	}
	return { sightings, migrations, nextOffset: last === null ? null : last + 1 };
}
