/**
 * The owner account, kept by the worker that owns the database. Setting a passphrase seals every secret
 * under a new data key; unlocking derives the key-encryption key and unwraps the data key (a wrong
 * passphrase fails AES-GCM's authentication); locking only hides the UI: the data key stays in this
 * worker's memory until the app closes, so checks and alerts keep running while locked. Wrong passphrases
 * slow further attempts down, and that count survives reloads.
 */
import type { AccountStatus } from '../../../shared/account';
import { IDLE_MINUTES_MAX, IDLE_MINUTES_MIN, PASSPHRASE_MIN } from '../../../shared/account';
import { AppError } from '../../../shared/errors';
import type { LiveDatabase } from '../../core/database/live-database';
import type { Engine } from '../../core/engine';
import { deriveKey, isSealed, KDF_ITERATIONS, newDataKey, newSalt, unwrap, wrap } from './crypto';
import { hintOf } from '../telegram/bots';
import { vault } from './vault';

interface UserRow {
	iterations: number;
	salt: Uint8Array<ArrayBuffer>;
	wrapped_key: Uint8Array<ArrayBuffer>;
	wrap_iv: Uint8Array<ArrayBuffer>;
	failed_attempts: number;
	retry_after: number | null;
	idle_lock_minutes: number;
}

export interface AccountOptions {
	now?: () => number;
	/** PBKDF2 iterations for a new passphrase (tests lower it; the schema refuses fewer than 100,000). */
	iterations?: number;
	browser?: string;
	onStatus?: (status: AccountStatus) => void;
}

const ACTIVITY_SAVE_EVERY_MS = 60_000;

/** Seconds to wait after `failed` wrong passphrases in a row: none for the first three, then doubling to 5 min. */
export function attemptDelayS(failed: number): number {
	return failed < 3 ? 0 : Math.min(300, 2 ** (failed - 3));
}

export class Account {
	readonly #db: LiveDatabase;
	readonly #o: AccountOptions;
	#locked: boolean;
	#session: number | null = null;
	#lastActivity: number;
	#lastSaved = 0;
	#idleTimer: ReturnType<typeof setInterval> | null = null;

	constructor(db: LiveDatabase, options: AccountOptions = {}) {
		this.#db = db;
		this.#o = options;
		this.#lastActivity = this.#now();
		this.#locked = this.#user() !== undefined && !vault.hasKey;
	}

	#now(): number {
		return (this.#o.now ?? Date.now)();
	}

	get #engine(): Engine {
		return this.#db.engine;
	}

	/**
	 * Whether the schema has the account's tables: a migration that failed leaves an older schema open
	 * read-only, and that database simply has no passphrase.
	 */
	#hasSchema(): boolean {
		return (
			this.#engine.value(
				"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'users'",
			) === 1
		);
	}

	#user(): UserRow | undefined {
		if (!this.#hasSchema()) return undefined;
		return this.#engine.get<UserRow>('SELECT * FROM users WHERE id = 1');
	}

	/** Ends sessions a closed app left open, and starts the idle watch. */
	async start(): Promise<void> {
		// An import or restore may bring (or take away) the passphrase: the lock state follows the database.
		// Only ever towards locked while a passphrase exists: a locked app keeps its key in memory (checks
		// and alerts run on), and a write to `users` (a failed attempt, say) must not reopen it.
		this.#db.subscribe((tables) => {
			if (!tables.includes('users')) return;
			const user = this.#user();
			this.#locked = user !== undefined && (this.#locked || !vault.hasKey);
			this.#emit();
		});
		if (!this.#db.readOnly && this.#hasSchema()) {
			await this.#db.write(() =>
				this.#engine.run(
					"UPDATE sessions SET ended_at = last_active_at, ended_how = 'closed' WHERE ended_at IS NULL",
				),
			);
		}
		this.#idleTimer = setInterval(() => void this.#checkIdle(), 15_000);
		this.#emit();
	}

	stop(): void {
		if (this.#idleTimer) clearInterval(this.#idleTimer);
	}

	get locked(): boolean {
		return this.#locked;
	}

	status(): AccountStatus {
		const user = this.#user();
		const e = this.#engine;
		const sealed = (sql: string) => Number(e.value(sql));
		return {
			hasPassphrase: user !== undefined,
			locked: this.#locked,
			secretsAvailable: user === undefined || vault.hasKey,
			retryAfter: user?.retry_after && user.retry_after > this.#now() ? user.retry_after : null,
			failedAttempts: user?.failed_attempts ?? 0,
			idleLockMinutes: user?.idle_lock_minutes ?? 15,
			waiting:
				user && !vault.hasKey
					? {
							alerts: sealed(
								`SELECT count(*) FROM outbox o JOIN telegram_chats c ON c.id = o.chat_ref
								 JOIN telegram_bots b ON b.id = c.bot_id WHERE o.status = 'pending' AND b.token LIKE 'enc:%'`,
							),
							monitors: sealed(
								`SELECT count(*) FROM monitors WHERE enabled = 1 AND headers LIKE '"enc:%'`,
							),
						}
					: { alerts: 0, monitors: 0 },
			needsReentry: this.#hasSchema()
				? {
						bots: sealed('SELECT count(*) FROM telegram_bots WHERE needs_token = 1'),
						monitors: sealed('SELECT count(*) FROM monitors WHERE needs_headers = 1'),
					}
				: { bots: 0, monitors: 0 },
		};
	}

	async setPassphrase(passphrase: string): Promise<AccountStatus> {
		if (this.#user()) throw new AppError('passphrase-exists');
		checkPassphrase(passphrase);
		const iterations = this.#o.iterations ?? KDF_ITERATIONS;
		const salt = newSalt();
		const kek = await deriveKey(passphrase, salt, iterations);
		const data = await newDataKey();
		const wrapped = await wrap(data.raw, kek);
		await vault.useKey(data.key, []);
		try {
			const sealed = await this.#sealAll();
			const now = this.#now();
			await this.#db.write(() => {
				this.#engine.run(
					`INSERT INTO users (id, created_at, kdf, iterations, salt, wrapped_key, wrap_iv, changed_at)
					 VALUES (1, ?, 'PBKDF2-SHA256', ?, ?, ?, ?, ?)`,
					[now, iterations, salt, wrapped.wrapped, wrapped.iv, now],
				);
				this.#writeSecrets(sealed);
				this.#startSession(now);
			});
		} catch (error) {
			vault.forget();
			throw error;
		}
		this.#locked = false;
		this.#emit();
		return this.status();
	}

	async changePassphrase(current: string, next: string): Promise<AccountStatus> {
		checkPassphrase(next);
		const data = await this.#verify(current);
		const salt = newSalt();
		const iterations = this.#o.iterations ?? KDF_ITERATIONS;
		const wrapped = await wrap(data.raw, await deriveKey(next, salt, iterations));
		await this.#db.write(() =>
			this.#engine.run(
				`UPDATE users SET salt = ?, iterations = ?, wrapped_key = ?, wrap_iv = ?, changed_at = ?, failed_attempts = 0,
				   retry_after = NULL WHERE id = 1`,
				[salt, iterations, wrapped.wrapped, wrapped.iv, this.#now()],
			),
		);
		this.#emit();
		return this.status();
	}

	async removePassphrase(current: string): Promise<AccountStatus> {
		const data = await this.#verify(current);
		await vault.useKey(data.key, this.#sealedValues());
		const plain = this.#revealAll();
		await this.#db.write(() => {
			this.#writeSecrets(plain);
			this.#endSession('passphrase-removed');
			this.#engine.run('DELETE FROM users');
		});
		vault.forget();
		this.#locked = false;
		this.#emit();
		return this.status();
	}

	async unlock(passphrase: string): Promise<AccountStatus> {
		const data = await this.#verify(passphrase);
		await vault.useKey(data.key, this.#sealedValues());
		await this.#db.write(() => this.#startSession(this.#now()));
		this.#locked = false;
		this.#lastActivity = this.#now();
		this.#emit();
		return this.status();
	}

	async lock(how: 'locked' | 'idle' = 'locked'): Promise<AccountStatus> {
		if (!this.#user()) throw new AppError('no-passphrase');
		if (!this.#locked) {
			this.#locked = true;
			await this.#db.write(() => this.#endSession(how));
			this.#emit();
		}
		return this.status();
	}

	/** The person did something in some window: postpones the idle lock. */
	async activity(): Promise<void> {
		if (this.#locked) return;
		const now = this.#now();
		this.#lastActivity = now;
		if (
			this.#session !== null &&
			now - this.#lastSaved >= ACTIVITY_SAVE_EVERY_MS &&
			!this.#db.readOnly
		) {
			this.#lastSaved = now;
			await this.#db.write(() =>
				this.#engine.run('UPDATE sessions SET last_active_at = ? WHERE id = ?', [
					now,
					this.#session,
				]),
			);
		}
	}

	async setIdleMinutes(minutes: number): Promise<AccountStatus> {
		if (!this.#user()) throw new AppError('no-passphrase');
		if (!Number.isInteger(minutes) || minutes < IDLE_MINUTES_MIN || minutes > IDLE_MINUTES_MAX) {
			throw new AppError('invalid-input', undefined, {
				fields: { idleLockMinutes: `Lock after 1 minute to 24 hours of inactivity.` },
			});
		}
		await this.#db.write(() =>
			this.#engine.run('UPDATE users SET idle_lock_minutes = ? WHERE id = 1', [minutes]),
		);
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
			const e = this.#engine;
			e.run(
				`UPDATE telegram_bots SET token = 'removed:' || id, needs_token = 1, status = 'error',
				   status_message = 'The token was removed with the forgotten passphrase: add the bot again.'
				 WHERE token LIKE 'enc:%'`,
			);
			e.run(`UPDATE monitors SET headers = '{}', needs_headers = 1 WHERE headers LIKE '"enc:%'`);
			this.#endSession('passphrase-removed');
			e.run('DELETE FROM users');
		});
		vault.forget();
		this.#locked = false;
		this.#emit();
		return this.status();
	}

	async #verify(passphrase: string) {
		const user = this.#user();
		if (!user) throw new AppError('no-passphrase');
		const now = this.#now();
		if (user.retry_after && user.retry_after > now) {
			throw new AppError('too-many-attempts', undefined, { retryAfter: user.retry_after });
		}
		const kek = await deriveKey(passphrase, user.salt, user.iterations);
		try {
			const data = await unwrap({ wrapped: user.wrapped_key, iv: user.wrap_iv }, kek);
			if (user.failed_attempts > 0) {
				await this.#db.write(() =>
					this.#engine.run('UPDATE users SET failed_attempts = 0, retry_after = NULL WHERE id = 1'),
				);
			}
			return data;
		} catch {
			const failed = user.failed_attempts + 1;
			const delay = attemptDelayS(failed);
			const retryAfter = delay ? now + delay * 1000 : null;
			await this.#db.write(() =>
				this.#engine.run('UPDATE users SET failed_attempts = ?, retry_after = ? WHERE id = 1', [
					failed,
					retryAfter,
				]),
			);
			this.#emit();
			throw new AppError('wrong-passphrase', undefined, { failedAttempts: failed, retryAfter });
		}
	}

	async #checkIdle(): Promise<void> {
		const user = this.#user();
		if (!user || this.#locked) return;
		if (this.#now() - this.#lastActivity >= user.idle_lock_minutes * 60_000) {
			await this.lock('idle').catch((error: unknown) => console.warn('Idle lock failed', error));
		}
	}

	/** Checks the idle timeout now (the timer does it every 15 s; tests call it directly). */
	checkIdle(): Promise<void> {
		return this.#checkIdle();
	}

	#startSession(now: number): void {
		this.#endSession('closed');
		this.#session = this.#engine.run(
			'INSERT INTO sessions (started_at, last_active_at, browser) VALUES (?, ?, ?)',
			[now, now, (this.#o.browser ?? '').slice(0, 200)],
		).lastInsertRowid;
		this.#lastSaved = now;
	}

	#endSession(how: 'locked' | 'idle' | 'closed' | 'passphrase-removed'): void {
		if (this.#session === null) return;
		const now = this.#now();
		this.#engine.run(
			'UPDATE sessions SET ended_at = ?, ended_how = ?, last_active_at = max(last_active_at, ?) WHERE id = ?',
			[now, how, this.#lastActivity, this.#session],
		);
		this.#session = null;
	}

	#sealedValues(): string[] {
		const e = this.#engine;
		const tokens = e
			.all<{ token: string }>("SELECT token FROM telegram_bots WHERE token LIKE 'enc:%'")
			.map((r) => r.token);
		const headers = e
			.all<{ headers: string }>(`SELECT headers FROM monitors WHERE headers LIKE '"enc:%'`)
			.map((r) => JSON.parse(r.headers) as string);
		return [...tokens, ...headers];
	}

	/** Every secret in clear, sealed under the current data key: computed before the transaction that stores it. */
	async #sealAll(): Promise<Secrets> {
		const e = this.#engine;
		const out: Secrets = { bots: [], monitors: [] };
		for (const bot of e.all<{ id: number; token: string }>(
			'SELECT id, token FROM telegram_bots WHERE needs_token = 0',
		)) {
			if (!isSealed(bot.token))
				out.bots.push({
					id: bot.id,
					token: await vault.protect(bot.token, true),
					hint: hintOf(bot.token),
				});
		}
		for (const monitor of e.all<{ id: number; headers: string }>(
			"SELECT id, headers FROM monitors WHERE headers != '{}'",
		)) {
			const value: unknown = JSON.parse(monitor.headers);
			if (typeof value === 'object' && value !== null && Object.keys(value).length > 0) {
				out.monitors.push({
					id: monitor.id,
					headers: JSON.stringify(await vault.protect(monitor.headers, true)),
				});
			}
		}
		return out;
	}

	#revealAll(): Secrets {
		const e = this.#engine;
		return {
			bots: e
				.all<{ id: number; token: string }>(
					"SELECT id, token FROM telegram_bots WHERE token LIKE 'enc:%'",
				)
				.map((b) => {
					const token = vault.reveal(b.token);
					return { id: b.id, token, hint: hintOf(token) };
				}),
			monitors: e
				.all<{ id: number; headers: string }>(
					`SELECT id, headers FROM monitors WHERE headers LIKE '"enc:%'`,
				)
				.map((m) => ({ id: m.id, headers: vault.reveal(JSON.parse(m.headers) as string) })),
		};
	}

	#writeSecrets(secrets: Secrets): void {
		for (const bot of secrets.bots) {
			this.#engine.run('UPDATE telegram_bots SET token = ?, token_hint = ? WHERE id = ?', [
				bot.token,
				bot.hint,
				bot.id,
			]);
		}
		for (const monitor of secrets.monitors) {
			this.#engine.run('UPDATE monitors SET headers = ? WHERE id = ?', [
				monitor.headers,
				monitor.id,
			]);
		}
	}

	#emit(): void {
		this.#o.onStatus?.(this.status());
	}
}

interface Secrets {
	bots: { id: number; token: string; hint: string }[];
	monitors: { id: number; headers: string }[];
}

function checkPassphrase(passphrase: unknown): asserts passphrase is string {
	if (typeof passphrase !== 'string' || [...passphrase].length < PASSPHRASE_MIN)
		throw new AppError('weak-passphrase');
}
