/**
 * Finds the chats a bot is in with short getUpdates polls, in the owning window only (two pollers of one
 * bot make Telegram answer 409). The offset is stored with the chats it produced, in one transaction, so
 * an update is confirmed to Telegram only after what it said is saved.
 */
import type { LiveDatabase } from '../../core/database/live-database';
import { BotApiError, botGet, type ApiChat, type ApiUpdate } from './api';
import { readUpdates } from './updates';
import { setBotStatus, setOffset } from '../../stores/telegram-bots';
import { migrateChat, recordSighting } from '../../stores/telegram-chats';
import { botSecrets, botToken } from './bots';
import { apiBase } from '../../stores/settings';

const ALLOWED_UPDATES = JSON.stringify([
	'message',
	'edited_message',
	'channel_post',
	'edited_channel_post',
	'my_chat_member',
]);

export interface PollEnv {
	fetch: typeof fetch;
	now: () => number;
}

export interface PollResult {
	newChats: number;
	updates: number;
}

/** One short poll of one bot. Telegram's failures become the bot's status, shown on the Telegram page. */
export async function pollBot(db: LiveDatabase, env: PollEnv, botId: number): Promise<PollResult> {
	const { engine } = db;
	const token = botToken(engine, botId);
	const offset = botSecrets(engine).find((b) => b.id === botId)?.offset ?? 0;
	let updates: ApiUpdate[];
	try {
		updates = await botGet<ApiUpdate[]>(
			{ fetch: env.fetch, base: apiBase(engine) },
			token,
			'getUpdates',
			{
				offset: offset || undefined,
				timeout: 0,
				limit: 100,
				allowed_updates: ALLOWED_UPDATES,
			},
		);
	} catch (error) {
		if (error instanceof BotApiError && error.kind !== 'transient') {
			const status =
				error.kind === 'unauthorized'
					? 'revoked'
					: error.kind === 'conflict'
						? 'conflict'
						: 'error';
			const message =
				error.kind === 'conflict'
					? 'Telegram refuses to hand out updates: this bot has a webhook set, or another program polls it. Remove the webhook to let Monitor find chats.'
					: error.message;
			await db.write(() => setBotStatus(engine, botId, status, message, env.now()));
		}
		throw error;
	}
	const read = readUpdates(updates);
	const newChats = await db.write(() => {
		const now = env.now();
		let created = 0;
		for (const sighting of read.sightings)
			if (recordSighting(engine, botId, sighting, now)) created++;
		for (const migration of read.migrations) migrateChat(engine, botId, migration, now);
		if (read.nextOffset !== null) setOffset(engine, botId, read.nextOffset);
		setBotStatus(engine, botId, 'ok', null, now);
		return created;
	});
	return { newChats, updates: updates.length };
}

/** Refreshes one chat's metadata with getChat (title, username, forum flag). */
export async function refreshChat(
	db: LiveDatabase,
	env: PollEnv,
	botId: number,
	chatId: number,
): Promise<void> {
	const { engine } = db;
	const chat = await botGet<ApiChat>(
		{ fetch: env.fetch, base: apiBase(engine) },
		botToken(engine, botId),
		'getChat',
		{
			chat_id: chatId,
		},
	);
	await db.write(() => recordSighting(engine, botId, { chat, memberStatus: null }, env.now()));
}

/** Polls every bot that can be polled, now and then every `everyMs`; returns the stop function. */
export function startPolling(db: LiveDatabase, env: PollEnv, everyMs: number): () => void {
	let stopped = false;
	let timer: ReturnType<typeof setTimeout> | null = null;
	const round = async () => {
		if (db.readOnly || !navigator.onLine) return;
		for (const bot of botSecrets(db.engine)) {
			if (stopped || bot.status === 'revoked') continue;
			await pollBot(db, env, bot.id).catch(() => undefined);
		}
	};
	const loop = () => {
		void round().finally(() => {
			if (!stopped) timer = setTimeout(loop, everyMs);
		});
	};
	loop();
	return () => {
		stopped = true;
		if (timer) clearTimeout(timer);
	};
}
