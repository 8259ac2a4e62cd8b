/**
 * The cold-open snapshot as IndexedDB keeps it (a database of its own, see `snapshotStoreFor`): one
 * Blob. Chromium hands a stored Blob back as a handle to its file, and `arrayBuffer()` reads it in one
 * go: about twice as fast as the same 50 MB stored as a Uint8Array value, which is read from the same
 * kind of file and then deserialised (50 against 101 ms, medians of 7, tests/bench/results/layout.md).
 * Writing a Blob is slower, but snapshots are written in the background. Snapshots stored as bytes by
 * earlier versions are still read.
 */
import { promisifyRequest } from 'idb-keyval';
import { isSnapshot, type Snapshot } from './chunks';
import type { DurableUseStore } from './idb-connection';

const SNAPSHOT_KEY = 'image';

/** A snapshot as stored: its bytes as a Blob. */
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

/** The stored snapshot, or null when there is none or it cannot be read. */
export async function readSnapshot(use: DurableUseStore): Promise<Snapshot | null> {
	try {
		const value = await use('readonly', (store) =>
			promisifyRequest<unknown>(store.get(SNAPSHOT_KEY)),
		);
		return await readStoredSnapshot(value);
	} catch {
		// A blob file gone missing ("Failed to read large IndexedDB value" and friends): the chunks
		// still hold everything.
		return null;
	}
}

/**
 * Replaces the stored snapshot with what `take` returns, called synchronously right before the bytes
 * are copied; when it returns null nothing changes. Resolves with whether one was written.
 */
export function writeSnapshot(use: DurableUseStore, take: () => Snapshot | null): Promise<boolean> {
	return use(
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

/** Deletes the stored snapshot; resolves with whether there was one. */
export function deleteSnapshot(use: DurableUseStore): Promise<boolean> {
	return use('readwrite', async (store) => {
		const had = (await promisifyRequest(store.count(SNAPSHOT_KEY))) > 0;
		if (had) store.delete(SNAPSHOT_KEY);
		await promisifyRequest(store.transaction);
		return had;
	});
}
