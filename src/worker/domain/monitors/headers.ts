/**
 * A monitor's request headers as stored: a JSON object in clear, or, under a passphrase, a JSON string
 * holding the sealed object. Sealed headers are revealed when the key is in memory; otherwise the
 * monitor says they are locked.
 */
import { readHeaders } from '../../../shared/checks';
import { parseJson } from '../../../shared/json';
import type { Engine } from '../../core/engine';
import { passphraseSet } from '../../stores/account';
import { placeOf } from '../../stores/secrets';
import { vault } from '../account/vault';

/** Monitor `id`'s stored headers, revealed if they can be. */
export function revealHeaders(
	stored: string,
	id: number,
): {
	headers: Record<string, string>;
	secretsLocked: boolean;
} {
	const value = parseJson(stored);
	if (typeof value !== 'string') return { headers: readHeaders(value), secretsLocked: false };
	const place = placeOf('monitors', id);
	if (!vault.canReveal(value, place)) return { headers: {}, secretsLocked: true };
	return { headers: readHeaders(parseJson(vault.reveal(value, place))), secretsLocked: false };
}

/**
 * How headers are stored: sealed for monitor `id`'s row when a passphrase protects the database (async:
 * run before the transaction; a new monitor's id comes from `reserveRowId`).
 */
export async function storedHeaders(engine: Engine, input: unknown, id: number): Promise<string> {
	const headers = readHeaders(input);
	const text = JSON.stringify(headers);
	if (!passphraseSet(engine) || Object.keys(headers).length === 0) return text;
	return JSON.stringify(await vault.protect(text, true, placeOf('monitors', id)));
}
