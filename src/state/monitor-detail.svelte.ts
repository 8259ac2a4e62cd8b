/** One monitor's page: its chart for the chosen range, uptimes, events and recent checks, kept fresh. */
import type { DbClient } from '../client/db-client';
import { AppError } from '../shared/errors';
import type { ChartRange, MonitorDetail } from '../shared/history';
import { markChart } from './chart-marks';
import { reportError } from './notices.svelte';
import { Reloader } from './reloader';

const WATCHED = ['monitors', 'monitor_status', 'checks', 'events', 'rollups'];

export class MonitorDetailState {
	readonly #db: DbClient;
	#id = $state<number | null>(null);
	#range = $state<ChartRange>('24h');
	#detail = $state.raw<MonitorDetail | null>(null);
	#missing = $state(false);
	readonly #reloader: Reloader;

	constructor(db: DbClient) {
		this.#db = db;
		this.#reloader = new Reloader(() => this.#fetch(), 1000);
		db.on('changed', ({ tables }) => {
			if (this.#id !== null && tables.some((t) => WATCHED.includes(t)))
				void this.#reloader.request();
		});
	}

	get detail(): MonitorDetail | null {
		return this.#detail;
	}

	get range(): ChartRange {
		return this.#range;
	}

	/** The monitor does not exist (deleted, perhaps in another window). */
	get missing(): boolean {
		return this.#missing;
	}

	show(id: number, range: ChartRange = this.#range): Promise<void> {
		markChart('request');
		if (id !== this.#id) this.#detail = null;
		this.#id = id;
		this.#range = range;
		this.#missing = false;
		return this.#reloader.now();
	}

	hide(): void {
		this.#id = null;
	}

	async #fetch(): Promise<void> {
		const id = this.#id;
		if (id === null) return;
		try {
			markChart('call');
			const detail = await this.#db.call('monitors.detail', { id, range: this.#range });
			markChart('reply');
			if (id === this.#id) this.#detail = detail;
		} catch (error) {
			if (error instanceof AppError && error.code === 'not-found') this.#missing = true;
			else reportError(error, 'Loading the monitor');
		}
	}
}
