/**
 * The channels' driver for the outbox dispatcher: due messages with their channel's secret revealed
 * (one sealed waits for the passphrase), one request each (senders.ts), at most one a second per channel
 * and thirty a minute, and each outcome in the activity log.
 */
import { CHANNEL_LABELS, type AlertPayload, type ChannelSecret } from '../../../shared/channels';
import { parseJson } from '../../../shared/json';
import type { Engine } from '../../core/engine';
import {
	dueChannelMessages,
	nextChannelAttemptAt,
	type ChannelDeliverable,
} from '../../stores/channel-outbox';
import { placeOf } from '../../stores/secrets';
import { vault } from '../account/vault';
import { DeliveryFailure, type DeliveryDriver } from './delivery';
import { clipHeadline, logAlert } from './delivery-log';
import { sendTo, type SendEnv } from './senders';

export interface ReadyChannelMessage extends ChannelDeliverable {
	secret: ChannelSecret;
}

const GAP_MS = 1_000;
const WINDOW_MS = 60_000;
const MAX_IN_WINDOW = 30;

/** A channel's secret in clear, or null when it is sealed and cannot be opened now. */
export function revealChannelSecret(id: number, stored: string): ChannelSecret | null {
	const value = parseJson(stored);
	if (typeof value !== 'string') return value as ChannelSecret;
	const place = placeOf('channels', id);
	if (!vault.canReveal(value, place)) return null;
	return parseJson(vault.reveal(value, place)) as ChannelSecret;
}

function dueReady(engine: Engine, now: number): ReadyChannelMessage[] {
	return dueChannelMessages(engine, now, vault.hasKey).flatMap((m) => {
		const secret = revealChannelSecret(m.channelId, m.storedSecret);
		return secret === null ? [] : [{ ...m, secret }];
	});
}

export function channelDriver(env: SendEnv): DeliveryDriver<ReadyChannelMessage> {
	const sent = new Map<number, number[]>();
	const blocked = new Map<number, number>();
	return {
		name: 'channel',
		due: dueReady,
		nextAt: (engine) => nextChannelAttemptAt(engine, vault.hasKey),
		waitFor(m, now) {
			const times = (sent.get(m.channelId) ?? []).filter((t) => t > now - WINDOW_MS);
			let wait = Math.max(0, (blocked.get(m.channelId) ?? 0) - now);
			const last = times.at(-1);
			if (last !== undefined) wait = Math.max(wait, last + GAP_MS - now);
			if (times.length >= MAX_IN_WINDOW)
				wait = Math.max(wait, times[times.length - MAX_IN_WINDOW]! + WINDOW_MS - now);
			return wait;
		},
		sending(m, now) {
			const times = (sent.get(m.channelId) ?? []).filter((t) => t > now - WINDOW_MS);
			times.push(now);
			sent.set(m.channelId, times);
		},
		block(m, until) {
			blocked.set(m.channelId, Math.max(until, blocked.get(m.channelId) ?? 0));
		},
		send: (_engine, m) =>
			sendTo(
				env,
				{ kind: m.channelKind, name: m.channelName, config: m.config, secret: m.secret },
				{ text: m.text, payload: m.payload as AlertPayload | null, event: m.outboxKind },
			),
		failure: (_engine, _m, error) =>
			error instanceof DeliveryFailure ? error : new DeliveryFailure('transient', String(error)),
		log(engine, at, m, outcome, error) {
			logAlert(
				engine,
				at,
				{
					outbox: m.id,
					via: CHANNEL_LABELS[m.channelKind],
					to: `“${m.channelName}”`,
					what: clipHeadline(m.text.split('\n').find((l) => l.trim()) ?? '') || 'alert',
					details: { channel: m.channelId },
				},
				outcome,
				error,
			);
		},
	};
}
