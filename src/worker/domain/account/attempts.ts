/**
 * Passphrase attempts, one at a time. Each attempt is counted (and the wait after it set) before the
 * key is derived, so neither a crash during the slow derivation nor several tries started together
 * (each read the same count) get an attempt for free. A database open read-only cannot record them:
 * there the count lives in this worker's memory, so the person can still unlock and export.
 */
import { AppError } from '../../../shared/errors';
import type { LiveDatabase } from '../../core/database/live-database';
import { setFailedAttempts, type UserRow } from '../../stores/account';

/** Seconds to wait after `failed` wrong passphrases in a row: none for the first three, then doubling to 5 min. */
export function attemptDelayS(failed: number): number {
	return failed < 3 ? 0 : Math.min(300, 2 ** (failed - 3));
}

export interface AttemptState {
	failed: number;
	retryAfter: number | null;
}

/** What a check throws when the derived key does not open the data key: the passphrase was wrong. */
export class WrongPassphrase extends Error {}

export class UnlockAttempts {
	readonly #db: LiveDatabase;
	readonly #now: () => number;
	#queue: Promise<unknown> = Promise.resolve();
	/** The count while the database is read-only (null: not needed yet, the stored one applies). */
	#inMemory: AttemptState | null = null;

	constructor(db: LiveDatabase, now: () => number) {
		this.#db = db;
		this.#now = now;
	}

	state(user: UserRow): AttemptState {
		if (this.#db.readOnly && this.#inMemory) return this.#inMemory;
		return { failed: user.failed_attempts, retryAfter: user.retry_after };
	}

	/**
	 * Runs `check` as one counted attempt, after every attempt started before it. `check` throws
	 * `WrongPassphrase` for a wrong passphrase; any other failure (a write, say) keeps its own error.
	 */
	attempt<T>(user: () => UserRow | undefined, check: (user: UserRow) => Promise<T>): Promise<T> {
		const run = this.#queue.then(() => this.#attempt(user, check));
		this.#queue = run.catch(() => undefined);
		return run;
	}

	async #attempt<T>(
		user: () => UserRow | undefined,
		check: (user: UserRow) => Promise<T>,
	): Promise<T> {
		const row = user();
		if (!row) throw new AppError('no-passphrase');
		const now = this.#now();
		const before = this.state(row);
		if (before.retryAfter !== null && before.retryAfter > now) {
			throw new AppError('too-many-attempts', undefined, { retryAfter: before.retryAfter });
		}
		const failed = before.failed + 1;
		const delay = attemptDelayS(failed);
		const counted = { failed, retryAfter: delay ? now + delay * 1000 : null };
		await this.#record(counted);
		let result: T;
		try {
			result = await check(row);
		} catch (error) {
			if (!(error instanceof WrongPassphrase)) throw error;
			throw new AppError('wrong-passphrase', undefined, {
				failedAttempts: counted.failed,
				retryAfter: counted.retryAfter,
			});
		}
		await this.#record({ failed: 0, retryAfter: null });
		return result;
	}

	async #record(state: AttemptState): Promise<void> {
		if (this.#db.readOnly) {
			this.#inMemory = state;
			return;
		}
		await this.#db.write(() => setFailedAttempts(this.#db.engine, state.failed, state.retryAfter));
	}
}
