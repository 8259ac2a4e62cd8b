/**
 * Carrying single secrets from another database into rows of this one (a merge): a sealed value is
 * bound to its row (crypto.ts), so one copied to a new row must be opened where it was and sealed
 * again where it goes. It opens with the file's passphrase (when given) or this device's key (a file
 * of this very database); one that opens with neither cannot be carried, and the caller leaves it out
 * and marks it for re-entry. It is sealed under this device's key, or kept in clear when this device
 * has no passphrase.
 */
import { AppError } from '../../../shared/errors';
import type { Engine } from '../../core/engine';
import { getUser } from '../../stores/account';
import { deriveKey, isSealed, open, unwrap, type Place } from './crypto';
import { vault } from './vault';

export interface SecretCarrier {
	/** `stored` as it should be stored at `to`, or null when it cannot be read here. */
	carry(stored: string, from: Place, to: Place): Promise<string | null>;
}

export async function secretCarrier(
	incoming: Engine,
	target: Engine,
	passphrase: string | null,
): Promise<SecretCarrier> {
	const keys: CryptoKey[] = [];
	const theirs = getUser(incoming);
	if (theirs && passphrase) {
		try {
			const { key } = await unwrap(
				{ wrapped: theirs.wrapped_key, iv: theirs.wrap_iv },
				await deriveKey(passphrase, theirs.salt, theirs.iterations),
			);
			keys.push(key);
		} catch {
			throw new AppError(
				'wrong-passphrase',
				'That is not the passphrase this file was protected with.',
			);
		}
	}
	if (vault.key) keys.push(vault.key);
	const sealHere = getUser(target) !== undefined;
	return {
		async carry(stored, from, to) {
			let plain: string | null = isSealed(stored) ? null : stored;
			for (const key of plain === null ? keys : []) {
				try {
					plain = await open(key, stored, from);
					break;
				} catch {
					// Sealed under another key: try the next one.
				}
			}
			if (plain === null) return null;
			return vault.protect(plain, sealHere, to);
		},
	};
}
