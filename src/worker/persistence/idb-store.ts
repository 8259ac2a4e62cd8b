/**
 * Stores the database image in IndexedDB as chunks plus a manifest, in one object store of its own.
 * A save writes the changed chunks and the new manifest in ONE readwrite transaction, after checking
 * that the stored generation is the one this writer last saw: IndexedDB transactions are atomic and
 * serialised, so a crash leaves the previous generation whole and a stale writer cannot overwrite a newer one.
 *
 * A cold open reads a snapshot (one value, in a database of its own) plus the few chunk records written
 * after it, because Chromium reads one large value about ten times faster than the same bytes in
 * hundreds of small records (tests/bench, layout study). The snapshot is only a cache, checked against
 * the manifest chunk by chunk; without a usable one, every chunk is read.
 */
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { AppError, isQuotaError } from '../../shared/errors';
import {
	assemble,
	assembleWithSnapshot,
	chunksNewerThan,
	isSnapshot,
	readManifest,
	storedManifest,
	type Manifest,
	type SavePlan,
	type Snapshot,
} from './chunks';

/**
 * `relaxed`: the transaction completes once the data is handed to the operating system; it survives a
 * tab or browser crash but not necessarily a power cut. Chromium's default since 121.
 * `strict`: the browser flushes to disk before completing; used for migrations, imports and restores.
 */
export type Durability = 'relaxed' | 'strict';

export interface StoredImage {
	manifest: Manifest;
	image: Uint8Array;
	/** The generation of the snapshot the image was read with, or null when every chunk was read. */
	snapshotGeneration: number | null;
	/** How many chunk records were read. */
	chunksRead: number;
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
	/**
	 * Replaces the cold-open snapshot with what `take` returns (nothing when it returns null). `take` is
	 * called synchronously right before the bytes are copied into storage. Resolves with whether a
	 * snapshot was written. Optional: a store without snapshots reads every chunk on a cold open.
	 */
	writeSnapshot?(take: () => Snapshot | null): Promise<boolean>;
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
const SNAPSHOT_KEY = 'image';

export type DurableUseStore = (<T>(
	txMode: IDBTransactionMode,
	callback: (store: IDBObjectStore) => T | PromiseLike<T>,
	durability?: Durability,
) => Promise<T>) & { readonly dbName: string };

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
	const use = async <T>(
		txMode: IDBTransactionMode,
		callback: (store: IDBObjectStore) => T | PromiseLike<T>,
		durability?: Durability,
	): Promise<T> => {
		const db = await open();
		const tx = db.transaction(storeName, txMode, durability ? { durability } : undefined);
		return callback(tx.objectStore(storeName));
	};
	return Object.assign(use, { dbName });
}

/** Where the snapshot of the database stored by `use` lives: a database of its own, never in a save's way. */
export function snapshotStoreFor(use: DurableUseStore): DurableUseStore {
	return createDurableStore(`${use.dbName}-snapshot`, 'snapshot');
}

export class IdbImageStore implements ImageStore {
	readonly #use: DurableUseStore;
	readonly #snapshots: DurableUseStore | null;
	/** The snapshot read that claim() started for the load() that follows it. */
	#prefetched: Promise<Snapshot | null> | null = null;

	/** `snapshots` null: no snapshot (every cold open reads every chunk). */
	constructor(use: DurableUseStore, snapshots: DurableUseStore | null = snapshotStoreFor(use)) {
		this.#use = use;
		this.#snapshots = snapshots;
	}

	claim(writerId: string): Promise<void> {
		// The snapshot lives in a database of its own and is checked against the manifest that load()
		// reads after the claim, so reading it can start now: the largest read of a cold open then
		// overlaps the claim's flush to disk.
		this.#prefetched ??= this.#readSnapshot();
		const lease: Lease = { writerId, claimedAt: Date.now() };
		return this.#use(
			'readwrite',
			(store) => promisifyRequest(store.put(lease, LEASE_KEY)).then(() => undefined),
			'strict',
		);
	}

	readManifest(): Promise<Manifest | null> {
		return this.#use('readonly', async (store) =>
			readManifest(await promisifyRequest<unknown>(store.get(MANIFEST_KEY))),
		);
	}

	async load(): Promise<StoredImage | null> {
		const prefetched = this.#prefetched;
		this.#prefetched = null;
		// Opening the main database's connection overlaps the snapshot read.
		const [snapshot] = await Promise.all([
			prefetched ?? this.#readSnapshot(),
			this.#use('readonly', () => null),
		]);
		const read = await this.#readChunks((manifest) => chunksNewerThan(manifest, snapshot));
		if (!read) return null;
		const { manifest, chunks, wanted } = read;
		if (snapshot && wanted) {
			try {
				const image = assembleWithSnapshot(manifest, snapshot, chunks);
				return {
					manifest,
					image,
					snapshotGeneration: snapshot.generation,
					chunksRead: chunks.size,
				};
			} catch {
				// A snapshot that does not match its manifest is ignored; the chunks are the truth.
			}
		}
		const full = wanted ? await this.#readChunks(() => null) : read;
		if (!full) return null;
		try {
			const ordered = Array.from({ length: full.manifest.chunkCount }, (_, i) =>
				chunkOrEmpty(full.chunks, i),
			);
			const image = assemble(full.manifest, ordered);
			return {
				manifest: full.manifest,
				image,
				snapshotGeneration: null,
				chunksRead: full.chunks.size,
			};
		} catch (error) {
			throw new AppError('storage-corrupt', undefined, { cause: String(error) });
		}
	}

	/**
	 * Reads the manifest and, in the same transaction (so they belong together), the chunks `select`
	 * names, or every chunk when it returns null. One `get` per chunk, all issued at once: in Chromium
	 * that is about twice as fast as one `getAll` over the range (tests/bench, layout study).
	 */
	#readChunks(select: (manifest: Manifest) => number[] | null): Promise<{
		manifest: Manifest;
		chunks: Map<number, Uint8Array>;
		wanted: number[] | null;
	} | null> {
		return this.#use('readonly', (store) => {
			return new Promise((resolve, reject) => {
				const request = store.get(MANIFEST_KEY);
				request.onerror = () => reject(request.error ?? new Error('manifest read failed'));
				request.onsuccess = () => {
					const value: unknown = request.result;
					if (value === undefined) return resolve(null);
					const manifest = readManifest(value);
					if (!manifest) {
						return reject(new AppError('storage-corrupt', 'The stored manifest is not readable.'));
					}
					const wanted = select(manifest);
					const indices = wanted ?? Array.from({ length: manifest.chunkCount }, (_, i) => i);
					const chunks = new Map<number, Uint8Array>();
					if (indices.length === 0) return resolve({ manifest, chunks, wanted });
					let left = indices.length;
					for (const index of indices) {
						const get = store.get(index);
						get.onsuccess = () => {
							if (get.result instanceof Uint8Array) chunks.set(index, get.result);
							if (--left === 0) resolve({ manifest, chunks, wanted });
						};
						get.onerror = () => reject(get.error ?? new Error(`chunk ${index} read failed`));
					}
				};
			});
		});
	}

	async #readSnapshot(): Promise<Snapshot | null> {
		if (!this.#snapshots) return null;
		try {
			const value = await this.#snapshots('readonly', (store) =>
				promisifyRequest<unknown>(store.get(SNAPSHOT_KEY)),
			);
			return isSnapshot(value) ? value : null;
		} catch {
			// "Failed to read large IndexedDB value" and friends: the chunks still hold everything.
			return null;
		}
	}

	async writeSnapshot(take: () => Snapshot | null): Promise<boolean> {
		if (!this.#snapshots) return false;
		return this.#snapshots(
			'readwrite',
			async (store) => {
				const snapshot = take();
				if (!snapshot) {
					store.transaction.abort();
					return false;
				}
				// put() clones synchronously, so `bytes` may be a live view that changes right after. A view
				// would clone its whole buffer (MEMFS keeps up to 12.5% spare capacity), and every cold open
				// would read that too: store exactly the file.
				const { bytes } = snapshot;
				const exact =
					bytes.byteOffset === 0 && bytes.buffer.byteLength === snapshot.byteLength
						? bytes
						: bytes.slice(0, snapshot.byteLength);
				store.put({ ...snapshot, bytes: exact }, SNAPSHOT_KEY);
				await promisifyRequest(store.transaction);
				return true;
			},
			'relaxed',
		);
	}

	async commit(plan: SavePlan, expectedGeneration: number, durability: Durability): Promise<void> {
		let fenced: Record<string, unknown> | null = null;
		try {
			await this.#use(
				'readwrite',
				(store) => {
					const tx = store.transaction;
					// The fence reads and the writes go out together (one round trip, not two); if the check
					// fails, abort() undoes the writes, which were never visible. Committing explicitly as
					// soon as the check passes saves waiting for the transaction to go idle. Requests complete
					// in order, so both reads see the state before these writes.
					const check = store.get(MANIFEST_KEY);
					const lease = store.get(LEASE_KEY);
					lease.onsuccess = () => {
						const current = readManifest(check.result);
						const generation = current?.generation ?? 0;
						const holder = isLease(lease.result) ? lease.result.writerId : plan.manifest.writerId;
						if (generation !== expectedGeneration || holder !== plan.manifest.writerId) {
							fenced = { expectedGeneration, storedGeneration: generation, leaseHolder: holder };
							tx.abort();
							return;
						}
						// commit() is missing only in browsers too old for this app's other needs; auto-commit then.
						tx.commit?.();
					};
					for (const write of plan.writes) store.put(write.bytes, write.index);
					if (plan.deleteTo > plan.deleteFrom) {
						store.delete(IDBKeyRange.bound(plan.deleteFrom, plan.deleteTo - 1));
					}
					store.put(storedManifest(plan.manifest), MANIFEST_KEY);
					return promisifyRequest(tx);
				},
				durability,
			);
		} catch (error) {
			if (fenced !== null) throw new AppError('stale-writer', undefined, fenced);
			// idb-keyval rejects with the transaction's error: a DOMException, or null for an abort.
			if (isQuotaError(error)) throw new AppError('quota-exceeded');
			throw new AppError('save-failed', undefined, { cause: String(error) });
		}
	}
}

function chunkOrEmpty(chunks: ReadonlyMap<number, Uint8Array>, index: number): Uint8Array {
	return chunks.get(index) ?? new Uint8Array();
}
