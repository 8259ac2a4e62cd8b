/**
 * The database worker. It owns sql.js: it opens the database from IndexedDB (or creates it), runs the
 * migrations, and answers the typed calls of `DbApi`. Calls that arrive before the database is open wait
 * for it, in order.
 */
import type { CallMessage, DbEvents, EventName, FromWorker, Phase, ToWorker } from '../shared/api';
import { toWireError } from '../shared/errors';
import { IdbBackupStore } from './backups/idb-backup-store';
import { LiveDatabase } from './database';
import { dispatch, type HandlerContext } from './handlers';
import { bundledMigrations } from './migrations/bundled';
import { acquireOwnership } from './ownership';
import { createDurableStore, IdbImageStore } from './persistence/idb-store';
import { loadSqlJs } from './sqljs';

/** The parts of DedicatedWorkerGlobalScope we use (the DOM lib is the one in tsconfig). */
interface WorkerScope {
	postMessage(message: FromWorker): void;
	addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
}

const scope = self as unknown as WorkerScope;
const writerId = crypto.randomUUID();
let lastPhase: Phase = { phase: 'starting' };

function emit<E extends EventName>(event: E, payload: DbEvents[E]): void {
	scope.postMessage({ kind: 'event', event, payload });
}

function setPhase(phase: Phase): void {
	lastPhase = phase;
	emit('phase', phase);
}

async function boot(): Promise<HandlerContext> {
	setPhase({ phase: 'starting' });
	const [SQL, files] = await Promise.all([loadSqlJs(), bundledMigrations()]);
	await acquireOwnership('monitor-db-owner', () => setPhase({ phase: 'waiting-for-lock' }));
	const db = await LiveDatabase.open({
		SQL,
		files,
		writerId,
		store: new IdbImageStore(createDurableStore('monitor', 'database')),
		backups: new IdbBackupStore(createDurableStore('monitor-backups', 'backups')),
		onProgress: (progress) => emit('progress', progress),
		onPhase: setPhase,
		onSave: (status) => emit('save', status),
		onChanged: (tables) => emit('changed', { tables }),
	});
	setPhase({ phase: 'ready', readOnly: db.readOnly !== null });
	if (db.readOnly) emit('save', db.persister.status());
	return { db, now: Date.now };
}

const ready = boot();
ready.catch((error: unknown) => setPhase({ phase: 'failed', error: toWireError(error) }));

async function answer(message: CallMessage): Promise<void> {
	try {
		const ctx = await ready;
		const value = await dispatch(ctx, message.method, message.args);
		scope.postMessage({ kind: 'reply', id: message.id, ok: true, value });
	} catch (error) {
		scope.postMessage({ kind: 'reply', id: message.id, ok: false, error: toWireError(error) });
	}
}

scope.addEventListener('message', (event) => {
	const message = event.data;
	if (message.kind === 'call') void answer(message);
});

// A page that connects late still learns where the database is.
emit('phase', lastPhase);
