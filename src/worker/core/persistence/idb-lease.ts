/**
 * The lease: who may write, and the generation stored when they last did. Every claim writes it, and
 * every commit keeps it in step with the manifest in the same transaction, so a save's fence reads this
 * small record and not the manifest, whose per-chunk lists grow with the file (at 50 MB the manifest
 * read alone held the commit back by about 0.7 ms, ~30% of a save).
 */
import { LEASE_HOLDER, leaseHolderOf, MANIFEST_KEY } from './idb-manifest';
import { generationOf } from './manifest-records';

export const LEASE_KEY = 'lease';

export interface Lease {
	writerId: string;
	claimedAt: number;
	/** The stored manifest's generation. Missing in leases claimed by builds from before the fence moved here. */
	generation?: number;
}

export function isLease(value: unknown): value is Lease {
	return (
		typeof value === 'object' && value !== null && typeof (value as Lease).writerId === 'string'
	);
}

/**
 * Writes a claim in `store`'s transaction: the lease, and the manifest's copy of the holder for the
 * builds that read it there. Every build writes the lease record on a claim, so it is the one every
 * build's fence honours.
 */
export function putClaim(store: IDBObjectStore, writerId: string, claimedAt: number): void {
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
}

/** What the fence read: the stored generation (null when it cannot be told) and the lease holder. */
export interface FenceRead {
	generation: number | null;
	holder: string;
	/**
	 * The store this writer claimed holds no lease: nobody removes one, so the browser deleted the
	 * store (site data cleared, or evicted) and what is there now is empty.
	 */
	vanished: boolean;
}

/**
 * Issues the fence's reads in `store`'s transaction and calls `found` with what they read. Called
 * before the commit's writes are queued: requests complete in the order they were made, so the reads
 * see the state before them.
 *
 * `claimed`: whether this store's writer claimed it. A store never claimed (a restore's first save) may
 * hold no lease, or one from a build that kept no generation in it: then the manifest is read too, as
 * those builds did.
 */
export function readFence(
	store: IDBObjectStore,
	writerId: string,
	claimed: boolean,
	found: (read: FenceRead) => void,
): void {
	const manifest = claimed ? null : store.get(MANIFEST_KEY);
	const lease = store.get(LEASE_KEY);
	lease.onsuccess = () => {
		const value: unknown = lease.result;
		if (isLease(value) && Number.isInteger(value.generation)) {
			return found({ generation: value.generation!, holder: value.writerId, vanished: false });
		}
		if (manifest) {
			const stored: unknown = manifest.result;
			const holder = isLease(value) ? value.writerId : (leaseHolderOf(stored) ?? writerId);
			return found({ generation: generationOf(stored) ?? 0, holder, vanished: false });
		}
		// Claimed by this writer, yet the lease has no generation: an earlier build claimed since. Or
		// there is no lease at all.
		found({
			generation: null,
			holder: isLease(value) ? value.writerId : '',
			vanished: value === undefined,
		});
	};
}

/**
 * Claims the store in `store`'s transaction if it is empty (no lease, no manifest), and calls `done`
 * with whether it did and who holds the lease otherwise; when it did not, it wrote nothing.
 */
export function putClaimIfEmpty(
	store: IDBObjectStore,
	writerId: string,
	claimedAt: number,
	done: (claimed: boolean, holder: string | null) => void,
): void {
	const manifest = store.get(MANIFEST_KEY);
	const lease = store.get(LEASE_KEY);
	lease.onsuccess = () => {
		const value: unknown = lease.result;
		const empty = manifest.result === undefined && value === undefined;
		if (empty) store.put({ writerId, claimedAt, generation: 0 } satisfies Lease, LEASE_KEY);
		done(empty, isLease(value) ? value.writerId : null);
	};
}
