/**
 * A monitor's request headers and body as stored: each a JSON object in clear (`{}` when there is none),
 * or, under a passphrase, a JSON string holding the sealed object, bound to its row and column. Sealed
 * values are revealed when the key is in memory; otherwise the monitor says its secrets are locked.
 */
import { readHeaders } from '../../../shared/checks';
import { parseJson } from '../../../shared/json';
import { readRequestBody, type RequestBody } from '../../../shared/request-body';
import type { Engine } from '../../core/engine';
import { passphraseSet } from '../../stores/account';
import { placeOf, type MonitorSecret } from '../../stores/secrets';
import { vault } from '../account/vault';

/** The stored forms of a monitor's secrets, as `storedRequest` makes them. */
export interface StoredRequest {
	headers: string;
	body: string;
}

/** One stored secret revealed: its value (parsed JSON), or `locked` when the key is not in memory. */
function reveal(
	stored: string,
	id: number,
	column: MonitorSecret,
): { value: unknown; locked: boolean } {
	const value = parseJson(stored);
	if (typeof value !== 'string') return { value, locked: false };
	const place = placeOf('monitors', id, column);
	if (!vault.canReveal(value, place)) return { value: null, locked: true };
	return { value: parseJson(vault.reveal(value, place)), locked: false };
}

/** Monitor `id`'s stored headers and body, revealed if they can be. */
export function revealRequest(
	stored: StoredRequest,
	id: number,
): { headers: Record<string, string>; body: RequestBody | null; secretsLocked: boolean } {
	const headers = reveal(stored.headers, id, 'headers');
	const body = reveal(stored.body, id, 'body');
	return {
		headers: readHeaders(headers.value),
		body: readRequestBody(body.value),
		secretsLocked: headers.locked || body.locked,
	};
}

/**
 * How headers and body are stored: each sealed for monitor `id`'s row when a passphrase protects the
 * database (async: run before the transaction; a new monitor's id comes from `reserveRowId`).
 */
export async function storedRequest(
	engine: Engine,
	input: { headers?: unknown; body?: unknown } | undefined,
	id: number,
): Promise<StoredRequest> {
	const headers = readHeaders(input?.headers);
	const body = readRequestBody(input?.body);
	const sealed = passphraseSet(engine);
	const store = async (value: object | null, column: MonitorSecret): Promise<string> => {
		const text = JSON.stringify(value ?? {});
		if (!sealed || text === '{}') return text;
		return JSON.stringify(await vault.protect(text, true, placeOf('monitors', id, column)));
	};
	return { headers: await store(headers, 'headers'), body: await store(body, 'body') };
}
