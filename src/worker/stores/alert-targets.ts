/**
 * Where a monitor's alerts go: `monitor_alerts` (default chats, chosen chats or none, and reminders)
 * and `monitor_alert_chats` (the chosen chats, each with a topic and silence). A disabled chat or a
 * revoked bot never receives one.
 */
import type { AlertTarget, MonitorAlerts } from '../../shared/telegram';
import type { Engine } from '../core/engine';
import { chosenChannelIds, setChosenChannels } from './channels';

/** A monitor's choice as written: the channels are kept as they are when not given. */
export type AlertChoice = Pick<MonitorAlerts, 'mode' | 'reminderMinutes' | 'chats'> & {
	channels?: number[];
};

type TargetRow = { chat_ref: number; thread_id: number | null; silent: number };

const toTarget = (r: TargetRow): AlertTarget => ({
	chatRef: r.chat_ref,
	threadId: r.thread_id,
	silent: r.silent === 1,
});

export function monitorAlerts(engine: Engine, monitorId: number): MonitorAlerts {
	const row = engine.get<{
		mode: string;
		reminder_minutes: number | null;
		acknowledged_at: number | null;
	}>('SELECT mode, reminder_minutes, acknowledged_at FROM monitor_alerts WHERE monitor_id = ?', [
		monitorId,
	]);
	const chats = engine
		.all<TargetRow>(
			'SELECT chat_ref, thread_id, silent FROM monitor_alert_chats WHERE monitor_id = ? ORDER BY chat_ref',
			[monitorId],
		)
		.map(toTarget);
	return {
		mode: (row?.mode ?? 'default') as MonitorAlerts['mode'],
		reminderMinutes: row?.reminder_minutes ?? null,
		chats,
		channels: chosenChannelIds(engine, monitorId),
		acknowledgedAt: row?.acknowledged_at ?? null,
	};
}

/** Replaces the monitor’s choice; the caller has checked that each chosen chat exists. */
export function setMonitorAlerts(
	engine: Engine,
	monitorId: number,
	alerts: AlertChoice,
): MonitorAlerts {
	engine.run(
		`INSERT INTO monitor_alerts (monitor_id, mode, reminder_minutes) VALUES (?, ?, ?)
		 ON CONFLICT (monitor_id) DO UPDATE SET mode = excluded.mode, reminder_minutes = excluded.reminder_minutes`,
		[monitorId, alerts.mode, alerts.reminderMinutes],
	);
	engine.run('DELETE FROM monitor_alert_chats WHERE monitor_id = ?', [monitorId]);
	for (const target of alerts.chats) {
		engine.run(
			'INSERT INTO monitor_alert_chats (monitor_id, chat_ref, thread_id, silent) VALUES (?, ?, ?, ?)',
			[monitorId, target.chatRef, target.threadId, target.silent ? 1 : 0],
		);
	}
	if (alerts.channels) setChosenChannels(engine, monitorId, alerts.channels);
	return monitorAlerts(engine, monitorId);
}

/** The default chats (with their default topic and silence); never a disabled chat or a revoked bot. */
export function defaultTargets(engine: Engine): AlertTarget[] {
	return engine
		.all<TargetRow>(
			`SELECT c.id AS chat_ref, c.default_thread_id AS thread_id, c.default_silent AS silent
			 FROM telegram_chats c JOIN telegram_bots b ON b.id = c.bot_id
			 WHERE c.is_default = 1 AND c.disabled_at IS NULL AND b.status != 'revoked'
			 ORDER BY c.id`,
		)
		.map(toTarget);
}

/** Where a monitor's alerts go now: its chosen chats, or the default chats; never a disabled chat or a revoked bot. */
export function alertTargets(engine: Engine, monitorId: number): AlertTarget[] {
	const { mode } = monitorAlerts(engine, monitorId);
	if (mode === 'off') return [];
	if (mode === 'default') return defaultTargets(engine);
	return engine
		.all<TargetRow>(
			`SELECT a.chat_ref, a.thread_id, a.silent FROM monitor_alert_chats a
			 JOIN telegram_chats c ON c.id = a.chat_ref JOIN telegram_bots b ON b.id = c.bot_id
			 WHERE a.monitor_id = ? AND c.disabled_at IS NULL AND b.status != 'revoked'`,
			[monitorId],
		)
		.map(toTarget);
}

export interface ReminderDue {
	monitorId: number;
	/** When the monitor went down. */
	downSince: number;
	/** The message of its last check. */
	message: string;
}

/**
 * Monitors still down whose reminder is due: one every `reminder_minutes`, counted from the last one
 * (or from when it went down).
 */
export function remindersDue(engine: Engine, now: number): ReminderDue[] {
	return engine
		.all<{ monitor_id: number; state_since: number; message: string | null }>(
			`SELECT s.monitor_id, s.state_since, c.message
			 FROM monitor_status s JOIN monitor_alerts a ON a.monitor_id = s.monitor_id
			 JOIN monitors m ON m.id = s.monitor_id
			 LEFT JOIN checks c ON c.id = s.last_check_id
			 WHERE s.state = 'down' AND m.enabled = 1 AND a.mode != 'off' AND a.reminder_minutes IS NOT NULL
			   AND s.maintenance_since IS NULL
			   AND a.acknowledged_at IS NULL
			   AND s.state_since IS NOT NULL
			   AND ? >= coalesce(max(a.last_reminder_at, s.state_since), s.state_since) + a.reminder_minutes * 60000`,
			[now],
		)
		.map((r) => ({ monitorId: r.monitor_id, downSince: r.state_since, message: r.message ?? '' }));
}

/** "I'm on it": no reminders for this incident. Returns false when the monitor is not down. */
export function acknowledge(engine: Engine, monitorId: number, at: number): boolean {
	const down = engine.value(
		"SELECT 1 FROM monitor_status WHERE monitor_id = ? AND state = 'down'",
		[monitorId],
	);
	if (down === undefined) return false;
	engine.run(
		`INSERT INTO monitor_alerts (monitor_id, acknowledged_at) VALUES (?, ?)
		 ON CONFLICT (monitor_id) DO UPDATE SET acknowledged_at = excluded.acknowledged_at`,
		[monitorId, at],
	);
	return true;
}

/** A state change ends the incident: its acknowledgement goes with it. */
export function clearAcknowledgement(engine: Engine, monitorId: number): void {
	engine.run(
		'UPDATE monitor_alerts SET acknowledged_at = NULL WHERE monitor_id = ? AND acknowledged_at IS NOT NULL',
		[monitorId],
	);
}

export function markReminded(engine: Engine, monitorId: number, at: number): void {
	engine.run('UPDATE monitor_alerts SET last_reminder_at = ? WHERE monitor_id = ?', [
		at,
		monitorId,
	]);
}
