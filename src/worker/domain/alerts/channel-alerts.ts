/**
 * Turns an alert into one outbox row per channel the monitor alerts, in the transaction that records
 * the event (like Telegram's, telegram/alerts.ts). Each row holds the text rendered now from the event's
 * template and the facts a webhook sends (AlertPayload, documented in the README).
 */
import {
	CHANNEL_EVENTS,
	DEFAULT_CHANNEL_TEMPLATES,
	renderPlain,
	type AlertPayload,
	type ChannelEvent,
	type ChannelTemplates,
} from '../../../shared/channels';
import { parseJson } from '../../../shared/json';
import type { TemplateValues } from '../../../shared/telegram';
import type { Engine } from '../../core/engine';
import { enqueueForChannel } from '../../stores/channel-outbox';
import { alertChannelIds } from '../../stores/channels';
import { CHANNEL_TEMPLATES_KEY, getSetting } from '../../stores/settings';

export interface ChannelAlert {
	monitor: { id: number; name: string; url: string };
	event: ChannelEvent;
	from: AlertPayload['previousState'];
	message: string;
	at: number;
	downtimeMs: number | null;
	eventId: number | null;
	/** The template values, as Telegram's alert has them (not escaped). */
	values: TemplateValues;
}

/** The templates in use: the person's own where they wrote one, the defaults elsewhere. */
export function channelTemplates(engine: Engine): ChannelTemplates {
	const own = parseJson(getSetting(engine, CHANNEL_TEMPLATES_KEY)) as Partial<ChannelTemplates>;
	const out = { ...DEFAULT_CHANNEL_TEMPLATES };
	for (const event of CHANNEL_EVENTS) {
		const text = own[event];
		if (typeof text === 'string' && text.trim()) out[event] = text;
	}
	return out;
}

/** The app's page for a monitor, where the app runs from a page or a worker of it (null in Node). */
export function monitorLink(monitorId: number): string | null {
	const here = (globalThis as { location?: { origin: string } }).location;
	if (!here) return null;
	// The command line runs without Vite: no import.meta.env there.
	const base = (import.meta as { env?: { BASE_URL?: string } }).env?.BASE_URL ?? '/';
	return new URL(`${base}#/monitors/${monitorId}`, here.origin).href;
}

export function renderChannelText(template: string, values: TemplateValues): string {
	const text = renderPlain(template, values)
		.split('\n')
		.filter((line) => line.trim())
		.join('\n');
	return text.slice(0, 4000) || `${values.name} ${values.summary}`;
}

export function payloadOf(alert: ChannelAlert, text: string): AlertPayload {
	return {
		version: 1,
		event: alert.event,
		monitor: alert.monitor,
		state: alert.event === 'reminder' ? 'down' : alert.event,
		previousState: alert.from,
		time: new Date(alert.at).toISOString(),
		message: alert.message,
		downtimeMs: alert.downtimeMs,
		text,
		link: monitorLink(alert.monitor.id),
	};
}

/** Writes one outbox row per channel; returns how many. Must run inside the caller's transaction. */
export function enqueueChannelAlerts(engine: Engine, alert: ChannelAlert): number {
	const channels = alertChannelIds(engine, alert.monitor.id);
	if (channels.length === 0) return 0;
	const text = renderChannelText(channelTemplates(engine)[alert.event], alert.values);
	const payload = payloadOf(alert, text);
	for (const channelId of channels) {
		enqueueForChannel(engine, {
			kind: alert.event,
			text,
			payload,
			eventId: alert.eventId,
			monitorId: alert.monitor.id,
			channelId,
			now: alert.at,
		});
	}
	return channels.length;
}
