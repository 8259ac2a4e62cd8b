import { describe, expect, it } from 'vitest';
import {
	assemble,
	chunksNewerThan,
	LEGACY_FORMAT,
	MANIFEST_FORMAT,
	readManifest,
	storedManifest,
	type Manifest,
} from '../../src/worker/core/persistence/chunks';
import { planSave } from '../../src/worker/core/persistence/plan';
import { legacyManifest } from '../contract/legacy';
import { weakHashState, weakHashTwin } from './weak-hash';

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

	it('writes every chunk it is told SQLite wrote, changed or not', () => {
		const image = bytes(48);
		const base = planSave(image, null, null, META);
		expect(planSave(image, base.manifest, [0, 2], META).writes.map((w) => w.index)).toEqual([0, 2]);
	});

	it('writes a chunk SQLite wrote although the earlier 32-bit hash calls its bytes unchanged', () => {
		const image = bytes(64);
		const base = planSave(image, null, null, META);
		const near = image.slice();
		near.set(weakHashTwin(image.slice(16, 32), 1, 0xdead), 16);
		expect(weakHashState(near.subarray(16, 32))).toBe(weakHashState(image.subarray(16, 32)));
		const plan = planSave(near, base.manifest, [1], META);
		expect(plan.writes.map((w) => w.index)).toEqual([1]);
		expect(assemble(plan.manifest, apply(apply([], base), plan))).toEqual(near);
	});

	it('comparing everything, tells apart chunks the earlier 32-bit hash confused', () => {
		const image = bytes(64);
		const base = planSave(image, null, null, META);
		const near = image.slice();
		near.set(weakHashTwin(image.slice(32, 48), 0, 0xbeef), 32);
		const plan = planSave(near, base.manifest, null, META);
		expect(plan.writes.map((w) => w.index)).toEqual([2]);
		expect(assemble(plan.manifest, apply(apply([], base), plan))).toEqual(near);
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

	it('reads what an earlier build stored (32-bit hashes), checks chunks with its hash, and rehashes every chunk at the next save', () => {
		const image = bytes(64);
		const base = planSave(image, null, null, META);
		const stored = storedManifest(legacyManifest(base.manifest, image));
		expect(stored.hashes).toBeInstanceOf(Uint32Array);
		const read = readManifest(stored)!;
		expect(read.format).toBe(LEGACY_FORMAT);
		const records = apply([], base);
		expect(assemble(read, records)).toEqual(image);
		const damaged = records.map((r) => r.slice());
		damaged[2]![1]! ^= 1;
		expect(() => assemble(read, damaged)).toThrow(/does not match its hash/);
		// A snapshot is not trusted against 32-bit hashes: the cold open reads the chunk records.
		const snapshot = {
			lineage: read.lineage,
			generation: 1,
			chunkSize: 16,
			byteLength: 64,
			bytes: image,
		};
		expect(chunksNewerThan(read, snapshot)).toBeNull();

		const next = image.slice();
		next[20] = 0;
		const plan = planSave(next, read, [1], META);
		expect(plan.rehashed).toBe(true);
		expect(plan.writes.map((w) => w.index)).toEqual([1]);
		expect(plan.manifest.format).toBe(MANIFEST_FORMAT);
		expect(plan.manifest.written).toEqual([1, 2, 1, 1]);
		expect(assemble(plan.manifest, apply(records, plan))).toEqual(next);
		// Without a change list, a 32-bit hash decides nothing: every chunk is written.
		expect(planSave(image, read, null, META).writes.map((w) => w.index)).toEqual([0, 1, 2, 3]);
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
