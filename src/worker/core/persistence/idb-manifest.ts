/**
 * The manifest's records in IndexedDB's object store (what they hold: manifest-records.ts), read and
 * written inside a transaction the caller owns, so they always go together with the chunk records and
 * the lease they describe.
 */
import type { LogBlock, Manifest } from './chunks';
import { joinStored, manifestRecords, segmentsOf } from './manifest-records';
import type { SavePlan } from './plan';

export const MANIFEST_KEY = 'manifest';
/** Segment `index` of the manifest's per-chunk lists. */
const segmentKey = (index: number) => [MANIFEST_KEY, index];

/**
 * The stored manifest's copy of the lease holder, set by every claim and kept by every commit, for the
 * builds whose fence reads it there. Not part of `Manifest`: it belongs to the store.
 */
export const LEASE_HOLDER = 'leaseHolder';

export function leaseHolderOf(value: unknown): string | null {
	const holder = (value as Record<string, unknown> | null | undefined)?.[LEASE_HOLDER];
	return typeof holder === 'string' ? holder : null;
}

/** What `readManifestIn` found: the manifest (null if what is stored does not read as one) and its log. */
export interface ManifestRead {
	manifest: Manifest | null;
	log: LogBlock[];
	/** Whether its lists are stored in segments. */
	split: boolean;
}

/**
 * Reads the stored manifest in `store`'s transaction: the root and, when the lists are split off,
 * every segment. Calls `done` with null when nothing is stored.
 */
export function readManifestIn(
	store: IDBObjectStore,
	done: (read: ManifestRead | null) => void,
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
			done({ manifest: joined?.manifest ?? null, log: joined?.log ?? [], split: count !== null });
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

/**
 * Writes the plan's manifest records. `known`: how the manifest it replaces is stored, or null when
 * that is not known (then every segment is written).
 */
export function putManifest(
	store: IDBObjectStore,
	plan: SavePlan,
	known: { split: boolean } | null,
): void {
	const { root, segments, clearFrom } = manifestRecords(plan, known);
	for (const [index, segment] of segments) store.put(segment, segmentKey(index));
	store.put({ ...root, [LEASE_HOLDER]: plan.manifest.writerId }, MANIFEST_KEY);
	if (clearFrom !== null) {
		store.delete(IDBKeyRange.bound(segmentKey(clearFrom), segmentKey(Infinity)));
	}
}
