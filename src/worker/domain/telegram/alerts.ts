/**
 * Turns a state change into outbox messages, in the transaction that records the change: the alert
 * exists exactly when the event does. Rendering happens now, so the message says what was true then.
 */
import type { Outcome } from '../../../shared/checks';
import { formatSpan, formatTimestamp } from '../../../shared/format';
import {
	DEFAULT_TEMPLATE,
	renderTemplate,
	type OutboxKind,
	type TemplateValues,
} from '../../../shared/telegram';
import type { Engine } from '../../core/engine';
import { monitorLabel } from '../../stores/monitors';
import { customTemplate } from '../../stores/settings';
import { alertTargets, markReminded, remindersDue } from '../../stores/alert-targets';
import { enqueue } from '../../stores/outbox';
import { enqueueChannelAlerts } from '../alerts/channel-alerts';

export interface AlertFacts {
	monitorId: number;
	kind: Extract<OutboxKind, 'down' | 'up' | 'degraded' | 'reminder'>;
	from: Outcome | null;
	message: string;
	at: number;
	/** For "up again" and reminders: how long the monitor was (has been) down. */
	downtimeMs: number | null;
	eventId: number | null;
}

const EMOJI = { down: '🔴', up: '✅', degraded: '🟡', reminder: '⏰' } as const;

function clip(text: string, max: number): string {
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function alertValues(
	facts: AlertFacts,
	monitor: { name: string; url: string },
): TemplateValues {
	const downtime = facts.downtimeMs === null ? '' : formatSpan(facts.downtimeMs);
	const summary = {
		down: 'is down',
		up: downtime ? `is up again after ${downtime}` : 'is up',
		degraded: 'is degraded',
		reminder: `is still down${downtime ? ` (${downtime})` : ''}`,
	}[facts.kind];
	return {
		emoji: EMOJI[facts.kind],
		name: clip(monitor.name, 200),
		summary,
		state: (facts.kind === 'reminder' ? 'down' : facts.kind).toUpperCase(),
		previous: facts.from ?? '',
		message: clip(facts.message, 500),
		url: clip(monitor.url, 300),
		time: formatTimestamp(facts.at),
		downtime,
	};
}

/**
 * Writes one outbox row per target chat and per channel (alerts/channel-alerts.ts); returns how many.
 * Must run inside the caller's transaction.
 */
export function enqueueAlert(engine: Engine, facts: AlertFacts): number {
	const monitor = monitorLabel(engine, facts.monitorId);
	if (!monitor) return 0;
	const values = alertValues(facts, monitor);
	const channels = enqueueChannelAlerts(engine, {
		monitor: { id: facts.monitorId, ...monitor },
		event: facts.kind,
		from: facts.from,
		message: facts.message,
		at: facts.at,
		downtimeMs: facts.downtimeMs,
		eventId: facts.eventId,
		values,
	});
	const targets = alertTargets(engine, facts.monitorId);
	if (targets.length === 0) return channels;
	const text = renderTemplate(customTemplate(engine) ?? DEFAULT_TEMPLATE, values);
	for (const target of targets) {
		enqueue(engine, {
			kind: facts.kind,
			text,
			eventId: facts.eventId,
			monitorId: facts.monitorId,
			target,
			now: facts.at,
		});
	}
	return channels + targets.length;
}

/**
 * Reminders for monitors still down: one per monitor every `reminder_minutes`, counted from the last one
 * (or from when it went down). Returns how many monitors were reminded.
 */
export function enqueueReminders(engine: Engine, now: number): number {
	const due = remindersDue(engine, now);
	for (const { monitorId, downSince, message } of due) {
		enqueueAlert(engine, {
			monitorId,
			kind: 'reminder',
			from: 'down',
			message,
			at: now,
			downtimeMs: now - downSince,
			eventId: null,
		});
		markReminded(engine, monitorId, now);
	}
	return due.length;
}
