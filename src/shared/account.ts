/** The owner account as the UI sees it: whether a passphrase protects the app, and whether it is locked. */

export interface AccountStatus {
	hasPassphrase: boolean;
	/** The app is locked for this window: the UI shows only the lock screen. */
	locked: boolean;
	/**
	 * This window's session was ended from another window: it stays locked until the passphrase is
	 * entered here, while other windows go on.
	 */
	endedHere: boolean;
	/** The secrets can be read (no passphrase, or it was entered since the app started). */
	secretsAvailable: boolean;
	/** After too many wrong passphrases, no attempt is accepted before this time. */
	retryAfter: number | null;
	failedAttempts: number;
	idleLockMinutes: number;
	/** What waits for the first unlock after a restart. */
	waiting: { alerts: number; monitors: number };
	/** Secrets stored readable (no passphrase): an export holds them in clear. */
	inClear: { bots: number; monitors: number; channels: number };
	/** Secrets that could not be carried over and must be entered again. */
	needsReentry: { bots: number; monitors: number; channels: number };
}

/** How a session ended: locked by hand, after being idle, the app closed, no passphrase any more, or ended from another window. */
export type SessionEnd = 'locked' | 'idle' | 'closed' | 'passphrase-removed' | 'ended';

/** One window's time unlocked (the `sessions` table), as the Security card lists it. */
export interface SessionInfo {
	id: number;
	startedAt: number;
	lastActiveAt: number;
	endedAt: number | null;
	endedHow: SessionEnd | null;
	browser: string;
	/** The session of the window asking. */
	current: boolean;
}

/** Ended sessions are deleted once they were last active this long ago. */
export const SESSION_KEEP_DAYS = 30;

/** Backups made before the passphrase hold the secrets in clear: seal them too, or delete them. */
export type OlderBackups = 'seal' | 'delete';

/** What setting or changing the passphrase did to the backups. */
export interface SealedCopies {
	sealed: number;
	deleted: number;
	/** Could not be read or stored again, and were left as they were. */
	failed: number;
}

export const IDLE_MINUTES_MIN = 1;
export const IDLE_MINUTES_MAX = 1440;
export const PASSPHRASE_MIN = 8;

/** A hint of a passphrase's strength from its length and variety, with a sentence; it never sees the app's data. */
export function passphraseStrength(passphrase: string): { score: 0 | 1 | 2 | 3 | 4; hint: string } {
	const length = [...passphrase].length;
	const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9\s]/, /\s/].filter((r) =>
		r.test(passphrase),
	).length;
	const repeated = /(.)\1{2,}/.test(passphrase) || /^(.+)\1+$/.test(passphrase);
	const common = /^(password|passw0rd|monitor|qwerty|letmein|123456|111111|iloveyou|admin)/i.test(
		passphrase,
	);
	if (length < 8 || common)
		return {
			score: 0,
			hint: 'Too short or too common: use at least 8 characters; several unrelated words are best.',
		};
	const bits = length * Math.log2(Math.min(95, 10 + classes * 17)) - (repeated ? 20 : 0);
	if (bits < 45) return { score: 1, hint: 'Weak: add length (several unrelated words work well).' };
	if (bits < 60)
		return { score: 2, hint: 'Fair: a few more characters make it much harder to guess.' };
	if (bits < 80) return { score: 3, hint: 'Good.' };
	return { score: 4, hint: 'Strong.' };
}
