/**
 * The database worker of one window. It joins the other windows' workers (see tabs/tab.ts): the one that
 * holds the Web Lock opens the database from IndexedDB, runs the migrations and serves every window's
 * calls; the others forward to it. Calls that arrive before any of that is settled wait, in order.
 */
import type { FromWorker, ToWorker } from '../../shared/api';
import type { BuildInfo } from '../../shared/build';
import { adoptSecrets, afterSwap } from '../domain/account/incoming';
import { recordMigrations } from '../domain/activity/migrations';
import { IdbBackupStore } from '../core/backups/idb-backup-store';
import { LiveDatabase } from '../core/database/live-database';
import { bundledMigrations, bundledSources } from '../core/migrations/bundled';
import { webLock } from './ownership';
import { createDurableStore } from '../core/persistence/idb-connection';
import { IdbImageStore } from '../core/persistence/idb-store';
import { loadSqlJs } from '../core/sqljs';
import { OwnerRuntime } from './tabs/owner';
import { CHANNEL_NAME, LOCK_NAME, pairChannelName } from './tabs/protocol';
import { Tab } from './tabs/tab';
import type { TabTraffic } from './tabs/protocol';
import { transferables } from './transferables';

/** The parts of DedicatedWorkerGlobalScope we use (the DOM lib is the one in tsconfig). */
interface WorkerScope {
	postMessage(message: FromWorker, transfer: Transferable[]): void;
	addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
}

const scope = self as unknown as WorkerScope;
const id = crypto.randomUUID();
const build: BuildInfo = {
	id: __BUILD_ID__,
	time: __BUILD_TIME__,
	schema: Object.keys(bundledSources()).length,
};

const tab = new Tab({
	id,
	build,
	channel: new BroadcastChannel(CHANNEL_NAME),
	pair: (owner, follower) => new BroadcastChannel(pairChannelName(owner, follower)),
	lock: webLock(LOCK_NAME),
	toPage: (message) => scope.postMessage(message, transferables(message)),
	async openOwner(hooks) {
		// sql.js compiles and the migrations are hashed while the database is read from storage.
		const db = await LiveDatabase.open({
			SQL: loadSqlJs,
			files: bundledMigrations(),
			writerId: id,
			store: new IdbImageStore(createDurableStore('monitor', 'database')),
			backups: new IdbBackupStore(createDurableStore('monitor-backups', 'backups')),
			onProgress: (progress) => hooks.onEvent('progress', progress),
			secrets: { adopt: adoptSecrets, afterSwap },
			onPhase: hooks.onPhase,
			onSave: hooks.onSave,
			onChanged: hooks.onChanged,
			onMigrated: (engine, run) => recordMigrations(engine, Date.now(), run),
		});
		return new OwnerRuntime(db, build, {
			emit: hooks.onEvent,
			browser: navigator.userAgent,
			handover: hooks.handover,
		});
	},
});

scope.addEventListener('message', (event) => tab.fromPage(event.data));
// What calls reached this worker, read by the end-to-end tests from the worker's scope (DevTools can too).
(self as unknown as { monitorTabTraffic: () => TabTraffic }).monitorTabTraffic = () => tab.traffic;
tab.start();
