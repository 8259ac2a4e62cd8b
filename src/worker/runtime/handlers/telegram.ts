/** The Telegram and alert calls: ids checked here, the work in domain/telegram/service.ts. */
import { acknowledgeIncident } from '../../domain/alerts/service';
import * as telegram from '../../domain/telegram/service';
import { monitorAlerts } from '../../stores/alert-targets';
import { outboxFor } from '../../stores/outbox';
import { optionalId, positiveId } from './args';
import type { AreaHandlers } from './table';

const botId = (id: unknown) => positiveId(id, 'A bot id');
const chatRef = (id: unknown) => positiveId(id, 'A chat');
const topicId = (id: unknown) => optionalId(id, 'A topic id');
const monitorId = (id: unknown) => positiveId(id, 'A monitor id');

export const telegramHandlers: AreaHandlers<'telegram' | 'alerts'> = {
	'telegram.overview': { kind: 'read', run: (ctx) => telegram.overview(ctx) },
	'telegram.addBot': { kind: 'task', run: (ctx, { token }) => telegram.addBot(ctx, token) },
	'telegram.removeBot': { kind: 'task', run: (ctx, { id }) => telegram.removeBot(ctx, botId(id)) },
	'telegram.discover': {
		kind: 'task',
		run: (ctx, args) => telegram.discover(ctx, botId(args.botId)),
	},
	'telegram.removeWebhook': {
		kind: 'task',
		run: (ctx, args) => telegram.removeWebhook(ctx, botId(args.botId)),
	},
	'telegram.refreshChat': {
		kind: 'task',
		run: (ctx, args) => telegram.refresh(ctx, chatRef(args.chatRef)),
	},
	'telegram.updateChat': {
		kind: 'write',
		run: (ctx, args) =>
			telegram.updateChat(
				ctx,
				chatRef(args.chatRef),
				{
					isDefault: args.isDefault === true,
					defaultThreadId: topicId(args.defaultThreadId),
					defaultSilent: args.defaultSilent === true,
				},
				args.enable === true,
			),
	},
	'telegram.testMessage': {
		kind: 'write',
		run: (ctx, args) => telegram.testMessage(ctx, chatRef(args.chatRef), topicId(args.threadId)),
	},
	'telegram.setApiBase': { kind: 'write', run: (ctx, { base }) => telegram.setApiBase(ctx, base) },
	'telegram.setTemplate': {
		kind: 'write',
		run: (ctx, { template }) => telegram.setTemplate(ctx, template),
	},
	'telegram.resend': {
		kind: 'write',
		run: (ctx, { outboxId }) => telegram.resend(ctx, positiveId(outboxId, 'A message id')),
	},
	'alerts.get': {
		kind: 'read',
		run: (ctx, args) => telegram.getAlerts(ctx, monitorId(args.monitorId)),
	},
	'alerts.set': {
		kind: 'write',
		run: (ctx, { monitorId: id, alerts }) => {
			const chats = Array.isArray(alerts.chats) ? alerts.chats : [];
			return telegram.setAlerts(ctx, monitorId(id), {
				mode: alerts.mode,
				reminderMinutes: alerts.reminderMinutes,
				chats: chats.map((c) => ({
					chatRef: chatRef(c.chatRef),
					threadId: topicId(c.threadId),
					silent: c.silent === true,
				})),
				channels: Array.isArray(alerts.channels)
					? alerts.channels.map((id) => positiveId(id, 'A channel id'))
					: undefined,
			});
		},
	},
	'alerts.acknowledge': {
		kind: 'write',
		run: ({ db, now }, args) => {
			const id = monitorId(args.monitorId);
			acknowledgeIncident(db.engine, id, now());
			return monitorAlerts(db.engine, id);
		},
	},
	'alerts.log': {
		kind: 'read',
		run: ({ db }, { monitorId }) => outboxFor(db.engine, monitorId ?? null),
	},
};
