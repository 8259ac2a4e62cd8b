/**
 * Stores the database image in IndexedDB as chunks plus a manifest, in one object store of its own.
 * A save writes the changed chunks and the new manifest in ONE readwrite transaction, after checking
 * that the stored generation is the one this writer last saw and that no other writer claimed the store
 * since (the lease, idb-lease.ts): IndexedDB transactions are atomic and serialised, so a crash leaves
 * the previous generation whole and a stale writer cannot overwrite a newer one.
 *
 * A cold open reads a snapshot (idb-snapshot.ts, in a database of its own) plus the few chunk records
 * written after it, because Chromium reads one large value many times faster than the same bytes in
 * hundreds of small records (tests/bench, layout study). The snapshot is only a cache, checked against
 * the manifest chunk by chunk (LiveDatabase does that after the first answers, before any write);
 * without a usable one, every chunk is read.
 */
import { promisifyRequest } from 'idb-keyval';
import { AppError, isQuotaError } from '../../../shared/errors';
import {
	applyLog,
	assemble,
	assembleWithSnapshot,
	chunksNewerThan,
	snapshotChunks,
	type LogBlock,
	type Manifest,
	type Snapshot,
} from './chunks';
import { snapshotStoreFor, type DurableUseStore } from './idb-connection';
import { LEASE_KEY, putClaim, putClaimIfEmpty, readFence, type Lease } from './idb-lease';
import { putManifest, readManifestIn, type ManifestRead } from './idb-manifest';
import { deleteSnapshot, readSnapshot, writeSnapshot } from './idb-snapshot';
import { SNAPSHOT_PART_SIZE } from './snapshot-parts';
import type { Durability, ImageStore, LoadOptions, StoredImage } from './image-store';
import { isSplit } from './manifest-records';
import { markOpen } from './marks';
import { type SavePlan } from './plan';

/** A manifest read together with the chunk records it describes. */
interface ChunksRead {
	manifest: Manifest;
	log: LogBlock[];
	chunks: Map<number, Uint8Array>;
	wanted: number[] | null;
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

	readonly #snapshotPartSize: number;

	/**
	 * `snapshots` null: no snapshot (every cold open reads every chunk). `snapshotPartSize`: for the
	 * benchmark's side-by-side run of other sizes (snapshot-parts.ts says why the default).
	 */
	constructor(
		use: DurableUseStore,
		snapshots: DurableUseStore | null = snapshotStoreFor(use),
		{ snapshotPartSize = SNAPSHOT_PART_SIZE }: { snapshotPartSize?: number } = {},
	) {
		this.#snapshotPartSize = snapshotPartSize;
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
				putClaim(store, writerId, claimedAt);
				return promisifyRequest(store.transaction).then(() => undefined);
			},
			'strict',
		).finally(() => markOpen('claimed'));
	}

	async reclaim(writerId: string): Promise<void> {
		const claimedAt = Date.now();
		const outcome = { decided: false, claimed: false, holder: null as string | null };
		try {
			await this.#use(
				'readwrite',
				(store) => {
					putClaimIfEmpty(store, writerId, claimedAt, (claimed, holder) => {
						Object.assign(outcome, { decided: true, claimed, holder });
						if (!claimed) store.transaction.abort();
					});
					return promisifyRequest(store.transaction);
				},
				'strict',
			);
		} catch (error) {
			// Aborted on purpose when the store was not empty; anything else is a failed write.
			if (!outcome.decided || outcome.claimed) throw storageError(error);
		}
		if (!outcome.claimed) {
			throw new AppError('stale-writer', undefined, { leaseHolder: outcome.holder });
		}
		this.#claimedAt = claimedAt;
		// Whatever layout was known belongs to the store that is gone.
		this.#layout = null;
	}

	watchLoss(listener: () => void): () => void {
		return this.#use.onClose(listener);
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

	/** `readManifestIn`, remembering how the manifest it read is stored. */
	#manifestIn(
		store: IDBObjectStore,
		done: (read: ManifestRead | null) => void,
		fail: (error: unknown) => void,
	): void {
		readManifestIn(
			store,
			(read) => {
				if (read?.manifest)
					this.#layout = { generation: read.manifest.generation, split: read.split };
				done(read);
			},
			fail,
		);
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
	#readChunks(select: (manifest: Manifest) => number[] | null): Promise<ChunksRead | null> {
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

	#readSnapshot(): Promise<Snapshot | null> {
		return this.#snapshots ? readSnapshot(this.#snapshots) : Promise.resolve(null);
	}

	writeSnapshot(take: () => Snapshot | null): Promise<boolean> {
		return this.#snapshots
			? writeSnapshot(this.#snapshots, take, this.#snapshotPartSize)
			: Promise.resolve(false);
	}

	dropSnapshot(): Promise<boolean> {
		return this.#snapshots ? deleteSnapshot(this.#snapshots) : Promise.resolve(false);
	}

	async commit(plan: SavePlan, expectedGeneration: number, durability: Durability): Promise<void> {
		let fenced: Record<string, unknown> | null = null;
		let vanished = false;
		try {
			await this.#use(
				'readwrite',
				(store) => {
					const tx = store.transaction;
					// The fence read and the writes go out together (one round trip, not two); if the check
					// fails, abort() undoes the writes, which were never visible. Committing explicitly as
					// soon as the check passes saves waiting for the transaction to go idle.
					const me = plan.manifest.writerId;
					readFence(store, me, this.#claimedAt !== null, (read) => {
						const { generation, holder } = read;
						if (read.vanished || generation !== expectedGeneration || holder !== me) {
							vanished = read.vanished;
							fenced = { expectedGeneration, storedGeneration: generation, leaseHolder: holder };
							tx.abort();
							return;
						}
						// commit() is missing only in browsers too old for this app's other needs; auto-commit then.
						tx.commit?.();
					});
					for (const write of plan.writes) store.put(write.bytes, write.index);
					if (plan.deleteTo > plan.deleteFrom) {
						store.delete(IDBKeyRange.bound(plan.deleteFrom, plan.deleteTo - 1));
					}
					// The layout known is the one stored at `expectedGeneration`, which the fence guarantees
					// is stored if this commits.
					const known = this.#layout?.generation === expectedGeneration ? this.#layout : null;
					putManifest(store, plan, known);
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
			if (vanished) throw new AppError('storage-lost');
			if (fenced !== null) throw new AppError('stale-writer', undefined, fenced);
			throw storageError(error);
		}
	}
}

/** A failed write as an AppError: idb-keyval rejects with the transaction's error (null for an abort). */
function storageError(error: unknown): AppError {
	if (error instanceof AppError) return error;
	if (isQuotaError(error)) return new AppError('quota-exceeded');
	return new AppError('save-failed', undefined, { cause: String(error) });
}

function unreadableManifest(): AppError {
	return new AppError('storage-corrupt', 'The stored manifest is not readable.');
}

function chunkOrEmpty(chunks: ReadonlyMap<number, Uint8Array>, index: number): Uint8Array {
	return chunks.get(index) ?? new Uint8Array();
}
