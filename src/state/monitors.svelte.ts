/** The monitor list as the UI sees it: loaded from the worker, refreshed when the table changes. */
import type { DbClient } from '../client/db-client';
import type { Monitor, MonitorInput } from '../shared/monitors';
import { reportError } from './notices.svelte';

export class MonitorsState {
	readonly #db: DbClient;
	#items = $state.raw<Monitor[]>([]);
	#loaded = $state(false);

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

	async load(): Promise<void> {
		try {
			this.#items = await this.#db.call('monitors.list');
		} catch (error) {
			reportError(error, 'Loading monitors');
		} finally {
			this.#loaded = true;
		}
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
