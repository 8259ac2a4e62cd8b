/** The Telegram calls: bots, chats, per-monitor alerts, the template, and the outbox log. */
import { AppError } from '../../../shared/errors';
import {
	checkTemplate,
	isPlausibleToken,
	type AlertMode,
	type MonitorAlerts,
	type TelegramOverview,
} from '../../../shared/telegram';
import { BotApiError, botGet, type BotUser } from './api';
import { pollBot, refreshChat } from './poller';
import {
	botToken,
	deleteBot,
	enableChat,
	enqueue,
	getChat,
	listBots,
	listChats,
	monitorAlerts,
	pendingCount,
	saveBot,
	setMonitorAlerts,
	updateChatSettings,
} from '../../stores/telegram';
import {
	API_BASE_KEY,
	apiBase,
	customTemplate,
	putSetting,
	TEMPLATE_KEY,
} from '../../stores/settings';
import { hintOf } from '../account/account';
import { vault } from '../account/vault';
import { passphraseSet } from '../../stores/account';
// eslint-disable-next-line no-restricted-imports -- house: moves down in the stores split
import type { HandlerContext } from '../../runtime/handlers/context';
import { getMonitor } from '../monitors/service';

const env = () => ({
	fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init),
	now: Date.now,
});

function positiveId(value: unknown, what: string): number {
	if (!Number.isSafeInteger(value) || (value as number) <= 0) {
		throw new AppError('invalid-input', `${what} is a positive whole number.`);
	}
	return value as number;
}

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

export function overview({ db }: HandlerContext): TelegramOverview {
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
export async function addBot({ db, now }: HandlerContext, args: { token: unknown }) {
	const token = typeof args.token === 'string' ? args.token.trim() : '';
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
	const stored = await vault.protect(token, passphraseSet(db.engine));
	const bot = await db.write(() => saveBot(db.engine, stored, hintOf(token), me, now()));
	// Look for chats right away: a bot just added to a group is found without waiting for the next poll.
	await pollBot(db, env(), bot.id).catch(() => undefined);
	return listBots(db.engine).find((b) => b.id === bot.id) ?? bot;
}

export async function removeBot({ db }: HandlerContext, args: { id: unknown }) {
	const id = positiveId(args.id, 'A bot id');
	return { deleted: await db.write(() => deleteBot(db.engine, id)) };
}

export async function discover({ db }: HandlerContext, args: { botId: unknown }) {
	const id = positiveId(args.botId, 'A bot id');
	try {
		return await pollBot(db, env(), id);
	} catch (error) {
		throw explain(error);
	}
}

/** A webhook makes getUpdates answer 409; removing it (keeping pending updates) lets Monitor poll. */
export async function removeWebhook({ db }: HandlerContext, args: { botId: unknown }) {
	const id = positiveId(args.botId, 'A bot id');
	try {
		await botGet(
			{ fetch: env().fetch, base: apiBase(db.engine) },
			botToken(db.engine, id),
			'deleteWebhook',
			{
				drop_pending_updates: false,
			},
		);
		return await pollBot(db, env(), id);
	} catch (error) {
		throw explain(error);
	}
}

export async function refresh({ db }: HandlerContext, args: { chatRef: unknown }) {
	const chat = getChat(db.engine, positiveId(args.chatRef, 'A chat'));
	try {
		await refreshChat(db, env(), chat.botId, chat.chatId);
	} catch (error) {
		throw explain(error);
	}
	return getChat(db.engine, chat.id);
}

export function updateChat(
	{ db }: HandlerContext,
	args: {
		chatRef: unknown;
		isDefault: unknown;
		defaultThreadId: unknown;
		defaultSilent: unknown;
		enable?: unknown;
	},
) {
	const chatRef = positiveId(args.chatRef, 'A chat');
	const thread =
		args.defaultThreadId === null || args.defaultThreadId === undefined
			? null
			: positiveId(args.defaultThreadId, 'A topic id');
	if (args.enable === true) enableChat(db.engine, chatRef);
	return updateChatSettings(db.engine, chatRef, {
		isDefault: args.isDefault === true,
		defaultThreadId: thread,
		defaultSilent: args.defaultSilent === true,
	});
}

export function testMessage(
	{ db, now }: HandlerContext,
	args: { chatRef: unknown; threadId?: unknown },
) {
	const chat = getChat(db.engine, positiveId(args.chatRef, 'A chat'));
	const threadId =
		args.threadId === undefined || args.threadId === null
			? chat.defaultThreadId
			: positiveId(args.threadId, 'A topic id');
	const id = enqueue(db.engine, {
		kind: 'test',
		text: '✅ <b>Monitor</b> can send alerts to this chat.',
		target: { chatRef: chat.id, threadId, silent: false },
		now: now(),
	});
	return { outboxId: id };
}

export function setApiBase({ db, now }: HandlerContext, args: { base: unknown }) {
	const base = typeof args.base === 'string' ? args.base.trim().replace(/\/+$/, '') : '';
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

export function setTemplate({ db, now }: HandlerContext, args: { template: unknown }) {
	const template = typeof args.template === 'string' && args.template.trim() ? args.template : null;
	if (template !== null) {
		const problem = checkTemplate(template);
		if (problem) throw new AppError('invalid-input', undefined, { fields: { template: problem } });
	}
	putSetting(db.engine, TEMPLATE_KEY, template, now());
	return { template };
}

export function getAlerts({ db }: HandlerContext, args: { monitorId: unknown }): MonitorAlerts {
	const monitor = getMonitor(db.engine, positiveId(args.monitorId, 'A monitor id'));
	return monitorAlerts(db.engine, monitor.id);
}

export function setAlerts(
	{ db }: HandlerContext,
	args: { monitorId: unknown; alerts: MonitorAlerts },
): MonitorAlerts {
	const monitor = getMonitor(db.engine, positiveId(args.monitorId, 'A monitor id'));
	const input = args.alerts;
	const modes: AlertMode[] = ['default', 'chosen', 'off'];
	if (!modes.includes(input.mode))
		throw new AppError(
			'invalid-input',
			'Alerts go to the default chats, chosen chats, or nowhere.',
		);
	const reminder = input.reminderMinutes;
	if (reminder !== null && (!Number.isInteger(reminder) || reminder < 1 || reminder > 10_080)) {
		throw new AppError('invalid-input', undefined, {
			fields: { reminderMinutes: 'Remind every 1 minute to 7 days, or never.' },
		});
	}
	const chats = (Array.isArray(input.chats) ? input.chats : []).map((c) => ({
		chatRef: positiveId(c.chatRef, 'A chat'),
		threadId:
			c.threadId === null || c.threadId === undefined ? null : positiveId(c.threadId, 'A topic id'),
		silent: c.silent === true,
	}));
	return setMonitorAlerts(db.engine, monitor.id, {
		mode: input.mode,
		reminderMinutes: reminder,
		chats,
	});
}
