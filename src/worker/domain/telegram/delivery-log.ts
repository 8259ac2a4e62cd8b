/**
 * Telegram deliveries in the activity log: each alert sent, failed or left uncertain gets a line, in
 * the same write that records its outcome in the outbox. The line names the chat and the alert's
 * first line (monitor and state), never the bot's token.
 */
import { htmlToText } from '../../../shared/telegram';
import type { Engine } from '../../core/engine';
import { recordActivity } from '../activity/log';
import type { Deliverable } from '../../stores/outbox';

export type DeliveryOutcome = 'sent' | 'failed' | 'uncertain';

const HEADLINE_MAX = 120;

/** The alert's first line as plain text, clipped. */
export function headline(html: string): string {
	const first = html.split('\n').find((line) => line.trim()) ?? '';
	const text = htmlToText(first).trim();
	return text.length > HEADLINE_MAX ? `${text.slice(0, HEADLINE_MAX - 1)}…` : text;
}

export function logDelivery(
	engine: Engine,
	at: number,
	message: Pick<Deliverable, 'id' | 'chatId' | 'text'>,
	outcome: DeliveryOutcome,
	error?: string,
): void {
	const what = headline(message.text) || 'Telegram message';
	const to = `chat ${message.chatId}`;
	const text =
		outcome === 'sent'
			? `Telegram alert sent to ${to}: ${what}`
			: outcome === 'uncertain'
				? `Telegram alert to ${to} may not have arrived: ${what}${error ? ` (${error})` : ''}`
				: `Telegram alert to ${to} failed: ${what}${error ? ` (${error})` : ''}`;
	recordActivity(engine, at, {
		kind: 'alert',
		level: outcome === 'sent' ? 'info' : outcome === 'uncertain' ? 'warn' : 'error',
		message: text,
		details: { outbox: message.id, chat: message.chatId, outcome },
	});
}
