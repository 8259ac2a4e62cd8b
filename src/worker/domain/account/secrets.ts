/**
 * Every secret of the live database at once, for the passphrase's big moments: sealed under the data
 * key when a passphrase is set, revealed when it is removed. Sealing is asynchronous (WebCrypto), so it
 * runs before the transaction that stores the result with `writeSecrets`.
 */
import type { Engine } from '../../core/engine';
import {
	placeOf,
	sealedHeaders,
	sealedTokens,
	storedHeaders,
	storedTokens,
	writeHeaders,
	writeToken,
} from '../../stores/secrets';
import { hintOf } from '../telegram/bots';
import { isSealed } from './crypto';
import { vault } from './vault';

export interface Secrets {
	bots: { id: number; token: string; hint: string }[];
	monitors: { id: number; headers: string }[];
}

/** Every secret in clear, sealed under the vault's key. */
export async function sealAll(engine: Engine): Promise<Secrets> {
	const out: Secrets = { bots: [], monitors: [] };
	for (const bot of storedTokens(engine)) {
		if (!isSealed(bot.token))
			out.bots.push({
				id: bot.id,
				token: await vault.protect(bot.token, true, placeOf('telegram_bots', bot.id)),
				hint: hintOf(bot.token),
			});
	}
	for (const monitor of storedHeaders(engine)) {
		const value: unknown = JSON.parse(monitor.headers);
		if (typeof value === 'object' && value !== null && Object.keys(value).length > 0) {
			out.monitors.push({
				id: monitor.id,
				headers: JSON.stringify(
					await vault.protect(monitor.headers, true, placeOf('monitors', monitor.id)),
				),
			});
		}
	}
	return out;
}

/**
 * Sealed secrets sealed again under the vault's key, each for its place: after a new data key, or for
 * values sealed before ciphertexts were bound to their rows (`only`). A value the vault cannot read
 * (it did not open at its place) is left as it is.
 */
export async function resealAll(
	engine: Engine,
	only: (sealed: string) => boolean = () => true,
): Promise<Secrets> {
	const out: Secrets = { bots: [], monitors: [] };
	for (const bot of sealedTokens(engine)) {
		const place = placeOf('telegram_bots', bot.id);
		if (!only(bot.token) || !vault.canReveal(bot.token, place)) continue;
		const token = vault.reveal(bot.token, place);
		out.bots.push({
			id: bot.id,
			token: await vault.protect(token, true, place),
			hint: hintOf(token),
		});
	}
	for (const monitor of sealedHeaders(engine)) {
		const place = placeOf('monitors', monitor.id);
		if (!only(monitor.sealed) || !vault.canReveal(monitor.sealed, place)) continue;
		const sealed = await vault.protect(vault.reveal(monitor.sealed, place), true, place);
		out.monitors.push({ id: monitor.id, headers: JSON.stringify(sealed) });
	}
	return out;
}

/** Every sealed secret in clear (the vault must hold the key). */
export function revealAll(engine: Engine): Secrets {
	return {
		bots: sealedTokens(engine).map((b) => {
			const token = vault.reveal(b.token, placeOf('telegram_bots', b.id));
			return { id: b.id, token, hint: hintOf(token) };
		}),
		monitors: sealedHeaders(engine).map((m) => ({
			id: m.id,
			headers: vault.reveal(m.sealed, placeOf('monitors', m.id)),
		})),
	};
}

export function writeSecrets(engine: Engine, secrets: Secrets): void {
	for (const bot of secrets.bots) writeToken(engine, bot.id, bot.token, bot.hint);
	for (const monitor of secrets.monitors) writeHeaders(engine, monitor.id, monitor.headers);
}
