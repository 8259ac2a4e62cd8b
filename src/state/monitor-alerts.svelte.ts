/** One monitor's alert choices and its notification log, kept fresh while its page is open. */
import type { DbClient } from '../client/db-client';
import type { ArgsOf } from '../shared/api';
import type { MonitorAlerts, OutboxEntry } from '../shared/telegram';
import { reportError } from './notices.svelte';
import { Reloader } from './reloader';

export class MonitorAlertsState {
	readonly #db: DbClient;
	#monitorId = $state<number | null>(null);
	#alerts = $state.raw<MonitorAlerts | null>(null);
	#log = $state.raw<OutboxEntry[]>([]);
	readonly #reloader: Reloader;

	constructor(db: DbClient) {
		this.#db = db;
		this.#reloader = new Reloader(() => this.#fetch(), 500);
		db.on('changed', ({ tables }) => {
			if (
				this.#monitorId !== null &&
				tables.some((t) => t === 'outbox' || t.startsWith('monitor_alert') || t === 'channels')
			)
				void this.#reloader.request();
		});
	}

	get alerts(): MonitorAlerts | null {
		return this.#alerts;
	}

	get log(): OutboxEntry[] {
		return this.#log;
	}

	show(monitorId: number): Promise<void> {
		if (monitorId !== this.#monitorId) {
			this.#alerts = null;
			this.#log = [];
		}
		this.#monitorId = monitorId;
		return this.#reloader.now();
	}

	hide(): void {
		this.#monitorId = null;
	}

	async #fetch(): Promise<void> {
		const id = this.#monitorId;
		if (id === null) return;
		try {
			const [alerts, log] = await Promise.all([
				this.#db.call('alerts.get', { monitorId: id }),
				this.#db.call('alerts.log', { monitorId: id }),
			]);
			if (id === this.#monitorId) {
				this.#alerts = alerts;
				this.#log = log;
			}
		} catch (error) {
			reportError(error, 'Loading alerts');
		}
	}

	/** Throws, so the form can show the field's message. */
	async save(alerts: ArgsOf<'alerts.set'>['alerts']): Promise<void> {
		if (this.#monitorId === null) return;
		this.#alerts = await this.#db.call('alerts.set', { monitorId: this.#monitorId, alerts });
	}

	/** "I'm on it": no reminders for this incident. */
	async acknowledge(): Promise<void> {
		if (this.#monitorId === null) return;
		try {
			this.#alerts = await this.#db.call('alerts.acknowledge', { monitorId: this.#monitorId });
		} catch (error) {
			reportError(error, 'Acknowledging');
		}
	}

	async resend(outboxId: number): Promise<void> {
		try {
			await this.#db.call('telegram.resend', { outboxId });
		} catch (error) {
			reportError(error, 'Sending again');
		}
	}
}
