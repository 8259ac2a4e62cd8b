/**
 * Stores the database image in IndexedDB as chunks plus a manifest, in one object store of its own.
 * A save writes the changed chunks and the new manifest in ONE readwrite transaction, after checking
 * that the stored generation is the one this writer last saw: IndexedDB transactions are atomic and
 * serialised, so a crash leaves the previous generation whole and a stale writer cannot overwrite a newer one.
 *
 * A cold open reads a snapshot (one Blob, in a database of its own) plus the few chunk records written
 * after it, because Chromium reads one large value many times faster than the same bytes in hundreds
 * of small records (tests/bench, layout study). The snapshot is only a cache, checked against the
 * manifest chunk by chunk (LiveDatabase does that after the first answers, before any write); without a
 * usable one, every chunk is read.
 */
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { AppError, isQuotaError } from '../../../shared/errors';
import {
	applyLog,
	assemble,
	assembleWithSnapshot,
	chunksNewerThan,
	isSnapshot,
	snapshotChunks,
	type LogBlock,
	type Manifest,
	type Snapshot,
} from './chunks';
import { type SavePlan } from './plan';
import type { Durability, ImageStore, LoadOptions, StoredImage } from './image-store';
import { generationOf, isSplit, joinStored, manifestRecords, segmentsOf } from './manifest-records';
import { markOpen } from './marks';

/**
 * Who may write, and the generation stored when they last did. Every claim writes it, and every commit
 * keeps it in step with the manifest in the same transaction, so a save's fence reads this small record
 * and not the manifest, whose per-chunk lists grow with the file (at 50 MB the manifest read alone held
 * the commit back by about 0.7 ms, ~30% of a save).
 */
export interface Lease {
	writerId: string;
	claimedAt: number;
	/** The stored manifest's generation. Missing in leases claimed by builds from before the fence moved here. */
	generation?: number;
}

const MANIFEST_KEY = 'manifest';
const LEASE_KEY = 'lease';
/** Segment `index` of the manifest's per-chunk lists (manifest-records.ts). */
const segmentKey = (index: number) => [MANIFEST_KEY, index];
/**
 * The stored manifest's copy of the lease holder, set by every claim and kept by every commit, for the
 * builds whose fence reads it there. Not part of `Manifest`: it belongs to the store.
 */
const LEASE_HOLDER = 'leaseHolder';

function leaseHolderOf(value: unknown): string | null {
	const holder = (value as Record<string, unknown> | null | undefined)?.[LEASE_HOLDER];
	return typeof holder === 'string' ? holder : null;
}

export function isLease(value: unknown): value is Lease {
	return (
		typeof value === 'object' && value !== null && typeof (value as Lease).writerId === 'string'
	);
}

const SNAPSHOT_KEY = 'image';

/**
 * A snapshot as stored: its bytes as a Blob. Chromium hands a stored Blob back as a handle to its file,
 * and `arrayBuffer()` reads it in one go: about twice as fast as the same 50 MB stored as a Uint8Array
 * value, which is read from the same kind of file and then deserialised (50 against 101 ms, medians of
 * 7, tests/bench/results/layout.md). Writing a Blob is slower, but snapshots are written in the
 * background. Snapshots stored as bytes by earlier versions are still read.
 */
export interface StoredSnapshot extends Omit<Snapshot, 'bytes'> {
	blob: Blob;
}

/**
 * The stored form of a snapshot. `bytes` may be a live view that changes right after: the Blob copies
 * exactly the file's bytes now, and no more (MEMFS keeps up to 12.5% spare capacity behind the view).
 */
export function storedSnapshot(snapshot: Snapshot): StoredSnapshot {
	const { bytes, ...meta } = snapshot;
	return {
		...meta,
		blob: new Blob([bytes.subarray(0, snapshot.byteLength) as Uint8Array<ArrayBuffer>]),
	};
}

/** A stored snapshot as bytes (an earlier version's stored bytes as they are); null if it is none. */
export async function readStoredSnapshot(value: unknown): Promise<Snapshot | null> {
	if (typeof value !== 'object' || value === null || !('blob' in value)) {
		return isSnapshot(value) ? value : null;
	}
	const { blob, ...meta } = value as StoredSnapshot;
	if (!(blob instanceof Blob)) return null;
	// A Blob from IndexedDB stays readable after its transaction.
	const snapshot = { ...meta, bytes: new Uint8Array(await blob.arrayBuffer()) };
	return isSnapshot(snapshot) ? snapshot : null;
}

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
	/** When this store's writer claimed it (kept in the lease record that every commit rewrites). */
	#claimedAt: number | null = null;
	/**
	 * How the manifest was stored at a generation this store has read or written: whole, or split into
	 * segments. A commit on top of a split one rewrites only the segments it touches; a commit on top of
	 * an unknown one writes them all.
	 */
	#layout: { generation: number; split: boolean } | null = null;

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
		const claimedAt = Date.now();
		this.#claimedAt = claimedAt;
		return this.#use(
			'readwrite',
			(store) => {
				// Every build writes the lease record on a claim, so it is the one every build's fence honours.
				// The manifest's copy of the holder is for the builds that read it there.
				const current = store.get(MANIFEST_KEY);
				current.onsuccess = () => {
					const value: unknown = current.result;
					const generation = generationOf(value);
					const lease: Lease = { writerId, claimedAt, generation: generation ?? 0 };
					store.put(lease, LEASE_KEY);
					if (generation !== null) {
						store.put({ ...(value as object), [LEASE_HOLDER]: writerId }, MANIFEST_KEY);
					}
				};
				return promisifyRequest(store.transaction).then(() => undefined);
			},
			'strict',
		).finally(() => markOpen('claimed'));
	}

	readManifest(): Promise<Manifest | null> {
		return this.#use(
			'readonly',
			(store) =>
				new Promise<Manifest | null>((resolve, reject) =>
					this.#manifestIn(
						store,
						(read) => {
							if (read === null) return resolve(null);
							// Something is stored: never mistake it for an empty store that a new database may fill.
							if (!read.manifest) return reject(unreadableManifest());
							resolve(read.manifest);
						},
						reject,
					),
				),
		);
	}

	/**
	 * Reads the stored manifest in `store`'s transaction: the root and, when the lists are split off,
	 * every segment. Calls `done` with null when nothing is stored, and `manifest: null` when what is
	 * stored does not read as a manifest. `log`: the block log stored with it (chunks.ts).
	 */
	#manifestIn(
		store: IDBObjectStore,
		done: (read: { manifest: Manifest | null; log: LogBlock[] } | null) => void,
		fail: (error: unknown) => void,
	): void {
		const root = store.get(MANIFEST_KEY);
		root.onerror = () => fail(root.error ?? new Error('manifest read failed'));
		root.onsuccess = () => {
			const value: unknown = root.result;
			if (value === undefined) return done(null);
			const count = segmentsOf(value);
			const finish = (segments: unknown[]) => {
				const joined = joinStored(value, segments);
				if (joined)
					this.#layout = { generation: joined.manifest.generation, split: count !== null };
				done({ manifest: joined?.manifest ?? null, log: joined?.log ?? [] });
			};
			if (count === null || count === 0) return finish([]);
			const segments = new Array<unknown>(count);
			let left = count;
			for (let i = 0; i < count; i++) {
				const get = store.get(segmentKey(i));
				get.onerror = () => fail(get.error ?? new Error(`manifest segment ${i} read failed`));
				get.onsuccess = () => {
					segments[i] = get.result;
					if (--left === 0) finish(segments);
				};
			}
		};
	}

	async load({ deferSnapshotCheck = false }: LoadOptions = {}): Promise<StoredImage | null> {
		const prefetched = this.#prefetched;
		this.#prefetched = null;
		// The manifest is read while the snapshot is: when the snapshot is current (the usual case), no
		// chunk record is needed and the open waits for nothing else. Reading the two in separate
		// transactions is safe: the snapshot is only used chunk by chunk as the manifest's hashes allow.
		const [snapshot, manifest] = await Promise.all([
			(prefetched ?? this.#readSnapshot()).finally(() => markOpen('snapshot')),
			this.readManifest().finally(() => markOpen('manifest')),
		]);
		if (!manifest) return null;
		const current = chunksNewerThan(manifest, snapshot);
		const read =
			current && current.length === 0
				? { manifest, log: [], chunks: new Map<number, Uint8Array>(), wanted: current }
				: await this.#readChunks((latest) => chunksNewerThan(latest, snapshot));
		if (!read) return null;
		const { chunks, wanted } = read;
		// Chunk records are stored without their logged blocks; the snapshot already holds them.
		applyLog(read.manifest, read.log, chunks);
		if (snapshot && wanted) {
			try {
				const image = assembleWithSnapshot(read.manifest, snapshot, chunks, {
					checkSnapshot: !deferSnapshotCheck,
				});
				return {
					manifest: read.manifest,
					image,
					snapshotGeneration: snapshot.generation,
					chunksRead: chunks.size,
					unverified: deferSnapshotCheck ? snapshotChunks(read.manifest, chunks) : [],
				};
			} catch {
				// A snapshot that does not match its manifest is ignored; the chunks are the truth.
			}
		}
		const full = wanted ? await this.#readChunks(() => null) : read;
		if (!full) return null;
		try {
			if (full !== read) applyLog(full.manifest, full.log, full.chunks);
			const ordered = Array.from({ length: full.manifest.chunkCount }, (_, i) =>
				chunkOrEmpty(full.chunks, i),
			);
			const image = assemble(full.manifest, ordered);
			return {
				manifest: full.manifest,
				image,
				snapshotGeneration: null,
				chunksRead: full.chunks.size,
				unverified: [],
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
		log: LogBlock[];
		chunks: Map<number, Uint8Array>;
		wanted: number[] | null;
	} | null> {
		return this.#use('readonly', (store) => {
			return new Promise((resolve, reject) => {
				this.#manifestIn(
					store,
					(read) => {
						if (read === null) return resolve(null);
						const { manifest, log } = read;
						if (!manifest) return reject(unreadableManifest());
						const wanted = select(manifest);
						const indices = wanted ?? Array.from({ length: manifest.chunkCount }, (_, i) => i);
						const chunks = new Map<number, Uint8Array>();
						if (indices.length === 0) return resolve({ manifest, log, chunks, wanted });
						let left = indices.length;
						for (const index of indices) {
							const get = store.get(index);
							get.onsuccess = () => {
								if (get.result instanceof Uint8Array) chunks.set(index, get.result);
								if (--left === 0) resolve({ manifest, log, chunks, wanted });
							};
							get.onerror = () => reject(get.error ?? new Error(`chunk ${index} read failed`));
						}
					},
					reject,
				);
			});
		});
	}

	async #readSnapshot(): Promise<Snapshot | null> {
		if (!this.#snapshots) return null;
		try {
			const value = await this.#snapshots('readonly', (store) =>
				promisifyRequest<unknown>(store.get(SNAPSHOT_KEY)),
			);
			return await readStoredSnapshot(value);
		} catch {
			// A blob file gone missing ("Failed to read large IndexedDB value" and friends): the chunks
			// still hold everything.
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
				store.put(storedSnapshot(snapshot), SNAPSHOT_KEY);
				await promisifyRequest(store.transaction);
				return true;
			},
			'relaxed',
		);
	}

	/**
	 * Writes the plan's manifest records (manifest-records.ts). The layout this store knows is the one
	 * stored at `expectedGeneration`, which the fence guarantees is stored if this commits.
	 */
	#putManifest(store: IDBObjectStore, plan: SavePlan, expectedGeneration: number): void {
		const known = this.#layout?.generation === expectedGeneration ? this.#layout : null;
		const { root, segments, clearFrom } = manifestRecords(plan, known);
		for (const [index, segment] of segments) store.put(segment, segmentKey(index));
		store.put({ ...root, [LEASE_HOLDER]: plan.manifest.writerId }, MANIFEST_KEY);
		if (clearFrom !== null) {
			store.delete(IDBKeyRange.bound(segmentKey(clearFrom), segmentKey(Infinity)));
		}
	}

	async commit(plan: SavePlan, expectedGeneration: number, durability: Durability): Promise<void> {
		let fenced: Record<string, unknown> | null = null;
		try {
			await this.#use(
				'readwrite',
				(store) => {
					const tx = store.transaction;
					// The fence read and the writes go out together (one round trip, not two); if the check
					// fails, abort() undoes the writes, which were never visible. Committing explicitly as
					// soon as the check passes saves waiting for the transaction to go idle. Requests complete
					// in order, so the read sees the state before these writes.
					const me = plan.manifest.writerId;
					const decide = (generation: number | null, holder: string) => {
						if (generation !== expectedGeneration || holder !== me) {
							fenced = { expectedGeneration, storedGeneration: generation, leaseHolder: holder };
							tx.abort();
							return;
						}
						// commit() is missing only in browsers too old for this app's other needs; auto-commit then.
						tx.commit?.();
					};
					// A store this writer never claimed (a restore's first save) may hold no lease, or one from a
					// build that kept no generation in it: read the manifest too, as those builds did. Requests
					// complete in the order they were made, so this read also sees the state before the writes.
					const manifest = this.#claimedAt === null ? store.get(MANIFEST_KEY) : null;
					const lease = store.get(LEASE_KEY);
					lease.onsuccess = () => {
						const value: unknown = lease.result;
						if (isLease(value) && Number.isInteger(value.generation)) {
							return decide(value.generation!, value.writerId);
						}
						if (manifest) {
							const stored: unknown = manifest.result;
							const holder = isLease(value) ? value.writerId : (leaseHolderOf(stored) ?? me);
							return decide(generationOf(stored) ?? 0, holder);
						}
						// Claimed by this writer, yet the lease has no generation: an earlier build claimed since.
						decide(null, isLease(value) ? value.writerId : '');
					};
					for (const write of plan.writes) store.put(write.bytes, write.index);
					if (plan.deleteTo > plan.deleteFrom) {
						store.delete(IDBKeyRange.bound(plan.deleteFrom, plan.deleteTo - 1));
					}
					this.#putManifest(store, plan, expectedGeneration);
					const kept: Lease = {
						writerId: me,
						claimedAt: this.#claimedAt ?? Date.now(),
						generation: plan.manifest.generation,
					};
					store.put(kept, LEASE_KEY);
					return promisifyRequest(tx);
				},
				durability,
			);
			this.#layout = { generation: plan.manifest.generation, split: isSplit(plan.manifest) };
		} catch (error) {
			if (fenced !== null) throw new AppError('stale-writer', undefined, fenced);
			// idb-keyval rejects with the transaction's error: a DOMException, or null for an abort.
			if (isQuotaError(error)) throw new AppError('quota-exceeded');
			throw new AppError('save-failed', undefined, { cause: String(error) });
		}
	}
}

function unreadableManifest(): AppError {
	return new AppError('storage-corrupt', 'The stored manifest is not readable.');
}

function chunkOrEmpty(chunks: ReadonlyMap<number, Uint8Array>, index: number): Uint8Array {
	return chunks.get(index) ?? new Uint8Array();
}
