/**
 * Telegram deliveries in the activity log (alerts/delivery-log.ts): the line names the chat and the
 * alert's first line (monitor and state), never the bot's token.
 */
import { htmlToText } from '../../../shared/telegram';
import type { Engine } from '../../core/engine';
import type { Deliverable } from '../../stores/outbox';
import type { DeliveryOutcome } from '../alerts/delivery';
import { clipHeadline, logAlert } from '../alerts/delivery-log';

export type { DeliveryOutcome };

/** The alert's first line as plain text, clipped. */
export function headline(html: string): string {
	const first = html.split('\n').find((line) => line.trim()) ?? '';
	return clipHeadline(htmlToText(first));
}

export function logDelivery(
	engine: Engine,
	at: number,
	message: Pick<Deliverable, 'id' | 'chatId' | 'text'>,
	outcome: DeliveryOutcome,
	error?: string,
): void {
	logAlert(
		engine,
		at,
		{
			outbox: message.id,
			via: 'Telegram',
			to: `chat ${message.chatId}`,
			what: headline(message.text) || 'Telegram message',
			details: { chat: message.chatId },
		},
		outcome,
		error,
	);
}
