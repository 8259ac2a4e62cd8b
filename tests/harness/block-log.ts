/**
 * The block log (chunks.ts) in IndexedDB, seen from a second store instance (another tab's worker, the
 * next cold open): logged saves on top of a whole and a split manifest, a store that claims and saves on
 * top of a logged root, and a checkpoint. Also whether builds before the 64-bit hash could read the
 * roots: they read formats 1 and 2 only.
 */
import { promisifyRequest } from 'idb-keyval';
import { BLOCK_SIZE, type Manifest } from '../../src/worker/core/persistence/chunks';
import { LOGGED_FORMAT } from '../../src/worker/core/persistence/manifest-records';
import { chunksOfBlocks, planSave } from '../../src/worker/core/persistence/plan';
import { createDurableStore } from '../../src/worker/core/persistence/idb-connection';
import { IdbImageStore } from '../../src/worker/core/persistence/idb-store';
import { bytes, sameBytes } from '../contract/bytes';

const META = { pageSize: 4096, schemaVersion: 1, now: 1 };

async function scenarioFor(chunkSize: number, length: number): Promise<Record<string, unknown>> {
	const use = createDurableStore(`harness-log-${chunkSize}-${Date.now()}`, 'database');
	const elsewhere = async () => (await new IdbImageStore(use, null).load())?.image;
	const root = () =>
		use('readonly', (store) => promisifyRequest<Record<string, unknown>>(store.get('manifest')));
	const chunkKeys = () =>
		use(
			'readonly',
			async (store) =>
				(await promisifyRequest(store.getAllKeys())).filter((key) => typeof key === 'number')
					.length,
		);

	let writer = new IdbImageStore(use, null);
	let writerId = 'w';
	await writer.claim(writerId);
	let image = bytes(length, 1);
	let manifest: Manifest = planSave(image, null, null, { ...META, chunkSize, writerId }).manifest;
	await writer.commit(planSave(image, null, null, { ...META, chunkSize, writerId }), 0, 'relaxed');
	const save = async (blocks: number[], options: { checkpoint?: boolean } = {}) => {
		const next = image.slice();
		for (const block of blocks)
			next.fill(block & 0xff, block * BLOCK_SIZE + 10, block * BLOCK_SIZE + 60);
		const set = new Set(blocks);
		const plan = planSave(next, manifest, chunksOfBlocks(set, chunkSize), {
			...META,
			chunkSize,
			writerId,
			blocks: set,
			...options,
		});
		await writer.commit(plan, manifest.generation, 'relaxed');
		manifest = plan.manifest;
		image = next;
		return plan;
	};

	const records = await chunkKeys();
	const last = Math.floor(length / BLOCK_SIZE) - 1;
	const one = await save([0, 7]);
	const two = await save([7, last]);
	const logged = {
		chunksWritten: one.writes.length + two.writes.length,
		rootFormat: (await root()).format,
		earlierBuildsReadIt: [1, LOGGED_FORMAT].includes((await root()).format as number),
		readElsewhere: sameBytes(await elsewhere(), image),
	};
	// The next owner claims, loads and saves on top of the logged root.
	writer = new IdbImageStore(use, null);
	writerId = 'w2';
	await writer.claim(writerId);
	const loaded = await writer.load();
	const nextOwner = {
		loaded: sameBytes(loaded?.image, image),
		logged: loaded?.manifest.logged,
	};
	await save([3]);
	const afterNextOwner = sameBytes(await elsewhere(), image);
	const checkpoint = await save([], { checkpoint: true });
	return {
		logged,
		nextOwner,
		afterNextOwner,
		checkpoint: {
			chunksWritten: checkpoint.writes.length,
			rootFormat: (await root()).format,
			chunkRecords: (await chunkKeys()) === records,
			readElsewhere: sameBytes(await elsewhere(), image),
		},
	};
}

export async function blockLog(): Promise<Record<string, unknown>> {
	return {
		whole: await scenarioFor(16_384, 40 * 16_384),
		split: await scenarioFor(4096, 600 * 4096),
	};
}
