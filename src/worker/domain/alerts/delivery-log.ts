/**
 * Alert deliveries in the activity log: each alert sent, unconfirmed, failed or left uncertain gets a
 * line, in the same write that records its outcome in the outbox. The line names the channel and the
 * alert's first line (monitor and state), never a token or a secret.
 */
import type { Engine } from '../../core/engine';
import { recordActivity } from '../activity/log';
import type { DeliveryOutcome } from './delivery';

const HEADLINE_MAX = 120;

export function clipHeadline(text: string): string {
	const trimmed = text.trim();
	return trimmed.length > HEADLINE_MAX ? `${trimmed.slice(0, HEADLINE_MAX - 1)}…` : trimmed;
}

export interface LoggedAlert {
	outbox: number;
	/** The channel's kind as people say it: "Telegram", "Webhook", "ntfy". */
	via: string;
	/** Where it went: "chat 42", "“Ops webhook”". */
	to: string;
	/** The alert's first line, as plain text. */
	what: string;
	details: Record<string, unknown>;
}

export function logAlert(
	engine: Engine,
	at: number,
	alert: LoggedAlert,
	outcome: DeliveryOutcome,
	error?: string,
): void {
	const { via, to, what } = alert;
	const why = error ? ` (${error})` : '';
	const text = {
		sent: `${via} alert sent to ${to}: ${what}`,
		unconfirmed: `${via} alert sent to ${to}, unconfirmed (its answer cannot be read from a page): ${what}`,
		uncertain: `${via} alert to ${to} may not have arrived: ${what}${why}`,
		failed: `${via} alert to ${to} failed: ${what}${why}`,
	}[outcome];
	recordActivity(engine, at, {
		kind: 'alert',
		level: outcome === 'sent' ? 'info' : outcome === 'failed' ? 'error' : 'warn',
		message: text,
		details: { outbox: alert.outbox, ...alert.details, outcome },
	});
}
