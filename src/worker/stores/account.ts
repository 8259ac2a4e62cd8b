/** The `users` table (the owner's passphrase, at most one row) and `sessions` (each unlock's span). */
import type { Engine } from '../core/engine';

/** Whether a passphrase protects this database: then every secret is stored sealed. */
export function passphraseSet(engine: Engine): boolean {
	return engine.value('SELECT count(*) FROM users') === 1;
}
