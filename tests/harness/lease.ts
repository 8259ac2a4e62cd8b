/**
 * Leases written by earlier builds, which kept no generation in the lease record: the fence must still
 * refuse a writer once such a build claimed the store, and a writer that never claimed must still find
 * the generation in the manifest. Raw IndexedDB writes stand in for the earlier build.
 */
import { promisifyRequest } from 'idb-keyval';
import { AppError } from '../../src/shared/errors';
import { type Manifest } from '../../src/worker/core/persistence/chunks';
import { planSave } from '../../src/worker/core/persistence/plan';
import { createDurableStore } from '../../src/worker/core/persistence/idb-connection';
import { IdbImageStore } from '../../src/worker/core/persistence/idb-store';
import { bytes, sameBytes } from '../contract/bytes';

const META = { chunkSize: 4096, pageSize: 4096, schemaVersion: 1, now: 1 };

async function outcome(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
		return 'saved';
	} catch (error) {
		return error instanceof AppError ? error.code : String(error);
	}
}

export async function olderBuildLease(): Promise<Record<string, unknown>> {
	const use = createDurableStore(`harness-lease-${Date.now()}`, 'database');
	/** What a claim by the build before this one wrote: the lease without a generation, and the holder in the manifest. */
	const olderClaim = (writerId: string) =>
		use('readwrite', (store) => {
			store.put({ writerId, claimedAt: Date.now() }, 'lease');
			const current = store.get('manifest');
			current.onsuccess = () => {
				if (current.result) store.put({ ...current.result, leaseHolder: writerId }, 'manifest');
			};
			return promisifyRequest(store.transaction);
		});
	const stored = async () => (await new IdbImageStore(use, null).load())?.image ?? null;

	const current = new IdbImageStore(use, null);
	await current.claim('current');
	const first = planSave(bytes(5000, 1), null, null, { ...META, writerId: 'current' });
	await current.commit(first, 0, 'relaxed');
	await olderClaim('older');
	const late = planSave(bytes(5000, 2), first.manifest, null, { ...META, writerId: 'current' });
	const afterOlderClaim = await outcome(current.commit(late, 1, 'relaxed'));
	const unchanged = sameBytes(await stored(), bytes(5000, 1));

	// A writer that never claimed (as a restore's first save) on a store whose lease has no generation:
	// the manifest says the generation. At the wrong one it is refused, at the right one it saves.
	await olderClaim('restorer');
	const fresh = new IdbImageStore(use, null);
	const manifest = (await fresh.readManifest()) as Manifest;
	const wrong = planSave(bytes(5000, 3), manifest, null, { ...META, writerId: 'restorer' });
	const unclaimedAtWrongGeneration = await outcome(fresh.commit(wrong, 0, 'relaxed'));
	const right = planSave(bytes(5000, 4), manifest, null, { ...META, writerId: 'restorer' });
	const unclaimedAtRightGeneration = await outcome(fresh.commit(right, 1, 'relaxed'));
	const restored = sameBytes(await stored(), bytes(5000, 4));
	return {
		afterOlderClaim,
		unchanged,
		unclaimedAtWrongGeneration,
		unclaimedAtRightGeneration,
		restored,
	};
}
