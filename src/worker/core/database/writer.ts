/**
 * Writing to the live database: a transaction in memory that resolves only once its change is durable
 * (the persister's group commit), the `_requests` ledger that applies a call retried after a hand-over
 * exactly once, and maintenance that cannot run inside a transaction.
 */
import { AppError } from '../../../shared/errors';
import type { Engine } from '../engine';
import type { LiveState } from './live-state';

/**
 * Runs `fn` in a transaction and resolves once its changes are durable. `fn` must be synchronous.
 * Listeners hear about the changed tables only after the save.
 *
 * With a `requestId`, the write is recorded in the `_requests` ledger in the same transaction, and a
 * request already in the ledger is answered with its stored result instead of being applied again: a
 * call retried after another window took over is applied exactly once.
 */
export async function write<T>(live: LiveState, fn: () => T, requestId?: string): Promise<T> {
	await live.whenWritable();
	live.assertWritable();
	const { engine } = live;
	const tables = new Set<string>();
	const stop = engine.onChange((table) => tables.add(table));
	const before = engine.totalChanges();
	let outcome: { replayed: boolean; result: T };
	try {
		outcome = engine.transaction(() => {
			if (requestId !== undefined) {
				const seen = engine.get<{ result: string | null }>(
					'SELECT result FROM _requests WHERE id = ?',
					[requestId],
				);
				if (seen)
					return {
						replayed: true,
						result: (seen.result === null ? undefined : JSON.parse(seen.result)) as T,
					};
			}
			const result = fn();
			if (requestId !== undefined) {
				engine.run('INSERT INTO _requests (id, result, at) VALUES (?, ?, ?)', [
					requestId,
					result === undefined ? null : JSON.stringify(result, withoutSecrets),
					live.now(),
				]);
			}
			return { replayed: false, result };
		});
	} finally {
		stop();
	}
	if (outcome.replayed) {
		// The first attempt may still be on its way to storage; answer only once it is durable.
		await live.persister.durable();
		return outcome.result;
	}
	if (engine.totalChanges() !== before) {
		await live.persister.persist();
		live.health.wrote();
		tables.delete('_requests');
		if (tables.size > 0) live.announce([...tables].sort());
	}
	return outcome.result;
}

/**
 * The answer the ledger holds for `requestId`, once durable, or null when the request was never
 * applied here: a task (long async work outside one transaction) retried after a hand-over asks this
 * before running again, and records its answer with `write(() => answer, requestId)` when it ends.
 */
export async function answered(
	live: LiveState,
	requestId: string,
): Promise<{ result: unknown } | null> {
	const seen = live.engine.get<{ result: string | null }>(
		'SELECT result FROM _requests WHERE id = ?',
		[requestId],
	);
	if (!seen) return null;
	await live.persister.durable();
	return { result: seen.result === null ? undefined : JSON.parse(seen.result) };
}

/** Deletes ledger rows older than `maxAgeMs`; run by the owner from time to time. */
export function pruneRequests(live: LiveState, maxAgeMs: number): Promise<number> {
	const cutoff = live.now() - maxAgeMs;
	return write(live, () => live.engine.run('DELETE FROM _requests WHERE at < ?', [cutoff]).changes);
}

/**
 * Maintenance that cannot run in a write transaction (VACUUM) or changes the file outside one
 * (ANALYZE): runs `fn` once no restore is in progress, then saves with strict durability, since it
 * may have rewritten every page. `fn` is synchronous, so no other call runs while it does.
 */
export async function maintain<T>(live: LiveState, fn: (engine: Engine) => T): Promise<T> {
	await live.whenWritable();
	live.assertWritable();
	const result = fn(live.engine);
	if (result instanceof Promise) {
		throw new AppError('internal', 'Maintenance work must be synchronous.');
	}
	await live.persister.persist('strict');
	return result;
}

/**
 * The ledger keeps results for an hour and the file may be exported meanwhile: secrets (request headers
 * and bodies, tokens) are left out. A call answered from the ledger gets its result without them.
 */
function withoutSecrets(key: string, value: unknown): unknown {
	return key === 'headers' || key === 'body' || key === 'token' ? undefined : value;
}
