/**
 * A health raise as a Telegram message to the default chats. It is written to the outbox in the
 * transaction that records the raise in `health_alerts`, so a message exists exactly when the banner
 * does: once per crossing, never for a repeat or a fall, and never lost or doubled by a reload (the
 * outbox delivers it once, like a monitor's alert).
 */
import {
	formatMetric,
	isRaise,
	METRIC_INFO,
	type HealthLevel,
	type HealthMetric,
	type Thresholds,
} from '../../../shared/health';
import { escapeHtml } from '../../../shared/telegram';
import type { Engine } from '../../core/engine';
import { defaultTargets } from '../../stores/alert-targets';
import { enqueue } from '../../stores/outbox';

export interface HealthChange {
	metric: HealthMetric;
	level: HealthLevel;
	previous: HealthLevel;
	value: number;
}

const EMOJI = { warning: '⚠️', critical: '🚨' } as const;

/** The message (Telegram's HTML mode, every value escaped): the metric, its value, the level and what to do. */
export function healthAlertText(
	change: HealthChange & { level: 'warning' | 'critical' },
	thresholds: Thresholds,
): string {
	const { metric, level, value } = change;
	const info = METRIC_INFO[metric];
	const limit = formatMetric(metric, thresholds[metric][level]);
	return [
		`${EMOJI[level]} <b>Monitor database: ${level}</b>`,
		`${escapeHtml(info.label)} is <b>${escapeHtml(formatMetric(metric, value))}</b>, past the ${level} level of ${escapeHtml(limit)}.`,
		`What to do: ${escapeHtml(info.action[level])}`,
	].join('\n');
}

/**
 * Enqueues one message per default chat for a rise into warning or critical; returns how many.
 * Must run inside the caller's write transaction (the one that records the change).
 */
export function enqueueHealthAlert(
	engine: Engine,
	change: HealthChange,
	thresholds: Thresholds,
	now: number,
): number {
	const { level } = change;
	if (level === 'ok' || !isRaise(change.previous, level)) return 0;
	const targets = defaultTargets(engine);
	if (targets.length === 0) return 0;
	const text = healthAlertText({ ...change, level }, thresholds);
	for (const target of targets) enqueue(engine, { kind: 'health', text, target, now });
	return targets.length;
}
