/** The monitor list as the UI sees it: loaded from the worker, refreshed when the table changes. */
import type { DbClient } from '../client/db-client';
import type { Monitor, MonitorInput } from '../shared/monitors';
import { reportError } from './notices.svelte';

export class MonitorsState {
	readonly #db: DbClient;
	#items = $state.raw<Monitor[]>([]);
	#loaded = $state(false);
	#loading: Promise<void> | null = null;
	#reload = false;

	constructor(db: DbClient) {
		this.#db = db;
		db.on('changed', ({ tables }) => {
			if (tables.includes('monitors')) void this.load();
		});
	}

	get items(): Monitor[] {
		return this.#items;
	}

	get loaded(): boolean {
		return this.#loaded;
	}

	/**
	 * Loads the list. Loads never overlap: a change that arrives during a load schedules exactly one more,
	 * so a burst of writes in another window costs two queries here, not hundreds.
	 */
	load(): Promise<void> {
		if (this.#loading) {
			this.#reload = true;
			return this.#loading;
		}
		this.#loading = (async () => {
			try {
				do {
					this.#reload = false;
					this.#items = await this.#db.call('monitors.list');
				} while (this.#reload);
			} catch (error) {
				reportError(error, 'Loading monitors');
			} finally {
				this.#loaded = true;
				this.#loading = null;
			}
		})();
		return this.#loading;
	}

	/** Creates or updates; errors are thrown so the form can show field messages. */
	async save(input: MonitorInput, id?: number): Promise<Monitor> {
		const saved =
			id === undefined
				? await this.#db.call('monitors.create', input)
				: await this.#db.call('monitors.update', { id, input });
		await this.load();
		return saved;
	}

	async remove(id: number): Promise<void> {
		try {
			await this.#db.call('monitors.delete', { id });
			await this.load();
		} catch (error) {
			reportError(error, 'Deleting the monitor');
		}
	}
}
