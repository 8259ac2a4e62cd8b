/**
 * Bots as the rest of the worker uses them. A token never leaves the worker: it is revealed through
 * the vault only for the owner's own calls to Telegram, and shown masked (a sealed one by its hint,
 * the bot's public id, never decrypted for display).
 */
import { AppError } from '../../../shared/errors';
import { maskToken, type BotStatus, type TelegramBot } from '../../../shared/telegram';
import type { Engine } from '../../core/engine';
import { botRecord, botRecords, botsWithToken, type BotRecord } from '../../stores/telegram-bots';
import { placeOf } from '../../stores/secrets';
import { isSealed } from '../account/crypto';
import { vault } from '../account/vault';

export function publicBot(record: BotRecord): TelegramBot {
	const clear = !isSealed(record.token) && !record.needsToken;
	return {
		id: record.id,
		maskedToken: clear ? maskToken(record.token) : (record.tokenHint ?? '…'),
		needsToken: record.needsToken,
		username: record.username,
		firstName: record.firstName,
		privacyMode: !record.readsAllGroupMessages,
		status: record.status,
		statusMessage: record.statusMessage,
		addedAt: record.addedAt,
		checkedAt: record.checkedAt,
	};
}

export function listBots(engine: Engine): TelegramBot[] {
	return botRecords(engine).map(publicBot);
}

/**
 * For the owner's own calls to Telegram only. Bots whose token is sealed while the passphrase has not
 * been entered (or that need their token again) are left out.
 */
export function botSecrets(
	engine: Engine,
): { id: number; token: string; offset: number; status: BotStatus }[] {
	return botsWithToken(engine)
		.filter((b) => vault.canReveal(b.token, placeOf('telegram_bots', b.id)))
		.map((b) => ({
			id: b.id,
			token: vault.reveal(b.token, placeOf('telegram_bots', b.id)),
			offset: b.updateOffset,
			status: b.status,
		}));
}

export function botToken(engine: Engine, botId: number): string {
	const bot = botRecord(engine, botId);
	if (!bot) throw new AppError('not-found', 'That bot is no longer in this database.');
	if (bot.needsToken) throw new AppError('telegram-token-invalid');
	return vault.reveal(bot.token, placeOf('telegram_bots', bot.id));
}

/** The bot's public id only: nothing of the secret part. */
export function hintOf(token: string): string {
	const colon = token.indexOf(':');
	return `${colon > 0 ? token.slice(0, colon) : '?'}:…`;
}
