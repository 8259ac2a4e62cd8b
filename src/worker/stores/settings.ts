/**
 * The `settings` table: one text value per key. The keys the app keeps there are named here, so a
 * reader finds every one in one place; what a value must be is checked by the service that owns it.
 */
import { LAST_EXPORT_KEY } from '../../shared/backup-reminder';
import { THRESHOLDS_KEY } from '../../shared/health';
import { DEFAULT_BOT_API } from '../../shared/telegram';
import type { Engine } from '../core/engine';

/** Days of raw checks kept (domain/settings.ts checks the range). */
export const RETENTION_KEY = 'retention_days';
/** Days the activity log keeps its entries (domain/activity checks the range). */
export const ACTIVITY_DAYS_KEY = 'activity_days';
/** The Bot API server, when it is not Telegram's own. */
export const API_BASE_KEY = 'telegram_api_base';
/** The alert template, when the person wrote their own. */
export const TEMPLATE_KEY = 'telegram_template';
/** The monitors an import paused (a JSON array of ids), until the person resumes them. */
export const IMPORT_PAUSED_KEY = 'import_paused_monitors';
/** The monitor list's search, filters, sort and grouping (a query string, domain/monitors/list-view). */
export const LIST_VIEW_KEY = 'monitor_list_view';
export { LAST_EXPORT_KEY, THRESHOLDS_KEY };

export function getSetting(engine: Engine, key: string): string | null {
	const value = engine.value<string>('SELECT value FROM settings WHERE key = ?', [key]);
	return typeof value === 'string' ? value : null;
}

/** Stores a value; null removes the key (it reads as its default again). */
export function putSetting(engine: Engine, key: string, value: string | null, now: number): void {
	if (value === null) engine.run('DELETE FROM settings WHERE key = ?', [key]);
	else
		engine.run(
			`INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
			 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			[key, value, now],
		);
}

/**
 * Stores an integer only if it is larger than the one stored (two windows may record out of order:
 * the largest wins); returns what is stored afterwards.
 */
export function putLargerSetting(engine: Engine, key: string, value: number, now: number): string {
	engine.run(
		`INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
		 WHERE CAST(settings.value AS INTEGER) < CAST(excluded.value AS INTEGER)`,
		[key, String(value), now],
	);
	return getSetting(engine, key) ?? String(value);
}

export function apiBase(engine: Engine): string {
	return getSetting(engine, API_BASE_KEY) ?? DEFAULT_BOT_API;
}

export function customTemplate(engine: Engine): string | null {
	return getSetting(engine, TEMPLATE_KEY);
}

/** The channels' plain-text templates, one per event (a JSON object), when the person wrote their own. */
export const CHANNEL_TEMPLATES_KEY = 'channel_templates';
