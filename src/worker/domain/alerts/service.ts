/**
 * The channel calls: list, save (the secret sealed for its row before the write), remove, send a test,
 * the templates, and acknowledging an incident. Ids come checked (runtime/handlers); the rest is
 * checked here.
 */
import {
	CHANNEL_EVENTS,
	CHANNEL_TEMPLATE_MAX,
	type Channel,
	type ChannelSecret,
	type ChannelTemplates,
} from '../../../shared/channels';
import { AppError } from '../../../shared/errors';
import type { Engine } from '../../core/engine';
import { passphraseSet } from '../../stores/account';
import { acknowledge as storeAcknowledge } from '../../stores/alert-targets';
import { enqueueForChannel } from '../../stores/channel-outbox';
import {
	deleteChannel,
	findStoredChannel,
	listStoredChannels,
	saveChannel,
	type StoredChannel,
} from '../../stores/channels';
import { placeOf } from '../../stores/secrets';
import { CHANNEL_TEMPLATES_KEY, putSetting } from '../../stores/settings';
import { monitorLabel } from '../../stores/monitors';
import { recordActivity } from '../activity/log';
import { reserveRowId } from '../account/places';
import { vault } from '../account/vault';
import { channelTemplates } from './channel-alerts';
import { revealChannelSecret } from './channel-driver';
import { checkChannel, type CheckedChannel } from './channel-input';

function publicChannel({ storedSecret: _, ...channel }: StoredChannel): Channel {
	return channel;
}

export function listChannels(engine: Engine): Channel[] {
	return listStoredChannels(engine).map(publicChannel);
}

export function getChannel(engine: Engine, id: number): StoredChannel {
	const channel = findStoredChannel(engine, id);
	if (!channel) throw new AppError('not-found', 'That channel is no longer in this database.');
	return channel;
}

export interface PreparedChannel {
	id: number;
	checked: CheckedChannel;
	storedSecret: string;
	needsSecret: boolean;
}

/** Checks the input and seals its secret for the row it goes to (before the write: sealing is async). */
export async function prepareChannel(engine: Engine, raw: unknown): Promise<PreparedChannel> {
	const rawId = (raw as { id?: unknown } | null)?.id;
	const existing = typeof rawId === 'number' ? getChannel(engine, rawId) : null;
	const kept = existing ? revealChannelSecret(existing.id, existing.storedSecret) : null;
	if (existing && kept === null && !existing.needsSecret)
		throw new AppError('invalid-input', 'Unlock the app to change this channel.');
	const checked = checkChannel(raw, kept);
	if (existing && existing.kind !== checked.kind)
		throw new AppError('invalid-input', 'A channel keeps its kind: add a new channel instead.');
	const id = existing?.id ?? reserveRowId(engine, 'channels');
	const secret: ChannelSecret = { ...(kept ?? {}), ...checked.secret };
	const plain = JSON.stringify(secret);
	const storedSecret =
		plain === '{}' || !passphraseSet(engine)
			? plain
			: JSON.stringify(await vault.protect(plain, true, placeOf('channels', id)));
	// Marked for re-entry, it stays so (and undelivered) until a secret is typed, unless it needs none now.
	const needsSecret =
		existing?.needsSecret === true &&
		Object.keys(checked.secret).length === 0 &&
		checked.kind !== 'browser' &&
		!(checked.kind === 'webhook' && !checked.config.header);
	return { id, checked, storedSecret, needsSecret };
}

export function storeChannel(engine: Engine, prepared: PreparedChannel, now: number): Channel {
	const { checked } = prepared;
	saveChannel(engine, {
		id: prepared.id,
		kind: checked.kind,
		name: checked.name,
		config: checked.config,
		storedSecret: prepared.storedSecret,
		needsSecret: prepared.needsSecret,
		isDefault: checked.isDefault,
		enabled: checked.enabled,
		now,
	});
	return publicChannel(getChannel(engine, prepared.id));
}

export function removeChannel(engine: Engine, id: number): { deleted: boolean } {
	return { deleted: deleteChannel(engine, id) };
}

/** Queues a test message through the outbox, like any alert (so the log shows how it went). */
export function testChannel(engine: Engine, id: number, now: number): { outboxId: number } {
	const channel = getChannel(engine, id);
	if (!channel.enabled) throw new AppError('invalid-input', 'Turn the channel on to test it.');
	const text = `✅ Monitor can send alerts to “${channel.name}”.\nThis is a test message.`;
	const outboxId = enqueueForChannel(engine, {
		kind: 'test',
		text,
		payload: {
			version: 1,
			event: 'test',
			monitor: null,
			state: null,
			previousState: null,
			time: new Date(now).toISOString(),
			message: 'This is a test message.',
			downtimeMs: null,
			text,
			link: null,
		},
		channelId: channel.id,
		now,
	});
	return { outboxId };
}

export function getTemplates(engine: Engine): ChannelTemplates {
	return channelTemplates(engine);
}

/** Stores the templates; an empty one falls back to its default. */
export function setTemplates(engine: Engine, raw: unknown, now: number): ChannelTemplates {
	const input = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
	const own: Partial<ChannelTemplates> = {};
	const fields: Record<string, string> = {};
	for (const event of CHANNEL_EVENTS) {
		const value = input[event];
		if (typeof value !== 'string' || !value.trim()) continue;
		if (value.length > CHANNEL_TEMPLATE_MAX)
			fields[event] = `A template is at most ${CHANNEL_TEMPLATE_MAX} characters.`;
		own[event] = value;
	}
	if (Object.keys(fields).length > 0) throw new AppError('invalid-input', undefined, { fields });
	putSetting(
		engine,
		CHANNEL_TEMPLATES_KEY,
		Object.keys(own).length ? JSON.stringify(own) : null,
		now,
	);
	return channelTemplates(engine);
}

/** "I'm on it" (on this device): no reminders until the monitor's state changes. */
export function acknowledgeIncident(engine: Engine, monitorId: number, now: number): void {
	if (!storeAcknowledge(engine, monitorId, now))
		throw new AppError('invalid-input', 'Only a monitor that is down can be acknowledged.');
	const name = monitorLabel(engine, monitorId)?.name ?? `monitor ${monitorId}`;
	recordActivity(engine, now, {
		kind: 'alert',
		level: 'info',
		message: `Acknowledged on this device: ${name} is down; no reminders until it changes state.`,
		details: { monitor: monitorId },
	});
}
