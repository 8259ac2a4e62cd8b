/** App settings, stored as rows of the `settings` table and validated here. */
import {
	DEFAULT_RETENTION_DAYS,
	RETENTION_DAYS_MAX,
	RETENTION_DAYS_MIN,
	type AppSettings,
} from '../../shared/history';
import { AppError } from '../../shared/errors';
import type { Engine } from '../core/engine';

export function getSettings(engine: Engine): AppSettings {
	const value = Number(engine.value("SELECT value FROM settings WHERE key = 'retention_days'"));
	const valid =
		Number.isInteger(value) && value >= RETENTION_DAYS_MIN && value <= RETENTION_DAYS_MAX;
	return { retentionDays: valid ? value : DEFAULT_RETENTION_DAYS };
}

export function updateSettings(engine: Engine, patch: unknown, now: number): AppSettings {
	const input = (typeof patch === 'object' && patch !== null ? patch : {}) as Partial<AppSettings>;
	if (input.retentionDays !== undefined) {
		const days = Number(input.retentionDays);
		if (!Number.isInteger(days) || days < RETENTION_DAYS_MIN || days > RETENTION_DAYS_MAX) {
			throw new AppError('invalid-input', undefined, {
				fields: {
					retentionDays: `Keep history between ${RETENTION_DAYS_MIN} and ${RETENTION_DAYS_MAX} days.`,
				},
			});
		}
		engine.run(
			`INSERT INTO settings (key, value, updated_at) VALUES ('retention_days', ?, ?)
			 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			[String(days), now],
		);
	}
	return getSettings(engine);
}
