/**
 * The Telegram calls: bots, chats, per-monitor alerts, the Bot API server and the template. Ids come
 * checked (runtime/handlers); what they name, and every other value, is checked here.
 */
import { AppError } from '../../../shared/errors';
import {
	checkTemplate,
	isPlausibleToken,
	type AlertMode,
	type AlertTarget,
	type MonitorAlerts,
	type TelegramChat,
	type TelegramOverview,
} from '../../../shared/telegram';
import type { Engine } from '../../core/engine';
import { passphraseSet } from '../../stores/account';
import { monitorAlerts, setMonitorAlerts } from '../../stores/alert-targets';
import { enqueue, pendingCount, requeue } from '../../stores/outbox';
import {
	API_BASE_KEY,
	apiBase,
	customTemplate,
	putSetting,
	TEMPLATE_KEY,
} from '../../stores/settings';
import { placeOf } from '../../stores/secrets';
import { deleteBot, saveBot } from '../../stores/telegram-bots';
import { enableChat, findChat, listChats, setChatDefaults } from '../../stores/telegram-chats';
import { botRowFor } from '../account/places';
import { getChannel } from '../alerts/service';
import { vault } from '../account/vault';
import type { ServiceContext } from '../context';
import { getMonitor } from '../monitors/service';
import { BotApiError, botGet, type BotUser } from './api';
import { botToken, hintOf, listBots, publicBot } from './bots';
import { pollBot, refreshChat } from './poller';

const env = () => ({
	fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init),
	now: Date.now,
});

/** Bot API failures become app errors with Telegram's own explanation. */
function explain(error: unknown): AppError {
	if (error instanceof AppError) return error;
	if (error instanceof BotApiError) {
		const code =
			error.kind === 'unauthorized'
				? 'telegram-token-invalid'
				: error.kind === 'transient'
					? 'telegram-unreachable'
					: 'telegram-refused';
		return new AppError(
			code,
			code === 'telegram-refused' ? `Telegram refused: ${error.message}` : undefined,
			{
				kind: error.kind,
			},
		);
	}
	return new AppError('internal', String(error));
}

function getChat(engine: Engine, chatRef: number): TelegramChat {
	const chat = findChat(engine, chatRef);
	if (!chat) throw new AppError('not-found', 'That chat is no longer in this database.');
	return chat;
}

export function overview({ db }: ServiceContext): TelegramOverview {
	const { engine } = db;
	return {
		apiBase: apiBase(engine),
		bots: listBots(engine),
		chats: listChats(engine),
		template: customTemplate(engine),
		pending: pendingCount(engine),
	};
}

/** Checks the token with getMe, then stores it with what getMe says about the bot. */
export async function addBot({ db, now }: ServiceContext, rawToken: unknown) {
	const token = typeof rawToken === 'string' ? rawToken.trim() : '';
	if (!isPlausibleToken(token)) {
		throw new AppError('invalid-input', undefined, {
			fields: {
				token:
					'A bot token looks like 123456789:AAF… (the number, a colon, then about 35 characters). BotFather gives it.',
			},
		});
	}
	let me: BotUser;
	try {
		me = await botGet<BotUser>({ fetch: env().fetch, base: apiBase(db.engine) }, token, 'getMe');
	} catch (error) {
		throw explain(error);
	}
	// A sealed token is bound to its row: the bot's own if it is stored already, else a new one.
	const id = botRowFor(db.engine, me.id);
	const stored = await vault.protect(token, passphraseSet(db.engine), placeOf('telegram_bots', id));
	const bot = publicBot(
		await db.write(() => {
			const saved = saveBot(db.engine, stored, hintOf(token), me, now(), id);
			// The same bot added twice at once: the other row won, this token would not open there.
			if (saved.id !== id) throw new AppError('busy');
			return saved;
		}),
	);
	// Look for chats right away: a bot just added to a group is found without waiting for the next poll.
	await pollBot(db, env(), bot.id).catch(() => undefined);
	return listBots(db.engine).find((b) => b.id === bot.id) ?? bot;
}

export async function removeBot({ db }: ServiceContext, botId: number) {
	return { deleted: await db.write(() => deleteBot(db.engine, botId)) };
}

export async function discover({ db }: ServiceContext, botId: number) {
	try {
		return await pollBot(db, env(), botId);
	} catch (error) {
		throw explain(error);
	}
}

/** A webhook makes getUpdates answer 409; removing it (keeping pending updates) lets Monitor poll. */
export async function removeWebhook({ db }: ServiceContext, botId: number) {
	try {
		await botGet(
			{ fetch: env().fetch, base: apiBase(db.engine) },
			botToken(db.engine, botId),
			'deleteWebhook',
			{
				drop_pending_updates: false,
			},
		);
		return await pollBot(db, env(), botId);
	} catch (error) {
		throw explain(error);
	}
}

export async function refresh({ db }: ServiceContext, chatRef: number) {
	const chat = getChat(db.engine, chatRef);
	try {
		await refreshChat(db, env(), chat.botId, chat.chatId);
	} catch (error) {
		throw explain(error);
	}
	return getChat(db.engine, chat.id);
}

export function updateChat(
	{ db }: ServiceContext,
	chatRef: number,
	settings: { isDefault: boolean; defaultThreadId: number | null; defaultSilent: boolean },
	enable: boolean,
) {
	if (enable) enableChat(db.engine, chatRef);
	getChat(db.engine, chatRef);
	setChatDefaults(db.engine, chatRef, settings);
	return getChat(db.engine, chatRef);
}

export function testMessage({ db, now }: ServiceContext, chatRef: number, threadId: number | null) {
	const chat = getChat(db.engine, chatRef);
	const id = enqueue(db.engine, {
		kind: 'test',
		text: '✅ <b>Monitor</b> can send alerts to this chat.',
		target: { chatRef: chat.id, threadId: threadId ?? chat.defaultThreadId, silent: false },
		now: now(),
	});
	return { outboxId: id };
}

export function setApiBase({ db, now }: ServiceContext, rawBase: unknown) {
	const base = typeof rawBase === 'string' ? rawBase.trim().replace(/\/+$/, '') : '';
	let ok: boolean;
	try {
		const url = new URL(base);
		ok = url.protocol === 'https:' || url.protocol === 'http:';
	} catch {
		ok = false;
	}
	if (!ok)
		throw new AppError('invalid-input', undefined, {
			fields: {
				base: 'The Bot API server is an http(s) address, such as https://api.telegram.org.',
			},
		});
	putSetting(db.engine, API_BASE_KEY, base, now());
	return { apiBase: base };
}

export function setTemplate({ db, now }: ServiceContext, rawTemplate: unknown) {
	const template = typeof rawTemplate === 'string' && rawTemplate.trim() ? rawTemplate : null;
	if (template !== null) {
		const problem = checkTemplate(template);
		if (problem) throw new AppError('invalid-input', undefined, { fields: { template: problem } });
	}
	putSetting(db.engine, TEMPLATE_KEY, template, now());
	return { template };
}

/** Queues a failed or uncertain message again. */
export function resend({ db, now }: ServiceContext, outboxId: number): void {
	if (!requeue(db.engine, outboxId, now()))
		throw new AppError('invalid-input', 'Only a failed or uncertain message can be sent again.');
}

export function getAlerts({ db }: ServiceContext, monitorId: number): MonitorAlerts {
	return monitorAlerts(db.engine, getMonitor(db.engine, monitorId).id);
}

/** `chats`: the chosen chats, their ids already checked. */
export function setAlerts(
	{ db }: ServiceContext,
	monitorId: number,
	input: {
		mode: unknown;
		reminderMinutes: unknown;
		chats: AlertTarget[];
		channels?: number[];
	},
): MonitorAlerts {
	const monitor = getMonitor(db.engine, monitorId);
	const modes: AlertMode[] = ['default', 'chosen', 'off'];
	if (!modes.includes(input.mode as AlertMode))
		throw new AppError(
			'invalid-input',
			'Alerts go to the default chats, chosen chats, or nowhere.',
		);
	const reminder = input.reminderMinutes as number | null;
	if (reminder !== null && (!Number.isInteger(reminder) || reminder < 1 || reminder > 10_080)) {
		throw new AppError('invalid-input', undefined, {
			fields: { reminderMinutes: 'Remind every 1 minute to 7 days, or never.' },
		});
	}
	for (const target of input.chats) getChat(db.engine, target.chatRef);
	for (const id of input.channels ?? []) getChannel(db.engine, id);
	return setMonitorAlerts(db.engine, monitor.id, {
		mode: input.mode as AlertMode,
		reminderMinutes: reminder,
		chats: input.chats,
		channels: input.channels,
	});
}
