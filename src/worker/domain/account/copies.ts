/**
 * The copies of the database besides the live file: its backups and the cold-open snapshot. When a
 * passphrase is set, or a new one gets a new data key, they are brought under it too, so no secret stays
 * readable (or readable with an old passphrase) in any of them: the snapshot is written again from the
 * sealed file, and each backup has its secrets sealed under the current key (or, if the person chose so,
 * a backup holding secrets in clear is deleted).
 */
import type { OlderBackups, SealedCopies } from '../../../shared/account';
import { AppError } from '../../../shared/errors';
import type { LiveDatabase } from '../../core/database/live-database';
import type { Engine } from '../../core/engine';
import { getUser, hasAccountTables, replaceUser, type UserRow } from '../../stores/account';
import {
	clearSecretCounts,
	placeOf,
	secretRows,
	writeMonitorSecret,
	type MonitorSecretRow,
	writeToken,
} from '../../stores/secrets';
import { isSealed, open, seal } from './crypto';

const SNAPSHOT_TRIES = 40;

/** Writes the cold-open snapshot again from the file as saved now (it may hold secrets in clear). */
export async function rewriteSnapshot(db: LiveDatabase): Promise<boolean> {
	for (let i = 0; i < SNAPSHOT_TRIES; i++) {
		// Refused while a save is running or another snapshot is being written: try again shortly.
		if (await db.persister.snapshot()) return true;
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	return false;
}

/**
 * Seals every backup's secrets under `key` (opening sealed ones with any of `openWith`), and gives it
 * this database's `users` row so its passphrase opens it; with `older: 'delete'`, a backup holding
 * secrets in clear is deleted instead. A backup that cannot be sealed is deleted if it holds secrets in
 * clear, and kept otherwise.
 */
export async function sealBackups(
	db: LiveDatabase,
	key: CryptoKey,
	openWith: readonly CryptoKey[],
	older: OlderBackups,
): Promise<SealedCopies> {
	const user = getUser(db.engine);
	if (!user) return { sealed: 0, deleted: 0, failed: 0 };
	const outcome = await db.rewriteBackups(async (engine) => {
		const clear = clearSecretCounts(engine);
		const inClear = clear.bots + clear.monitors + clear.channels > 0;
		if (inClear && older === 'delete') return 'delete';
		try {
			return (await sealEngine(engine, key, openWith, user)) ? 'rewrite' : 'keep';
		} catch {
			return inClear ? 'delete' : 'keep';
		}
	});
	return { sealed: outcome.rewritten, deleted: outcome.deleted, failed: outcome.failed };
}

/** Seals the secrets of a database file (a backup) under `key`, each for its place; true if any changed. */
async function sealEngine(
	engine: Engine,
	key: CryptoKey,
	openWith: readonly CryptoKey[],
	user: UserRow,
): Promise<boolean> {
	const { bots, monitors } = secretRows(engine);
	const reveal = async (stored: string, place: string): Promise<string | null> => {
		if (!isSealed(stored)) return stored;
		for (const old of openWith) {
			try {
				return await open(old, stored, place);
			} catch {
				// Not this key: try the next.
			}
		}
		// Already under `key`, or under a key nobody holds: either way nothing to do here.
		return null;
	};
	const tokens: { id: number; token: string }[] = [];
	for (const bot of bots) {
		const place = placeOf('telegram_bots', bot.id);
		const plain = await reveal(bot.token, place);
		if (plain !== null) tokens.push({ id: bot.id, token: await seal(key, plain, place) });
	}
	const sealed: MonitorSecretRow[] = [];
	for (const { id, column, stored } of monitors) {
		const place = placeOf('monitors', id, column);
		const value: unknown = JSON.parse(stored);
		const plain = typeof value === 'string' ? await reveal(value, place) : stored;
		if (plain !== null)
			sealed.push({ id, column, stored: JSON.stringify(await seal(key, plain, place)) });
	}
	if (tokens.length === 0 && sealed.length === 0) return false;
	engine.transaction(() => {
		for (const { id, token } of tokens) writeToken(engine, id, token);
		for (const m of sealed) writeMonitorSecret(engine, m.id, m.column, m.stored);
		// The passphrase that opens this database now opens the backup too.
		if (hasAccountTables(engine)) replaceUser(engine, user);
	});
	return true;
}

/**
 * After a new data key: the cold-open snapshot is written again and the backups sealed under `key`
 * (opened with `openWith`). A database without a backup store (the command line's) has none to seal.
 */
export async function sealCopies(
	db: LiveDatabase,
	key: CryptoKey,
	openWith: CryptoKey[],
	older: OlderBackups,
): Promise<SealedCopies> {
	await rewriteSnapshot(db);
	try {
		return await sealBackups(db, key, openWith, older);
	} catch (error) {
		if (error instanceof AppError && error.code === 'internal')
			return { sealed: 0, deleted: 0, failed: 0 };
		throw error;
	}
}
