/**
 * Work that spans an await (a check's request, a Telegram call) starts on the live database and may end
 * after a restore or an import swapped in another one: LiveDatabase then holds a new Engine and has
 * closed the old. The Engine a piece of work started on is its database's identity. What the work found
 * is written only while that database is still the live one, and otherwise dropped with `db-replaced`:
 * recording a check against the new database's monitor that happens to have the same id would be a lie.
 */
import { AppError } from '../../shared/errors';
import type { LiveDatabase } from '../core/database/live-database';
import type { Engine } from '../core/engine';

/** Whether `started` is still the live database's engine. */
export function stillLive(db: LiveDatabase, started: Engine): boolean {
	return db.engine === started && !started.closed;
}

/**
 * `db.write(fn)`, on the database `started` belongs to, or `db-replaced` when another one took its
 * place. Checked again inside the write: a write waits for a replace in progress.
 */
export function writeOn<T>(
	db: LiveDatabase,
	started: Engine,
	fn: (engine: Engine) => T,
): Promise<T> {
	if (!stillLive(db, started)) return Promise.reject(new AppError('db-replaced'));
	return db.write(() => {
		if (!stillLive(db, started)) throw new AppError('db-replaced');
		return fn(started);
	});
}

export function isReplaced(error: unknown): boolean {
	return error instanceof AppError && error.code === 'db-replaced';
}
