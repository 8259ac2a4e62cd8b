/**
 * New versions of the app, as the person sees them: "Ready to work offline" once after the first
 * install, and "A new version is available" with Reload / Later while an update waits.
 *
 * Reload never loses a write: it first waits until every change committed so far is durable
 * (`database.flush`, which also pauses scheduled checks for a moment), then lets the waiting version
 * take over and reloads this window only. If that save fails (storage full, say), it does not reload:
 * the new version would take the database over from memory that holds the only copy of those changes.
 * It says why instead, and the prompt offers an export.
 * Other windows keep the old code until their person reloads them; once the new version owns the
 * database they are refused every call (`app-outdated`) and say so.
 */
import type { DbClient } from '../client/db-client';
import { AppError } from '../shared/errors';
import {
	registerServiceWorker,
	type ServiceWorkerControl,
	type ServiceWorkerEvents,
} from '../client/service-worker';
import type { Connection } from './connection.svelte';
import { describeError, notices } from './notices.svelte';

/** Long enough for the new version to take over and this window to reload and open the database. */
const CHECK_HOLD_MS = 15_000;
/**
 * A save that neither lands nor fails in this long is treated as failed: the button never spins for
 * ever. Far longer than a strict save of a large file takes (a few seconds at 200 MB).
 */
const FLUSH_LIMIT_MS = 60_000;

export type Register = (events: ServiceWorkerEvents) => ServiceWorkerControl | null;

export class AppUpdates {
	readonly #db: DbClient;
	readonly #control: ServiceWorkerControl | null;
	readonly #connection: Connection | null;
	#waiting = $state(false);
	#dismissed = $state(false);
	#reloading = $state(false);
	#blocked = $state<string | null>(null);

	constructor(
		db: DbClient,
		register: Register = registerServiceWorker,
		connection: Connection | null = null,
	) {
		this.#db = db;
		this.#connection = connection;
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

	/** Why the last Reload did not reload (the changes could not be saved first); null otherwise. */
	get blocked(): string | null {
		return this.#blocked;
	}

	/** Hides the prompt for this visit; the update stays waiting and is offered again next time. */
	later(): void {
		this.#dismissed = true;
	}

	async reload(): Promise<void> {
		if (this.#reloading) return;
		this.#reloading = true;
		this.#blocked = null;
		try {
			// Checks pause briefly, so no request reaches the old service worker while it is swapped out.
			await withLimit(
				this.#db.call('database.flush', { holdChecksMs: CHECK_HOLD_MS }),
				FLUSH_LIMIT_MS,
			);
		} catch (error) {
			if (!this.#nothingToSave(error)) {
				this.#blocked = describeError(error);
				this.#reloading = false;
				return;
			}
			console.warn('Reloading without a final flush', error);
		}
		await this.#control?.activateUpdate();
		location.reload();
	}

	/**
	 * Whether a failed flush leaves nothing a reload could lose: this window only forwards to the one
	 * that holds the database, a newer window already owns it (nothing this window holds can be saved
	 * any more), or it never opened here.
	 */
	#nothingToSave(error: unknown): boolean {
		const phase = this.#connection?.phase;
		return (
			(error instanceof AppError && error.code === 'app-outdated') ||
			phase?.phase === 'failed' ||
			phase?.phase === 'outdated' ||
			(phase?.phase === 'ready' && phase.role === 'follower')
		);
	}
}

/** `work`, or a rejection once `ms` have passed without it settling. */
function withLimit<T>(work: Promise<T>, ms: number): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const limit = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`saving took longer than ${ms / 1000} seconds`)), ms);
	});
	return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
