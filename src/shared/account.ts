/** The owner account as the UI sees it: whether a passphrase protects the app, and whether it is locked. */

export interface AccountStatus {
	hasPassphrase: boolean;
	/** The app is locked: the UI shows only the lock screen. */
	locked: boolean;
	/** The secrets can be read (no passphrase, or it was entered since the app started). */
	secretsAvailable: boolean;
	/** After too many wrong passphrases, no attempt is accepted before this time. */
	retryAfter: number | null;
	failedAttempts: number;
	idleLockMinutes: number;
	/** What waits for the first unlock after a restart. */
	waiting: { alerts: number; monitors: number };
	/** Secrets that could not be carried over and must be entered again. */
	needsReentry: { bots: number; monitors: number };
}

export const IDLE_MINUTES_MIN = 1;
export const IDLE_MINUTES_MAX = 1440;
export const PASSPHRASE_MIN = 8;
