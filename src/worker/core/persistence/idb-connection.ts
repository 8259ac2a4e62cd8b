/**
 * One IndexedDB object store, opened on first use: idb-keyval's `createStore`, plus a durability choice
 * per transaction and recovery when the browser closes the connection (site data cleared, or another
 * version opened the database). The live database, its snapshot and the backups each get one.
 */
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { AppError } from '../../../shared/errors';
import type { Durability } from './image-store';

export type DurableUseStore = (<T>(
	txMode: IDBTransactionMode,
	callback: (store: IDBObjectStore) => T | PromiseLike<T>,
	durability?: Durability,
) => Promise<T>) & {
	readonly dbName: string;
	/**
	 * Calls `listener` whenever the browser closes the connection unasked (the `close` event: site data
	 * cleared, storage evicted); returns a function that stops it.
	 */
	onClose(listener: () => void): () => void;
};

export function createDurableStore(dbName: string, storeName: string): DurableUseStore & UseStore {
	let connection: Promise<IDBDatabase> | null = null;
	const closeListeners = new Set<() => void>();
	const open = () => {
		connection ??= (async () => {
			const request = indexedDB.open(dbName);
			request.onupgradeneeded = () => request.result.createObjectStore(storeName);
			const db = await promisifyRequest(request);
			const reset = () => {
				connection = null;
			};
			db.onclose = () => {
				reset();
				for (const listener of closeListeners) listener();
			};
			db.onversionchange = () => {
				db.close();
				reset();
			};
			return db;
		})().catch((error: unknown) => {
			connection = null;
			throw new AppError('storage-unavailable', undefined, { cause: String(error) });
		});
		return connection;
	};
	const use = async <T>(
		txMode: IDBTransactionMode,
		callback: (store: IDBObjectStore) => T | PromiseLike<T>,
		durability?: Durability,
	): Promise<T> => {
		const db = await open();
		const tx = db.transaction(storeName, txMode, durability ? { durability } : undefined);
		return callback(tx.objectStore(storeName));
	};
	const onClose = (listener: () => void) => {
		closeListeners.add(listener);
		return () => closeListeners.delete(listener);
	};
	return Object.assign(use, { dbName, onClose });
}

/** Where the snapshot of the database stored by `use` lives: a database of its own, never in a save's way. */
export function snapshotStoreFor(use: DurableUseStore): DurableUseStore {
	return createDurableStore(`${use.dbName}-snapshot`, 'snapshot');
}
