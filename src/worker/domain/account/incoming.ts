/**
 * A whole database arriving (an import, a restored backup) brings its own secrets, sealed under its own
 * data key, or in clear. Before it replaces the live database they are brought under this device's
 * protection: opened with the file's passphrase (when given) or with this device's key (a backup of this
 * very database), then sealed again under this device's key, or left in clear when this device has no
 * passphrase. What cannot be opened is removed and marked for re-entry; everything else is kept. When
 * this device has no passphrase but the file has one and it was given, the file's passphrase is kept.
 */
import { AppError } from '../../../shared/errors';
import type { Engine } from '../../core/engine';
import { getUser as user, replaceUser } from '../../stores/account';
import {
	placeOf,
	removeMonitorSecret,
	removeToken,
	sealedValues,
	secretCounts,
	storedMonitorSecrets,
	storedTokens,
	writeMonitorSecret,
	writeToken,
	type MonitorSecretRow,
} from '../../stores/secrets';
import { deriveKey, isSealed, open, unwrap } from './crypto';
import { vault } from './vault';

const NOT_GIVEN = 'The token was protected by a passphrase that was not given: add the bot again.';

export interface IncomingSecrets {
	/** The file's secrets are sealed under its own passphrase. */
	protected: boolean;
	bots: number;
	monitors: number;
}

export function describeIncoming(engine: Engine): IncomingSecrets {
	return { protected: user(engine) !== undefined, ...secretCounts(engine) };
}

/** Checks a file's passphrase without changing anything, so a wrong one can be typed again. */
export async function checkIncomingPassphrase(incoming: Engine, passphrase: string): Promise<void> {
	const theirs = user(incoming);
	if (!theirs) return;
	try {
		await unwrap(
			{ wrapped: theirs.wrapped_key, iv: theirs.wrap_iv },
			await deriveKey(passphrase, theirs.salt, theirs.iterations),
		);
	} catch {
		throw new AppError(
			'wrong-passphrase',
			'That is not the passphrase this file was protected with.',
		);
	}
}

/** Once the file is live: the vault holds the key its secrets are now sealed under, or none. */
export async function afterSwap(live: Engine, key: unknown): Promise<void> {
	// Every value is opened again at its place in the file now live: one copied into another row stays shut.
	vault.forget();
	if (key instanceof CryptoKey) await vault.useKey(key, sealedValues(live));
}

/** Returns the data key the vault should hold once the file is live (null: no passphrase). */
export async function adoptSecrets(
	incoming: Engine,
	live: Engine,
	passphrase: string | null,
): Promise<CryptoKey | null> {
	const theirs = user(incoming);
	const ours = user(live);
	const keys: CryptoKey[] = [];
	let theirKey: CryptoKey | null = null;
	if (theirs && passphrase) {
		try {
			theirKey = (
				await unwrap(
					{ wrapped: theirs.wrapped_key, iv: theirs.wrap_iv },
					await deriveKey(passphrase, theirs.salt, theirs.iterations),
				)
			).key;
		} catch {
			throw new AppError(
				'wrong-passphrase',
				'That is not the passphrase this file was protected with.',
			);
		}
		keys.push(theirKey);
	}
	if (vault.key) keys.push(vault.key);
	const keepTheirs = !ours && theirKey !== null;

	const reveal = async (stored: string, place: string): Promise<string | null> => {
		if (!isSealed(stored)) return stored;
		for (const key of keys) {
			try {
				return await open(key, stored, place);
			} catch {
				// Sealed under another key: try the next one.
			}
		}
		return null;
	};
	const store = async (plain: string, place: string): Promise<string> =>
		ours ? vault.protect(plain, true, place) : plain;

	const bots = storedTokens(incoming);
	const monitors = storedMonitorSecrets(incoming);
	const botUpdates: { id: number; token: string | null }[] = [];
	const monitorUpdates: (Omit<MonitorSecretRow, 'stored'> & { stored: string | null })[] = [];
	for (const bot of bots) {
		if (keepTheirs) continue;
		const place = placeOf('telegram_bots', bot.id);
		const plain = await reveal(bot.token, place);
		botUpdates.push({ id: bot.id, token: plain === null ? null : await store(plain, place) });
	}
	for (const { id, column, stored } of monitors) {
		if (keepTheirs) continue;
		const value = JSON.parse(stored) as unknown;
		const place = placeOf('monitors', id, column);
		const plain = typeof value === 'string' ? await reveal(value, place) : stored;
		monitorUpdates.push({
			id,
			column,
			stored: plain === null ? null : ours ? JSON.stringify(await store(plain, place)) : plain,
		});
	}

	incoming.transaction(() => {
		for (const { id, token } of botUpdates) {
			if (token === null) removeToken(incoming, id, NOT_GIVEN);
			else writeToken(incoming, id, token);
		}
		for (const { id, column, stored } of monitorUpdates) {
			if (stored === null) removeMonitorSecret(incoming, id, column);
			else writeMonitorSecret(incoming, id, column, stored);
		}
		// This device's passphrase (or none) protects the file from now on.
		if (!keepTheirs) replaceUser(incoming, ours);
	});
	return keepTheirs ? theirKey : ours ? vault.key : null;
}
