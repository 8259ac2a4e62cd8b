/** The monitor list as the UI sees it: each monitor with its state and latest checks, kept fresh. */
import type { DbClient } from '../client/db-client';
import type { MonitorOverview } from '../shared/history';
import type { Monitor, MonitorInput } from '../shared/monitors';
import { notices, reportError } from './notices.svelte';
import { Reloader } from './reloader';

/** Tables whose changes the list shows. */
const WATCHED = ['monitors', 'monitor_status', 'checks', 'settings'];

export class MonitorsState {
	readonly #db: DbClient;
	#items = $state.raw<MonitorOverview[]>([]);
	#loaded = $state(false);
	#pausedByImport = $state(0);
	readonly #reloader: Reloader;

	constructor(db: DbClient) {
		this.#db = db;
		this.#reloader = new Reloader(() => this.#fetch(), 500);
		db.on('changed', ({ tables }) => {
			if (this.#loaded && tables.some((t) => WATCHED.includes(t))) void this.load();
		});
	}

	get items(): MonitorOverview[] {
		return this.#items;
	}

	/** Monitors the last import paused that are still paused. */
	get pausedByImport(): number {
		return this.#pausedByImport;
	}

	get loaded(): boolean {
		return this.#loaded;
	}

	load(): Promise<void> {
		return this.#reloader.request();
	}

	async #fetch(): Promise<void> {
		try {
			const [items, held] = await Promise.all([
				this.#db.call('monitors.overview'),
				this.#db.call('import.pausedMonitors'),
			]);
			this.#items = items;
			this.#pausedByImport = held.monitors;
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

	/** "Resume all" after an import: the monitors it paused run again. */
	async resumeImported(): Promise<void> {
		try {
			const { resumed } = await this.#db.call('import.resumeMonitors');
			notices.push('info', `Resumed ${resumed} monitor${resumed === 1 ? '' : 's'}.`);
			await this.load();
		} catch (error) {
			reportError(error, 'Resuming the imported monitors');
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
