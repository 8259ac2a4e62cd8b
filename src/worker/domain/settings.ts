/** The app settings the Settings page edits (today: how long raw checks are kept), validated here. */
import { AppError } from '../../shared/errors';
import {
	DEFAULT_RETENTION_DAYS,
	RETENTION_DAYS_MAX,
	RETENTION_DAYS_MIN,
	type AppSettings,
} from '../../shared/history';
import type { Engine } from '../core/engine';
import { getSetting, putSetting, RETENTION_KEY } from '../stores/settings';

function validDays(days: number): boolean {
	return Number.isInteger(days) && days >= RETENTION_DAYS_MIN && days <= RETENTION_DAYS_MAX;
}

/** A stored value out of range (an edited file) reads as the default. */
export function getSettings(engine: Engine): AppSettings {
	const value = Number(getSetting(engine, RETENTION_KEY) ?? Number.NaN);
	return { retentionDays: validDays(value) ? value : DEFAULT_RETENTION_DAYS };
}

export function updateSettings(engine: Engine, patch: unknown, now: number): AppSettings {
	const input = (typeof patch === 'object' && patch !== null ? patch : {}) as Partial<AppSettings>;
	if (input.retentionDays !== undefined) {
		const days = Number(input.retentionDays);
		if (!validDays(days)) {
			throw new AppError('invalid-input', undefined, {
				fields: {
					retentionDays: `Keep history between ${RETENTION_DAYS_MIN} and ${RETENTION_DAYS_MAX} days.`,
				},
			});
		}
		putSetting(engine, RETENTION_KEY, String(days), now);
	}
	return getSettings(engine);
}
