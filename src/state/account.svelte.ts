/**
 * The owner account as the UI sees it: whether a passphrase is set and the app locked, kept in step with
 * the owning worker (every window locks and unlocks together, but a window whose session was ended from
 * another stays locked alone), this window's session, and the person's activity, reported so the idle
 * lock knows when to strike.
 */
import type { DbClient } from '../client/db-client';
import type { AccountStatus, OlderBackups, SealedCopies, SessionInfo } from '../shared/account';
import { reportError } from './notices.svelte';

const ACTIVITY_EVERY_MS = 30_000;
/** Kept for this tab (sessionStorage): its session was ended, so a reload stays locked. */
const ENDED_KEY = 'monitor.session-ended';

export class AccountState {
	readonly #db: DbClient;
	#status = $state.raw<AccountStatus | null>(null);
	#lastReported = 0;
	#joined = false;

	constructor(db: DbClient) {
		this.#db = db;
		db.on('account', (status) => {
			// Every window hears the app's state; whether this one was ended alone, only its own call tells.
			const endedHere = this.#status?.endedHere ?? false;
			this.#set({ ...status, endedHere, locked: status.locked || endedHere });
			void this.refresh();
		});
		db.on('phase', (phase) => {
			if (phase.phase !== 'ready') return;
			if (sessionStorage.getItem(ENDED_KEY)) void this.#call(() => db.call('account.lockWindow'));
			else void this.refresh();
		});
		addEventListener('pagehide', () => {
			if (this.#joined) db.call('account.leave').catch(() => undefined);
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
		await this.#call(() => this.#db.call('account.status'));
	}

	async #call(get: () => Promise<AccountStatus>): Promise<void> {
		try {
			this.#set(await get());
		} catch (error) {
			reportError(error, 'Reading the account');
		}
	}

	#set(status: AccountStatus): void {
		this.#status = status;
		if (status.endedHere) sessionStorage.setItem(ENDED_KEY, '1');
		if (!status.hasPassphrase || status.locked) this.#joined = false;
		else if (!this.#joined) {
			// Unlocked, by this window or another: this window has a session of its own.
			this.#joined = true;
			this.#db.call('account.join').catch(() => (this.#joined = false));
		}
	}

	/** The sessions, newest first, this window's marked. */
	sessions(): Promise<SessionInfo[]> {
		return this.#db.call('account.sessions');
	}

	/** Ends another window's session: that window locks. Resolves with the sessions as they are now. */
	endSession(id: number): Promise<SessionInfo[]> {
		return this.#db.call('account.endSession', { id });
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
		const status = await this.#db.call('account.unlock', { passphrase });
		sessionStorage.removeItem(ENDED_KEY);
		this.#joined = true;
		this.#set(status);
		this.#lastReported = Date.now();
	}

	async lock(): Promise<void> {
		this.#set(await this.#db.call('account.lock'));
	}

	/** Resolves with what was done to the backups (sealed with it, or deleted, as `olderBackups` says). */
	async setPassphrase(passphrase: string, olderBackups: OlderBackups): Promise<SealedCopies> {
		const { backups, ...status } = await this.#db.call('account.setPassphrase', {
			passphrase,
			olderBackups,
		});
		this.#joined = true;
		this.#set(status);
		return backups;
	}

	async changePassphrase(current: string, next: string): Promise<SealedCopies> {
		const { backups, ...status } = await this.#db.call('account.changePassphrase', {
			current,
			next,
		});
		this.#set(status);
		return backups;
	}

	async removePassphrase(current: string): Promise<void> {
		this.#set(await this.#db.call('account.removePassphrase', { current }));
	}

	async setIdleMinutes(minutes: number): Promise<void> {
		this.#set(await this.#db.call('account.setIdleMinutes', { minutes }));
	}

	async resetForgotten(): Promise<void> {
		this.#set(await this.#db.call('account.resetForgotten', { confirm: 'remove secrets' }));
	}
}
