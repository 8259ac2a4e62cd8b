/**
 * Row ids for secrets sealed before their row exists. A ciphertext is bound to its row id (crypto.ts),
 * but sealing is asynchronous and the insert runs later, in a transaction: so the id is chosen first,
 * the secret sealed for it, and the row inserted with that id. An id handed out is not handed out again
 * by this worker, so two creations at once seal for two different rows.
 */
import type { Engine } from '../../core/engine';
import { botRowId, maxRowId, type SecretTable } from '../../stores/secrets';

const handedOut = new Map<SecretTable, number>();

/** The id a new row of `table` is to be inserted with. */
export function reserveRowId(engine: Engine, table: SecretTable): number {
	const next = Math.max(maxRowId(engine, table), handedOut.get(table) ?? 0) + 1;
	handedOut.set(table, next);
	return next;
}

/** The row a bot's token goes to: the bot's own row if it is stored already, else a new one. */
export function botRowFor(engine: Engine, botUserId: number): number {
	return botRowId(engine, botUserId) ?? reserveRowId(engine, 'telegram_bots');
}
