import { describe, expect, it } from 'vitest';
import {
	assemble,
	chunksNewerThan,
	hashChunk,
	readManifest,
	storedManifest,
	type Manifest,
} from '../../src/worker/core/persistence/chunks';
import { planSave } from '../../src/worker/core/persistence/plan';

const META = { chunkSize: 16, pageSize: 4096, schemaVersion: 1, writerId: 'test', now: 1000 };

function bytes(length: number, seed = 1): Uint8Array {
	return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

function apply(previous: Uint8Array[], plan: ReturnType<typeof planSave>): Uint8Array[] {
	const next = previous.slice(0, plan.deleteFrom);
	for (const write of plan.writes) next[write.index] = write.bytes;
	return next;
}

describe('chunk layout', () => {
	it('splits a first image into every chunk, the last one short', () => {
		const image = bytes(40);
		const plan = planSave(image, null, null, META);
		expect(plan.writes.map((w) => [w.index, w.bytes.length])).toEqual([
			[0, 16],
			[1, 16],
			[2, 8],
		]);
		expect(plan.manifest).toMatchObject({
			generation: 1,
			byteLength: 40,
			chunkCount: 3,
			chunkSize: 16,
		});
		expect(plan.manifest.hashes).toHaveLength(3);
	});

	it('writes only the chunks whose bytes changed when it has to compare everything', () => {
		const first = bytes(64);
		const base = planSave(first, null, null, META);
		const changed = first.slice();
		changed[20] = 0xff - changed[20]!; // chunk 1
		changed[63] = 0xff - changed[63]!; // chunk 3
		const plan = planSave(changed, base.manifest, null, META);
		expect(plan.writes.map((w) => w.index)).toEqual([1, 3]);
		expect(plan.manifest.generation).toBe(2);
	});

	it('trusts a change list, but always writes chunks the file grew into', () => {
		const first = bytes(32);
		const base = planSave(first, null, null, META);
		const grown = new Uint8Array(56);
		grown.set(first);
		grown[3] = 99;
		grown.fill(7, 32);
		const plan = planSave(grown, base.manifest, [0], META);
		expect(plan.writes.map((w) => w.index)).toEqual([0, 2, 3]);
		expect(plan.deleteFrom).toBe(4);
	});

	it('skips a listed chunk whose bytes did not actually change', () => {
		const image = bytes(48);
		const base = planSave(image, null, null, META);
		expect(planSave(image, base.manifest, [0, 1, 2], META).writes).toEqual([]);
	});

	it('deletes chunks past the end when the file shrinks and rewrites the new last chunk', () => {
		const first = bytes(64);
		const base = planSave(first, null, null, META);
		const shrunk = first.slice(0, 40);
		const plan = planSave(shrunk, base.manifest, [], META);
		expect(plan.deleteFrom).toBe(3);
		expect(plan.writes.map((w) => w.index)).toEqual([2]);
		expect(plan.manifest.hashes).toHaveLength(3);
	});

	it('copies each chunk into its own exact-size buffer (a view would make IndexedDB clone the whole file)', () => {
		const image = bytes(64);
		for (const write of planSave(image, null, null, META).writes) {
			expect(write.bytes.buffer).not.toBe(image.buffer);
			expect(write.bytes.byteLength).toBe(write.bytes.buffer.byteLength);
		}
	});

	it('round-trips any sequence of edits through plan, store and assemble', () => {
		let image = bytes(100);
		let plan = planSave(image, null, null, META);
		let stored = apply([], plan);
		let manifest: Manifest = plan.manifest;
		for (let step = 0; step < 50; step++) {
			const length = 1 + ((step * 37) % 150);
			const next = new Uint8Array(length);
			next.set(image.subarray(0, Math.min(length, image.length)));
			next[(step * 13) % length] = step;
			plan = planSave(next, manifest, step % 2 ? null : [((step * 13) % length) >> 4], META);
			stored = apply(stored, plan);
			manifest = plan.manifest;
			image = next;
			expect(assemble(manifest, stored)).toEqual(image);
		}
	});

	it('refuses to assemble damaged, missing or resized chunks', () => {
		const plan = planSave(bytes(40), null, null, META);
		const chunks = plan.writes.map((w) => w.bytes);
		expect(() => assemble(plan.manifest, chunks.slice(0, 2))).toThrow(/expected 3 chunks/);
		const damaged = chunks.map((c) => c.slice());
		damaged[1]![0] = damaged[1]![0]! ^ 1;
		expect(() => assemble(plan.manifest, damaged)).toThrow(/does not match its hash/);
		expect(() => assemble(plan.manifest, [chunks[0]!, chunks[1]!, chunks[2]!.slice(0, 4)])).toThrow(
			/has 4 bytes/,
		);
	});

	it('hashes unaligned views like aligned copies, and tells one flipped bit apart', () => {
		const data = bytes(1001);
		const padded = new Uint8Array(1005);
		padded.set(data, 3);
		expect(hashChunk(padded.subarray(3, 1004))).toBe(hashChunk(data));
		const flipped = data.slice();
		flipped[500] = flipped[500]! ^ 4;
		expect(hashChunk(flipped)).not.toBe(hashChunk(data));
	});

	it('records which generation last wrote each chunk, and keeps the lineage', () => {
		const first = planSave(bytes(40), null, null, META).manifest;
		expect(first.written).toEqual([1, 1, 1]);
		expect(first.lineage).toMatch(/\w{8}-/);
		const changed = bytes(40);
		changed[20] = 0;
		const second = planSave(changed, first, [1], META).manifest;
		expect(second.written).toEqual([1, 2, 1]);
		expect(second.lineage).toBe(first.lineage);
	});

	it('reads manifests stored with typed arrays and those from before `written` and `lineage`', () => {
		const manifest = planSave(bytes(40), null, null, META).manifest;
		expect(readManifest(storedManifest(manifest))).toEqual(manifest);
		const { written: _w, lineage: _l, ...legacy } = { ...manifest, generation: 7 };
		expect(readManifest(legacy)).toMatchObject({ written: [7, 7, 7], lineage: '' });
		expect(readManifest({ ...manifest, hashes: [1] })).toBeNull();
		expect(readManifest({ ...manifest, written: new Uint32Array(5) })).toBeNull();
	});

	it('lists the chunks a snapshot cannot supply: written after it, beyond its end, or none at all', () => {
		const image = bytes(40);
		const manifest = { ...planSave(image, null, null, META).manifest, written: [1, 3, 2] };
		const snapshot = {
			lineage: manifest.lineage,
			generation: 2,
			chunkSize: 16,
			byteLength: 40,
			bytes: image,
		};
		expect(chunksNewerThan({ ...manifest, generation: 3 }, snapshot)).toEqual([1]);
		expect(
			chunksNewerThan({ ...manifest, generation: 3 }, { ...snapshot, byteLength: 20 }),
		).toEqual([1, 2]);
		expect(
			chunksNewerThan({ ...manifest, generation: 3 }, { ...snapshot, lineage: 'x' }),
		).toBeNull();
		expect(chunksNewerThan({ ...manifest, generation: 1 }, snapshot)).toBeNull();
		expect(chunksNewerThan({ ...manifest, lineage: '' }, { ...snapshot, lineage: '' })).toBeNull();
	});
});
