/**
 * What persistence needs from a storage backend. Two implement it: IndexedDB (idb-store.ts) in the
 * browser and memory (memory-store.ts) in the Node tests; the contract suites (tests/contract) run
 * against both.
 */
import type { Manifest, Snapshot } from './chunks';
import type { SavePlan } from './plan';

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
	/**
	 * Chunks taken from the snapshot without checking them against the manifest (only with
	 * `deferSnapshotCheck`). Until `firstMismatch` has passed over them, the image is fit for reads only:
	 * nothing derived from it may be saved or leave the worker.
	 */
	unverified: number[];
}

export interface LoadOptions {
	/**
	 * Leave the snapshot's chunks unchecked (see `StoredImage.unverified`), so the first query does not
	 * wait for every byte of the file to be hashed. The newer chunk records are checked either way.
	 */
	deferSnapshotCheck?: boolean;
}

export interface ImageStore {
	/**
	 * Makes `writerId` the only writer: from now on a commit by any other writer is refused, even one whose
	 * generation matches. A new owner claims before it loads, so an old owner's last save either lands
	 * before the claim (and is loaded) or is refused after it.
	 */
	claim(writerId: string): Promise<void>;
	load(options?: LoadOptions): Promise<StoredImage | null>;
	readManifest(): Promise<Manifest | null>;
	/**
	 * Writes the plan atomically; throws `stale-writer` if the stored generation is not `expectedGeneration`
	 * or another writer has claimed the store since, and `storage-lost` if the store this writer claimed
	 * holds no lease any more: the browser deleted it (site data cleared, or evicted), for no writer ever
	 * removes a lease.
	 */
	commit(plan: SavePlan, expectedGeneration: number, durability: Durability): Promise<void>;
	/**
	 * Claims a store that vanished again, but only while it is empty: a store another writer claimed or
	 * saved to since is theirs, and this throws `stale-writer`.
	 */
	reclaim(writerId: string): Promise<void>;
	/**
	 * Calls `listener` when the store may have vanished (the browser closed its connection, as it does
	 * when site data is cleared or storage evicted); returns a function that stops it. Optional: without
	 * it, a vanished store is found by the next save.
	 */
	watchLoss?(listener: () => void): () => void;
	/**
	 * Replaces the cold-open snapshot with what `take` returns (nothing when it returns null). `take` is
	 * called synchronously right before the bytes are copied into storage. Resolves with whether a
	 * snapshot was written. Optional: a store without snapshots reads every chunk on a cold open.
	 */
	writeSnapshot?(take: () => Snapshot | null): Promise<boolean>;
	/**
	 * Deletes the cold-open snapshot (a second full copy of the file) to make room when storage is full.
	 * Resolves with whether there was one.
	 */
	dropSnapshot?(): Promise<boolean>;
}
