/**
 * New versions of the app, as the person sees them: "Ready to work offline" once after the first
 * install, and "A new version is available" with Reload / Later while an update waits.
 *
 * Reload never loses a write: it first waits until every change committed so far is durable
 * (`database.flush`, which also pauses scheduled checks for a moment), then lets the waiting version
 * take over and reloads this window only.
 * Other windows keep the old code until their person reloads them; once the new version owns the
 * database they are refused every call (`app-outdated`) and say so.
 */
import type { DbClient } from '../client/db-client';
import {
	registerServiceWorker,
	type ServiceWorkerControl,
	type ServiceWorkerEvents,
} from '../client/service-worker';
import { notices } from './notices.svelte';

/** Long enough for the new version to take over and this window to reload and open the database. */
const CHECK_HOLD_MS = 15_000;

export type Register = (events: ServiceWorkerEvents) => ServiceWorkerControl | null;

export class AppUpdates {
	readonly #db: DbClient;
	readonly #control: ServiceWorkerControl | null;
	#waiting = $state(false);
	#dismissed = $state(false);
	#reloading = $state(false);

	constructor(db: DbClient, register: Register = registerServiceWorker) {
		this.#db = db;
		this.#control = register({
			offlineReady: () =>
				notices.push(
					'info',
					'Ready to work offline: Monitor now starts and keeps your data without a network.',
					10_000,
				),
			updateWaiting: () => (this.#waiting = true),
		});
	}

	/** Resolves once the service worker is registered: true, or false where there is none. */
	get registered(): Promise<boolean> {
		return this.#control ? this.#control.registered.then(() => true) : Promise.resolve(false);
	}

	/** Whether to show the "new version" prompt. */
	get available(): boolean {
		return this.#waiting && !this.#dismissed;
	}

	/** True while Reload waits for pending saves and the new version. */
	get reloading(): boolean {
		return this.#reloading;
	}

	/** Hides the prompt for this visit; the update stays waiting and is offered again next time. */
	later(): void {
		this.#dismissed = true;
	}

	async reload(): Promise<void> {
		if (this.#reloading) return;
		this.#reloading = true;
		try {
			// Checks pause briefly, so no request reaches the old service worker while it is swapped out.
			await this.#db.call('database.flush', { holdChecksMs: CHECK_HOLD_MS });
		} catch (error) {
			// Nothing this window could still save: another window (a newer build) owns the database, or
			// it never opened. Waiting would not help; reloading is the way forward.
			console.warn('Reloading without a final flush', error);
		}
		await this.#control?.activateUpdate();
		location.reload();
	}
}
