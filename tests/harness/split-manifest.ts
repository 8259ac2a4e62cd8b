/**
 * The manifest kept as a root plus segments in IndexedDB, seen from a second store instance (another
 * tab's worker, the next cold open), and a manifest stored whole by an earlier build, with 32-bit
 * hashes: it is read as it is, and the first save on top of it splits and rehashes it.
 */
import { promisifyRequest } from 'idb-keyval';
import { AppError } from '../../src/shared/errors';
import { storedManifest, type Manifest } from '../../src/worker/core/persistence/chunks';
import { planSave } from '../../src/worker/core/persistence/plan';
import { createDurableStore } from '../../src/worker/core/persistence/idb-connection';
import { IdbImageStore } from '../../src/worker/core/persistence/idb-store';
import { bytes, sameBytes } from '../contract/bytes';
import { legacyManifest } from '../contract/legacy';

const META = { chunkSize: 64, pageSize: 4096, schemaVersion: 1, now: 1, writerId: 'w' };

export async function splitManifest(): Promise<Record<string, unknown>> {
	const use = createDurableStore(`harness-split-${Date.now()}`, 'database');
	/** What another store instance reads: nothing it learnt from saving. */
	const elsewhere = async () => (await new IdbImageStore(use, null).load())?.image;
	const segmentKeys = () =>
		use('readonly', async (store) =>
			(await promisifyRequest(store.getAllKeys()))
				.filter((key): key is [string, number] => Array.isArray(key))
				.map((key) => key[1]),
		);
	const rootHasLists = () =>
		use('readonly', async (store) => 'hashes' in (await promisifyRequest(store.get('manifest'))));
	const rootFormat = () =>
		use(
			'readonly',
			async (store) => (await promisifyRequest<{ format: number }>(store.get('manifest'))).format,
		);

	const writer = new IdbImageStore(use, null);
	await writer.claim('w');
	let image = bytes(100_000, 1);
	let manifest: Manifest = planSave(image, null, null, META).manifest;
	const save = async (next: Uint8Array) => {
		const plan = planSave(next, manifest, null, META);
		await writer.commit(plan, manifest.generation, 'relaxed');
		manifest = plan.manifest;
		image = next;
	};
	await writer.commit(planSave(image, null, null, META), 0, 'relaxed');
	const first = {
		segments: await segmentKeys(),
		readElsewhere: sameBytes(await elsewhere(), image),
	};
	await save(image.slice().fill(3, 70_000, 70_010));
	const edited = sameBytes(await elsewhere(), image);
	await save(image.slice(0, 20_000));
	const shrunk = {
		segments: await segmentKeys(),
		readElsewhere: sameBytes(await elsewhere(), image),
	};

	// An earlier build's save: the whole lists in the root, no segments, 32-bit hashes.
	const older = bytes(50_000, 2);
	const olderPlan = planSave(older, manifest, null, { ...META, writerId: 'w' });
	olderPlan.manifest = legacyManifest(olderPlan.manifest, older);
	await use('readwrite', (store) => {
		for (const write of olderPlan.writes) store.put(write.bytes, write.index);
		store.delete(IDBKeyRange.bound(olderPlan.deleteFrom, Math.max(olderPlan.deleteTo, 1) + 1e6));
		store.delete(IDBKeyRange.bound(['manifest', 0], ['manifest', Infinity]));
		store.put({ ...storedManifest(olderPlan.manifest), leaseHolder: 'w' }, 'manifest');
		store.put({ writerId: 'w', claimedAt: 1 }, 'lease');
		return promisifyRequest(store.transaction);
	});
	const olderRead = sameBytes(await elsewhere(), older);
	// This build on top of it: a store that claims it, as the next cold open does, and saves.
	const next = new IdbImageStore(use, null);
	await next.claim('w2');
	const stored = await next.load();
	const after = stored!.image.slice().fill(5, 100, 200);
	const plan = planSave(after, stored!.manifest, null, { ...META, writerId: 'w2' });
	await next.commit(plan, stored!.manifest.generation, 'relaxed');
	// A segment gone missing: what is stored is unreadable, never an empty store a new database may fill.
	const damaged = createDurableStore(`harness-split-damaged-${Date.now()}`, 'database');
	await new IdbImageStore(damaged, null).commit(
		planSave(bytes(100_000, 6), null, null, META),
		0,
		'relaxed',
	);
	await damaged('readwrite', (store) => {
		store.delete(['manifest', 1]);
		return promisifyRequest(store.transaction);
	});
	const missingSegment = await Promise.all(
		[(s: IdbImageStore) => s.load(), (s: IdbImageStore) => s.readManifest()].map((read) =>
			read(new IdbImageStore(damaged, null)).then(
				(value) => `resolved with ${value === null ? 'nothing' : 'a database'}`,
				(error: unknown) => (error instanceof AppError ? error.code : String(error)),
			),
		),
	);
	return {
		missingSegment,
		first,
		edited,
		shrunk,
		olderRead,
		afterOlder: {
			segments: await segmentKeys(),
			rootHasLists: await rootHasLists(),
			rootFormat: await rootFormat(),
			readElsewhere: sameBytes(await elsewhere(), after),
		},
	};
}
