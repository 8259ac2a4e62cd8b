/** The channel calls: ids checked here, the work in domain/alerts/service.ts. */
import * as channels from '../../domain/alerts/service';
import { AppError } from '../../../shared/errors';
import { EVENT_NOTE_MAX } from '../../../shared/history';
import { setEventNote } from '../../stores/monitor-status';
import { positiveId } from './args';
import type { AreaHandlers } from './table';

const channelId = (id: unknown) => positiveId(id, 'A channel id');

export const eventHandlers: AreaHandlers<'events'> = {
	'events.setNote': {
		kind: 'write',
		run: ({ db }, { eventId, note }) => {
			const text = typeof note === 'string' ? note.trim() : '';
			if (text.length > EVENT_NOTE_MAX)
				throw new AppError('invalid-input', `A note is at most ${EVENT_NOTE_MAX} characters.`);
			if (!setEventNote(db.engine, positiveId(eventId, 'An event id'), text || null))
				throw new AppError('not-found', 'That state change is no longer in this database.');
		},
	},
};

export const notificationHandlers: AreaHandlers<'notifications'> = {
	'notifications.shown': {
		kind: 'read',
		run: ({ services }, { id, error }) =>
			services.notifications?.shown(
				String(id),
				typeof error === 'string' ? error.slice(0, 300) : null,
			),
	},
};

export const channelHandlers: AreaHandlers<'channels'> = {
	'channels.list': { kind: 'read', run: ({ db }) => channels.listChannels(db.engine) },
	'channels.save': {
		kind: 'write',
		// A sealed secret is bound to its row: a new channel's id is chosen before sealing.
		prepare: ({ db }, input) =>
			channels.prepareChannel(db.engine, {
				...input,
				id: input.id === undefined ? undefined : channelId(input.id),
			}),
		run: ({ db, now }, _input, prepared) =>
			channels.storeChannel(db.engine, prepared as channels.PreparedChannel, now()),
	},
	'channels.remove': {
		kind: 'write',
		run: ({ db }, { id }) => channels.removeChannel(db.engine, channelId(id)),
	},
	'channels.test': {
		kind: 'write',
		run: ({ db, now }, { id }) => channels.testChannel(db.engine, channelId(id), now()),
	},
	'channels.templates': { kind: 'read', run: ({ db }) => channels.getTemplates(db.engine) },
	'channels.setTemplates': {
		kind: 'write',
		run: ({ db, now }, templates) => channels.setTemplates(db.engine, templates, now()),
	},
};
