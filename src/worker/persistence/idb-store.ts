/**
 * Stores the database image in IndexedDB as chunks plus a manifest, in one object store of its own.
 * A save writes the changed chunks and the new manifest in ONE readwrite transaction, after checking
 * that the stored generation is the one this writer last saw: IndexedDB transactions are atomic and
 * serialised, so a crash leaves the previous generation whole and a stale writer cannot overwrite a newer one.
 */
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { AppError, isQuotaError } from '../../shared/errors';
import { assemble, isManifest, type Manifest, type SavePlan } from './chunks';

/**
 * `relaxed`: the transaction completes once the data is handed to the operating system; it survives a
 * tab or browser crash but not necessarily a power cut. Chromium's default since 121.
 * `strict`: the browser flushes to disk before completing; used for migrations, imports and restores.
 */
export type Durability = 'relaxed' | 'strict';

export interface StoredImage {
	manifest: Manifest;
	image: Uint8Array;
}

/** What persistence needs from a storage backend; the contract tests run against each one. */
export interface ImageStore {
	/**
	 * Makes `writerId` the only writer: from now on a commit by any other writer is refused, even one whose
	 * generation matches. A new owner claims before it loads, so an old owner's last save either lands
	 * before the claim (and is loaded) or is refused after it.
	 */
	claim(writerId: string): Promise<void>;
	load(): Promise<StoredImage | null>;
	readManifest(): Promise<Manifest | null>;
	/**
	 * Writes the plan atomically; throws `stale-writer` if the stored generation is not `expectedGeneration`
	 * or another writer has claimed the store since.
	 */
	commit(plan: SavePlan, expectedGeneration: number, durability: Durability): Promise<void>;
}

export interface Lease {
	writerId: string;
	claimedAt: number;
}

const MANIFEST_KEY = 'manifest';
const LEASE_KEY = 'lease';

export function isLease(value: unknown): value is Lease {
	return (
		typeof value === 'object' && value !== null && typeof (value as Lease).writerId === 'string'
	);
}

export type DurableUseStore = <T>(
	txMode: IDBTransactionMode,
	callback: (store: IDBObjectStore) => T | PromiseLike<T>,
	durability?: Durability,
) => Promise<T>;

/**
 * idb-keyval's `createStore`, plus a durability choice per transaction and recovery when the browser
 * closes the connection (site data cleared, or another version opened the database).
 */
export function createDurableStore(dbName: string, storeName: string): DurableUseStore & UseStore {
	let connection: Promise<IDBDatabase> | null = null;
	const open = () => {
		connection ??= (async () => {
			const request = indexedDB.open(dbName);
			request.onupgradeneeded = () => request.result.createObjectStore(storeName);
			const db = await promisifyRequest(request);
			const reset = () => {
				connection = null;
			};
			db.onclose = reset;
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
	return async <T>(
		txMode: IDBTransactionMode,
		callback: (store: IDBObjectStore) => T | PromiseLike<T>,
		durability?: Durability,
	): Promise<T> => {
		const db = await open();
		const tx = db.transaction(storeName, txMode, durability ? { durability } : undefined);
		return callback(tx.objectStore(storeName));
	};
}

export class IdbImageStore implements ImageStore {
	readonly #use: DurableUseStore;

	constructor(use: DurableUseStore) {
		this.#use = use;
	}

	claim(writerId: string): Promise<void> {
		const lease: Lease = { writerId, claimedAt: Date.now() };
		return this.#use(
			'readwrite',
			(store) => promisifyRequest(store.put(lease, LEASE_KEY)).then(() => undefined),
			'strict',
		);
	}

	readManifest(): Promise<Manifest | null> {
		return this.#use('readonly', async (store) => {
			const value: unknown = await promisifyRequest(store.get(MANIFEST_KEY));
			return isManifest(value) ? value : null;
		});
	}

	load(): Promise<StoredImage | null> {
		return this.#use('readonly', async (store) => {
			// Both requests run in one transaction, so the chunks belong to the manifest read with them.
			const manifestRequest = store.get(MANIFEST_KEY);
			// Numbers sort before strings in IndexedDB, so this range holds the chunks and not the manifest.
			const chunksRequest = store.getAll(IDBKeyRange.bound(0, Infinity));
			const [value, chunks] = await Promise.all([
				promisifyRequest<unknown>(manifestRequest),
				promisifyRequest<unknown[]>(chunksRequest),
			]);
			if (value === undefined) return null;
			if (!isManifest(value))
				throw new AppError('storage-corrupt', 'The stored manifest is not readable.');
			try {
				const image = assemble(value, chunks as Uint8Array[]);
				return { manifest: value, image };
			} catch (error) {
				throw new AppError('storage-corrupt', undefined, { cause: String(error) });
			}
		});
	}

	async commit(plan: SavePlan, expectedGeneration: number, durability: Durability): Promise<void> {
		let fenced: Record<string, unknown> | null = null;
		try {
			await this.#use(
				'readwrite',
				(store) => {
					const tx = store.transaction;
					const check = store.get(MANIFEST_KEY);
					const lease = store.get(LEASE_KEY);
					// Requests in one transaction complete in order: when the lease is read, so is the manifest.
					lease.onsuccess = () => {
						const current: unknown = check.result;
						const generation = isManifest(current) ? current.generation : 0;
						const holder = isLease(lease.result) ? lease.result.writerId : plan.manifest.writerId;
						if (generation !== expectedGeneration || holder !== plan.manifest.writerId) {
							fenced = { expectedGeneration, storedGeneration: generation, leaseHolder: holder };
							tx.abort();
							return;
						}
						for (const write of plan.writes) store.put(write.bytes, write.index);
						if (isManifest(current) && current.chunkCount > plan.deleteFrom) {
							store.delete(IDBKeyRange.bound(plan.deleteFrom, current.chunkCount - 1));
						}
						store.put(plan.manifest, MANIFEST_KEY);
					};
					return promisifyRequest(tx);
				},
				durability,
			);
		} catch (error) {
			if (fenced !== null) {
				throw new AppError('stale-writer', undefined, {
					expectedGeneration,
					storedGeneration: fenced,
				});
			}
			// idb-keyval rejects with the transaction's error: a DOMException, or null for an abort.
			if (isQuotaError(error)) throw new AppError('quota-exceeded');
			throw new AppError('save-failed', undefined, { cause: String(error) });
		}
	}
}
