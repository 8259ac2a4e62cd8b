/** The Database page's view of the worker: migration status and the file's size, refreshed on every change. */
import type { DbClient } from '../client/db-client';
import type { DatabaseStatus } from '../shared/database';
import { reportError } from './notices.svelte';

export class DatabaseState {
	readonly #db: DbClient;
	#status = $state.raw<DatabaseStatus | null>(null);
	#retrying = $state(false);

	constructor(db: DbClient) {
		this.#db = db;
		db.on('changed', () => void this.refresh());
	}

	get status(): DatabaseStatus | null {
		return this.#status;
	}

	/**
	 * Retries a failed save now instead of after its backoff (up to 30 s): the person has just freed
	 * space. How it ends shows in the save indicator and its banner.
	 */
	async saveNow(): Promise<void> {
		this.#retrying = true;
		try {
			await this.#db.call('database.flush');
		} catch {
			// Still refused: the banner stays and says so.
		} finally {
			this.#retrying = false;
		}
	}

	get retrying(): boolean {
		return this.#retrying;
	}

	async refresh(): Promise<void> {
		try {
			this.#status = await this.#db.call('database.status');
		} catch (error) {
			reportError(error, 'Reading the database status');
		}
	}
}
