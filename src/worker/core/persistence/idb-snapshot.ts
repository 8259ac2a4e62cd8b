/**
 * The cold-open snapshot as IndexedDB keeps it (a database of its own, see `snapshotStoreFor`): a head
 * record and parts below 64 KiB (snapshot-parts.ts), keyed 0, 1, 2... and read back with one getAll.
 * Every write replaces the whole set in one transaction, so a reader sees one snapshot or none.
 *
 * Earlier builds stored it as one value under `image` (a Blob, before that a Uint8Array); such a value
 * is still read, and the next snapshot write removes it.
 */
import { promisifyRequest } from 'idb-keyval';
import { isSnapshot, type Snapshot } from './chunks';
import type { DurableUseStore } from './idb-connection';
import { joinSnapshot, splitSnapshot } from './snapshot-parts';

const HEAD_KEY = 'head';
/** Where earlier builds kept the snapshot as one value. */
const LEGACY_KEY = 'image';
/** Every part: part keys are numbers, and numbers sort before the string keys. */
const PARTS = IDBKeyRange.bound(0, Infinity);

/** How the build before parts stored a snapshot: its bytes as one Blob. */
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

/** The stored snapshot, or null when there is none or it cannot be read. */
export async function readSnapshot(use: DurableUseStore): Promise<Snapshot | null> {
	try {
		const [head, parts, legacy] = await use('readonly', (store) =>
			Promise.all([
				promisifyRequest<unknown>(store.get(HEAD_KEY)),
				promisifyRequest<unknown[]>(store.getAll(PARTS)),
				promisifyRequest<unknown>(store.get(LEGACY_KEY)),
			]),
		);
		if (head !== undefined) return joinSnapshot(head, parts);
		return await readStoredSnapshot(legacy);
	} catch {
		// A value gone missing or unreadable ("Failed to read large IndexedDB value" and friends): the
		// chunks still hold everything.
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
			const { head, parts } = splitSnapshot(snapshot);
			// The earlier snapshot's parts (there may be more of them) and any single-value one go too.
			store.clear();
			parts.forEach((part, i) => store.put(part, i));
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
