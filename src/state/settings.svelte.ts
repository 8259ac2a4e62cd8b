/** App settings (history retention) and the maintenance that goes with them. */
import type { DbClient } from '../client/db-client';
import type { AppSettings } from '../shared/history';
import { reportError } from './notices.svelte';

export class SettingsState {
	readonly #db: DbClient;
	#settings = $state.raw<AppSettings | null>(null);

	constructor(db: DbClient) {
		this.#db = db;
		db.on('changed', ({ tables }) => {
			if (this.#settings && tables.includes('settings')) void this.load();
		});
	}

	get settings(): AppSettings | null {
		return this.#settings;
	}

	async load(): Promise<void> {
		try {
			this.#settings = await this.#db.call('settings.get');
		} catch (error) {
			reportError(error, 'Loading settings');
		}
	}

	/** Throws, so the form can show the field's message. */
	async update(patch: Partial<AppSettings>): Promise<void> {
		this.#settings = await this.#db.call('settings.update', patch);
	}

	rotateNow(): Promise<{ checks: number; rollups: number; notifications: number }> {
		return this.#db.call('maintenance.rotate');
	}
}
