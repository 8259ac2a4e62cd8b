/**
 * One monitor's page: its chart for the chosen range, uptimes, events and recent checks, kept fresh.
 * With per-monitor change notices it rereads only for changes of this monitor inside the chart's
 * window, not for every check of every monitor.
 */
import type { DbClient } from '../client/db-client';
import { AppError } from '../shared/errors';
import type { ChartRange, MonitorDetail } from '../shared/history';
import { markChart } from './chart-marks';
import { touchesDetail } from './monitor-changes';
import { reportError } from './notices.svelte';
import { Reloader } from './reloader';

const UPTIME_SPAN_MS = 30 * 24 * 3_600_000;

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
		db.on('changed', (change) => {
			const id = this.#id;
			if (id === null) return;
			const shown = this.#detail?.monitor.id === id ? this.#detail : null;
			// The page shows 30-day uptime whatever the chart's range.
			const shownFrom = shown ? Math.min(shown.from, shown.to - UPTIME_SPAN_MS) : 0;
			if (touchesDetail(change, id, shownFrom)) void this.#reloader.request();
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

	/** Writes a state change's note (empty removes it) and shows it; throws for the form. */
	async setNote(eventId: number, note: string): Promise<void> {
		await this.#db.call('events.setNote', { eventId, note });
		await this.#reloader.now();
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
