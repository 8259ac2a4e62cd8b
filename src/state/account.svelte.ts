/**
 * The owner account as the UI sees it: whether a passphrase is set and the app locked, kept in step with
 * the owning worker (every window locks and unlocks together), and the person's activity, reported so the
 * idle lock knows when to strike.
 */
import type { DbClient } from '../client/db-client';
import type { AccountStatus, OlderBackups, SealedCopies } from '../shared/account';
import { reportError } from './notices.svelte';

const ACTIVITY_EVERY_MS = 30_000;

export class AccountState {
	readonly #db: DbClient;
	#status = $state.raw<AccountStatus | null>(null);
	#lastReported = 0;

	constructor(db: DbClient) {
		this.#db = db;
		db.on('account', (status) => (this.#status = status));
		db.on('phase', (phase) => {
			if (phase.phase === 'ready') void this.refresh();
		});
		for (const type of ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const) {
			addEventListener(type, () => this.#active(), { passive: true, capture: true });
		}
	}

	get status(): AccountStatus | null {
		return this.#status;
	}

	get locked(): boolean {
		return Boolean(this.#status?.hasPassphrase && this.#status.locked);
	}

	async refresh(): Promise<void> {
		try {
			this.#status = await this.#db.call('account.status');
		} catch (error) {
			reportError(error, 'Reading the account');
		}
	}

	#active(): void {
		const now = Date.now();
		if (this.locked || !this.#status?.hasPassphrase || now - this.#lastReported < ACTIVITY_EVERY_MS)
			return;
		this.#lastReported = now;
		this.#db.call('account.activity').catch(() => undefined);
	}

	/** Each of these throws, so the form can show what went wrong. */
	async unlock(passphrase: string): Promise<void> {
		this.#status = await this.#db.call('account.unlock', { passphrase });
		this.#lastReported = Date.now();
	}

	async lock(): Promise<void> {
		this.#status = await this.#db.call('account.lock');
	}

	/** Resolves with what was done to the backups (sealed with it, or deleted, as `olderBackups` says). */
	async setPassphrase(passphrase: string, olderBackups: OlderBackups): Promise<SealedCopies> {
		const { backups, ...status } = await this.#db.call('account.setPassphrase', {
			passphrase,
			olderBackups,
		});
		this.#status = status;
		return backups;
	}

	async changePassphrase(current: string, next: string): Promise<SealedCopies> {
		const { backups, ...status } = await this.#db.call('account.changePassphrase', {
			current,
			next,
		});
		this.#status = status;
		return backups;
	}

	async removePassphrase(current: string): Promise<void> {
		this.#status = await this.#db.call('account.removePassphrase', { current });
	}

	async setIdleMinutes(minutes: number): Promise<void> {
		this.#status = await this.#db.call('account.setIdleMinutes', { minutes });
	}

	async resetForgotten(): Promise<void> {
		this.#status = await this.#db.call('account.resetForgotten', { confirm: 'remove secrets' });
	}
}
