/**
 * The outbox rows of channels (webhooks, ntfy, ...): the same table, status life and claim as Telegram's
 * (stores/outbox.ts), with the channel in `channel_id` and the alert's facts in `payload`.
 */
import type { ChannelConfig, ChannelKind } from '../../shared/channels';
import { parseJson } from '../../shared/json';
import type { OutboxKind } from '../../shared/telegram';
import type { Engine } from '../core/engine';

export interface ChannelEnqueue {
	kind: OutboxKind;
	text: string;
	payload: unknown;
	eventId?: number | null;
	monitorId?: number | null;
	channelId: number;
	now: number;
}

export function enqueueForChannel(engine: Engine, item: ChannelEnqueue): number {
	return engine.run(
		`INSERT INTO outbox (kind, event_id, monitor_id, channel_id, text, payload, created_at, next_attempt_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		[
			item.kind,
			item.eventId ?? null,
			item.monitorId ?? null,
			item.channelId,
			item.text,
			item.payload === null ? null : JSON.stringify(item.payload),
			item.now,
			item.now,
		],
	).lastInsertRowid;
}

/** A channel message ready to go, with its channel's secret as stored (it may be sealed). */
export interface ChannelDeliverable {
	id: number;
	outboxKind: OutboxKind;
	monitorId: number | null;
	text: string;
	payload: unknown;
	attempts: number;
	channelId: number;
	channelKind: ChannelKind;
	channelName: string;
	config: ChannelConfig;
	storedSecret: string;
}

/** Deliverable: pending, to an enabled channel whose secret is there (and readable). */
const DELIVERABLE = `o.status = 'pending' AND c.enabled = 1 AND c.needs_secret = 0
	AND (c.secret NOT LIKE '"enc:%' OR :sealedReadable)`;

export function dueChannelMessages(
	engine: Engine,
	now: number,
	sealedReadable: boolean,
	limit = 50,
): ChannelDeliverable[] {
	return engine
		.all<{
			id: number;
			kind: string;
			monitor_id: number | null;
			text: string;
			payload: string | null;
			attempts: number;
			channel_id: number;
			channel_kind: string;
			name: string;
			config: string;
			secret: string;
		}>(
			`SELECT o.id, o.kind, o.monitor_id, o.text, o.payload, o.attempts, o.channel_id,
			   c.kind AS channel_kind, c.name, c.config, c.secret
			 FROM outbox o JOIN channels c ON c.id = o.channel_id
			 WHERE ${DELIVERABLE} AND o.next_attempt_at <= :now
			 ORDER BY o.id LIMIT :limit`,
			{ ':now': now, ':sealedReadable': sealedReadable ? 1 : 0, ':limit': limit },
		)
		.map((r) => ({
			id: r.id,
			outboxKind: r.kind as OutboxKind,
			monitorId: r.monitor_id,
			text: r.text,
			payload: r.payload === null ? null : parseJson(r.payload),
			attempts: r.attempts,
			channelId: r.channel_id,
			channelKind: r.channel_kind as ChannelKind,
			channelName: r.name,
			config: parseJson(r.config) as ChannelConfig,
			storedSecret: r.secret,
		}));
}

export function nextChannelAttemptAt(engine: Engine, sealedReadable: boolean): number | null {
	const value = engine.value<number>(
		`SELECT min(o.next_attempt_at) FROM outbox o JOIN channels c ON c.id = o.channel_id
		 WHERE ${DELIVERABLE}`,
		{ ':sealedReadable': sealedReadable ? 1 : 0 },
	);
	return typeof value === 'number' ? value : null;
}
