/**
 * The owner account, kept by the worker that owns the database. Setting a passphrase seals every secret
 * under a new data key; unlocking derives the key-encryption key and unwraps the data key (a wrong
 * passphrase fails AES-GCM's authentication); locking only hides the UI: the data key stays in this
 * worker's memory until the app closes, so checks and alerts keep running while locked. Wrong passphrases
 * slow further attempts down, and that count survives reloads.
 */
import type { AccountStatus, OlderBackups, SealedCopies } from '../../../shared/account';
import {
	IDLE_MINUTES_MAX,
	IDLE_MINUTES_MIN,
	PASSPHRASE_MIN,
	SESSION_KEEP_DAYS,
} from '../../../shared/account';
import { AppError } from '../../../shared/errors';
import { recordActivity } from '../activity/log';
import type { LiveDatabase } from '../../core/database/live-database';
import type { Engine } from '../../core/engine';
import {
	closeAbandonedSessions,
	getUser,
	hasAccountTables,
	insertUser,
	replaceUser,
	rewrapUser,
	rotateSessions,
	setIdleLockMinutes,
	type SessionEnd,
	type UserRow,
} from '../../stores/account';
import {
	clearSecretCounts,
	needingReentry,
	removeSealedSecrets,
	sealedValues,
	waitingOnKey,
} from '../../stores/secrets';
import { UnlockAttempts, WrongPassphrase } from './attempts';
import { deriveKey, isUnbound, KDF_ITERATIONS, newDataKey, newSalt, unwrap, wrap } from './crypto';
import { sealCopies } from './copies';
import { resealAll, revealAll, sealAll, writeSecrets } from './secrets';
import { WindowSessions } from './sessions';
import { SessionCalls } from './session-calls';
import { vault } from './vault';

export interface AccountOptions {
	now?: () => number;
	/** PBKDF2 iterations for a new passphrase (tests lower it; the schema refuses fewer than 100,000). */
	iterations?: number;
	browser?: string;
	onStatus?: (status: AccountStatus) => void;
}

const ACTIVITY_SAVE_EVERY_MS = 60_000;

export { attemptDelayS } from './attempts';

export class Account {
	readonly #db: LiveDatabase;
	readonly #o: AccountOptions;
	/** Locked for every window (Lock, the idle lock, a restart); a window can also be locked alone. */
	#locked: boolean;
	readonly #sessions = new WindowSessions();
	/** The calls about windows' sessions (the Security card, joining, leaving). */
	readonly windows: SessionCalls;
	#lastActivity: number;
	#idleTimer: ReturnType<typeof setInterval> | null = null;
	readonly #attempts: UnlockAttempts;
	/** The counts last announced, so a change of monitors announces only what the warning needs. */
	#inClear: AccountStatus['inClear'] | null = null;

	constructor(db: LiveDatabase, options: AccountOptions = {}) {
		this.#db = db;
		this.#o = options;
		this.#attempts = new UnlockAttempts(db, () => this.#now());
		this.#lastActivity = this.#now();
		this.#locked = this.#user() !== undefined && !vault.hasKey;
		this.windows = new SessionCalls(
			{
				db,
				hasUser: () => this.#user() !== undefined,
				lockedFor: (window) => this.lockedFor(window),
				now: () => this.#now(),
				browser: options.browser ?? '',
				emit: () => this.#emit(),
				status: (window) => this.status(window),
			},
			this.#sessions,
		);
	}

	#now(): number {
		return (this.#o.now ?? Date.now)();
	}

	get #engine(): Engine {
		return this.#db.engine;
	}

	#user(): UserRow | undefined {
		return hasAccountTables(this.#engine) ? getUser(this.#engine) : undefined;
	}

	/** Ends sessions a closed app left open, and starts the idle watch. */
	async start(): Promise<void> {
		// An import or restore may bring (or take away) the passphrase: the lock state follows the database.
		// Only ever towards locked while a passphrase exists: a locked app keeps its key in memory (checks
		// and alerts run on), and a write to `users` (a failed attempt, say) must not reopen it.
		this.#db.subscribe((tables) => {
			if (tables.includes('users')) {
				const user = this.#user();
				this.#locked = user !== undefined && (this.#locked || !vault.hasKey);
				this.#emit();
			} else if (tables.includes('telegram_bots') || tables.includes('monitors')) {
				// A secret added or removed changes what the export warning says.
				const inClear = clearSecretCounts(this.#engine);
				const was = this.#inClear;
				if (
					inClear.bots !== was?.bots ||
					inClear.monitors !== was.monitors ||
					inClear.channels !== was.channels
				)
					this.#emit();
			}
		});
		if (!this.#db.readOnly && hasAccountTables(this.#engine)) {
			await this.#db.write(() => {
				closeAbandonedSessions(this.#engine);
				rotateSessions(this.#engine, this.#now() - SESSION_KEEP_DAYS * 86_400_000);
			});
		}
		this.#idleTimer = setInterval(() => void this.checkIdle(), 15_000);
		this.#emit();
	}

	stop(): void {
		if (this.#idleTimer) clearInterval(this.#idleTimer);
	}

	get locked(): boolean {
		return this.#locked;
	}

	/** Whether calls from `window` are refused: the app is locked, or that window's session was ended. */
	lockedFor(window: string): boolean {
		return this.#locked || this.#sessions.isEnded(window);
	}

	/** `window`: the window asking (its own lock state); without one, the app's as every window sees it. */
	status(window = ''): AccountStatus {
		const user = this.#user();
		const endedHere = user !== undefined && this.#sessions.isEnded(window);
		const e = this.#engine;
		const attempts = user ? this.#attempts.state(user) : { failed: 0, retryAfter: null };
		return {
			hasPassphrase: user !== undefined,
			locked: this.#locked || endedHere,
			endedHere,
			secretsAvailable: user === undefined || vault.hasKey,
			retryAfter:
				attempts.retryAfter && attempts.retryAfter > this.#now() ? attempts.retryAfter : null,
			failedAttempts: attempts.failed,
			idleLockMinutes: user?.idle_lock_minutes ?? 15,
			waiting: user && !vault.hasKey ? waitingOnKey(e) : { alerts: 0, monitors: 0 },
			needsReentry: hasAccountTables(e) ? needingReentry(e) : { bots: 0, monitors: 0, channels: 0 },
			inClear: clearSecretCounts(e),
		};
	}

	/**
	 * Seals every secret under a new data key, then the copies: the snapshot is written again and older
	 * backups are sealed too or, as the person chose, deleted.
	 */
	async setPassphrase(
		passphrase: string,
		older: OlderBackups = 'seal',
		window = '',
	): Promise<AccountStatus & { backups: SealedCopies }> {
		if (this.#user()) throw new AppError('passphrase-exists');
		checkPassphrase(passphrase);
		const iterations = this.#o.iterations ?? KDF_ITERATIONS;
		const salt = newSalt();
		const kek = await deriveKey(passphrase, salt, iterations);
		const data = await newDataKey();
		const wrapped = await wrap(data.raw, kek);
		await vault.useKey(data.key, []);
		try {
			const sealed = await sealAll(this.#engine);
			const now = this.#now();
			await this.#db.write(() => {
				insertUser(this.#engine, { iterations, salt, ...wrapped }, now);
				writeSecrets(this.#engine, sealed);
				this.#startSession(window, now);
			});
		} catch (error) {
			vault.forget();
			throw error;
		}
		this.#locked = false;
		this.#emit();
		return { ...this.status(window), backups: await sealCopies(this.#db, data.key, [], older) };
	}

	/**
	 * A new passphrase gets a new data key and every secret is sealed again under it (the live file, the
	 * snapshot, the backups), so the old passphrase with an old copy of the file opens nothing new.
	 */
	async changePassphrase(
		current: string,
		next: string,
	): Promise<AccountStatus & { backups: SealedCopies }> {
		checkPassphrase(next);
		const old = await this.#verify(current);
		await vault.useKey(old.key, sealedValues(this.#engine));
		const salt = newSalt();
		const iterations = this.#o.iterations ?? KDF_ITERATIONS;
		const data = await newDataKey();
		const wrapped = await wrap(data.raw, await deriveKey(next, salt, iterations));
		await vault.useKey(data.key, []);
		try {
			const sealed = await resealAll(this.#engine);
			await this.#db.write(() => {
				rewrapUser(this.#engine, { iterations, salt, ...wrapped }, this.#now());
				writeSecrets(this.#engine, sealed);
			});
		} catch (error) {
			await vault.useKey(old.key, []);
			throw error;
		}
		this.#emit();
		return { ...this.status(), backups: await sealCopies(this.#db, data.key, [old.key], 'seal') };
	}

	async removePassphrase(current: string): Promise<AccountStatus> {
		const data = await this.#verify(current);
		await vault.useKey(data.key, sealedValues(this.#engine));
		const plain = revealAll(this.#engine);
		await this.#db.write(() => {
			writeSecrets(this.#engine, plain);
			this.#endAll('passphrase-removed');
			replaceUser(this.#engine);
		});
		vault.forget();
		this.#locked = false;
		this.#emit();
		return this.status();
	}

	/** Unlocks the app (every window but those whose session was ended), and this window. */
	async unlock(passphrase: string, window = ''): Promise<AccountStatus> {
		const data = await this.#verify(passphrase);
		await vault.useKey(data.key, sealedValues(this.#engine));
		// A read-only database (a failed migration, a newer app's file) records no session: the person
		// must still get in, to export it.
		if (!this.#db.readOnly) {
			// Values sealed before ciphertexts were bound to their rows are bound now.
			const unbound = await resealAll(this.#engine, isUnbound);
			await this.#db.write(() => {
				writeSecrets(this.#engine, unbound);
				this.#startSession(window, this.#now());
			});
		} else this.#sessions.forgive(window);
		this.#locked = false;
		this.#lastActivity = this.#now();
		this.#emit();
		return this.status(window);
	}

	async lock(how: 'locked' | 'idle' = 'locked', window = ''): Promise<AccountStatus> {
		if (!this.#user()) throw new AppError('no-passphrase');
		if (!this.#locked) {
			this.#locked = true;
			if (!this.#db.readOnly) await this.#db.write(() => this.#endAll(how));
			this.#emit();
		}
		return this.status(window);
	}

	/** The person did something in `window`: postpones the idle lock, and notes the window's session as active. */
	async activity(window = ''): Promise<void> {
		if (this.lockedFor(window)) return;
		const now = this.#now();
		this.#lastActivity = now;
		const touch = this.#sessions.seen(window, now, ACTIVITY_SAVE_EVERY_MS);
		// The session may have ended (a lock) before the write runs: touching an ended row changes nothing.
		if (touch !== null && !this.#db.readOnly)
			await this.#db.write(() => this.#sessions.touch(this.#engine, touch, now));
	}

	async setIdleMinutes(minutes: number): Promise<AccountStatus> {
		if (!this.#user()) throw new AppError('no-passphrase');
		if (!Number.isInteger(minutes) || minutes < IDLE_MINUTES_MIN || minutes > IDLE_MINUTES_MAX) {
			throw new AppError('invalid-input', undefined, {
				fields: { idleLockMinutes: `Lock after 1 minute to 24 hours of inactivity.` },
			});
		}
		await this.#db.write(() => setIdleLockMinutes(this.#engine, minutes));
		this.#emit();
		return this.status();
	}

	/**
	 * A forgotten passphrase: the encrypted secrets are removed (bots and headers are marked for re-entry),
	 * everything else stays, and the app no longer has a passphrase.
	 */
	async resetForgotten(): Promise<AccountStatus> {
		if (!this.#user()) throw new AppError('no-passphrase');
		await this.#db.write(() => {
			removeSealedSecrets(
				this.#engine,
				'The token was removed with the forgotten passphrase: add the bot again.',
			);
			this.#endAll('passphrase-removed');
			replaceUser(this.#engine);
		});
		vault.forget();
		this.#locked = false;
		this.#emit();
		return this.status();
	}

	/** The data key, if `passphrase` is the right one; every attempt is counted (see attempts.ts). */
	async #verify(passphrase: string): Promise<{ key: CryptoKey; raw: Uint8Array<ArrayBuffer> }> {
		try {
			return await this.#attempts.attempt(
				() => this.#user(),
				async (user) => {
					const kek = await deriveKey(passphrase, user.salt, user.iterations);
					try {
						return await unwrap({ wrapped: user.wrapped_key, iv: user.wrap_iv }, kek);
					} catch {
						throw new WrongPassphrase();
					}
				},
			);
		} finally {
			// A read-only database announces no change of `users`: the count is shown from here.
			this.#emit();
		}
	}

	/** Locks once idle long enough (the timer checks every 15 s; tests call it directly). */
	async checkIdle(): Promise<void> {
		const user = this.#user();
		if (!user || this.#locked) return;
		if (this.#now() - this.#lastActivity >= user.idle_lock_minutes * 60_000) {
			await this.lock('idle').catch((error: unknown) => console.warn('Idle lock failed', error));
		}
	}

	#startSession(window: string, now: number): void {
		this.#sessions.start(this.#engine, window, now, this.#o.browser ?? '');
		recordActivity(this.#engine, now, { kind: 'lock', message: 'Unlocked.' });
	}

	#endAll(how: SessionEnd): void {
		if (!this.#sessions.endAll(this.#engine, how, this.#now())) return;
		const told = ENDED[how];
		if (told) recordActivity(this.#engine, this.#now(), { kind: 'lock', message: told });
	}

	#emit(): void {
		const status = this.status();
		this.#inClear = status.inClear;
		this.#o.onStatus?.(status);
	}
}

/** How the activity log tells a session's end; a session closed for a new one is not news. */
const ENDED: Record<SessionEnd, string | null> = {
	locked: 'Locked.',
	idle: 'Locked after being idle.',
	'passphrase-removed': 'Passphrase removed: the app no longer locks.',
	closed: null,
	ended: null,
};

function checkPassphrase(passphrase: unknown): asserts passphrase is string {
	if (typeof passphrase !== 'string' || [...passphrase].length < PASSPHRASE_MIN)
		throw new AppError('weak-passphrase');
}
