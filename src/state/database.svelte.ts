/** The Database page's view of the worker: migration status and the file's size, refreshed on every change. */
import type { DbClient } from '../client/db-client';
import type { DatabaseStatus } from '../shared/database';
import { reportError } from './notices.svelte';

export class DatabaseState {
	readonly #db: DbClient;
	#status = $state.raw<DatabaseStatus | null>(null);

	constructor(db: DbClient) {
		this.#db = db;
		db.on('changed', () => void this.refresh());
	}

	get status(): DatabaseStatus | null {
		return this.#status;
	}

	async refresh(): Promise<void> {
		try {
			this.#status = await this.#db.call('database.status');
		} catch (error) {
			reportError(error, 'Reading the database status');
		}
	}
}
