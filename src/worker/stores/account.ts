/**
 * The owner account's tables: `users` (at most one row, id 1: the passphrase's salt and the wrapped
 * data key, failed attempts, the idle lock) and `sessions` (each unlock, until it ends and how).
 */
import type { SessionEnd } from '../../shared/account';
import type { Engine, Param } from '../core/engine';
import { hasTable } from './database-file';

export interface UserRow {
	iterations: number;
	salt: Uint8Array<ArrayBuffer>;
	wrapped_key: Uint8Array<ArrayBuffer>;
	wrap_iv: Uint8Array<ArrayBuffer>;
	failed_attempts: number;
	retry_after: number | null;
	idle_lock_minutes: number;
	[column: string]: unknown;
}

/** The data key wrapped under a key derived from the passphrase. */
export interface WrappedUserKey {
	iterations: number;
	salt: Uint8Array<ArrayBuffer>;
	wrapped: Uint8Array<ArrayBuffer>;
	iv: Uint8Array<ArrayBuffer>;
}

/**
 * Whether the schema has the account's tables: a migration that failed leaves an older schema open
 * read-only, and that database simply has no passphrase.
 */
export function hasAccountTables(engine: Engine): boolean {
	return hasTable(engine, 'users');
}

/** Whether a passphrase protects this database: then every secret is stored sealed. */
export function passphraseSet(engine: Engine): boolean {
	return engine.value('SELECT count(*) FROM users') === 1;
}

export function getUser(engine: Engine): UserRow | undefined {
	return engine.get<UserRow>('SELECT * FROM users WHERE id = 1');
}

export function insertUser(engine: Engine, key: WrappedUserKey, now: number): void {
	engine.run(
		`INSERT INTO users (id, created_at, kdf, iterations, salt, wrapped_key, wrap_iv, changed_at)
		 VALUES (1, ?, 'PBKDF2-SHA256', ?, ?, ?, ?, ?)`,
		[now, key.iterations, key.salt, key.wrapped, key.iv, now],
	);
}

/** A new passphrase: its data key wrapped under it (account.ts makes a new one); failed attempts are forgotten. */
export function rewrapUser(engine: Engine, key: WrappedUserKey, now: number): void {
	engine.run(
		`UPDATE users SET salt = ?, iterations = ?, wrapped_key = ?, wrap_iv = ?, changed_at = ?, failed_attempts = 0,
		   retry_after = NULL WHERE id = 1`,
		[key.salt, key.iterations, key.wrapped, key.iv, now],
	);
}

export function setFailedAttempts(engine: Engine, failed: number, retryAfter: number | null): void {
	engine.run('UPDATE users SET failed_attempts = ?, retry_after = ? WHERE id = 1', [
		failed,
		retryAfter,
	]);
}

export function setIdleLockMinutes(engine: Engine, minutes: number): void {
	engine.run('UPDATE users SET idle_lock_minutes = ? WHERE id = 1', [minutes]);
}

/** Removes the passphrase (or, with `user`, puts that row in its place: another database's owner). */
export function replaceUser(engine: Engine, user?: UserRow): void {
	engine.run('DELETE FROM users');
	if (!user) return;
	const columns = Object.keys(user);
	engine.run(
		`INSERT INTO users (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
		columns.map((c) => user[c] as Param),
	);
}

// --- sessions ---------------------------------------------------------------------------------------

export type { SessionEnd } from '../../shared/account';

export interface SessionRow {
	id: number;
	started_at: number;
	last_active_at: number;
	ended_at: number | null;
	ended_how: SessionEnd | null;
	browser: string;
	window_id: string;
}

/** Sessions a closed app left open end when they were last active. */
export function closeAbandonedSessions(engine: Engine): void {
	engine.run(
		"UPDATE sessions SET ended_at = last_active_at, ended_how = 'closed' WHERE ended_at IS NULL",
	);
}

/** Returns the new session's id; `window`: the id of the window's worker it belongs to. */
export function startSession(engine: Engine, now: number, browser: string, window: string): number {
	return engine.run(
		'INSERT INTO sessions (started_at, last_active_at, browser, window_id) VALUES (?, ?, ?, ?)',
		[now, now, browser, window],
	).lastInsertRowid;
}

/** The newest sessions first, open ones before ended ones. */
export function listSessions(engine: Engine, limit: number): SessionRow[] {
	return engine.all<SessionRow>(
		`SELECT id, started_at, last_active_at, ended_at, ended_how, browser, window_id FROM sessions
		 ORDER BY ended_at IS NOT NULL, last_active_at DESC, id DESC LIMIT ?`,
		[limit],
	);
}

/** Deletes ended sessions last active before `before`; returns how many. */
export function rotateSessions(engine: Engine, before: number): number {
	return engine.run('DELETE FROM sessions WHERE ended_at IS NOT NULL AND last_active_at < ?', [
		before,
	]).changes;
}

export function touchSession(engine: Engine, id: number, now: number): void {
	engine.run('UPDATE sessions SET last_active_at = ? WHERE id = ?', [now, id]);
}

export function endSession(
	engine: Engine,
	id: number,
	how: SessionEnd,
	now: number,
	lastActivity: number,
): void {
	engine.run(
		'UPDATE sessions SET ended_at = ?, ended_how = ?, last_active_at = max(last_active_at, ?) WHERE id = ?',
		[now, how, lastActivity, id],
	);
}
