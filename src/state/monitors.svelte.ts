/** The monitor list as the UI sees it: each monitor with its state and latest checks, kept fresh. */
import type { DbClient } from '../client/db-client';
import type { MonitorOverview } from '../shared/history';
import type { Monitor, MonitorInput } from '../shared/monitors';
import { reportError } from './notices.svelte';
import { Reloader } from './reloader';

/** Tables whose changes the list shows. */
const WATCHED = ['monitors', 'monitor_status', 'checks'];

export class MonitorsState {
	readonly #db: DbClient;
	#items = $state.raw<MonitorOverview[]>([]);
	#loaded = $state(false);
	readonly #reloader: Reloader;

	constructor(db: DbClient) {
		this.#db = db;
		this.#reloader = new Reloader(() => this.#fetch(), 500);
		db.on('changed', ({ tables }) => {
			if (this.#loaded && tables.some((t) => WATCHED.includes(t))) void this.#reloader.request();
		});
	}

	get items(): MonitorOverview[] {
		return this.#items;
	}

	get loaded(): boolean {
		return this.#loaded;
	}

	/** Loads now (the list is shown, or the person changed a monitor and waits to see it). */
	load(): Promise<void> {
		return this.#reloader.now();
	}

	async #fetch(): Promise<void> {
		try {
			this.#items = await this.#db.call('monitors.overview');
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

	async setEnabled(id: number, enabled: boolean): Promise<void> {
		try {
			await this.#db.call('monitors.setEnabled', { id, enabled });
			await this.load();
		} catch (error) {
			reportError(error, enabled ? 'Resuming the monitor' : 'Pausing the monitor');
		}
	}

	async checkNow(id: number): Promise<void> {
		try {
			await this.#db.call('checks.runNow', { id });
		} catch (error) {
			reportError(error, 'Starting a check');
		}
	}
}
