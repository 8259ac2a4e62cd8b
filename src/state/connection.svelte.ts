/** Where the database is (starting, migrating, ready, read-only, failed) and whether changes are saved. */
import type { Phase } from '../shared/api';
import type { SaveStatus } from '../shared/database';
import type { DbClient } from '../client/db-client';

export class Connection {
	#phase = $state.raw<Phase>({ phase: 'starting' });
	#save = $state.raw<SaveStatus>({
		state: 'idle',
		pending: 0,
		generation: 0,
		savedAt: null,
		error: null,
		errorCode: null,
		savedBy: 'this-window',
		notice: null,
	});

	constructor(db: DbClient) {
		db.on('phase', (phase) => (this.#phase = phase));
		db.on('save', (save) => (this.#save = save));
	}

	get phase(): Phase {
		return this.#phase;
	}

	get save(): SaveStatus {
		return this.#save;
	}

	get ready(): boolean {
		return this.#phase.phase === 'ready';
	}

	/** True when changes cannot be made from this window (read-only database, or an outdated window). */
	get readOnly(): boolean {
		return (
			(this.#phase.phase === 'ready' && this.#phase.readOnly) || this.#phase.phase === 'outdated'
		);
	}
}
