/**
 * The `telegram_bots` table. Tokens are kept as stored (in clear, or sealed under a passphrase):
 * domain/telegram/bots.ts reveals them for calls and masks them for display.
 */
import type { BotStatus } from '../../shared/telegram';
import type { Engine } from '../core/engine';

/** A bot as stored; `token` may be sealed. */
export interface BotRecord {
	id: number;
	token: string;
	tokenHint: string | null;
	needsToken: boolean;
	username: string | null;
	firstName: string | null;
	readsAllGroupMessages: boolean;
	status: BotStatus;
	statusMessage: string | null;
	updateOffset: number;
	addedAt: number;
	checkedAt: number | null;
}

/** What getMe says about a bot, as far as it is stored. */
export interface BotIdentity {
	id: number;
	is_bot?: boolean;
	first_name: string;
	username?: string;
	can_read_all_group_messages?: boolean;
}

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

function toRecord(row: BotRow): BotRecord {
	return {
		id: row.id,
		token: row.token,
		tokenHint: row.token_hint,
		needsToken: row.needs_token === 1,
		username: row.username,
		firstName: row.first_name,
		readsAllGroupMessages: row.reads_all_group_messages === 1,
		status: row.status as BotStatus,
		statusMessage: row.status_message,
		updateOffset: row.update_offset,
		addedAt: row.added_at,
		checkedAt: row.checked_at,
	};
}

export function botRecords(engine: Engine): BotRecord[] {
	return engine.all<BotRow>('SELECT * FROM telegram_bots ORDER BY id').map(toRecord);
}

/** Bots whose token is there (not removed with a forgotten passphrase), sealed or not. */
export function botsWithToken(engine: Engine): BotRecord[] {
	return engine
		.all<BotRow>('SELECT * FROM telegram_bots WHERE needs_token = 0 ORDER BY id')
		.map(toRecord);
}

export function botRecord(engine: Engine, botId: number): BotRecord | undefined {
	const row = engine.get<BotRow>('SELECT * FROM telegram_bots WHERE id = ?', [botId]);
	return row && toRecord(row);
}

/**
 * Stores a bot checked with getMe. `stored` is the token as kept (sealed under a passphrase), `hint` its
 * public id. The same bot added again (a new token from BotFather) replaces its old token.
 */
export function saveBot(
	engine: Engine,
	stored: string,
	hint: string,
	me: BotIdentity,
	now: number,
	id: number | null = null,
): BotRecord {
	engine.run(
		`INSERT INTO telegram_bots (id, token, token_hint, bot_user_id, username, first_name, reads_all_group_messages,
		   status, status_message, added_at, checked_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, 'ok', NULL, ?, ?)
		 ON CONFLICT (bot_user_id) DO UPDATE SET token = excluded.token, token_hint = excluded.token_hint,
		   needs_token = 0, username = excluded.username, first_name = excluded.first_name,
		   reads_all_group_messages = excluded.reads_all_group_messages, status = 'ok', status_message = NULL,
		   checked_at = excluded.checked_at`,
		[
			id,
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
	return toRecord(row!);
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

/** The getUpdates offset only moves forward: an older poll finishing late cannot replay updates. */
export function setOffset(engine: Engine, botId: number, offset: number): void {
	engine.run('UPDATE telegram_bots SET update_offset = max(update_offset, ?) WHERE id = ?', [
		offset,
		botId,
	]);
}

export function deleteBot(engine: Engine, botId: number): boolean {
	return engine.run('DELETE FROM telegram_bots WHERE id = ?', [botId]).changes > 0;
}
