/** The outbox as the dispatcher reads it: messages due now, with their bot's token revealed. */
import type { Engine } from '../../core/engine';
import { dueMessages, nextAttemptAt, type Deliverable } from '../../stores/outbox';
import { placeOf } from '../../stores/secrets';
import { vault } from '../account/vault';

/** Due messages whose token can be read now (a sealed one waits for the passphrase). */
export function dueDeliveries(engine: Engine, now: number): Deliverable[] {
	return dueMessages(engine, now, vault.hasKey)
		.filter((m) => vault.canReveal(m.token, placeOf('telegram_bots', m.botId)))
		.map((m) => ({ ...m, token: vault.reveal(m.token, placeOf('telegram_bots', m.botId)) }));
}

/** When the next message that can be sent now is due, or null. */
export function nextDeliveryAt(engine: Engine): number | null {
	return nextAttemptAt(engine, vault.hasKey);
}
