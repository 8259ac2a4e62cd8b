/**
 * A monitor's request headers as stored: a JSON object in clear, or, under a passphrase, a JSON string
 * holding the sealed object. Sealed headers are revealed when the key is in memory; otherwise the
 * monitor says they are locked.
 */
import { readHeaders } from '../../../shared/checks';
import { parseJson } from '../../../shared/json';
import type { Engine } from '../../core/engine';
import { passphraseSet } from '../../stores/account';
import { vault } from '../account/vault';

export function revealHeaders(stored: string): {
	headers: Record<string, string>;
	secretsLocked: boolean;
} {
	const value = parseJson(stored);
	if (typeof value !== 'string') return { headers: readHeaders(value), secretsLocked: false };
	if (!vault.canReveal(value)) return { headers: {}, secretsLocked: true };
	return { headers: readHeaders(parseJson(vault.reveal(value))), secretsLocked: false };
}

/** How headers are stored: sealed when a passphrase protects the database (async: run before the transaction). */
export async function storedHeaders(engine: Engine, input: unknown): Promise<string> {
	const headers = readHeaders(input);
	const text = JSON.stringify(headers);
	if (!passphraseSet(engine) || Object.keys(headers).length === 0) return text;
	return JSON.stringify(await vault.protect(text, true));
}
