/**
 * Every secret of the live database at once, for the passphrase's big moments: sealed under the data
 * key when a passphrase is set, revealed when it is removed. Sealing is asynchronous (WebCrypto), so it
 * runs before the transaction that stores the result with `writeSecrets`.
 */
import type { Engine } from '../../core/engine';
import {
	placeOf,
	sealedMonitorSecrets,
	sealedTokens,
	storedMonitorSecrets,
	storedTokens,
	writeMonitorSecret,
	writeToken,
	type MonitorSecretRow,
} from '../../stores/secrets';
import { hintOf } from '../telegram/bots';
import { isSealed } from './crypto';
import { vault } from './vault';

export interface Secrets {
	bots: { id: number; token: string; hint: string }[];
	/** Monitors' headers and bodies, each in its stored form (`stored`: the column's JSON text). */
	monitors: MonitorSecretRow[];
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
	for (const { id, column, stored } of storedMonitorSecrets(engine)) {
		const value: unknown = JSON.parse(stored);
		if (typeof value === 'object' && value !== null && Object.keys(value).length > 0) {
			const sealed = await vault.protect(stored, true, placeOf('monitors', id, column));
			out.monitors.push({ id, column, stored: JSON.stringify(sealed) });
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
	for (const { id, column, sealed } of sealedMonitorSecrets(engine)) {
		const place = placeOf('monitors', id, column);
		if (!only(sealed) || !vault.canReveal(sealed, place)) continue;
		const again = await vault.protect(vault.reveal(sealed, place), true, place);
		out.monitors.push({ id, column, stored: JSON.stringify(again) });
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
		monitors: sealedMonitorSecrets(engine).map(({ id, column, sealed }) => ({
			id,
			column,
			stored: vault.reveal(sealed, placeOf('monitors', id, column)),
		})),
	};
}

export function writeSecrets(engine: Engine, secrets: Secrets): void {
	for (const bot of secrets.bots) writeToken(engine, bot.id, bot.token, bot.hint);
	for (const m of secrets.monitors) writeMonitorSecret(engine, m.id, m.column, m.stored);
}
