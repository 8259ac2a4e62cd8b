/**
 * The cold-open snapshot as IndexedDB keeps it (a database of its own, see `snapshotStoreFor`): a
 * head record under `head` and parts of at most 64 MiB as Blobs under 0, 1, 2… (snapshot-parts.ts
 * says why Blobs and why that size). A cold open reads them in ONE transaction, the parts with one
 * getAll, and reads the joined Blob with one `arrayBuffer()`: Chromium hands a stored Blob back as a
 * handle to its file, and reading one in one go is about twice as fast as the same 50 MB stored as a
 * Uint8Array value (50 against 101 ms, medians of 7, tests/bench/results/layout.md). Writing is
 * slower, but snapshots are written in the background.
 *
 * Earlier builds stored the snapshot as one value under `image` (a Blob, before that a Uint8Array);
 * such a value is still read when there is no head, and the next write removes it.
 */
import { promisifyRequest } from 'idb-keyval';
import { isSnapshot, type Snapshot } from './chunks';
import type { DurableUseStore } from './idb-connection';
import { joinParts, readJoined, SNAPSHOT_PART_SIZE, splitSnapshot } from './snapshot-parts';

const HEAD_KEY = 'head';
/** Where earlier builds kept the snapshot as one value. */
const LEGACY_KEY = 'image';
/** Every part: part keys are numbers, and numbers sort before the string keys. */
const PARTS = IDBKeyRange.bound(0, Infinity);

/** How builds before parts stored a snapshot: its bytes as one Blob. */
export interface StoredSnapshot extends Omit<Snapshot, 'bytes'> {
	blob: Blob;
}

/** A snapshot stored as one value by an earlier build, as bytes; null if it is none. */
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

/** The stored snapshot, or null when there is none, it is torn, or it cannot be read. */
export async function readSnapshot(use: DurableUseStore): Promise<Snapshot | null> {
	try {
		const [head, parts, legacy] = await use('readonly', (store) =>
			Promise.all([
				promisifyRequest<unknown>(store.get(HEAD_KEY)),
				promisifyRequest<unknown[]>(store.getAll(PARTS)),
				promisifyRequest<unknown>(store.get(LEGACY_KEY)),
			]),
		);
		if (head === undefined) return await readStoredSnapshot(legacy);
		const joined = joinParts(head, parts);
		return joined && (await readJoined(joined));
	} catch {
		// A part's file gone missing ("Failed to read large IndexedDB value" and friends): the chunks
		// still hold everything.
		return null;
	}
}

/**
 * Replaces the stored snapshot with what `take` returns, called synchronously right before the bytes
 * are copied; when it returns null nothing changes. Resolves with whether one was written. The head,
 * every part, and the removal of the previous ones (there may be more of them) are one transaction.
 */
export function writeSnapshot(
	use: DurableUseStore,
	take: () => Snapshot | null,
	partSize = SNAPSHOT_PART_SIZE,
): Promise<boolean> {
	return use(
		'readwrite',
		async (store) => {
			const snapshot = take();
			if (!snapshot) {
				store.transaction.abort();
				return false;
			}
			const { head, parts } = splitSnapshot(snapshot, crypto.randomUUID(), partSize);
			store.clear();
			for (const part of parts) store.put(part, part.index);
			store.put(head, HEAD_KEY);
			await promisifyRequest(store.transaction);
			return true;
		},
		'relaxed',
	);
}

/** Deletes the stored snapshot; resolves with whether there was one. */
export function deleteSnapshot(use: DurableUseStore): Promise<boolean> {
	return use('readwrite', async (store) => {
		const had = (await promisifyRequest(store.count())) > 0;
		if (had) store.clear();
		await promisifyRequest(store.transaction);
		return had;
	});
}
