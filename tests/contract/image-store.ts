/**
 * The persistence contract: what every ImageStore backend must do. Written once, without a test
 * framework, so it runs in Node against MemoryImageStore (Vitest) and in Chromium against IndexedDB
 * (the e2e harness). Each case throws on failure.
 */
import { AppError } from '../../src/shared/errors';
import { BLOCK_SIZE, type Manifest } from '../../src/worker/core/persistence/chunks';
import { LOG_MAX_BLOCKS, planSave, type SavePlan } from '../../src/worker/core/persistence/plan';
import type { ImageStore } from '../../src/worker/core/persistence/image-store';
import { bytes, sameBytes } from './bytes';

const META = { chunkSize: 4096, pageSize: 4096, schemaVersion: 1, now: 1 };

function assert(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(message);
}

async function expectCode(promise: Promise<unknown>, code: string, what: string): Promise<void> {
	try {
		await promise;
	} catch (error) {
		assert(
			error instanceof AppError && error.code === code,
			`${what}: expected ${code}, got ${String(error)}`,
		);
		return;
	}
	throw new Error(`${what}: expected ${code}, but it succeeded`);
}

export type StoreFactory = () => Promise<ImageStore>;

export const imageStoreContract: Record<string, (fresh: StoreFactory) => Promise<void>> = {
	async 'an empty store loads nothing'(fresh) {
		const store = await fresh();
		assert((await store.load()) === null, 'expected null');
		assert((await store.readManifest()) === null, 'expected no manifest');
	},

	async 'a committed image loads back byte for byte, with its manifest'(fresh) {
		const store = await fresh();
		await store.claim('w');
		const image = bytes(10_000, 1);
		const plan = planSave(image, null, null, { ...META, writerId: 'w' });
		await store.commit(plan, 0, 'relaxed');
		const loaded = await store.load();
		assert(loaded && sameBytes(loaded.image, image), 'image differs');
		assert(
			loaded.manifest.generation === 1 && loaded.manifest.chunkCount === 3,
			'manifest differs',
		);
	},

	async 'a commit against the wrong generation is refused and changes nothing'(fresh) {
		const store = await fresh();
		await store.claim('w');
		const first = planSave(bytes(5000, 1), null, null, { ...META, writerId: 'w' });
		await store.commit(first, 0, 'relaxed');
		const second = planSave(bytes(5000, 2), first.manifest, null, { ...META, writerId: 'w' });
		await expectCode(store.commit(second, 0, 'relaxed'), 'stale-writer', 'stale generation');
		const loaded = await store.load();
		assert(
			loaded && sameBytes(loaded.image, bytes(5000, 1)),
			'a refused commit changed the stored image',
		);
	},

	async 'after another writer claims the store, the old writer is refused even at the right generation'(
		fresh,
	) {
		const store = await fresh();
		await store.claim('old');
		const first = planSave(bytes(5000, 1), null, null, { ...META, writerId: 'old' });
		await store.commit(first, 0, 'relaxed');
		await store.claim('new');
		const late = planSave(bytes(5000, 3), first.manifest, null, { ...META, writerId: 'old' });
		await expectCode(store.commit(late, 1, 'relaxed'), 'stale-writer', 'lost lease');
		const byNew = planSave(bytes(5000, 4), first.manifest, null, { ...META, writerId: 'new' });
		await store.commit(byNew, 1, 'strict');
		const loaded = await store.load();
		assert(loaded && sameBytes(loaded.image, bytes(5000, 4)), 'the new owner could not write');
	},

	async 'on an empty store too, the last claim wins: the first writer is refused, the second writes'(
		fresh,
	) {
		const store = await fresh();
		await store.claim('old');
		await store.claim('new');
		const late = planSave(bytes(5000, 1), null, null, { ...META, writerId: 'old' });
		await expectCode(store.commit(late, 0, 'relaxed'), 'stale-writer', 'lost lease');
		assert((await store.load()) === null, 'a refused first commit stored something');
		const byNew = planSave(bytes(5000, 2), null, null, { ...META, writerId: 'new' });
		await store.commit(byNew, 0, 'relaxed');
		// The new owner's next save, and a claim by a third writer after it.
		const next = planSave(bytes(5000, 3), byNew.manifest, null, { ...META, writerId: 'new' });
		await store.commit(next, 1, 'relaxed');
		await store.claim('third');
		const after = planSave(bytes(5000, 4), next.manifest, null, { ...META, writerId: 'new' });
		await expectCode(
			store.commit(after, 2, 'relaxed'),
			'stale-writer',
			'lease taken after two saves',
		);
		const loaded = await store.load();
		assert(
			loaded && sameBytes(loaded.image, bytes(5000, 3)),
			'the stored image is not the last one saved',
		);
	},

	async 'growing, shrinking and editing round-trip through storage'(fresh) {
		const store = await fresh();
		await store.claim('w');
		let manifest: Manifest | null = null;
		let image: Uint8Array = new Uint8Array();
		for (let step = 1; step <= 30; step++) {
			const length = 1 + ((step * 5171) % 40_000);
			const next = bytes(length, step);
			next.set(image.subarray(0, Math.min(length, image.length / 2)));
			const plan = planSave(next, manifest, null, { ...META, writerId: 'w' });
			await store.commit(plan, manifest?.generation ?? 0, 'relaxed');
			manifest = plan.manifest;
			image = next;
			const loaded = await store.load();
			assert(loaded && sameBytes(loaded.image, image), `step ${step}: image differs`);
			assert(
				loaded.manifest.chunkCount === Math.ceil(length / 4096),
				`step ${step}: stale chunks left behind`,
			);
		}
	},

	async 'a file of many chunks round-trips edits, growth and shrinking in any part of it'(fresh) {
		// 64-byte chunks, so 100 KB is 1,563 chunks: IndexedDB keeps the manifest's lists in segments of
		// 512 chunks and rewrites only those a save touches (manifest-records.ts).
		const meta = { ...META, chunkSize: 64, writerId: 'w' };
		const store = await fresh();
		await store.claim('w');
		let image = bytes(100_000, 1);
		let plan = planSave(image, null, null, meta);
		await store.commit(plan, 0, 'relaxed');
		const steps: [string, (from: Uint8Array) => Uint8Array][] = [
			['one byte in the third segment', (from) => from.slice().fill(7, 70_000, 70_001)],
			[
				'bytes in the first and last segments',
				(from) => from.slice().fill(9, 10, 20).fill(9, 99_000, 99_990),
			],
			[
				'growth into a fifth segment',
				(from) => {
					const next = bytes(140_000, 3);
					next.set(from);
					return next;
				},
			],
			['shrinking to one segment', (from) => from.slice(0, 20_000)],
			// Exactly one segment's worth (kept whole in IndexedDB), then growth that leaves its chunks as they are.
			[
				'growth to 512 chunks',
				(from) => {
					const next = bytes(512 * 64, 5);
					next.set(from);
					return next;
				},
			],
			[
				'growth again',
				(from) => {
					const next = bytes(40_000, 4);
					next.set(from);
					return next;
				},
			],
		];
		for (const [what, change] of steps) {
			const next = change(image);
			const following = planSave(next, plan.manifest, null, meta);
			await store.commit(following, plan.manifest.generation, 'relaxed');
			plan = following;
			image = next;
			const loaded = await store.load();
			assert(loaded && sameBytes(loaded.image, image), `${what}: image differs`);
			const manifest = await store.readManifest();
			assert(
				manifest &&
					manifest.chunkCount === Math.ceil(image.length / 64) &&
					manifest.hashes.every((h, i) => h === plan.manifest.hashes[i]) &&
					manifest.written.every((g, i) => g === plan.manifest.written[i]),
				`${what}: the stored manifest differs`,
			);
		}
	},

	async 'saves that log blocks round-trip with checkpoints, growth, shrinking and snapshots'(
		fresh,
	) {
		// 16 KiB chunks (four blocks each) in a whole manifest, and 4 KiB chunks beyond one segment,
		// where a logged save writes no segment and the root carries its chunks' entries.
		for (const [chunkSize, length] of [
			[16_384, 200_000],
			[4096, 600 * 4096],
		] as const) {
			await loggedRoundTrips(await fresh(), chunkSize, length);
		}
	},
};

/** A seeded random sequence of saves told which blocks they wrote; every one loads back exactly. */
async function loggedRoundTrips(
	store: ImageStore,
	chunkSize: number,
	length: number,
): Promise<void> {
	const meta = { ...META, chunkSize, writerId: 'w' };
	let seed = 7;
	const random = () => {
		seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
		return seed / 0x80000000;
	};
	await store.claim('w');
	let image = bytes(length, 1);
	let plan: SavePlan = planSave(image, null, null, meta);
	await store.commit(plan, 0, 'relaxed');
	let logged = 0;
	let checkpoints = 0;
	for (let step = 0; step < 40; step++) {
		const next = image.slice();
		let resized = next;
		const blocks = new Set<number>();
		const roll = random();
		const what =
			roll < 0.08
				? 'growth'
				: roll < 0.12
					? 'shrinking'
					: roll < 0.2
						? 'many blocks'
						: 'few blocks';
		if (what === 'growth') {
			resized = new Uint8Array(next.length + BLOCK_SIZE * (1 + Math.floor(random() * 3)));
			resized.set(next);
			resized.fill(step, next.length);
		} else if (what === 'shrinking') {
			resized = next.slice(0, next.length - BLOCK_SIZE * 2);
		}
		const edits = what === 'many blocks' ? LOG_MAX_BLOCKS + 2 : 1 + Math.floor(random() * 3);
		const blockCount = Math.ceil(resized.length / BLOCK_SIZE);
		for (let i = 0; i < edits; i++) {
			const block = Math.floor(random() * blockCount);
			const at = block * BLOCK_SIZE + Math.floor(random() * (BLOCK_SIZE - 16));
			if (at + 16 > resized.length) continue;
			resized.fill((step * 31 + i) & 0xff, at, at + 16);
			blocks.add(block);
		}
		if (resized.length !== image.length) {
			for (
				let b = Math.floor(Math.min(image.length, resized.length) / BLOCK_SIZE);
				b < blockCount;
				b++
			)
				blocks.add(b);
		}
		const candidates = new Set([...blocks].map((b) => Math.floor((b * BLOCK_SIZE) / chunkSize)));
		const following = planSave(resized, plan.manifest, candidates, { ...meta, blocks });
		await store.commit(following, plan.manifest.generation, 'relaxed');
		if (following.log.length > 0 && following.writes.length === 0) logged++;
		if (following.log.length === 0 && plan.log.length > 0) checkpoints++;
		plan = following;
		image = resized;
		if (random() < 0.15 && store.writeSnapshot) {
			const generation = plan.manifest.generation;
			const { lineage } = plan.manifest;
			const copy = image.slice();
			await store.writeSnapshot(() => ({
				lineage,
				generation,
				chunkSize,
				byteLength: copy.length,
				bytes: copy,
			}));
		}
		const loaded = await store.load();
		assert(loaded && sameBytes(loaded.image, image), `step ${step} (${what}): image differs`);
		const manifest = await store.readManifest();
		assert(
			manifest &&
				manifest.generation === plan.manifest.generation &&
				manifest.hashes.every((h, i) => h === plan.manifest.hashes[i]) &&
				manifest.written.every((g, i) => g === plan.manifest.written[i]) &&
				manifest.logged.join() === plan.manifest.logged.join(),
			`step ${step} (${what}): the stored manifest differs`,
		);
	}
	assert(logged >= 10, `expected many saves to log their blocks, got ${logged}`);
	assert(checkpoints >= 2, `expected checkpoints after logged saves, got ${checkpoints}`);
}
